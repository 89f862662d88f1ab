"""The decision table, cell by cell, against the sentences of seed 002 (expected values are read
from the seed, not from the policy data)."""
from datetime import date

import pytest

from contracts.cases import parse_case
from contracts.engine import decide
from contracts.errors import CaseError

OA, AH, PA, IA, IV = ("openbare_apotheek", "apotheekhoudende_huisarts", "poliklinische_apotheek",
                      "internetapotheek", "internetapotheek_voorkeur")
ZD, HD, UL, FB = ("zuivere_dienstapotheek", "hybride_dienstapotheek", "unieke_leverancier",
                  "facilitair_bedrijf")
PHARMACIES = (OA, AH, PA, IA, HD)  # hybride: "ook overdag ... geopend als apotheek" (reading)
ALL = (OA, AH, PA, IA, IV, ZD, HD, UL, FB)

NONE = ("geen", None, None, None, None, None)


def offer(document, negotiable, channel, deadline):
    return ("aanbod", document, negotiable, channel, "vecozo", deadline)


def application(negotiable, deadline):
    return ("aanvraag", "overeenkomst", negotiable, "website", "vecozo", deadline)


RECEIVED, ANSWER_BY = "2023-01-31", date(2023, 2, 28)  # one calendar month, clamped

# (year, provider types, contract, relation, size_rank, expected, seed sentence)
TABLE = [
    (2024, PHARMACIES, "farmaceutische_zorg", "aflopend", None,
     offer("overeenkomst", False, "vecozo", date(2023, 9, 15)),
     "Voor 2024 bieden we reeds gecontracteerde zorgaanbieders met een aflopende overeenkomst een "
     "nieuwe overeenkomst Farmaceutische zorg aan. / Zorgaanbieders ontvangen van ons een "
     "niet-onderhandelbaar aanbod in VECOZO. / Uiterlijk 15 september 2023 Aanbieden overeenkomst"),
    (2024, PHARMACIES, "farmaceutische_zorg", "doorlopend", None, NONE,
     "Voor 2024 bieden we reeds gecontracteerde zorgaanbieders met een doorlopende overeenkomst in "
     "2024 een Addendum Module farmaceutische zorgprestaties aan."),
    (2024, PHARMACIES + (ZD,), "farmaceutische_zorg", "nieuw", None,
     application(False, ANSWER_BY),
     "Niet-gecontracteerde zorgaanbieders ... kunnen dit aan ons kenbaar maken. Dit kan via onze "
     "website. / Uiterlijk 1 maand na ontvangen aanvraag Reactie op aanvraag VGZ E-mail"),
    (2024, (UL,), "farmaceutische_zorg", "nieuw", None, application(True, ANSWER_BY),
     "Planning voor nieuwe zorgaanbieders • Unieke leveranciers / Het aanbod voor een unieke "
     "leverancier is onderhandelbaar."),
    (2024, (ZD,), "farmaceutische_zorg", "aflopend", None,
     offer("overeenkomst", False, "vecozo", date(2023, 9, 15)),
     "Voor 2024 bieden wij reeds gecontracteerde zuivere dienstapotheken in VECOZO een overeenkomst "
     "Farmaceutische zorg aan."),
    (2024, (ZD,), "farmaceutische_zorg", "doorlopend", None, NONE,
     "Planning voor reeds gecontracteerde zorgaanbieders met een aflopende overeenkomst ... • "
     "Zuivere dienstapotheken (reading: a running agreement runs on)"),
    (2024, (ZD,), "module_zorgprestaties", "doorlopend", None, NONE,
     "Openbare apotheken, apotheekhoudende huisartsen, internetapotheken (niet-voorkeursaanbieders) "
     "en poliklinische apotheken / ... een Addendum Module farmaceutische zorgprestaties aan."),
    (2024, (ZD, HD), "spoedzorg", "nieuw", None,
     ("aanvraag", "addendum", False, "website", "vecozo", ANSWER_BY),
     "Daarnaast bieden wij zuivere dienstapotheken een addendum Farmaceutische spoedzorg aan. / "
     "Deze zorgaanbieders krijgen in aanvulling op de overeenkomst Farmaceutische zorg een addendum "
     "Farmaceutische spoedzorg aangeboden."),
    (2024, (OA, AH, PA, IA, HD), "aanvullende_afspraken", "nieuw", None, NONE,
     "Wanneer we met een nieuwe zorgaanbieder een overeenkomst afsluiten, maken we op onderdelen uit "
     "het apotheekprofiel aanvullende afspraken over kwaliteit, klantbeleving en kosten."),
    (2024, (IV,), "farmaceutische_zorg", "aflopend", None,
     offer("overeenkomst", True, "email", date(2023, 9, 15)),
     "De twee reeds gecontracteerde voorkeursaanbieders ontvangen per e-mail van ons een "
     "contractaanbod voor 2024. ... onderhandelbaar. De definitieve overeenkomst wordt in VECOZO "
     "afgesloten."),
    (2024, (IV,), "farmaceutische_zorg", "nieuw", None, NONE,
     "De twee reeds gecontracteerde voorkeursaanbieders (a new one cannot be preferred)"),
    (2024, (UL,), "farmaceutische_zorg", "aflopend", None,
     offer("overeenkomst", True, "email", date(2023, 10, 1)),
     "Voor 2024 bieden wij reeds gecontracteerde unieke leveranciers via e-mail een overeenkomst "
     "aan. Dit contractaanbod is onderhandelbaar. / Uiterlijk 1 oktober 2023"),
    (2024, (UL,), "farmaceutische_zorg", "doorlopend", None,
     offer("overeenkomst", True, "email", date(2023, 10, 1)),
     "Voor 2024 bieden wij reeds gecontracteerde unieke leveranciers via e-mail een overeenkomst aan."),
    (2024, (FB,), "farmaceutische_zorg", "aflopend", None, NONE,
     "(the policy does not offer the Overeenkomst Farmaceutische zorg to facility companies)"),
    (2024, PHARMACIES, "module_zorgprestaties", "doorlopend", None,
     offer("addendum", False, "vecozo", date(2023, 9, 15)),
     "Het addendum wordt uiterlijk 15 september 2023 aangeboden in het Zorginkoopportaal van VECOZO."),
    (2024, (OA, UL), "module_zorgprestaties", "aflopend", None, NONE,
     "In de nieuwe overeenkomsten voor 2024 nemen we deze zorgprestaties standaard op."),
    (2024, (OA,), "module_zorgprestaties", "nieuw", None, NONE,
     "In de nieuwe overeenkomsten voor 2024 nemen we deze zorgprestaties standaard op."),
    (2024, (ZD, HD), "spoedzorg", "aflopend", None,
     offer("addendum", False, "vecozo", date(2023, 10, 15)),
     "Deze zorgaanbieders krijgen in aanvulling op de overeenkomst Farmaceutische zorg een addendum "
     "Farmaceutische spoedzorg aangeboden. / Uiterlijk 15 oktober 2023 ... VECOZO"),
    (2024, (ZD, HD), "spoedzorg", "doorlopend", None,
     offer("addendum", False, "vecozo", date(2023, 10, 15)),
     "Zorgaanbieders die farmaceutische spoedzorg leveren (zuivere en hybride dienstapotheken)"),
    (2024, (OA, AH, UL), "spoedzorg", "aflopend", None, NONE,
     "Voor het inkopen van farmaceutische spoedzorg ... (zuivere en hybride dienstapotheken)"),
    (2024, (OA, AH, PA, IA, IV), "aanvullende_afspraken", "doorlopend", None,
     offer("addendum", True, "email", None),
     "In aanvulling op een getekende overeenkomst Farmaceutische zorg maken wij ... aanvullende "
     "afspraken. ... De inhoud en de looptijd van dit addendum is onderhandelbaar."),
    (2024, (ZD, UL, FB), "aanvullende_afspraken", "aflopend", None, NONE,
     "Voor het maken van aanvullende afspraken ...: Openbare apotheken, Apotheekhoudende huisartsen, "
     "Poliklinische apotheken, Internetapotheken"),
    (2024, (FB,), "dieetpreparaten", "aflopend", 1,
     offer("overeenkomst", True, "email", date(2023, 6, 1)),
     "De twee grootste facilitaire bedrijven ... bieden wij per e-mail een nieuwe overeenkomst aan. "
     "Dit contractaanbod is onderhandelbaar. / Uiterlijk 1 juni 2023 Aanbieden overeenkomst en start "
     "onderhandeling"),
    (2024, (FB,), "dieetpreparaten", "doorlopend", 2,
     offer("overeenkomst", True, "email", date(2023, 6, 1)),
     "De twee grootste facilitaire bedrijven"),
    (2024, (FB,), "dieetpreparaten", "aflopend", 3,
     offer("overeenkomst", False, "vecozo", date(2023, 10, 15)),
     "De overige, reeds gecontracteerde facilitaire bedrijven ... bieden wij in VECOZO een nieuwe "
     "overeenkomst aan. Dit contractaanbod is niet onderhandelbaar."),
    (2024, (OA, AH, PA, IA, IV), "dieetpreparaten", "doorlopend", None,
     offer("overeenkomst", False, "vecozo", date(2023, 10, 15)),
     "Voor 2024 bieden wij reeds gecontracteerde aanbieders ... in VECOZO een niet-onderhandelbare "
     "overeenkomst Dieetpreparaten aan."),
    (2024, (OA, AH, PA, IA), "dieetpreparaten", "nieuw", None, application(False, ANSWER_BY),
     "Desbetreffende zorgaanbieders ontvangen van ons een niet-onderhandelbaar contractaanbod in "
     "VECOZO."),
    (2024, (OA, UL), "stoppen_met_roken", "aflopend", 2,
     offer("overeenkomst", True, "email", date(2023, 7, 1)),
     "De twee grootste gecontracteerde zorgaanbieders ... bieden wij per e-mail een nieuwe "
     "overeenkomst aan. / Uiterlijk 1 juli 2023 Aanbieden overeenkomst en start onderhandeling"),
    (2024, (OA, AH), "stoppen_met_roken", "aflopend", 40,
     offer("overeenkomst", False, "vecozo", date(2023, 10, 15)),
     "De overige, reeds gecontracteerde zorgaanbieders voor stoppen met roken medicatie ... bieden "
     "wij in VECOZO een nieuwe overeenkomst aan. Dit contractaanbod is niet onderhandelbaar."),
    (2024, (OA,), "stoppen_met_roken", "doorlopend", None, NONE,
     "Voor 2024 bieden we reeds gecontracteerde zorgaanbieders met een aflopende overeenkomst een "
     "nieuwe overeenkomst Stoppen met roken medicatie aan."),
    (2024, (OA, FB), "stoppen_met_roken", "nieuw", None, NONE,
     "(no route for new providers of stop-smoking medication)"),
    # 2023: the left column of Bijlage 1; elsewhere as 2024, one calendar year earlier.
    (2023, (OA, AH, PA), "farmaceutische_zorg", "aflopend", None,
     offer("overeenkomst", False, "vecozo", date(2022, 9, 15)), "(as 2024, a year earlier)"),
    (2023, (IA,), "farmaceutische_zorg", "aflopend", None,
     offer("overeenkomst", False, "vecozo", date(2022, 9, 15)),
     "Internetapotheken (niet-voorkeursaanbieders) krijgen een niet-onderhandelbaar aanbod."),
    (2023, (IV,), "farmaceutische_zorg", "aflopend", None, NONE,
     "Bij internetapotheken (voorkeursaanbieders) verlengen we de overeenkomst."),
    (2023, (UL,), "farmaceutische_zorg", "aflopend", None,
     offer("overeenkomst", False, "email", date(2022, 10, 1)),
     "Het aanbod voor een unieke leverancier is niet onderhandelbaar."),
    (2023, (IA, OA), "farmaceutische_zorg", "nieuw", None, application(False, ANSWER_BY),
     "Internetapotheken (niet-voorkeursaanbieders) krijgen een niet-onderhandelbaar aanbod. / "
     "(the application route, as 2024)"),
    (2023, (OA,), "module_zorgprestaties", "doorlopend", None, NONE,
     "(the module addendum is new for 2024)"),
    (2023, (FB,), "dieetpreparaten", "aflopend", None, NONE,
     "Alle overeenkomsten worden automatisch verlengd."),
    (2023, (OA, IA), "dieetpreparaten", "doorlopend", None, NONE,
     "Bij zorgaanbieders waarvan de overeenkomst Farmaceutische zorg doorloopt in 2023 wordt de "
     "overeenkomst Dieetpreparaten verlengd."),
    (2023, (OA, IA), "dieetpreparaten", "aflopend", None,
     offer("overeenkomst", False, "vecozo", date(2022, 10, 15)),
     "Zorgaanbieders waarvan de overeenkomst Farmaceutische zorg afloopt op 31 december 2022 krijgen "
     "een nieuwe overeenkomst Dieetpreparaten aangeboden."),
    (2023, (OA, HD), "stoppen_met_roken", "aflopend", None,
     offer("overeenkomst", False, "vecozo", date(2022, 10, 15)),
     "Het aanbod is niet onderhandelbaar en wordt in VECOZO aangeboden."),
]


