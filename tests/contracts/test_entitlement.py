"""Entitlement, dispensing period, personal contribution and prior consent against seed 003
(expected values are read from the seed's sentences, quoted in the tables)."""
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from contracts.dispensing import (consent_categories, dispensing_period, personal_contribution,
                                  prior_consent, pro_rata)
from contracts.entitlement import check_entitlement
from contracts.errors import CaseError
from contracts.seedrules import load_rules, quotes_in
from tests.conftest import normalised, shared_seed

DATA = Path(__file__).parents[1] / "data"


def test_every_quote_stands_in_seed_003():
    seed = normalised((DATA / "seed_003.txt").read_text(encoding="utf-8"))
    quotes = list(quotes_in(load_rules("farmacie_2025")))
    assert len(quotes) >= 20
    missing = [(where, q) for where, qs in quotes for q in qs if normalised(q) not in seed]
    assert missing == []


def test_the_copy_of_seed_003_is_the_seed():
    assert (DATA / "seed_003.txt").read_bytes() == shared_seed("003_3f9fc1b668f8b9ea.txt").read_bytes()


# -- which medicines are reimbursed ------------------------------------------------------------

def med(name, aip, preferred=False, available=True):
    return {"name": name, "aip": aip, "preferred": preferred, "available": available}


CHEAP = [med("A", 10.00), med("B", 10.30), med("C", 10.31), med("D", 12.00)]
PREF = [med("A", 10.00), med("P", 14.00, preferred=True), med("B", 10.20)]
PREF_GONE = [med("A", 10.00), med("P", 14.00, preferred=True, available=False),
             med("B", 10.20, available=False), med("C", 11.00)]

# (group, prescription, rule, reimbursed, seed sentence)
TABLE = [
    (PREF, {"medicine": "A"}, "voorkeursmiddel", ["P"],
     "If you are entitled to a preferred medicine, you are not entitled to another medicine, "
     "unless in the event of a 'medical need' or a 'logistical need'"),
    (CHEAP, {"medicine": "D"}, "goedkoopste", ["A", "B"],
     "the cheapest medicine within that group ... the medicine that is a maximum of 3% more "
     "expensive than the cheapest medicine in that group (10.30 is exactly 3 %, 10.31 is more)"),
    ([med("X", 5.00), med("Y", 4.00)], {}, "goedkoopste", ["Y"],
     "The cheapest medicine is the medicine with the lowest pharmacy purchase price (AIP)"),
    (PREF, {"medicine": "A", "medical_necessity": True}, "medische_noodzaak", ["A"],
     "c. In derogation from a and b above, you are entitled to the prescribed medicine in the "
     "event of a medical necessity ('MN')."),
    (CHEAP, {"medicine": "D", "medical_necessity": True}, "medische_noodzaak", ["D"],
     "This does not apply in the event of a 'medical necessity' (b: cheapest plus 3 %)"),
    (PREF_GONE, {"medicine": "A", "logistical_necessity": True}, "logistieke_noodzaak", ["A", "C"],
     "d. in derogation from a, b and c above, you are entitled to the medicine chosen by the "
     "chemist in the event of a logistical necessity ('LN'). (any available one)"),
    (PREF_GONE, {"logistical_necessity": True, "pharmacist_choice": "C"}, "logistieke_noodzaak",
     ["C"], "you are entitled to the medicine chosen by the chemist"),
    (PREF_GONE, {"medicine": "A", "medical_necessity": True, "logistical_necessity": True},
     "logistieke_noodzaak", ["A", "C"],
     "c. ... This does not apply in the event of a 'logistical necessity'"),
    (PREF, {"medicine": "A", "logistical_necessity": True}, "voorkeursmiddel", ["P"],
     "You have a logistical need if the preferred medicine is not available in the Netherlands "
     "for a prolonged period of time (here it is available)"),
    (CHEAP, {"logistical_necessity": True}, "goedkoopste", ["A", "B"],
     "You have a logistical need if the preferred medicine is not available (there is none)"),
    (PREF_GONE, {"medicine": "A"}, "voorkeursmiddel", ["P"],
     "If you are entitled to a preferred medicine, you are not entitled to another medicine "
     "(no LN noted)"),
    ([med("Z", 99.99)], {"medicine": "Z"}, "niet_vervangbaar", ["Z"],
     "e. all non-interchangeable medicines."),
]


