"""A realistic synthetic provider register for demonstrations: `portal demo load`.

`load_demo(seed, providers)` fills the database of the current app with a register the 2024
policy can work on, the same for the same seed and size:

- providers of every type in realistic proportions (about 80 % openbare apotheken, exactly two
  preferred internet pharmacies), with Dutch names, real cities and their provinces, addresses,
  postcodes, unique 8-digit AGB codes ("06..." for pharmacies), KvK numbers, AGB start dates,
  collectives, size ranks by (simulated) claims, RIZ contra-indications and the state of their
  improvement agreements;
- raw profile scores 2021-2023 for every provider type that has a profile: each pharmacy its own
  level, each part its own drift, plus a handful of pharmacies that sink: three years in the
  lowest group, a declining part and improvement agreements not kept or refused, so that the
  exclusion ground of Bijlage 2 really excludes someone;
- the agreements they hold (Overeenkomst Farmaceutische zorg ending 31-12-2023 or running to
  31-12-2024, Dieetpreparaten, Stoppen met roken, the spoedzorg addendum of dienstapotheken);
- the insurer's staff (a contract manager, an admin and an advisor who decides consent and
  authorisation requests) and two users for each of five demo organisations (`DEMO_ACCOUNTS`,
  all with the password `DEMO_PASSWORD`);
- the simulation clock at 1 May 2023.

Everything is one transaction (all or nothing), written with bulk inserts. The names, scores
and contracts are invented; contact addresses use the reserved `.example` domain so that no
demo e-mail can reach a real mailbox.
"""
from __future__ import annotations

import math
import random
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Callable

from sqlalchemy import MetaData, func, insert, select

from contracts.exclusion import ground_applies
from contracts.policy import load_policy
from contracts.profile import load_profile_model
from contracts.vocabulary import Contract, ImprovementAgreements, ProviderType

from .extensions import db
from .models import ContractHeld, ProfileScore, Provider, SimulationClock, User
from .operations.shortages import load_demo_products

DEMO_PASSWORD = "demo-wachtwoord"
DEFAULT_SEED = 20230501
DEFAULT_PROVIDERS = 2500
MIN_PROVIDERS = 50
POLICY_YEAR = 2024
PROFILE_YEARS = (2021, 2022, 2023)
TODAY = date(2023, 5, 1)
#: Units of work reported to `progress`: the bar of the CLI runs from 0 to this.
PROGRESS_TOTAL = 100

T = ProviderType
#: Types of which about 2 % have no agreement yet (new providers).
REGULAR_TYPES = (T.OPENBARE_APOTHEEK, T.APOTHEEKHOUDENDE_HUISARTS, T.POLIKLINISCHE_APOTHEEK,
                 T.INTERNETAPOTHEEK, T.HYBRIDE_DIENSTAPOTHEEK, T.ZUIVERE_DIENSTAPOTHEEK)
#: Tables `--reset` never touches: the migration state and the scheduler's job store.
KEPT_TABLES = ("alembic_version",)
KEPT_PREFIXES = ("apscheduler",)

FZ_AFLOPEND_2022 = (date(2022, 1, 1), date(2023, 12, 31))
FZ_AFLOPEND_2023 = (date(2023, 1, 1), date(2023, 12, 31))
FZ_DOORLOPEND = (date(2023, 1, 1), date(2024, 12, 31))  # Zorgovereenkomst FZ 2023-2024


# -- the demo organisations and accounts -------------------------------------------------------

@dataclass(frozen=True)
class DemoOrganisation:
    """A provider every demo register holds, whatever the seed, so the accounts are stable."""

    key: str  # the e-mail domain of its users: <key>.example
    agb: str
    name: str
    provider_type: ProviderType
    city: str
    address: str
    postcode: str
    fz: tuple[date, date]
    extra: tuple[str, ...] = ()  # further contracts, on the same term as the FZ (or their own)
    people: tuple[str, str] = ("", "")  # signatory, employee


DEMO_ORGANISATIONS = (
    DemoOrganisation("apotheek-de-linde", "06100001", "Apotheek De Linde",
                     T.OPENBARE_APOTHEEK, "Utrecht", "Lindelaan 14", "3572 BK", FZ_AFLOPEND_2022,
                     (Contract.DIEETPREPARATEN, Contract.STOPPEN_MET_ROKEN),
                     ("Mw. drs. E. (Eva) van Dijk", "Sanne de Boer")),
    DemoOrganisation("service-apotheek-kerkstraat", "06100002", "Service Apotheek Kerkstraat",
                     T.OPENBARE_APOTHEEK, "Amersfoort", "Kerkstraat 3", "3811 CV", FZ_DOORLOPEND,
                     (Contract.DIEETPREPARATEN,),
                     ("Dhr. R. (Ruben) Smit", "Lotte Vermeulen")),
    DemoOrganisation("receptenpost-internetapotheek", "06100003", "Receptenpost Internetapotheek",
                     T.INTERNETAPOTHEEK_VOORKEUR, "Heerenveen", "Businesspark 12", "8448 CM",
                     FZ_AFLOPEND_2022, (Contract.STOPPEN_MET_ROKEN,),
                     ("Mw. M. (Marloes) Hoekstra", "Jelle Dijkstra")),
    DemoOrganisation("dienstapotheek-regio-utrecht", "06100004", "Dienstapotheek Regio Utrecht",
                     T.ZUIVERE_DIENSTAPOTHEEK, "Utrecht", "Van Swietenlaan 4", "3584 CA",
                     FZ_AFLOPEND_2022, (Contract.SPOEDZORG,),
                     ("Dhr. J. (Johan) Mulder", "Fatima El Amrani")),
    DemoOrganisation("dieetservice-thuis", "47100005", "Dieetservice Thuis B.V.",
                     T.FACILITAIR_BEDRIJF, "Zwolle", "Hanzelaan 220", "8017 JM",
                     FZ_AFLOPEND_2022, (Contract.DIEETPREPARATEN,),
                     ("Dhr. P. (Pieter) Kok", "Anouk Brouwer")),
)

_STAFF = (("manager@vgz.example", "contract_manager", "Karin Verbeek (contractmanager)"),
          ("admin@vgz.example", "admin", "Bas van Leeuwen (beheer)"),
          ("adviseur@vgz.example", "adviseur", "Dr. Noor Hendriks (adviseur farmacie)"))

