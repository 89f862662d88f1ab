"""The deadline calendar of seed 002 ("Planning zorginkoop") and calendar-month arithmetic."""
from datetime import date

import pytest
from hypothesis import given, strategies as st

from contracts.calendar import add_months
from contracts.policy import load_policy


@pytest.mark.parametrize("received, expected", [
    (date(2023, 1, 31), date(2023, 2, 28)),   # clamped to the end of February
    (date(2024, 1, 31), date(2024, 2, 29)),   # leap year
    (date(2023, 3, 31), date(2023, 4, 30)),
    (date(2023, 5, 15), date(2023, 6, 15)),
    (date(2023, 12, 31), date(2024, 1, 31)),  # over the year end
    (date(2023, 8, 30), date(2023, 9, 30)),
])
def test_one_month_after_receipt(received, expected):
    # "Uiterlijk 1 maand na ontvangen aanvraag Reactie op aanvraag VGZ E-mail"
    assert add_months(received, 1) == expected
    assert load_policy(2024).milestones["aanvraag_reactie"].due(received) == expected


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(0, 36))
def test_add_months_lands_in_the_right_month_never_past_its_end(day, months):
    import calendar
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day == min(day.day, calendar.monthrange(result.year, result.month)[1])


# (milestone, date, action, who, via) as the seed's planning tables print them
PLANNING = [
    ("fz_aflopend_aanbod", date(2023, 9, 15), "Aanbieden overeenkomst (op basis van apotheekprofiel)", "vgz", "vecozo"),
    ("module_doorlopend_aanbod", date(2023, 9, 15), "Aanbieden addendum Module farmaceutische zorgprestaties", "vgz", "vecozo"),
    ("aanvraag_continu", None, "Aanvragen overeenkomst", "zorgaanbieder", "website"),
    ("aanvraag_reactie", None, "Reactie op aanvraag", "vgz", "email"),
    ("ul_aanbod", date(2023, 10, 1), "Aanbieden overeenkomst en start onderhandeling", "vgz", "email"),
    ("voorkeur_aanbod", date(2023, 9, 15), "Aanbieden overeenkomst (op basis van het apotheekprofiel) en start onderhandeling", "vgz", "email"),
    ("smr_grootste_bekendmaken", date(2023, 6, 1), "Bekendmaken reeds gecontracteerde, grootste zorgaanbieders", "vgz", "email"),
    ("smr_grootste_aanbod", date(2023, 7, 1), "Aanbieden overeenkomst en start onderhandeling", "vgz", "email"),
    ("smr_grootste_overeenstemming", date(2023, 9, 15), "Wederzijdse overeenstemming/afronding onderhandeling", "vgz_en_zorgaanbieder", "email"),
    ("smr_grootste_vecozo", date(2023, 10, 15), "Aanbieden overeenkomst", "vgz", "vecozo"),
    ("spoedzorg_aanbod", date(2023, 10, 15), "Aanbieden addendum Farmaceutische spoedzorg", "vgz", "vecozo"),
    ("dieet_grootste_bekendmaken", date(2023, 5, 1), "Bekendmaken reeds gecontracteerde, grootste facilitaire bedrijven", "vgz", "email"),
    ("dieet_grootste_aanbod", date(2023, 6, 1), "Aanbieden overeenkomst en start onderhandeling", "vgz", "email"),
    ("dieet_grootste_overeenstemming", date(2023, 9, 15), "Wederzijdse overeenstemming/afronding onderhandeling", "vgz_en_zorgaanbieder", "email"),
    ("dieet_grootste_vecozo", date(2023, 10, 15), "Aanbieden overeenkomst", "vgz", "vecozo"),
    ("dieet_overige_bekendmaken", date(2023, 5, 1), "Bekendmaken reeds gecontracteerde, overige zorgaanbieders (niet grootste 2)", "vgz", "email"),
    ("dieet_overige_vecozo", date(2023, 10, 15), "Aanbieden overeenkomst", "vgz", "vecozo"),
    ("smr_overige_bekendmaken", date(2023, 7, 1), "Bekendmaken reeds gecontracteerde, overige zorgaanbieders (niet grootste 2)", "vgz", "email"),
    ("smr_overige_vecozo", date(2023, 10, 15), "Aanbieden overeenkomst", "vgz", "vecozo"),
    ("publicatie_zorgzoeker", date(2023, 11, 12), "Bekendmaken gecontracteerd zorgaanbod via de Zorgzoekers", "vgz", "website"),
]