def expand():
    for year, types, contract, relation, rank, expected, _seed in TABLE:
        for provider_type in types:
            yield pytest.param(year, provider_type, contract, relation, rank, expected,
                               id=f"{year}-{provider_type}-{contract}-{relation}-{rank}")


def decision_for(year, provider_type, contract, relation, rank=None, **extra):
    case = {"policy_year": year, "provider_type": provider_type, "contract": contract,
            "relation": relation, "size_rank": rank, **extra}
    if relation == "nieuw":
        case.setdefault("application_received", RECEIVED)
    return decide(parse_case(case))


@pytest.mark.parametrize("year, provider_type, contract, relation, rank, expected", list(expand()))
def test_decision_table(year, provider_type, contract, relation, rank, expected):
    d = decision_for(year, provider_type, contract, relation, rank)
    assert (d.route, d.document, d.negotiable, d.channel, d.final_channel, d.deadline) == expected
    assert d.exclusion is None
    assert d.reasons and all(": " in r for r in d.reasons)


def test_extensions_say_so():
    # "Bij internetapotheken (voorkeursaanbieders) verlengen we de overeenkomst." (2023)
    assert decision_for(2023, IV, "farmaceutische_zorg", "aflopend").extended
    assert not decision_for(2024, IV, "farmaceutische_zorg", "aflopend").extended