@pytest.mark.parametrize("group, prescription, rule, reimbursed, sentence", TABLE,
                         ids=[f"{row[2]}-{i}" for i, row in enumerate(TABLE)])
def test_which_medicines_are_reimbursed(group, prescription, rule, reimbursed, sentence):
    answer = check_entitlement({"group": group, "prescription": prescription})
    assert (answer.rule, list(answer.reimbursed)) == (rule, reimbursed), sentence
    assert answer.reasons and all("“" in r for r in answer.reasons if not r.startswith("keuze"))


@pytest.mark.parametrize("dearer, included", [
    ("1.03", True), ("1.0300", True), ("1.0301", False), ("1.0299", True)])
def test_three_percent_exactly_is_included_in_exact_decimals(dearer, included):
    # "the medicine that is a maximum of 3% more expensive than the cheapest medicine"
    for cheapest in (Decimal("1.00"), Decimal("7.77"), Decimal("123.45"), Decimal("0.01")):
        price = cheapest * Decimal(dearer)
        group = [med("cheap", cheapest), med("dear", price)]
        answer = check_entitlement({"group": group})
        assert ("dear" in answer.reimbursed) is included, (cheapest, price)


def test_float_input_is_read_as_the_decimal_it_shows():
    # 0.1 + 3 % = 0.103: as binary floats 0.103 > 0.1 * 1.03; read as written it is equal.
    answer = check_entitlement({"group": [med("a", 0.1), med("b", 0.103)]})
    assert answer.reimbursed == ("a", "b")


def test_the_prescribed_medicine_is_said_to_be_reimbursed_or_not():
    answer = check_entitlement({"group": CHEAP, "prescription": {"medicine": "C"}})
    assert answer.prescribed_reimbursed is False
    assert answer.as_json()["limit_aip"] == 10.3 and answer.as_json()["cheapest_aip"] == 10


def test_an_unavailable_preferred_medicine_hints_at_ln():
    answer = check_entitlement({"group": PREF_GONE, "prescription": {}})
    assert any("logistieke noodzaak (LN)" in r for r in answer.reasons)


@pytest.mark.parametrize("data, field", [
    ({"group": []}, "group"),
    ({"group": [med("A", 1), med("A", 2)]}, "group.1.name"),
    ({"group": [med("A", -1)]}, "group.0.aip"),
    ({"group": [{"name": "A"}]}, "group.0.aip"),
    ({"group": [med("A", 1)], "prescription": {"medicine": "B"}}, "prescription.medicine"),
    ({"group": [med("A", 1)], "prescription": {"medical_necessity": True}}, "prescription.medicine"),
    ({"group": PREF_GONE, "prescription": {"logistical_necessity": True, "pharmacist_choice": "P"}},
     "prescription.pharmacist_choice"),
    ({"group": [med("A", 1)], "prescripton": {}}, "prescripton"),
])
def test_bad_entitlement_input_names_the_field(data, field):
    with pytest.raises(CaseError) as error:
        check_entitlement(data)
    assert error.value.field == field


# -- dispensing period -------------------------------------------------------------------------

