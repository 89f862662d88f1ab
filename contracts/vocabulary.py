"""The domain's enumerations, with the Dutch slugs of DESIGN.md as their values.

Identifiers are English; the values are the slugs users, documents and the insurer use.
"""
from enum import StrEnum


class ProviderType(StrEnum):
    """Kind of provider (zorgaanbieder) the policy distinguishes."""

    OPENBARE_APOTHEEK = "openbare_apotheek"
    APOTHEEKHOUDENDE_HUISARTS = "apotheekhoudende_huisarts"
    POLIKLINISCHE_APOTHEEK = "poliklinische_apotheek"
    INTERNETAPOTHEEK = "internetapotheek"
    INTERNETAPOTHEEK_VOORKEUR = "internetapotheek_voorkeur"
    ZUIVERE_DIENSTAPOTHEEK = "zuivere_dienstapotheek"
    HYBRIDE_DIENSTAPOTHEEK = "hybride_dienstapotheek"
    UNIEKE_LEVERANCIER = "unieke_leverancier"
    FACILITAIR_BEDRIJF = "facilitair_bedrijf"


class Contract(StrEnum):
    """Contract or addendum the insurer procures."""

    FARMACEUTISCHE_ZORG = "farmaceutische_zorg"
    MODULE_ZORGPRESTATIES = "module_zorgprestaties"
    SPOEDZORG = "spoedzorg"
    AANVULLENDE_AFSPRAKEN = "aanvullende_afspraken"
    DIEETPREPARATEN = "dieetpreparaten"
    STOPPEN_MET_ROKEN = "stoppen_met_roken"


class Relation(StrEnum):
    """The provider's relation to a contract (for an addendum: to the Overeenkomst
    Farmaceutische zorg it adds to)."""

    NIEUW = "nieuw"
    AFLOPEND = "aflopend"
    DOORLOPEND = "doorlopend"


class Route(StrEnum):
    """What the policy does for a case."""

    AANBOD = "aanbod"
    AANVRAAG = "aanvraag"
    GEEN = "geen"


class DocumentKind(StrEnum):
    OVEREENKOMST = "overeenkomst"
    ADDENDUM = "addendum"


class Channel(StrEnum):
    """How an offer is made or an application is filed."""

    VECOZO = "vecozo"
    EMAIL = "email"
    WEBSITE = "website"


class Party(StrEnum):
    """Who acts at a calendar milestone (the seed's column "Wie")."""

    VGZ = "vgz"
    ZORGAANBIEDER = "zorgaanbieder"
    VGZ_EN_ZORGAANBIEDER = "vgz_en_zorgaanbieder"


class ImprovementAgreements(StrEnum):
    """State of the improvement agreements (verbeterafspraken) of Bijlage 2."""

    NAGEKOMEN = "nagekomen"
    NIET_NAGEKOMEN = "niet_nagekomen"
    GEWEIGERD = "geweigerd"
    GEEN = "geen"


class Exclusion(StrEnum):
    """Why a case is excluded from any contract."""

    MINIMUMEIS = "minimumeis"
    UITSLUITINGSGROND = "uitsluitingsgrond"


class BasedOn(StrEnum):
    """What an offer's content (tariffs) is based on."""

    APOTHEEKPROFIEL = "apotheekprofiel"
    TYPE_ZORGAANBIEDER = "type_zorgaanbieder"
    ONDERHANDELING = "onderhandeling"
    LANDELIJKE_ANZ_AFSPRAKEN = "landelijke_anz_afspraken"
    COLLECTIEF = "collectief"


class NewProviderSituation(StrEnum):
    """The three situations in which the seed counts a provider as new."""

    GEEN_OVEREENKOMST = "geen_overeenkomst"
    NIEUWE_APOTHEEK = "nieuwe_apotheek"
    OVERNAME = "overname"


def _l(text: str) -> str:
    """Marks a label for the portal's English catalogue (pybabel's `-k _l`); the portal's `dutch`
    filter translates it when a page is shown, documents keep the Dutch."""
    return text


#: The Dutch label of each slug that has a longer one: what documents and Dutch pages show.
DUTCH = {
    ProviderType.OPENBARE_APOTHEEK: _l("openbare apotheek"),
    ProviderType.APOTHEEKHOUDENDE_HUISARTS: _l("apotheekhoudend huisarts"),
    ProviderType.POLIKLINISCHE_APOTHEEK: _l("poliklinische apotheek"),
    ProviderType.INTERNETAPOTHEEK: _l("internetapotheek (niet-voorkeursaanbieder)"),
    ProviderType.INTERNETAPOTHEEK_VOORKEUR: _l("internetapotheek (voorkeursaanbieder)"),
    ProviderType.ZUIVERE_DIENSTAPOTHEEK: _l("zuivere dienstapotheek"),
    ProviderType.HYBRIDE_DIENSTAPOTHEEK: _l("hybride dienstapotheek"),
    ProviderType.UNIEKE_LEVERANCIER: _l("unieke leverancier"),
    ProviderType.FACILITAIR_BEDRIJF: _l("facilitair bedrijf"),
    Contract.FARMACEUTISCHE_ZORG: _l("Overeenkomst Farmaceutische zorg"),
    Contract.MODULE_ZORGPRESTATIES: _l("Addendum Module farmaceutische zorgprestaties"),
    Contract.SPOEDZORG: _l("Addendum Farmaceutische spoedzorg"),
    Contract.AANVULLENDE_AFSPRAKEN: _l("Addendum Aanvullende afspraken"),
    Contract.DIEETPREPARATEN: _l("Overeenkomst Dieetpreparaten"),
    Contract.STOPPEN_MET_ROKEN: _l("Overeenkomst Stoppen met roken medicatie"),
    Channel.VECOZO: _l("VECOZO"),
    Channel.EMAIL: _l("e-mail"),
    Channel.WEBSITE: _l("website"),
    Party.VGZ: _l("VGZ"),
    Party.ZORGAANBIEDER: _l("Zorgaanbieder"),
    Party.VGZ_EN_ZORGAANBIEDER: _l("VGZ en zorgaanbieder"),
}


def dutch(value: StrEnum) -> str:
    """The Dutch label of a slug, or the slug itself where there is no longer label."""
    return DUTCH.get(value, str(value))