def test_offers_say_what_they_are_based_on():
    # "Dit aanbod is gebaseerd op het apotheekprofiel en het type zorgaanbieder"
    assert decision_for(2024, IA, "farmaceutische_zorg", "aflopend").based_on == (
        "apotheekprofiel", "type_zorgaanbieder")
    # 2023: "Internetapotheken (niet-voorkeursaanbieders) krijgen een niet-onderhandelbaar aanbod."
    assert "apotheekprofiel" not in decision_for(2023, IA, "farmaceutische_zorg", "aflopend").based_on


def test_a_new_internet_pharmacy_in_2023_is_offered_on_its_type():
    # "Internetapotheken (niet-voorkeursaanbieders) krijgen een niet-onderhandelbaar aanbod." and
    # "In 2024 krijgen internetapotheken een apotheekprofiel."
    assert decision_for(2023, IA, "farmaceutische_zorg", "nieuw").based_on == ("type_zorgaanbieder",)
    assert "apotheekprofiel" in decision_for(2023, OA, "farmaceutische_zorg", "nieuw").based_on
    assert "apotheekprofiel" in decision_for(2024, IA, "farmaceutische_zorg", "nieuw").based_on


def test_the_2022_planning_offers_the_unique_supplier_no_negotiation():
    # 2023: "Het aanbod voor een unieke leverancier is niet onderhandelbaar."; the 2024 planning
    # line: "Uiterlijk 1 oktober 2023 Aanbieden overeenkomst en start onderhandeling VGZ E-mail"
    from contracts.policy import load_policy
    assert "onderhandeling" not in load_policy(2023).milestones["ul_aanbod"].action
    assert "start onderhandeling" in load_policy(2024).milestones["ul_aanbod"].action


