"""`portal policy diff 2023 2024` must reproduce the subjects of Bijlage 1 ("Overzicht alle
wijzigingen ten opzichte van vorig jaar"), computed from the two years' data."""
from contracts.diff import by_subject, diff
from contracts.policy import load_policy

# Bijlage 1, column "Onderwerp", as printed in seed 002.
BIJLAGE_1 = [
    "Internetapotheken (niet-voorkeursaanbieder)",
    "Internetapotheken (voorkeursaanbieder)",
    "Zo kopen wij zorg in bij nieuwe zorgaanbieders",
    "Overeenkomst Dieetpreparaten voor facilitaire bedrijven",
    "Overeenkomst Dieetpreparaten voor openbare apotheken, apotheekhoudende huisartsen, "
    "poliklinische apotheken en internetapotheken",
    "Overeenkomst Farmaceutische zorg voor unieke leveranciers",
    "Overeenkomst Stoppen met roken medicatie",
]
# The addition of 25 July 2023, after Bijlage 1 was written: "Aanbod addendum ‘Module
# farmaceutische zorgprestaties’ voor reeds gecontracteerde zorgaanbieders".
AMENDMENT = "Aanbod addendum ‘Module farmaceutische zorgprestaties’ voor reeds gecontracteerde zorgaanbieders"


def changes():
    return diff(load_policy(2023), load_policy(2024))


def test_every_subject_of_bijlage_1_and_nothing_unexplained(seed_002):
    subjects = set(by_subject(changes()))
    assert subjects == set(BIJLAGE_1) | {AMENDMENT}
    assert all(s in seed_002 for s in subjects)


def find(**where):
    return [c for c in changes() if all(getattr(c, k) == v for k, v in where.items())]


def test_internet_pharmacies_offer_now_rests_on_the_profile():
    # 2023 "krijgen een niet-onderhandelbaar aanbod." 2024 "... gebaseerd op het apotheekprofiel."
    [c] = find(provider_type="internetapotheek", contract="farmaceutische_zorg", relation="aflopend")
    assert c.field == "based_on" and "apotheekprofiel" in c.after and "apotheekprofiel" not in c.before


def test_preferred_internet_pharmacies_get_a_negotiable_offer_instead_of_an_extension():
    fields = {c.field: (c.before, c.after) for c in find(
        provider_type="internetapotheek_voorkeur", contract="farmaceutische_zorg", relation="aflopend")}
    assert fields["route"] == ("geen", "aanbod")
    assert fields["negotiable"] == (None, True)
    assert fields["extended"] == (True, False)


def test_unique_suppliers_offer_became_negotiable():
    # 2023: "Het aanbod voor een unieke leverancier is niet onderhandelbaar." 2024: "... is onderhandelbaar."
    [c] = find(provider_type="unieke_leverancier", contract="farmaceutische_zorg",
                relation="aflopend", field="negotiable")
    assert (c.before, c.after) == (False, True)


def test_facility_companies_get_offers_by_size_instead_of_extension():
    bands = {c.size_rank: c.after for c in find(provider_type="facilitair_bedrijf",
                                                 relation="aflopend", field="negotiable")}
    assert bands == {"1-2": True, ">=3": False}
    [c] = find(provider_type="facilitair_bedrijf", relation="nieuw", field="criteria")
    assert (c.before, c.after) == ([], ["agb_start_dieet"])


def test_dietary_preparations_no_longer_need_the_pharmaceutical_care_agreement():
    c = find(provider_type="openbare_apotheek", contract="dieetpreparaten", relation="nieuw")
    assert [(x.field, x.before, x.after) for x in c] == [("requires", ["farmaceutische_zorg"], [])]


def test_stop_smoking_largest_two_negotiate():
    [c] = find(provider_type="openbare_apotheek", contract="stoppen_met_roken", field="negotiable")
    assert (c.size_rank, c.before, c.after) == ("1-2", False, True)
    assert not find(provider_type="openbare_apotheek", contract="stoppen_met_roken",
                    size_rank=">=3", field="negotiable")


def test_a_policy_compared_with_itself_has_no_changes():
    assert diff(load_policy(2024), load_policy(2024)) == []