# (facts, case, (min months, max months, max days), seed sentence)
PERIODS = [
    ({"medicine_kind": "anticonceptiepil"}, "anticonceptiepil", (None, 12, None),
     "a maximum of 12 months, if it concerns the contraceptive pill (oral contraceptives)."),
    ({"chronic": True, "months_in_use": 6, "well_adjusted": True}, "chronisch", (3, 12, None),
     "a minimum of 3 and a maximum of 12 months, if you have a chronic condition and you have been "
     "using the medicine for at least 6 months and you have properly adjusted to that medicine."),
    ({"chronic": True, "months_in_use": 5, "well_adjusted": True}, "overig", (None, 1, None),
     "... for at least 6 months (5 is not) ... a maximum of 1 month in all other cases."),
    ({"chronic": True, "months_in_use": 12, "well_adjusted": False}, "overig", (None, 1, None),
     "... and you have properly adjusted to that medicine (not adjusted)"),
    ({"medicine_kind": "benzodiazepine", "chronic": True, "months_in_use": 24, "well_adjusted": True},
     "chronisch_benzodiazepine", (None, 1, None),
     "In derogation from this, the dispensing of benzodiazepines, hypnotic drugs and anxiolytic "
     "drugs is subject to a maximum period of 1 month."),
    ({"medicine_kind": "hypnoticum", "chronic": True, "months_in_use": 7, "well_adjusted": True},
     "chronisch_benzodiazepine", (None, 1, None), "... hypnotic drugs ..."),
    ({"medicine_kind": "anxiolyticum", "chronic": True, "months_in_use": 7, "well_adjusted": True},
     "chronisch_benzodiazepine", (None, 1, None), "... and anxiolytic drugs ..."),
    ({"medicine_kind": "antibioticum_acuut"}, "antibiotica_chemo_acuut", (None, 1, None),
     "a maximum of 1 course or 1 month, in the case of antibiotics or chemotherapy to combat acute "
     "conditions."),
    ({"medicine_kind": "chemotherapie_acuut", "new_to_patient": True}, "antibiotica_chemo_acuut",
     (None, 1, None), "(reading) the kind of medicine goes before 'new to you'"),
    ({"new_to_patient": True}, "nieuw", (None, None, 15),
     "a maximum of 15 days or the smallest supply packaging for a medicine that is new to you"),
    ({"medicine_kind": "benzodiazepine", "new_to_patient": True}, "nieuw", (None, None, 15),
     "a maximum of 15 days ... for a medicine that is new to you"),
    ({}, "overig", (None, 1, None), "a maximum of 1 month in all other cases."),
]


@pytest.mark.parametrize("facts, case, period, sentence", PERIODS,
                         ids=[f"{row[1]}-{i}" for i, row in enumerate(PERIODS)])
def test_the_dispensing_period_per_case(facts, case, period, sentence):
    answer = dispensing_period(facts)
    assert (answer.case, (answer.min_months, answer.max_months, answer.max_days)) == (case, period), sentence


def test_or_else_alternatives_are_kept():
    assert dispensing_period({"new_to_patient": True}).or_else == "de kleinste afleververpakking"
    assert dispensing_period({"medicine_kind": "antibioticum_acuut"}).or_else == "1 kuur"


@pytest.mark.parametrize("data, field", [
    ({"medicine_kind": "pil"}, "medicine_kind"), ({"months_in_use": -1}, "months_in_use"),
    ({"new_to_patient": True, "months_in_use": 3}, "new_to_patient"), ({"chronic": 1}, "chronic")])
def test_bad_dispensing_input_names_the_field(data, field):
    with pytest.raises(CaseError) as error:
        dispensing_period(data)
    assert error.value.field == field


# -- statutory personal contribution -----------------------------------------------------------

def test_the_seeds_example_from_15_june():
    # "Example: your public healthcare insurance comes into force on 15 June. In that case, the
    # statutory personal contribution for the remainder of the calendar year is € 136.98. The
    # calculation is (€ 250 : 365 days) x 200 days. This amount is rounded to € 137."
    answer = personal_contribution(2025, date(2025, 6, 15))
    assert (answer.days, answer.exact_eur, answer.amount_eur) == (200, Decimal("136.98"), 137)
    assert answer.as_json()["exact_eur"] == 136.98 and answer.insured_to == date(2025, 12, 31)


@pytest.mark.parametrize("start, end, days, amount", [
    (None, None, 365, 250),                                  # the whole year: the maximum
    (date(2025, 12, 31), None, 1, 1),                       # 250/365 = 0.68 -> 1
    (None, date(2025, 12, 31), 365, 250),
    (date(2025, 1, 1), date(2025, 1, 1), 1, 1),
    (date(2025, 1, 1), date(2025, 6, 30), 181, 124),        # 250 x 181 / 365 = 123.97
    (date(2025, 7, 1), date(2025, 12, 31), 184, 126),       # 250 x 184 / 365 = 126.03
])
def test_part_years_and_31_december(start, end, days, amount):
    answer = personal_contribution(2025, start, end)
    assert (answer.days, answer.amount_eur) == (days, amount)


def test_a_leap_year_divides_by_366():
    # "in proportion to the number of days insured" (reading: over the days of that year)
    assert pro_rata(250, 2028, date(2028, 1, 1), date(2028, 12, 31)) == (366, 366, Decimal(250))
    days, in_year, exact = pro_rata(250, 2028, date(2028, 6, 15), date(2028, 12, 31))
    assert (days, in_year) == (200, 366) and exact == Decimal(250) * 200 / 366