@pytest.mark.parametrize("represented, route, said", [
    (True, "aanbod", "voldaan"),
    (False, "geen", "niet in aanmerking"),
    (None, "aanbod", "nog te toetsen"),
])
def test_the_additional_agreements_are_for_those_a_collective_represents(represented, route, said):
    # "Dit addendum geldt voor de apotheekhoudenden die zich laten vertegenwoordigen door het
    # desbetreffende collectief."
    d = decision_for(2024, OA, "aanvullende_afspraken", "doorlopend",
                     represented_by_collective=represented)
    assert d.route == route
    assert any(r.startswith("collectief_lid:") and said in r for r in d.reasons)


def test_a_new_provider_is_told_where_its_additional_agreements_are_made():
    # "Wanneer we met een nieuwe zorgaanbieder een overeenkomst afsluiten, maken we op onderdelen
    # uit het apotheekprofiel aanvullende afspraken over kwaliteit, klantbeleving en kosten."
    d = decision_for(2024, OA, "aanvullende_afspraken", "nieuw")
    assert d.route == "geen" and d.rule == "aanvullende_afspraken_nieuw"
    assert not any("kent geen route" in r for r in d.reasons)
    assert "overeenkomst Farmaceutische zorg" in d.reasons[0]


def test_the_emergency_addendum_of_a_new_dienstapotheek_waits_for_its_agreement():
    # "Deze zorgaanbieders krijgen in aanvulling op de overeenkomst Farmaceutische zorg een addendum
    # Farmaceutische spoedzorg aangeboden."
    assert decision_for(2024, ZD, "spoedzorg", "nieuw", contracts_held=[]).route == "geen"
    assert decision_for(2024, ZD, "spoedzorg", "nieuw",
                        contracts_held=["farmaceutische_zorg"]).route == "aanvraag"


