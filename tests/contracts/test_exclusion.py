"""Bijlage 2's exclusion grounds, exactly as written: all three conditions together, only for the
provider types it names, three consecutive years.

"Wij kopen geen Farmaceutische zorg in bij openbare apotheken, apotheekhoudende huisartsen,
internetapotheken of poliklinische apotheken die: • 3 achtereenvolgende jaren behoren tot de groep
met het laagst scorende apotheekprofiel én • Een dalende trend vertonen op een van de onderdelen van
het apotheekprofiel én • Verbeterafspraken onvoldoende zijn nagekomen of deze niet willen maken."
"""
import pytest

from contracts.cases import parse_case
from contracts.engine import decide
from contracts.exclusion import lowest_group_run

EXCLUDED = {"lowest_group_years": [2021, 2022, 2023], "declining_component": True,
            "improvement_agreements": "niet_nagekomen"}


def decision(profile, provider_type="openbare_apotheek", relation="aflopend", year=2024,
             contract="farmaceutische_zorg"):
    return decide(parse_case({"policy_year": year, "provider_type": provider_type,
                              "contract": contract, "relation": relation, "profile": profile}))


@pytest.mark.parametrize("provider_type", [
    "openbare_apotheek", "apotheekhoudende_huisarts", "internetapotheek",
    "internetapotheek_voorkeur", "poliklinische_apotheek"])
def test_all_three_conditions_exclude_the_types_it_names(provider_type):
    d = decision(EXCLUDED, provider_type)
    assert (d.route, d.exclusion) == ("geen", "uitsluitingsgrond")


@pytest.mark.parametrize("change", [
    {"lowest_group_years": [2022, 2023]},                 # two years only
    {"lowest_group_years": [2020, 2022, 2023]},           # not consecutive
    {"lowest_group_years": [2021, 2023, 2024]},           # not consecutive either
    {"lowest_group_years": [2018, 2019, 2020]},           # consecutive, but long ago
    {"declining_component": False},                       # no declining trend
    {"declining_component": None},                        # trend unknown: not shown
    {"improvement_agreements": "nagekomen"},              # agreements kept
    {"improvement_agreements": "geen"},                   # none were asked
])
def test_one_condition_missing_means_no_exclusion(change):
    d = decision({**EXCLUDED, **change})
    assert (d.route, d.exclusion) == ("aanbod", None)
    assert any("niet voldaan" for r in d.reasons for _ in [r] if r.startswith("bijlage2_fz"))


def test_refusing_to_make_agreements_counts_as_failing_them():
    # "... of deze niet willen maken"
    d = decision({**EXCLUDED, "improvement_agreements": "geweigerd"})
    assert d.exclusion == "uitsluitingsgrond"


def test_a_run_up_to_the_policy_year_counts():
    assert decision({**EXCLUDED, "lowest_group_years": [2022, 2023, 2024]}).exclusion == "uitsluitingsgrond"
    assert decision({**EXCLUDED, "lowest_group_years": [2019, 2020, 2021, 2022, 2023]}).exclusion


@pytest.mark.parametrize("provider_type, contract, relation", [
    ("zuivere_dienstapotheek", "farmaceutische_zorg", "aflopend"),   # not named
    ("unieke_leverancier", "farmaceutische_zorg", "aflopend"),       # not named
    ("openbare_apotheek", "dieetpreparaten", "aflopend"),            # another contract
    ("openbare_apotheek", "module_zorgprestaties", "doorlopend"),    # running agreement's addendum
])
def test_the_ground_reaches_only_what_it_names(provider_type, contract, relation):
    d = decision(EXCLUDED, provider_type, relation, contract=contract)
    assert d.route == "aanbod" and d.exclusion is None


@pytest.mark.parametrize("year", [2023, 2024])
def test_a_hybride_dienstapotheek_is_reached_as_the_openbare_apotheek_it_is_by_day(year):
    # "Een hybride dienstapotheek is ook overdag van maandag t/m zaterdag geopend als apotheek." and
    # "Wij kopen geen Farmaceutische zorg in bij openbare apotheken, ..."
    profile = {**EXCLUDED, "lowest_group_years": [year - 3, year - 2, year - 1]}
    assert decision(profile, "hybride_dienstapotheek", year=year).exclusion == "uitsluitingsgrond"
    assert decision(profile, "openbare_apotheek", year=year).exclusion == "uitsluitingsgrond"


def test_without_profile_facts_the_ground_is_not_assessed():
    d = decision(None)
    assert d.route == "aanbod"
    assert any("niet getoetst" in r for r in d.reasons)


def test_in_2023_internet_pharmacies_had_no_profile_to_be_excluded_on():
    # "In 2024 krijgen internetapotheken een apotheekprofiel."
    profile = {**EXCLUDED, "lowest_group_years": [2020, 2021, 2022]}
    assert decision(profile, "internetapotheek", year=2023).exclusion is None
    assert decision(profile, "openbare_apotheek", year=2023).exclusion == "uitsluitingsgrond"


@pytest.mark.parametrize("years, expected", [
    ((2021, 2022, 2023), (2021, 2022, 2023)),
    ((2022, 2023, 2024), (2022, 2023, 2024)),
    ((2021, 2022), None),
    ((2020, 2021, 2022), None),
    ((), None),
])
def test_lowest_group_run(years, expected):
    assert lowest_group_run(years, 3, 2024) == expected