@pytest.mark.parametrize("year, start, end, field", [
    (2024, None, None, "year"),
    (2025, date(2024, 12, 31), None, "insured_from"),
    (2025, None, date(2026, 1, 1), "insured_to"),
    (2025, date(2025, 6, 1), date(2025, 5, 31), "insured_to"),
])
def test_bad_contribution_input_names_the_field(year, start, end, field):
    with pytest.raises(CaseError) as error:
        personal_contribution(year, start, end)
    assert error.value.field == field


days_2025 = st.integers(0, 364).map(lambda n: date(2025, 1, 1) + timedelta(days=n))


@given(days_2025, days_2025)
def test_the_contribution_never_exceeds_250(a, b):
    start, end = min(a, b), max(a, b)
    answer = personal_contribution(2025, start, end)
    assert 0 < answer.amount_eur <= 250 and answer.exact_eur <= 250
    assert answer.days == (end - start).days + 1


@given(days_2025, st.integers(0, 364))
def test_the_contribution_grows_with_the_days_insured(start, more):
    end = min(start + timedelta(days=more), date(2025, 12, 31))
    shorter = personal_contribution(2025, start, end - timedelta(days=1)) if end > start else None
    longer = personal_contribution(2025, start, end)
    if shorter is not None:
        assert shorter.exact < longer.exact and shorter.amount_eur <= longer.amount_eur
    earlier = personal_contribution(2025, date(2025, 1, 1), end)
    assert earlier.amount_eur >= longer.amount_eur


@given(st.integers(1900, 2200), st.integers(1, 366))
def test_pro_rata_is_bounded_in_any_year(year, days):
    in_year = 366 if date(year, 12, 31).timetuple().tm_yday == 366 else 365
    days = min(days, in_year)
    start = date(year, 1, 1)
    counted, total, exact = pro_rata(250, year, start, start + timedelta(days=days - 1))
    assert counted == days and total == in_year and 0 < exact <= 250


# -- prior consent -----------------------------------------------------------------------------

# (category, doctors_note_procedure, needed, seed sentence)
CONSENT = [
    ("epoprostenol_iv", False, True, "epoprostenol intravenous;"),
    ("iloprost_inhalatie", False, True, "iloprost for inhalation;"),
    ("treprostinil_sc_iv", False, True, "treprostinil subcutaneously and intravenously;"),
    ("zuigelingenvoeding_zonder_provocatietest", False, True,
     "infant formula in the event of cow's milk allergy without a challenge test being performed;"),
    ("zuigelingenvoeding_vanaf_2_jaar", False, True,
     "infant formula in the event of cow's milk allergy for children aged 2 years and older;"),
    ("zuigelingenvoeding_meer_dan_1000_ml", False, True,
     "infant formula in the event of cow's milk allergy in quantities of more than 1000 ml per day;"),
    ("anticonceptie_endometriose_menorragie", False, True,
     "contraceptives in case of treatment of endometriosis and menorrhagia;"),
    ("zeer_zeldzame_aandoening", False, True,
     "medicines if you suffer from a very rare condition with a non-registered indication"),
    ("nieuw_in_bijlage_2", False, True,
     "a medicine that has been added to Appendix 2 ... during the calendar year."),
    ("nieuw_in_bijlage_2", True, False,
     "This does not apply if the procedure of a doctor's note and dispensing chemist's "
     "instruction exists for that medicine."),
    ("esketamine_neusspray", False, False,
     "As of 1 January 2024, esketamine nasal spray no longer needs prior permission."),
    ("overig", False, False, "(not on the list)"),
]


@pytest.mark.parametrize("category, procedure, needed, sentence", CONSENT)
def test_prior_consent_per_category(category, procedure, needed, sentence):
    answer = prior_consent({"category": category, "doctors_note_procedure": procedure})
    assert answer.prior_consent_needed is needed, sentence


def test_every_category_is_in_the_table():
    assert set(consent_categories()) == {row[0] for row in CONSENT}


def test_an_unknown_category_lists_the_known_ones():
    with pytest.raises(CaseError) as error:
        prior_consent({"category": "paracetamol"})
    assert error.value.field == "category" and "epoprostenol_iv" in error.value.allowed