def test_size_rank_is_required_where_the_two_largest_are_treated_apart():
    with pytest.raises(CaseError) as error:
        decision_for(2024, FB, "dieetpreparaten", "aflopend")
    assert error.value.field == "size_rank"
    # In 2023 the rank made no difference: "Het aanbod is niet onderhandelbaar".
    assert decision_for(2023, OA, "stoppen_met_roken", "aflopend").route == "aanbod"


# -- the minimum requirement ------------------------------------------------------------------
@pytest.mark.parametrize("provider_type, contract, relation, rank", [
    (OA, "farmaceutische_zorg", "aflopend", None), (UL, "farmaceutische_zorg", "nieuw", None),
    (FB, "dieetpreparaten", "aflopend", 1), (ZD, "spoedzorg", "doorlopend", None),
    (OA, "stoppen_met_roken", "aflopend", 1), (OA, "aanvullende_afspraken", "aflopend", None),
])
def test_a_riz_contra_indication_means_no_contract_of_any_kind(provider_type, contract, relation, rank):
    # "Voor alle door VGZ af te sluiten overeenkomsten geldt de eis dat toetsing (aan onder meer
    # het RIZ-portaal ...) ... geen resultaat oplevert dat een contra- indicatie is"
    d = decision_for(2024, provider_type, contract, relation, rank, riz_contra_indication=True)
    assert (d.route, d.exclusion, d.document, d.deadline) == ("geen", "minimumeis", None, None)
    assert any(r.startswith("minimumeis:") for r in d.reasons)


