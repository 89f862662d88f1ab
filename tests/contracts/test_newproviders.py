"""Who counts as a new provider, and the assessment checklist a manager fills in."""
from datetime import date

import pytest

from contracts.errors import CaseError
from contracts.newproviders import (DateRefused, check_dates, checklist, classify_relation,
                                    record_assessment, start_window)
from contracts.policy import load_policy

P2024 = load_policy(2024)
CRITERIA = ("effectievere_zorg", "onderscheidend", "meer_keuze", "bereikbaarheid")


@pytest.mark.parametrize("situation", ["geen_overeenkomst", "nieuwe_apotheek", "overname"])
def test_the_three_situations_of_a_new_provider(situation):
    # "Onder nieuwe zorgaanbieders verstaan wij: • Zorgaanbieders met wie we nog geen overeenkomst
    # hebben afgesloten ... • ... die een nieuwe apotheek ... starten • ... die een bestaande
    # apotheek ... overnemen"
    relation, reason = classify_relation(P2024, has_contract=True, agreement_end=date(2025, 12, 31),
                                         situation=situation)
    assert relation == "nieuw" and situation in reason


@pytest.mark.parametrize("has_contract, end, expected", [
    (False, None, "nieuw"),
    (True, date(2023, 12, 31), "aflopend"),
    (True, date(2023, 6, 30), "aflopend"),
    (True, date(2024, 12, 31), "doorlopend"),   # "Zorgovereenkomst Farmaceutische zorg 2023-2024"
    (True, date(2022, 12, 31), "nieuw"),        # ended before the procurement year: no agreement
])
def test_relation_from_the_agreement_end(has_contract, end, expected):
    assert classify_relation(P2024, has_contract=has_contract, agreement_end=end)[0] == expected


def test_a_contracted_provider_needs_its_end_date():
    with pytest.raises(CaseError) as error:
        classify_relation(P2024, has_contract=True)
    assert error.value.field == "agreement_end"


def finding(met=False, motivation="Onderbouwd in de aanvraag", **extra):
    return {"met": met, "motivation": motivation, **extra}


def test_the_checklist_is_the_four_criteria():
    assert [c.id for c in checklist(P2024, CRITERIA)] == list(CRITERIA)


def test_a_complete_assessment_is_recorded():
    findings = {c: finding(met=(c == "bereikbaarheid")) for c in CRITERIA}
    outcome = record_assessment(P2024, CRITERIA, True, "Lost een bereikbaarheidsprobleem op", findings)
    assert outcome.granted and [f.met for f in outcome.findings] == [False, False, False, True]


def test_every_criterion_needs_a_finding_with_a_motivation():
    findings = {c: finding() for c in CRITERIA[:3]}
    with pytest.raises(CaseError, match="bereikbaarheid"):
        record_assessment(P2024, CRITERIA, True, "ok", findings)
    with pytest.raises(CaseError) as error:
        record_assessment(P2024, CRITERIA, False, "ok",
                          {**{c: finding() for c in CRITERIA}, "onderscheidend": finding(motivation=" ")})
    assert error.value.field == "findings.onderscheidend.motivation"


def test_more_choice_counts_only_with_economic_viability():
    # "Hierbij geldt als voorwaarde dat de apotheekhoudende vanuit de nieuwe situatie wel een
    # economisch bestaansrecht moet hebben."
    findings = {c: finding(met=False) for c in CRITERIA}
    findings["meer_keuze"] = finding(met=True)
    with pytest.raises(CaseError) as error:
        record_assessment(P2024, CRITERIA, True, "meer keuze", findings)
    assert error.value.field == "findings.meer_keuze.confirmed"
    findings["meer_keuze"] = finding(met=True, confirmed=["economisch_bestaansrecht"])
    assert record_assessment(P2024, CRITERIA, True, "meer keuze", findings).granted


def test_a_grant_needs_a_criterion_met_and_a_refusal_a_reason():
    findings = {c: finding(met=False) for c in CRITERIA}
    with pytest.raises(CaseError, match="at least one criterion"):
        record_assessment(P2024, CRITERIA, True, "toch", findings)
    with pytest.raises(CaseError) as error:
        record_assessment(P2024, CRITERIA, False, "  ", findings)
    assert error.value.field == "motivation"
    assert not record_assessment(P2024, CRITERIA, False, "Geen criterium voldaan", findings).granted


# -- the desired start of an application ---------------------------------------------------------

@pytest.mark.parametrize("received, agb_start, window", [
    # "die voor 2024 in aanmerking willen komen": the contract year, from its first day ...
    (date(2023, 6, 1), None, (date(2024, 1, 1), date(2024, 12, 31))),
    # ... not before the day of receipt once the year has begun ("Continue proces") ...
    (date(2024, 3, 15), date(2001, 5, 1), (date(2024, 3, 15), date(2024, 12, 31))),
    # ... nor before the AGB code starts (a starting facility company)
    (date(2023, 10, 1), date(2024, 2, 1), (date(2024, 2, 1), date(2024, 12, 31))),
])
def test_the_start_window_of_an_application(received, agb_start, window):
    assert start_window(P2024, received, agb_start) == window


@pytest.mark.parametrize("received, start, agb_start, field, reason", [
    (date(2023, 6, 1), date(2020, 1, 1), None, "start_date", "outside"),
    (date(2023, 6, 1), date(2020, 1, 1), date(2023, 3, 1), "start_date", "outside"),
    (date(2023, 6, 1), date(2025, 1, 1), None, "start_date", "outside"),
    (date(2024, 3, 15), date(2024, 3, 14), None, "start_date", "outside"),
    (date(2023, 10, 1), date(2024, 1, 1), date(2024, 2, 1), "start_date", "before_agb"),
    (date(2023, 10, 1), date(2024, 6, 1), date(2025, 1, 1), "agb_start", "agb_after_year"),
    (date(2025, 1, 2), date(2024, 12, 31), None, "start_date", "closed"),
])
def test_a_start_outside_the_window_is_refused_with_its_reason(received, start, agb_start, field,
                                                                reason):
    with pytest.raises(DateRefused) as refused:
        check_dates(P2024, received_on=received, start=start, agb_start=agb_start)
    assert (refused.value.field, refused.value.reason) == (field, reason)


@pytest.mark.parametrize("received, start, agb_start", [
    (date(2023, 6, 1), date(2024, 1, 1), date(1998, 1, 1)),  # an old AGB code: a takeover
    (date(2023, 6, 1), date(2024, 12, 31), None),
    (date(2024, 3, 15), date(2024, 3, 15), None),
    (date(2023, 10, 1), date(2024, 2, 1), date(2024, 2, 1)),
])
def test_a_start_inside_the_window_is_taken(received, start, agb_start):
    check_dates(P2024, received_on=received, start=start, agb_start=agb_start)