def test_the_2023_calendar_holds_every_line_of_the_planning():
    milestones = load_policy(2024).milestones
    found = [(m.id, m.date, m.action, str(m.who), str(m.via)) for m in milestones.values()]
    assert sorted(found, key=str) == sorted(PLANNING, key=str)


def test_planning_lists_provider_types_as_the_seed_does():
    m = load_policy(2024).milestones
    # "Planning voor reeds gecontracteerde zorgaanbieders met een aflopende overeenkomst • Openbare
    # apotheken • Apotheekhoudende huisartsen • Poliklinische apotheken • Internetapotheken
    # (niet-voorkeursaanbieders) • Zuivere dienstapotheken"
    assert {"openbare_apotheek", "apotheekhoudende_huisarts", "poliklinische_apotheek",
            "internetapotheek", "zuivere_dienstapotheek"} <= set(m["fz_aflopend_aanbod"].provider_types)
    # "Planning voor nieuwe zorgaanbieders ... • Unieke leveranciers"
    assert "unieke_leverancier" in m["aanvraag_continu"].provider_types
    assert m["spoedzorg_aanbod"].provider_types == ("zuivere_dienstapotheek", "hybride_dienstapotheek")


def test_calendar_is_in_date_order_with_undated_lines_last():
    calendar = load_policy(2024).calendar()
    dated = [m.date for m in calendar if m.date]
    assert dated == sorted(dated)
    assert [m.id for m in calendar[-2:]] == ["aanvraag_continu", "aanvraag_reactie"]


@pytest.mark.parametrize("milestone, group", [
    # "Planning voor de reeds gecontracteerde, grootste facilitaire bedrijven (2)" ... "Uiterlijk 1
    # mei 2023 Bekendmaken reeds gecontracteerde, grootste facilitaire bedrijven VGZ E-mail" ...
    # "Uiterlijk 15 oktober 2023 Aanbieden overeenkomst VGZ VECOZO"
    ("dieet_grootste_aanbod", "reeds gecontracteerde, grootste facilitaire bedrijven"),
    ("dieet_grootste_vecozo", "reeds gecontracteerde, grootste facilitaire bedrijven"),
    # "Planning voor de reeds gecontracteerde, overige zorgaanbieders" ... "Uiterlijk 1 mei 2023
    # Bekendmaken reeds gecontracteerde, overige zorgaanbieders (niet grootste 2) VGZ E-mail" ...
    # "Uiterlijk 15 oktober 2023 Aanbieden overeenkomst VGZ VECOZO"
    ("dieet_overige_vecozo", "reeds gecontracteerde, overige zorgaanbieders (niet grootste 2)"),
    # "Overeenkomst Stoppen met roken medicatie" / "Planning voor de reeds gecontracteerde,
    # grootste zorgaanbieders (2)" ... "Uiterlijk 1 juni 2023 Bekendmaken reeds gecontracteerde,
    # grootste zorgaanbieders VGZ E-mail"
    ("smr_grootste_vecozo", "reeds gecontracteerde, grootste zorgaanbieders"),
    ("smr_overige_vecozo", "reeds gecontracteerde, overige zorgaanbieders (niet grootste 2)"),
    # "Planning voor zorgaanbieders die farmaceutische spoedzorg leveren": one group, no
    # "Bekendmaken" line, nothing to tell apart
    ("spoedzorg_aanbod", None),
    ("fz_aflopend_aanbod", None),
])
def test_each_line_of_a_split_planning_is_for_the_group_its_announcement_names(milestone, group):
    policy = load_policy(2024)
    assert policy.group_of(policy.milestones[milestone]) == group


def test_lines_of_the_same_day_action_and_contract_are_told_apart_by_their_group():
    policy = load_policy(2024)
    lines: dict[tuple, set] = {}
    for m in policy.calendar():
        lines.setdefault((m.date, m.action, m.contract), set()).add(policy.group_of(m))
    alike = [(key, groups) for key, groups in lines.items()
             if sum(1 for m in policy.calendar() if (m.date, m.action, m.contract) == key) > 1]
    assert alike  # 15 October 2023: "Aanbieden overeenkomst", twice for each of two contracts
    assert all(None not in groups and len(groups) > 1 for _key, groups in alike)