# -- the dietary rule on the AGB start date ---------------------------------------------------
@pytest.mark.parametrize("agb_start, route", [
    ("2023-12-31", "geen"), ("2012-03-01", "geen"), ("2024-01-01", "aanvraag"),
    ("2024-02-15", "aanvraag"), (None, "aanvraag"),
])
def test_new_facility_companies_need_an_agb_code_from_2024(agb_start, route):
    # "Het facilitair bedrijf een nieuwe, startende zorgaanbieder is met een AGB- code waarvan de
    # startdatum niet ouder is dan 1 januari 2024."
    d = decision_for(2024, FB, "dieetpreparaten", "nieuw", agb_start=agb_start)
    assert d.route == route and d.exclusion is None
    assert any(r.startswith("agb_start_dieet:") for r in d.reasons)


def test_in_2023_facility_companies_qualified_as_standard():
    # "Niet-gecontracteerde facilitaire bedrijven komen standaard in aanmerking voor een overeenkomst."
    assert decision_for(2023, FB, "dieetpreparaten", "nieuw", agb_start="2012-03-01").route == "aanvraag"


def test_in_2023_dietary_preparations_needed_the_pharmaceutical_care_agreement():
    # "Om in aanmerking te komen voor een overeenkomst Dieetpreparaten moet er reeds een
    # overeenkomst Farmaceutische zorg afgesloten zijn." / 2024: "alleen een overeenkomst
    # Dieetpreparaten af te sluiten" is possible.
    assert decision_for(2023, OA, "dieetpreparaten", "nieuw", contracts_held=[]).route == "geen"
    assert decision_for(2023, OA, "dieetpreparaten", "nieuw",
                        contracts_held=["farmaceutische_zorg"]).route == "aanvraag"
    assert decision_for(2024, OA, "dieetpreparaten", "nieuw", contracts_held=[]).route == "aanvraag"


def test_new_providers_get_the_criteria_to_be_assessed_on():
    # "Wij maken een afweging op basis van de mate waarin: ..." (four criteria)
    d = decision_for(2024, OA, "farmaceutische_zorg", "nieuw")
    assert d.criteria == ("effectievere_zorg", "onderscheidend", "meer_keuze", "bereikbaarheid")
    # 2023: "Geen uitleg opgenomen over wat wij verstaan onder nieuwe zorgaanbieders."
    assert decision_for(2023, OA, "farmaceutische_zorg", "nieuw").criteria == ()


def test_an_application_without_a_receipt_date_has_no_deadline_yet():
    d = decide(parse_case({"policy_year": 2024, "provider_type": OA,
                           "contract": "farmaceutische_zorg", "relation": "nieuw"}))
    assert d.route == "aanvraag" and d.deadline is None


def test_the_issue_example_is_excluded_by_bijlage_2():
    case = {"policy_year": 2024, "provider_type": "openbare_apotheek",
            "contract": "farmaceutische_zorg", "relation": "aflopend", "size_rank": None,
            "agb_start": "2012-03-01", "riz_contra_indication": False,
            "application_received": None,
            "profile": {"lowest_group_years": [2021, 2022, 2023], "declining_component": True,
                        "improvement_agreements": "niet_nagekomen"}}
    d = decide(parse_case(case)).as_json()
    assert d["route"] == "geen" and d["exclusion"] == "uitsluitingsgrond"
    assert set(d) >= {"route", "document", "negotiable", "channel", "final_channel", "deadline",
                      "exclusion", "reasons"}