#: Every demo account: (e-mail, role, AGB code of its organisation or None for VGZ staff).
DEMO_ACCOUNTS: list[tuple[str, str, str | None]] = [
    *((email, role, None) for email, role, _name in _STAFF),
    *((f"{kind}@{o.key}.example", role, o.agb) for o in DEMO_ORGANISATIONS
      for kind, role in (("signatory", "provider_signatory"), ("medewerker", "provider_user"))),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    provider_name: str | None  # None: the insurer's staff
    provider_agb: str | None


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` wrote."""

    seed: int
    providers: int
    by_type: dict[str, int]
    profile_scores: int
    contracts: int
    accounts: tuple[DemoAccount, ...]
    #: AGB codes the exclusion ground of Bijlage 2 applies to, computed through the profile model.
    excluded: tuple[str, ...]
    today: date
    seconds: float = 0.0
    deleted: dict[str, int] = field(default_factory=dict)  # rows removed by reset, per table
    applications: int = 0  # pending applications of new providers


class DemoDataExists(Exception):
    """The database already holds a register; load again only with reset."""

    def __init__(self, providers: int):
        self.providers = providers
        super().__init__(f"the database already holds {providers} providers; "
                         f"use --reset to delete all data and load the demo again")


# -- places ---------------------------------------------------------------------------------

NH, ZH, UT, NB, GE, GR, FL, OV, LI, FR, DR, ZE = (
    "Noord-Holland", "Zuid-Holland", "Utrecht", "Noord-Brabant", "Gelderland", "Groningen",
    "Flevoland", "Overijssel", "Limburg", "Friesland", "Drenthe", "Zeeland")

#: (city, province, inhabitants x 1000, first and last postcode number of the town).
CITIES = (
    ("Amsterdam", NH, 880, 1011, 1109), ("Rotterdam", ZH, 655, 3011, 3089),
    ("Den Haag", ZH, 550, 2491, 2597), ("Utrecht", UT, 360, 3511, 3585),
    ("Eindhoven", NB, 235, 5611, 5658), ("Groningen", GR, 235, 9711, 9747),
    ("Tilburg", NB, 222, 5011, 5049), ("Almere", FL, 215, 1311, 1363),
    ("Breda", NB, 185, 4811, 4839), ("Nijmegen", GE, 180, 6511, 6546),
    ("Apeldoorn", GE, 165, 7311, 7339), ("Arnhem", GE, 165, 6811, 6846),
    ("Haarlem", NH, 162, 2011, 2037), ("Enschede", OV, 160, 7511, 7548),
    ("Amersfoort", UT, 160, 3811, 3829), ("Zaandam", NH, 80, 1501, 1509),
    ("'s-Hertogenbosch", NB, 157, 5211, 5249), ("Zwolle", OV, 130, 8011, 8046),
    ("Leeuwarden", FR, 125, 8911, 8941), ("Zoetermeer", ZH, 126, 2711, 2729),
    ("Leiden", ZH, 125, 2311, 2334), ("Maastricht", LI, 121, 6211, 6229),
    ("Dordrecht", ZH, 120, 3311, 3329), ("Ede", GE, 118, 6711, 6719),
    ("Alphen aan den Rijn", ZH, 113, 2401, 2409), ("Alkmaar", NH, 110, 1811, 1827),
    ("Emmen", DR, 107, 7811, 7833), ("Delft", ZH, 104, 2611, 2629),
    ("Venlo", LI, 102, 5911, 5928), ("Deventer", OV, 101, 7411, 7431),
    ("Hoofddorp", NH, 80, 2131, 2136), ("Sittard", LI, 92, 6131, 6137),
    ("Helmond", NB, 93, 5701, 5709), ("Oss", NB, 93, 5341, 5349),
    ("Amstelveen", NH, 92, 1181, 1189), ("Hilversum", NH, 91, 1211, 1223),
    ("Heerlen", LI, 87, 6411, 6422), ("Spijkenisse", ZH, 85, 3201, 3209),
    ("Hengelo", OV, 81, 7550, 7559), ("Purmerend", NH, 80, 1441, 1448),
    ("Schiedam", ZH, 80, 3111, 3125), ("Lelystad", FL, 78, 8211, 8245),
    ("Roosendaal", NB, 77, 4701, 4709), ("Gouda", ZH, 73, 2801, 2809),
    ("Hoorn", NH, 73, 1621, 1628), ("Vlaardingen", ZH, 74, 3131, 3138),
    ("Almelo", OV, 73, 7601, 7609), ("Assen", DR, 68, 9401, 9409),
    ("Bergen op Zoom", NB, 68, 4611, 4625), ("Capelle aan den IJssel", ZH, 67, 2901, 2909),
    ("Veenendaal", UT, 67, 3901, 3906), ("Katwijk", ZH, 66, 2221, 2225),
    ("Zeist", UT, 66, 3701, 3709), ("Nieuwegein", UT, 63, 3430, 3439),
    ("Barneveld", GE, 60, 3771, 3774), ("Doetinchem", GE, 58, 7001, 7009),
    ("Roermond", LI, 58, 6041, 6045), ("Heerhugowaard", NH, 57, 1701, 1708),
    ("Den Helder", NH, 56, 1781, 1789), ("Oosterhout", NB, 56, 4901, 4909),
    ("Rijswijk", ZH, 56, 2280, 2289), ("Hoogeveen", DR, 55, 7901, 7909),
    ("Terneuzen", ZE, 54, 4531, 4538), ("Kampen", OV, 54, 8261, 8267),
    ("Woerden", UT, 52, 3441, 3449), ("Heerenveen", FR, 51, 8441, 8449),
    ("Houten", UT, 50, 3991, 3998), ("Weert", LI, 50, 6001, 6006),
    ("Middelburg", ZE, 49, 4331, 4339), ("Waalwijk", NB, 49, 5141, 5146),
    ("Harderwijk", GE, 48, 3841, 3849), ("Zutphen", GE, 48, 7201, 7207),
    ("Drachten", FR, 45, 9200, 9206), ("Kerkrade", LI, 45, 6461, 6471),
    ("Veldhoven", NB, 45, 5501, 5509), ("Vlissingen", ZE, 44, 4381, 4389),
    ("Venray", LI, 44, 5801, 5809), ("Nijkerk", GE, 44, 3861, 3864),
    ("Etten-Leur", NB, 44, 4871, 4876), ("Dronten", FL, 42, 8251, 8253),
    ("Tiel", GE, 42, 4001, 4007), ("Uden", NB, 42, 5401, 5406),
    ("Beverwijk", NH, 41, 1940, 1948), ("Leidschendam", ZH, 40, 2261, 2267),
    ("Wageningen", GE, 39, 6701, 6709), ("Goes", ZE, 38, 4461, 4465),
    ("Gorinchem", ZH, 37, 4201, 4206), ("IJmuiden", NH, 35, 1971, 1976),
    ("Sneek", FR, 34, 8601, 8608), ("Meppel", DR, 34, 7941, 7944),
    ("IJsselstein", UT, 34, 3401, 3404), ("Bussum", NH, 33, 1401, 1406),
    ("Stadskanaal", GR, 32, 9501, 9503), ("Oldenzaal", OV, 32, 7571, 7577),
    ("Boxtel", NB, 31, 5281, 5283), ("Rijssen", OV, 30, 7461, 7463),
    ("Culemborg", GE, 29, 4101, 4107), ("Winterswijk", GE, 29, 7101, 7109),
    ("Veendam", GR, 27, 9641, 9648), ("Emmeloord", FL, 27, 8300, 8305),
    ("Delfzijl", GR, 25, 9930, 9936), ("Schagen", NH, 19, 1741, 1742),
    ("Winschoten", GR, 18, 9671, 9675), ("Enkhuizen", NH, 18, 1601, 1602),
    ("Steenwijk", OV, 17, 8331, 8335), ("Harlingen", FR, 16, 8861, 8863),
)

#: Villages where the GP dispenses (no pharmacy nearby): (village, province, postcode number).
VILLAGES = (
    ("Ootmarsum", OV, 7631), ("Vaals", LI, 6291), ("Gulpen", LI, 6271), ("Eijsden", LI, 6245),
    ("Nieuweschans", GR, 9693), ("Appingedam", GR, 9901), ("Uithuizen", GR, 9981),
    ("Zuidhorn", GR, 9801), ("Winsum", GR, 9951), ("Ter Apel", GR, 9561), ("Borger", DR, 9531),
    ("Gieten", DR, 9461), ("Diever", DR, 7981), ("Westerbork", DR, 9431), ("Zuidlaren", DR, 9471),
    ("Dokkum", FR, 9101), ("Franeker", FR, 8801), ("Wolvega", FR, 8471), ("Joure", FR, 8501),
    ("Lemmer", FR, 8531), ("Oosterwolde", FR, 8431), ("Urk", FL, 8321), ("Ommen", OV, 7731),
    ("Hellendoorn", OV, 7447), ("Haaksbergen", OV, 7481), ("Tubbergen", OV, 7651),
    ("Denekamp", OV, 7591), ("Vorden", GE, 7251), ("Lochem", GE, 7241), ("Eibergen", GE, 7151),
    ("Aalten", GE, 7121), ("Groenlo", GE, 7141), ("Putten", GE, 3881), ("Elburg", GE, 8081),
    ("Hattem", GE, 8051), ("Zaltbommel", GE, 5301), ("Druten", GE, 6651), ("Gennep", LI, 6591),
    ("Gemert", NB, 5421), ("Bergeijk", NB, 5571), ("Reusel", NB, 5541), ("Oirschot", NB, 5688),
    ("Sint-Oedenrode", NB, 5491), ("Cuijk", NB, 5431), ("Boxmeer", NB, 5831), ("Made", NB, 4921),
    ("Zierikzee", ZE, 4301), ("Sluis", ZE, 4524), ("Oostburg", ZE, 4501), ("Axel", ZE, 4571),
    ("Hulst", ZE, 4561), ("Brouwershaven", ZE, 4318), ("Middelharnis", ZH, 3241),
    ("Oud-Beijerland", ZH, 3261), ("Den Burg", NH, 1791), ("Wieringerwerf", NH, 1771),
    ("Medemblik", NH, 1671), ("Andijk", NH, 1619), ("Renswoude", UT, 3927),
    ("Woudenberg", UT, 3931), ("Eemnes", UT, 3755), ("Wijk bij Duurstede", UT, 3961),
)

STREETS = (
    "Kerkstraat", "Dorpsstraat", "Hoofdstraat", "Molenweg", "Stationsweg", "Schoolstraat",
    "Julianastraat", "Wilhelminastraat", "Beatrixlaan", "Marktplein", "Nieuwstraat",
    "Raadhuisplein", "Emmastraat", "Oranjestraat", "Lindelaan", "Eikenlaan", "Kastanjelaan",
    "Prins Bernhardlaan", "Burgemeester de Withstraat", "Koningin Julianaplein", "Brink",
    "Voorstraat", "Achterweg", "Singel", "Havenstraat", "Zuidwal", "Noordsingel", "Parkweg",
    "Rembrandtlaan", "Vondelstraat", "Prinsengracht", "Willem de Zwijgerlaan", "Meidoornlaan",
    "Gezondheidsplein", "Dokter Schaepmanstraat", "Wethouder Brouwerstraat", "Torenstraat",
    "Grote Markt", "Kleine Markt", "Veldweg", "Beukenlaan", "Populierenlaan", "Zonnebloemstraat",
    "Sportlaan", "Spoorstraat", "Industrieweg", "Hendrik Kraemerstraat", "Jan Steenstraat",
    "Churchilllaan", "Europaplein", "Winkelcentrum De Bogaard", "Winkelhof", "Kruisstraat",
)

NATURE = (
    "De Linde", "De Eik", "De Esch", "Het Anker", "De Brug", "De Molen", "De Vaart", "De Zwaan",
    "De Gaper", "Het Kruispunt", "De Roos", "De Lelie", "De Kroon", "De Poort", "Het Baken",
    "De Beuk", "De Wilg", "De Kastanje", "De Hoeksteen", "Het Hofje", "De Vijver", "De Boog",
    "De Ster", "De Zon", "De Regenboog", "Het Zand", "De Dijk", "De Meander", "De Akker",
    "De Bongerd", "De Hoven", "De Korenbloem", "De Heide", "Het Wapen", "De Oude Gracht",
)

DISTRICTS = ("Centrum", "Noord", "Oost", "Zuid", "West", "Binnenstad")

SURNAMES = (
    "De Jong", "Jansen", "De Vries", "Van den Berg", "Van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "De Boer", "Mulder", "De Groot", "Bos", "Vos", "Peters", "Hendriks",
    "Van Leeuwen", "Dekker", "Brouwer", "De Wit", "Dijkstra", "Smits", "De Graaf", "Van der Meer",
    "Van der Linden", "Kok", "Jacobs", "De Haan", "Vermeulen", "Van den Heuvel", "Van der Veen",
    "Van den Broek", "De Bruijn", "De Bruin", "Van der Heijden", "Schouten", "Van Beek",
    "Willems", "Van Vliet", "Van de Ven", "Hoekstra", "Maas", "Verhoeven", "Koster",
    "Van Dam", "Van der Wal", "Prins", "Blom", "Huisman", "Postma", "Kuipers", "Veenstra",
)

INTERNET_FIRST = ("Recept", "Medi", "Zorg", "Pillen", "Kuur", "Vita", "Herhaal", "Thuis")
INTERNET_LAST = ("post", "direct", "online", "bezorg", "net", "express", "box", "lijn")

UNIQUE_SUPPLIERS = (
    "Landelijke Apotheek Zeldzame Aandoeningen", "Apotheek Weesgeneesmiddelen Nederland",
    "Specialistische Thuisapotheek Nederland", "Landelijke Apotheek Stollingsmiddelen",
    "Nationale Apotheek Bereidingen op Maat", "Apotheek Voedingsvoorzieningen Nederland",
    "Landelijke Apotheek Infuustherapie Thuis", "Centrale Apotheek Medische Voeding",
    "Landelijke Apotheek Stomazorg", "Apotheek Immunotherapie Nederland",
)

FACILITY_COMPANIES = (
    "Sondevoeding Thuis B.V.", "NutriZorg Facilitair B.V.", "VoedingsZorg Logistiek B.V.",
    "Dieetpreparaten Service Nederland B.V.", "Medische Voeding Direct B.V.",
    "Voeding aan Huis Facilitair B.V.", "Klinische Voeding Thuis B.V.", "DieetLijn B.V.",
    "Thuisvoeding Noord B.V.", "Thuisvoeding Zuid B.V.", "Enterale Zorg Nederland B.V.",
    "Nutricare Logistiek B.V.", "Zorgvoeding Oost B.V.", "VoedingsPunt B.V.",
    "Dieetzorg Randstad B.V.", "Medivoeding B.V.",
)

COLLECTIVES = {
    GR: "Coöperatie Apothekers Noord", FR: "Coöperatie Apothekers Noord",
    DR: "Coöperatie Apothekers Noord", OV: "Coöperatie Apothekers Oost",
    GE: "Coöperatie Apothekers Oost", NH: "Apothekerscoöperatie Randstad",
    ZH: "Apothekerscoöperatie Randstad", UT: "Apothekerscoöperatie Randstad",
    FL: "Apothekerscoöperatie Randstad", NB: "Coöperatie Apothekers Zuid",
    LI: "Coöperatie Apothekers Zuid", ZE: "Coöperatie Apothekers Zuid",
}
NATIONAL_COLLECTIVE = "Stichting Samenwerkende Zelfstandige Apothekers"
GP_COLLECTIVE = "Coöperatie Apotheekhoudende Huisartsen Nederland"

POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"

#: Per type: shift of the mean raw score per part (kwaliteit, klantbeleving, kosten) and the
#: scale of the simulated 2023 claims (the size rank follows from it).
TYPE_PROFILE = {
    T.OPENBARE_APOTHEEK: ((0, 0, 0), 1.0),
    T.APOTHEEKHOUDENDE_HUISARTS: ((-3, 6, -2), 0.3),
    T.POLIKLINISCHE_APOTHEEK: ((2, -2, -4), 0.6),
    T.INTERNETAPOTHEEK: ((-4, -6, 8), 2.0),
    T.INTERNETAPOTHEEK_VOORKEUR: ((0, -2, 10), 12.0),
    T.HYBRIDE_DIENSTAPOTHEEK: ((1, -1, -1), 1.3),
    T.ZUIVERE_DIENSTAPOTHEEK: ((0, 0, 0), 0.2),
    T.UNIEKE_LEVERANCIER: ((0, 0, 0), 0.5),
    T.FACILITAIR_BEDRIJF: ((0, 0, 0), 1.0),
}
PART_MEANS = {"kwaliteit": 68.0, "klantbeleving": 72.0, "kosten": 62.0}


# -- the plan: how many of what -------------------------------------------------------------

def type_counts(providers: int) -> dict[ProviderType, int]:
    """How many providers of each type a register of `providers` holds (the demo
    organisations included): about 80 % openbare apotheken, exactly two preferred internet
    pharmacies, a few unique suppliers and facility companies."""
    if providers < MIN_PROVIDERS:
        raise ValueError(f"providers: at least {MIN_PROVIDERS}, not {providers}")
    scale = providers / DEFAULT_PROVIDERS
    counts = {
        T.APOTHEEKHOUDENDE_HUISARTS: max(1, round(0.08 * providers)),
        T.POLIKLINISCHE_APOTHEEK: max(1, round(0.03 * providers)),
        T.INTERNETAPOTHEEK: max(1, round(0.01 * providers)),
        T.INTERNETAPOTHEEK_VOORKEUR: 2,
        T.ZUIVERE_DIENSTAPOTHEEK: max(1, round(0.015 * providers)),
        T.HYBRIDE_DIENSTAPOTHEEK: max(1, round(0.02 * providers)),
        T.UNIEKE_LEVERANCIER: max(1, min(len(UNIQUE_SUPPLIERS), round(8 * scale))),
        T.FACILITAIR_BEDRIJF: max(4, min(len(FACILITY_COMPANIES), round(12 * scale))),
    }
    counts[T.OPENBARE_APOTHEEK] = providers - sum(counts.values())
    return {t: counts[t] for t in ProviderType}


# -- generation -----------------------------------------------------------------------------

def slugify(text: str) -> str:
    """ASCII, lower case, words joined by hyphens: "Coöperatie 't Hofje" -> "cooperatie-t-hofje"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class _Register:
    """The generated register, before it is written: provider rows, and per AGB code the
    agreements held and the simulated claims."""

    def __init__(self, rng: random.Random, providers: int):
        self.rng = rng
        self.counts = type_counts(providers)
        self.rows: list[dict] = []
        self.contracts: dict[str, list[tuple[str, date, date]]] = {}
        self.claims: dict[str, float] = {}
        self.sinking: list[str] = []  # the pharmacies that sink into the exclusion ground
        self._agbs: set[str] = {o.agb for o in DEMO_ORGANISATIONS}
        self._kvks: set[str] = set()
        self._names: set[str] = {o.name for o in DEMO_ORGANISATIONS}
        self._city_weights = [c[2] for c in CITIES]

    # unique identifiers

    def agb(self, provider_type: ProviderType) -> str:
        while True:
            if provider_type is T.APOTHEEKHOUDENDE_HUISARTS:
                code = f"01{self.rng.randrange(10**6):06d}"  # the GP's practice code
            elif provider_type is T.FACILITAIR_BEDRIJF:
                code = f"{self.rng.randrange(20_000_000, 100_000_000)}"
            else:
                code = f"06{self.rng.randrange(10**6):06d}"
            if code not in self._agbs:
                self._agbs.add(code)
                return code

    def kvk(self) -> str:
        while True:
            number = f"{self.rng.randrange(10_000_000, 100_000_000)}"
            if number not in self._kvks:
                self._kvks.add(number)
                return number

    def unique_name(self, name: str, city: str, street: str) -> str:
        """The name, or where another provider has it already the name with the city, then
        with the street: "Apotheek De Linde Zwolle", "Apotheek Zwolle-Zuid, Kerkstraat"."""
        with_city = name if city in name else f"{name} {city}"
        candidates = [name, with_city] + ([f"{with_city}, {street}"] if street else [])
        n = 2
        while True:
            for candidate in candidates:
                if candidate not in self._names:
                    self._names.add(candidate)
                    return candidate
            candidates, n = [f"{with_city} {n}"], n + 1

    # places

    def city(self) -> tuple[str, str, str]:
        """A city by population, with a postcode of that city: (city, province, postcode)."""
        city, province, _size, first, last = self.rng.choices(CITIES, self._city_weights)[0]
        return city, province, self.postcode(self.rng.randint(first, last))

    def village(self) -> tuple[str, str, str]:
        village, province, number = self.rng.choice(VILLAGES)
        return village, province, self.postcode(number + self.rng.randint(0, 3))

    def postcode(self, number: int) -> str:
        while True:
            letters = "".join(self.rng.choice(POSTCODE_LETTERS) for _ in range(2))
            if letters not in ("SA", "SD", "SS"):
                return f"{number:04d} {letters}"

    def street(self) -> tuple[str, str]:
        street = self.rng.choice(STREETS)
        number = str(self.rng.randint(1, 240))
        if self.rng.random() < 0.08:
            number += self.rng.choice("abc")
        return street, f"{street} {number}"

    def agb_start(self) -> date:
        """Most AGB codes are years old."""
        return date(1975, 1, 1) + timedelta(days=self.rng.randrange((date(2021, 12, 31)
                                                                      - date(1975, 1, 1)).days))

    # names

    def pharmacy_name(self, city: str, street: str) -> str:
        r, rng = self.rng.random(), self.rng
        nature = rng.choice(NATURE)
        if r < 0.22:
            name = f"Apotheek {nature}"
        elif r < 0.34:
            name = f"Apotheek {city}-{rng.choice(DISTRICTS)}"
        elif r < 0.46:
            name = f"Service Apotheek {rng.choice((street, nature))}"
        elif r < 0.56:
            name = f"BENU Apotheek {rng.choice((nature, street))}"
        elif r < 0.64:
            name = f"Alphega Apotheek {nature}"
        elif r < 0.71:
            name = f"Kring-apotheek {nature}"
        elif r < 0.76:
            name = f"Mediq Apotheek {city}-{rng.choice(DISTRICTS)}"
        elif r < 0.83:
            name = f"Apotheek {street}"
        elif r < 0.90:
            name = f"Gezondheidscentrum {nature} Apotheek"
        elif r < 0.98:
            name = f"Apotheek {rng.choice(SURNAMES)}"
        else:
            name = f"Stadsapotheek {city}"
        return self.unique_name(name, city, street)

    # the providers

    def add(self, provider_type: ProviderType, *, agb: str | None = None,
            name: str | None = None, place: tuple[str, str, str] | None = None,
            address: str | None = None, fz: tuple[date, date] | None | str = "draw",
            extra: tuple[str, ...] = (), agb_start: date | None = None) -> dict:
        rng = self.rng
        city, province, postcode = place or (self.village() if provider_type is
                                             T.APOTHEEKHOUDENDE_HUISARTS else self.city())
        street, street_address = self.street()
        name = name or self.name_for(provider_type, city, street)
        agb = agb or self.agb(provider_type)
        row = {
            "agb": agb, "name": name, "provider_type": provider_type.value,
            "address": address or street_address, "postcode": postcode, "city": city,
            "region": province, "kvk": self.kvk(),
            "agb_start": agb_start or self.agb_start(),
            "contact_email": f"info@{slugify(name)}.example",
            "collective": self.collective(provider_type, province),
            "size_rank": None, "riz_contra_indication": False,
            "improvement_agreements": ImprovementAgreements.GEEN.value,
        }
        self.rows.append(row)
        scale = TYPE_PROFILE[provider_type][1]
        self.claims[agb] = scale * math.exp(rng.gauss(0, 0.45)) * 55_000
        self.contracts[agb] = self.contracts_for(provider_type, fz, extra)
        return row

    def name_for(self, provider_type: ProviderType, city: str, street: str) -> str:
        rng = self.rng
        if provider_type is T.OPENBARE_APOTHEEK:
            return self.pharmacy_name(city, street)
        if provider_type is T.APOTHEEKHOUDENDE_HUISARTS:
            name = rng.choice((f"Apotheekhoudende praktijk Dr. {rng.choice(SURNAMES)}",
                               f"Huisartsenpraktijk {city} (apotheekhoudend)",
                               f"Apotheekhoudende huisartsen {rng.choice(SURNAMES)} & "
                               f"{rng.choice(SURNAMES)}"))
        elif provider_type is T.POLIKLINISCHE_APOTHEEK:
            name = rng.choice((f"Poliklinische Apotheek Ziekenhuis {city}",
                               f"Poliklinische Apotheek Medisch Centrum {city}",
                               f"Poliklinische Apotheek {city}-{rng.choice(DISTRICTS)}"))
        elif provider_type in (T.INTERNETAPOTHEEK, T.INTERNETAPOTHEEK_VOORKEUR):
            name = (f"{rng.choice(INTERNET_FIRST)}{rng.choice(INTERNET_LAST)} "
                    f"{rng.choice(('Internetapotheek', 'Online Apotheek', 'Apotheek'))}")
        elif provider_type is T.ZUIVERE_DIENSTAPOTHEEK:
            name = rng.choice((f"Dienstapotheek Regio {city}", f"Dienstapotheek {city} e.o.",
                               f"Avond- en weekendapotheek {city}"))
        elif provider_type is T.HYBRIDE_DIENSTAPOTHEEK:
            name = rng.choice((f"Stadsapotheek {city} (ook dienstapotheek)",
                               f"Apotheek {rng.choice(NATURE)} & Dienstapotheek {city}",
                               f"Apotheek {city}-{rng.choice(DISTRICTS)} met avond- en weekenddienst"))
        else:
            raise AssertionError(provider_type)  # unique suppliers and facilities are named apart
        return self.unique_name(name, city, street)

    def collective(self, provider_type: ProviderType, province: str) -> str | None:
        r = self.rng.random()
        if provider_type is T.APOTHEEKHOUDENDE_HUISARTS:
            return GP_COLLECTIVE if r < 0.35 else None
        if provider_type in (T.OPENBARE_APOTHEEK, T.POLIKLINISCHE_APOTHEEK,
                             T.HYBRIDE_DIENSTAPOTHEEK):
            if r < 0.24:
                return COLLECTIVES[province]
            if r < 0.30:
                return NATIONAL_COLLECTIVE
        return None

    def contracts_for(self, provider_type: ProviderType, fz, extra) -> list[tuple[str, date, date]]:
        """The agreements a provider holds; `fz` "draw" draws them, None means no contract."""
        rng = self.rng
        if fz == "draw":
            if provider_type is T.FACILITAIR_BEDRIJF:
                term = self.term()
                return [(Contract.DIEETPREPARATEN.value, *term)]
            if provider_type in REGULAR_TYPES and rng.random() < 0.02:
                return []  # a new provider: no agreement yet
            fz = self.term()
            extra = []
            if provider_type in (T.ZUIVERE_DIENSTAPOTHEEK, T.HYBRIDE_DIENSTAPOTHEEK):
                extra.append(Contract.SPOEDZORG.value)
            if provider_type not in (T.ZUIVERE_DIENSTAPOTHEEK, T.UNIEKE_LEVERANCIER) \
                    and rng.random() < 0.55:
                extra.append(("dieet", Contract.DIEETPREPARATEN.value))
            if rng.random() < 0.40:
                extra.append(("smr", Contract.STOPPEN_MET_ROKEN.value))
        if fz is None:
            return []
        held = []
        if provider_type is not T.FACILITAIR_BEDRIJF:
            held.append((Contract.FARMACEUTISCHE_ZORG.value, *fz))
        for item in extra:
            if isinstance(item, tuple):  # a side agreement with a term of its own
                held.append((item[1], *self.term()))
            else:  # an addendum or an agreement on the same term
                held.append((str(item), *fz))
        return held

    def term(self) -> tuple[date, date]:
        """About 55 % end on 31-12-2023 (started 2022 or 2023), the rest run to 31-12-2024."""
        r = self.rng.random()
        if r < 0.40:
            return FZ_AFLOPEND_2022
        if r < 0.55:
            return FZ_AFLOPEND_2023
        return FZ_DOORLOPEND


def _generate(seed: int, providers: int) -> _Register:
    reg = _Register(random.Random(seed), providers)
    counts = dict(reg.counts)
    cities = {c[0]: c for c in CITIES}
    for o in DEMO_ORGANISATIONS:
        _name, province, *_ = cities[o.city]
        reg.add(o.provider_type, agb=o.agb, name=o.name, place=(o.city, province, o.postcode),
                address=o.address, fz=o.fz, extra=o.extra, agb_start=date(2004, 3, 1))
        counts[o.provider_type] -= 1
    for provider_type in (T.OPENBARE_APOTHEEK, T.APOTHEEKHOUDENDE_HUISARTS,
                          T.POLIKLINISCHE_APOTHEEK, T.INTERNETAPOTHEEK,
                          T.INTERNETAPOTHEEK_VOORKEUR, T.ZUIVERE_DIENSTAPOTHEEK,
                          T.HYBRIDE_DIENSTAPOTHEEK):
        for _ in range(counts[provider_type]):
            fz = "draw"
            if provider_type is T.INTERNETAPOTHEEK_VOORKEUR:
                fz = reg.term()  # both preferred internet pharmacies are contracted
            reg.add(provider_type, fz=fz,
                    extra=(Contract.STOPPEN_MET_ROKEN,) if fz != "draw" else ())
    for name in UNIQUE_SUPPLIERS[:counts[T.UNIEKE_LEVERANCIER]]:
        reg.add(T.UNIEKE_LEVERANCIER, name=reg.unique_name(name, "", ""), fz=reg.term())
    taken = {o.name for o in DEMO_ORGANISATIONS}
    facilities = [n for n in FACILITY_COMPANIES if n not in taken][:counts[T.FACILITAIR_BEDRIJF]]
    for i, name in enumerate(facilities):
        if i < 2:  # new, starting companies: AGB code from 2024, no agreement (the dietary rule)
            reg.add(T.FACILITAIR_BEDRIJF, name=reg.unique_name(name, "", ""), fz=None,
                    agb_start=date(2024, 1, 1) + timedelta(days=31 * i))
        else:
            reg.add(T.FACILITAIR_BEDRIJF, name=reg.unique_name(name, "", ""))
    _rank(reg)
    _riz(reg)
    return reg


def _rank(reg: _Register) -> None:
    """Size ranks by (simulated) 2023 claims, 1 = largest: among facility companies, and among
    all the others (the stop-smoking rule ranks across pharmacies). Companies that start in
    2024 have no claims and come last."""
    facility = [r for r in reg.rows if r["provider_type"] == T.FACILITAIR_BEDRIJF]
    others = [r for r in reg.rows if r["provider_type"] != T.FACILITAIR_BEDRIJF]
    for group in (facility, others):
        def claims(row):
            return 0.0 if row["agb_start"] >= date(2024, 1, 1) else reg.claims[row["agb"]]
        for rank, row in enumerate(sorted(group, key=lambda r: (-claims(r), r["agb"])), 1):
            row["size_rank"] = rank


def _riz(reg: _Register) -> None:
    """About 0.2 % of the pharmacies get a contra-indication from the RIZ check (never a demo
    organisation)."""
    demo = {o.agb for o in DEMO_ORGANISATIONS}
    pool = [r for r in reg.rows if r["provider_type"] == T.OPENBARE_APOTHEEK and r["agb"] not in demo]
    for row in reg.rng.sample(pool, max(1, round(0.002 * len(reg.rows)))):
        row["riz_contra_indication"] = True


# -- profile scores -------------------------------------------------------------------------

def _scores(reg: _Register, model) -> dict[int, dict[str, dict[str, float]]]:
    """Raw scores per year per AGB code for every provider with a profile.

    Each pharmacy has its own level (shared by its parts), a deviation and a drift per part, and
    noise per year. A handful of contracted pharmacies (about one in 400) sink: at the bottom of
    every part, and one part that was in the second-lowest band in the first year falls to the
    lowest band, so that they are three years in the lowest group with a declining part. Their
    scores are placed by the percentiles of the others' scores, so the bands hold whatever the
    seed.
    """
    rng = reg.rng
    parts = model.component_ids()
    profiled = [r for r in reg.rows if model.applies_to(ProviderType(r["provider_type"]))]
    demo = {o.agb for o in DEMO_ORGANISATIONS}
    candidates = [r for r in profiled
                  if r["provider_type"] in (T.OPENBARE_APOTHEEK, T.APOTHEEKHOUDENDE_HUISARTS)
                  and r["agb"] not in demo and not r["riz_contra_indication"]
                  and reg.contracts[r["agb"]]]
    sinking = rng.sample(candidates, max(1, round(len(profiled) / 400)))
    reg.sinking = [r["agb"] for r in sinking]
    sinking_agbs = set(reg.sinking)
    raw: dict[int, dict[str, dict[str, float]]] = {year: {} for year in PROFILE_YEARS}
    for row in profiled:
        agb = row["agb"]
        if agb in sinking_agbs:
            continue
        shift = dict(zip(parts, TYPE_PROFILE[ProviderType(row["provider_type"])][0]))
        mean = {p: PART_MEANS.get(p, 65.0) + shift.get(p, 0) for p in parts}
        level = rng.gauss(0, 1)
        deviation = {p: rng.gauss(0, 1) for p in parts}
        drift = {p: rng.gauss(0, 2.5) for p in parts}
        for year in PROFILE_YEARS:
            t = year - 2022
            raw[year][agb] = {p: _clip(mean[p] + 8 * level + 5 * deviation[p] + drift[p] * t
                                       + rng.gauss(0, 3)) for p in parts}

    ordered = {(year, p): sorted(s[p] for s in raw[year].values())
               for year in PROFILE_YEARS for p in parts}

    def percentile(year: int, part: str, share: float) -> float:
        values = ordered[(year, part)]
        return values[int(share * len(values))]

    # The falling part: a light part (fewest points per band), so that the first year's total
    # stays among the lowest.
    light = sorted(parts, key=lambda p: model.component(p).max_points)
    light = [p for p in light if model.component(p).max_points == model.component(light[0]).max_points]
    falling_share = {PROFILE_YEARS[0]: 0.15, PROFILE_YEARS[1]: 0.05, PROFILE_YEARS[2]: 0.02}
    for row in sinking:
        agb = row["agb"]
        falling = rng.choice(light)
        # their agreement ends this year: the exclusion ground decides on a new one
        reg.contracts[agb] = [(c, *(FZ_AFLOPEND_2022 if c == Contract.FARMACEUTISCHE_ZORG
                                    else (s, e))) for c, s, e in reg.contracts[agb]]
        for year in PROFILE_YEARS:
            raw[year][agb] = {
                p: _clip(percentile(year, p, falling_share[year]) if p == falling
                         else percentile(year, p, 0.03) - rng.uniform(0.5, 4.0))
                for p in parts}
    return raw


def _clip(score: float) -> float:
    return round(min(99.0, max(1.0, score)), 1)


def _agreements(reg: _Register, history) -> None:
    """The state of the improvement agreements, which follow the profile: agreements are made
    with pharmacies in the lowest group; most keep them, some do not or refuse. The sinking
    pharmacies did not keep them or refused."""
    rng = reg.rng
    sinking = set(reg.sinking)
    for row in reg.rows:
        agb = row["agb"]
        if not history.of(agb):  # no profile
            continue
        lowest = history.lowest_group_years(agb)
        if agb in sinking:
            state = rng.choice(("niet_nagekomen", "niet_nagekomen", "geweigerd"))
        elif 2023 in lowest or 2022 in lowest:
            state = rng.choices(("nagekomen", "niet_nagekomen", "geweigerd", "geen"),
                                (0.70, 0.15, 0.05, 0.10))[0]
        elif lowest:
            state = "nagekomen" if rng.random() < 0.8 else "geen"
        else:
            state = "nagekomen" if rng.random() < 0.015 else "geen"
        row["improvement_agreements"] = state


def excluded_by_bijlage2(history, rows, policy_year: int = POLICY_YEAR) -> tuple[str, ...]:
    """The AGB codes the exclusion ground of Bijlage 2 applies to, through the profile model."""
    ground = next(g for g in load_policy(policy_year).exclusion_grounds.values()
                  if g.contract == Contract.FARMACEUTISCHE_ZORG)
    excluded = []
    for row in rows:
        agb = row["agb"]
        if row["provider_type"] not in ground.provider_types or not history.of(agb):
            continue
        if len(history.lowest_group_years(agb)) < ground.consecutive_lowest_years:
            continue
        facts = history.facts(agb, ImprovementAgreements(row["improvement_agreements"]))
        if ground_applies(ground, facts, policy_year)[0]:
            excluded.append(agb)
    return tuple(excluded)


# -- writing --------------------------------------------------------------------------------

def delete_all_data() -> dict[str, int]:
    """Delete the rows of every table of the database (children first), but the migration state
    and the scheduler's job store. Tables are read from the database itself, so tables that
    other parts of the portal add are emptied too."""
    metadata = MetaData()
    metadata.reflect(bind=db.session.connection())
    deleted = {}
    for table in reversed(metadata.sorted_tables):
        if table.name in KEPT_TABLES or table.name.startswith(KEPT_PREFIXES):
            continue
        deleted[table.name] = db.session.execute(table.delete()).rowcount
    return deleted


def _bulk(model):
    """An ORM bulk insert that keeps None values, so all rows go in one executemany (without
    `render_nulls` every pattern of None columns would be a batch of its own)."""
    return insert(model).execution_options(render_nulls=True)


def provider_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Provider))


def load_demo(seed: int = DEFAULT_SEED, providers: int = DEFAULT_PROVIDERS,
              progress: Callable[[int], None] | None = None, *, reset: bool = False,
              applications: bool = True) -> DemoSummary:
    """Load the demo register into the current app's database and commit, all or nothing.

    Raises DemoDataExists if there are providers already, unless `reset` (which first deletes
    the rows of every table). `progress(n)` is called with units of work done, PROGRESS_TOTAL in
    all. ValueError if `providers` is below MIN_PROVIDERS. `applications`: a few applications
    received in the weeks before the load date (`make demo` leaves them to `stage_story`, which
    has them come in shortly before the date the demo is shown at).
    """
    started = time.perf_counter()
    step = progress or (lambda n: None)
    type_counts(providers)  # checks the size before anything is touched
    try:
        deleted = {}
        if reset:
            deleted = delete_all_data()
        else:
            existing = provider_count()
            if existing:
                raise DemoDataExists(existing)
        step(5)

        reg = _generate(seed, providers)
        step(15)
        model = load_profile_model(POLICY_YEAR)
        raw = _scores(reg, model)
        history = model.score_years(raw)
        _agreements(reg, history)
        excluded = excluded_by_bijlage2(history, reg.rows)
        step(20)

        db.session.execute(_bulk(Provider), reg.rows)
        ids = {agb: id_ for agb, id_ in db.session.execute(select(Provider.agb, Provider.id))}
        step(20)

        score_rows = [{"provider_id": ids[agb], "year": year, **parts}
                      for year in PROFILE_YEARS for agb, parts in raw[year].items()]
        db.session.execute(_bulk(ProfileScore), score_rows)
        step(15)

        contract_rows = [{"provider_id": ids[agb], "contract": contract, "start": start, "end": end}
                         for agb, held in reg.contracts.items() for contract, start, end in held]
        db.session.execute(_bulk(ContractHeld), contract_rows)
        step(10)

        accounts = _accounts(ids, {r["agb"]: r["name"] for r in reg.rows})
        step(10)
        db.session.execute(_bulk(SimulationClock), [{"id": 1, "today": TODAY}])  # the one row
        applications = _pending_applications(seed, TODAY) if applications else 0
        load_demo_products()  # the medicines of the shortages register and the preference file
        db.session.commit()
        step(5)
    except BaseException:
        db.session.rollback()
        raise
    by_type = {t.value: 0 for t in ProviderType}
    for row in reg.rows:
        by_type[row["provider_type"]] += 1
    return DemoSummary(seed=seed, providers=len(reg.rows), by_type=by_type,
                       profile_scores=len(score_rows), contracts=len(contract_rows),
                       accounts=accounts, excluded=excluded, today=TODAY,
                       seconds=time.perf_counter() - started, deleted=deleted,
                       applications=applications)


#: New providers that applied for a contract and wait for an answer (due one month after
#: receipt), with how many days before the day they are staged for each one came in.
_APPLICANTS = (
    ("Apotheek Het Nieuwe Plein", "openbare_apotheek", "Almere", "Flevoland", ["farmaceutische_zorg"],
     27, {"bereikbaarheid": "In de nieuwe wijk Duin is geen apotheek binnen 4 km.",
          "meer_keuze": "Tweede apotheek in een groeiende kern met 12.000 inwoners."}),
    ("Apotheekhoudende praktijk De Wadden", "apotheekhoudende_huisarts", "Hollum", "Friesland",
     ["farmaceutische_zorg"], 19,
     {"bereikbaarheid": "Overname van de praktijk op Ameland; de vorige houder stopt."}),
    ("Zorgapotheek Online", "internetapotheek", "Eindhoven", "Noord-Brabant",
     ["farmaceutische_zorg", "dieetpreparaten"], 11,
     {"onderscheidend": "Bezorging binnen 24 uur en video-instructie bij inhalatoren."}),
    ("Dieetvoeding Start B.V.", "facilitair_bedrijf", "Nijmegen", "Gelderland", ["dieetpreparaten"],
     5, {"effectievere_zorg": "Startend bedrijf, AGB-code per 1 januari 2024."}),
    ("Dienstapotheek Westland", "zuivere_dienstapotheek", "Naaldwijk", "Zuid-Holland",
     ["farmaceutische_zorg"], 3,
     {"bereikbaarheid": "ANZ-dekking in het Westland ontbreekt na sluiting van de huidige post."}),
)


def applicant_agb(n: int, kind: str) -> str:
    return f"{'47' if kind == 'facilitair_bedrijf' else '06'}9{n:05d}"


def _pending_applications(seed: int, day: date) -> int:
    """The applicants' applications, each received some days before `day` and so still within
    the answer term on it, through the same operation as the form, on the simulated clock of
    its day (put back to `day` after). An applicant that applied already is left as it is."""
    from .models import Application
    from .operations import clock
    from .operations.applications import submit_application
    from .operations.audit import Actor
    rng = random.Random(seed + 7)
    applied = set(db.session.scalars(select(Application.agb)))
    submitted = 0
    for n, (name, kind, city, _region, contracts, days_before, motivations) in enumerate(_APPLICANTS):
        agb, kvk = applicant_agb(n, kind), f"{rng.randint(10_000_000, 99_999_999)}"
        if agb in applied:
            continue
        received = day - timedelta(days=days_before)
        clock.set_today(received, Actor("demo", "system"), record=False)
        submit_application({
            "organisation": name, "agb": agb, "kvk": kvk,
            "provider_type": kind, "address": f"Marktplein {n + 1}", "postcode": f"{1300 + 97 * n} AB",
            "city": city, "agb_start": date(2024, 1, 1) if kind == "facilitair_bedrijf" else date(2023, 3, 1),
            "contact_email": f"info@{agb}.example", "contracts": contracts,
            "start_date": date(2024, 1, 1), "motivations": motivations}, [],
            received_on=received)
        submitted += 1
    clock.set_today(day, Actor("demo", "system"), record=False)
    return submitted


def _accounts(ids: dict[str, int], names: dict[str, str]) -> tuple[DemoAccount, ...]:
    """The insurer's staff and two users per demo organisation. They share the demo password,
    so it is hashed once (a strong hash costs a tenth of a second)."""
    hasher = User()
    hasher.set_password(DEMO_PASSWORD)
    people = {**{email: name for email, _role, name in _STAFF}}
    for o in DEMO_ORGANISATIONS:
        people[f"signatory@{o.key}.example"], people[f"medewerker@{o.key}.example"] = o.people
    rows, accounts = [], []
    for email, role, agb in DEMO_ACCOUNTS:
        rows.append({"email": email, "name": people[email], "password_hash": hasher.password_hash,
                     "role": role, "provider_id": ids[agb] if agb else None, "active": True})
        accounts.append(DemoAccount(email, role, names[agb] if agb else None, agb))
    db.session.execute(_bulk(User), rows)
    return tuple(accounts)


# -- the story at the demo's date ---------------------------------------------------------------

#: What the providers ask in their counter-proposals, and what the insurer answers.
COUNTER_PROPOSALS = (
    "Wij vragen een hoger tarief voor de eerste terhandstelling: onze kosten voor bezorging "
    "aan huis zijn dit jaar fors gestegen.",
    "Wij stellen een hoger tarief voor, in lijn met de index van de NZa voor 2024.",
)
INSURER_ANSWER = ("Wij kunnen u op dit tarief deels tegemoetkomen; zie het bedrag hieronder. "
                  "Laat u weten of dit voor u akkoord is?")
CENT = Decimal("0.01")
#: Days before the story's date the providers countered and the insurer answered.
COUNTERED_DAYS_BEFORE, ANSWERED_DAYS_BEFORE = 4, 1
DEMO_MANAGER = _STAFF[0][0]


@dataclass(frozen=True)
class DemoStory:
    """What `stage_story` added: the negotiations it started (offer ids, and the one the
    insurer answered) and the applications it had come in."""

    day: date
    countered: tuple[int, ...] = ()
    answered: int | None = None
    applications: int = 0


def stage_story(seed: int = DEFAULT_SEED) -> DemoStory:
    """Make the demo tell a story on the simulated date, as people would have made it: every
    negotiable offer still waiting for an answer gets a counter-proposal from its provider some
    days ago (a higher amount on its first tariff line), the insurer has answered the demo
    organisation's (so its signatory has a reply to read, and the manager another proposal to
    answer), and the applicants' applications came in during the last weeks, within their
    answer term. Everything goes through the portal's own operations; the clock is moved back
    to date each step and put back. Safe to run twice: what happened already is left alone.
    Commits."""
    from .operations import clock
    from .operations.audit import Actor

    day = clock.today()
    system = Actor("demo", "system")
    try:
        clock.set_today(day - timedelta(days=COUNTERED_DAYS_BEFORE), system, record=False)
        countered = _counter_proposals()
        answered = None
        own = [offer_id for offer_id, has_account in countered if has_account]
        if own:
            clock.set_today(day - timedelta(days=ANSWERED_DAYS_BEFORE), system, record=False)
            answered = _insurer_answers(own[0])
        clock.set_today(day, system, record=False)
        applications = _pending_applications(seed, day)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return DemoStory(day, tuple(offer_id for offer_id, _own in countered), answered, applications)


def _counter_proposals() -> list[tuple[int, bool]]:
    """A counter-proposal on each negotiable offer that waits for its provider's answer, by the
    provider's signatory (a demo organisation's person, or a simulated one); (offer id, whether
    the provider has a portal account), the demo organisations' first."""
    from .models import Offer
    from .operations.audit import Actor
    from .operations.offers import tariff_lines, transition

    waiting = db.session.execute(
        select(Offer.id, Offer.provider_id, Provider.name, Provider.agb)
        .join(Provider, Provider.id == Offer.provider_id)
        .where(Offer.negotiable.is_(True), Offer.status == "aangeboden")
        .order_by(Offer.id)).all()
    signatories = dict(db.session.execute(
        select(User.provider_id, User.email).where(User.role == "provider_signatory")
        .order_by(User.id.desc())).all())
    demo_agbs = {o.agb for o in DEMO_ORGANISATIONS}
    waiting.sort(key=lambda row: row.agb not in demo_agbs)
    countered = []
    for n, (offer_id, provider_id, name, _agb) in enumerate(waiting):
        email = signatories.get(provider_id)
        actor = Actor(email or f"simulatie: tekenbevoegde {name}", "provider_signatory", provider_id)
        offer = db.session.get(Offer, offer_id)
        first = tariff_lines(offer, [])[:1]
        changes = [{"code": line.code, "amount": str(_raised(line.current))} for line in first]
        transition(offer_id, "counter", actor, reason=COUNTER_PROPOSALS[n % len(COUNTER_PROPOSALS)],
                   changes=changes)
        countered.append((offer_id, email is not None))
    return countered


def _insurer_answers(offer_id: int) -> int:
    """The demo's contract manager answers a counter-proposal halfway: the line's amount between
    the insurer's and the provider's."""
    from .models import NegotiationRound, Offer
    from .operations.audit import Actor
    from .operations.offers import tariff_lines, transition

    offer = db.session.get(Offer, offer_id)
    rounds = db.session.scalars(select(NegotiationRound).where(NegotiationRound.offer_id == offer_id)
                                .order_by(NegotiationRound.number)).all()
    changes = [{"code": line.code, "amount": str(((line.current + line.proposed) / 2).quantize(CENT))}
               for line in tariff_lines(offer, rounds) if line.proposed is not None]
    manager = db.session.scalar(select(User.email).where(User.email == DEMO_MANAGER))
    transition(offer_id, "respond", Actor(manager or DEMO_MANAGER, "contract_manager"),
               reason=INSURER_ANSWER, changes=changes)
    return offer_id


def _raised(amount: Decimal) -> Decimal:
    """What a provider asks: about 8 % more, to the cent."""
    return (amount * Decimal("1.08")).quantize(CENT)
