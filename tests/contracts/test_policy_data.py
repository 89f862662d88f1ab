"""The policy data itself: every rule quotes the seed truly, and the loader refuses bad data."""
from datetime import date

import pytest

from contracts.errors import CaseError, PolicyError
from contracts.policy import SizeBand, _agreement_term, _index, _rule, available_years, load_policy
from contracts.vocabulary import Contract, ProviderType, Relation, Route


def everything_quoted(policy):
    for rule in policy.rules.values():
        yield f"rule {rule.id}", rule.seed
    for milestone in policy.milestones.values():
        yield f"milestone {milestone.id}", milestone.seed
    for criterion in policy.criteria.values():
        yield f"criterion {criterion.id}", criterion.seed
    for ground in policy.exclusion_grounds.values():
        yield f"exclusion ground {ground.id}", ground.seed
    yield "minimum requirement", policy.minimum_requirement["seed"]
    yield "acceptance", policy.acceptance.seed
    yield "agreement term", policy.agreement_term.seed


@pytest.mark.parametrize("year", [2023, 2024])
def test_every_quoted_sentence_stands_in_seed_002(year, seed_002):
    missing = [(where, quote) for where, quotes in everything_quoted(load_policy(year))
               for quote in quotes if quote not in seed_002]
    assert missing == []


def test_both_years_are_there():
    assert available_years() == (2023, 2024)
    assert load_policy(2024).calendar_year == 2023
    assert load_policy(2023).calendar_year == 2022


def test_an_unknown_year_names_the_years_there_are():
    with pytest.raises(CaseError) as error:
        load_policy(2031)
    assert error.value.field == "policy_year" and error.value.allowed == [2023, 2024]


def test_2023_inherits_milestones_one_year_earlier():
    # "where the seed is silent about 2023 it equals 2024": the planning moves with the year.
    assert load_policy(2024).milestones["fz_aflopend_aanbod"].date == date(2023, 9, 15)
    assert load_policy(2023).milestones["fz_aflopend_aanbod"].date == date(2022, 9, 15)
    assert "smr_grootste_aanbod" not in load_policy(2023).milestones


def test_every_reading_is_listed_in_the_readme():
    from pathlib import Path
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for year in (2023, 2024):
        policy = load_policy(year)
        with_readings = [r.id for r in policy.rules.values() if r.reading] + [
            m.id for m in policy.milestones.values() if m.reading] + [
            c.id for c in policy.criteria.values() if c.reading] + [
            g.id for g in policy.exclusion_grounds.values() if g.reading] + [
            "acceptance" for _ in [policy.acceptance] if policy.acceptance.reading] + [
            "agreement_term" for _ in [policy.agreement_term] if policy.agreement_term.reading]
        assert [i for i in with_readings if f"`{i}`" not in readme] == []


def rule(rid, size=None, **fields):
    data = {"summary": "s", "provider_types": ["openbare_apotheek"], "contract": "spoedzorg",
            "relations": ["aflopend"], "route": "geen", "seed": ["quote"], **fields}
    if size:
        data["size_rank"] = size
    return _rule(rid, data)


def test_a_rule_without_its_seed_sentence_is_refused():
    with pytest.raises(PolicyError, match="seed"):
        rule("r", seed=[])


def test_an_offer_must_name_its_channel():
    with pytest.raises(PolicyError, match="channel"):
        rule("r", route="aanbod", document="overeenkomst", negotiable=False, final_channel="vecozo")


def test_unknown_slugs_in_policy_data_are_refused():
    with pytest.raises(PolicyError, match="ProviderType"):
        rule("r", provider_types=["apotheek"])


def test_two_rules_for_one_cell_are_refused():
    with pytest.raises(PolicyError, match="overlap"):
        _index({"a": rule("a"), "b": rule("b")})


def test_size_bands_must_cover_every_rank_once():
    with pytest.raises(PolicyError, match="uncovered"):
        _index({"a": rule("a", {"max": 2}), "b": rule("b", {"min": 4})})
    with pytest.raises(PolicyError, match="no rule for size ranks from 3"):
        _index({"a": rule("a", {"max": 2})})
    index = _index({"a": rule("a", {"max": 2}), "b": rule("b", {"min": 3})})
    cell = (ProviderType.OPENBARE_APOTHEEK, Contract.SPOEDZORG, Relation.AFLOPEND)
    assert [r.size for r in index[cell]] == [SizeBand(None, 2), SizeBand(3, None)]


def test_every_cell_has_at_most_one_rule_per_size_rank():
    for year in available_years():
        policy = load_policy(year)
        for cell, rules in policy._index.items():
            for rank in range(1, 8):
                assert sum(rank in r.size for r in rules) == 1, (year, cell, rank)


def test_no_rule_offers_without_a_channel_or_names_one_without_offering():
    for year in available_years():
        for r in load_policy(year).rules.values():
            offered = r.route is not Route.GEEN
            assert (r.channel is not None) == offered and (r.document is not None) == offered


# "Vanaf 12 november 2023 maken wij het reeds gecontracteerde zorgaanbod voor 2024 bekend via onze
# Zorgzoekers." The seed sets no answer term; the reading (README `acceptance`): 6 weeks, no later
# than the day before publication, at least 14 days; a negotiation runs to its agreement date.
@pytest.mark.parametrize("rule_id, issued, negotiable, expected", [
    ("fz_aflopend_apotheken", date(2023, 9, 15), False, date(2023, 10, 27)),   # 6 weeks
    ("spoedzorg_gecontracteerd", date(2023, 10, 15), False, date(2023, 11, 11)),  # capped
    ("spoedzorg_gecontracteerd", date(2023, 11, 1), False, date(2023, 11, 15)),  # at least 14 days
    # "Uiterlijk 15 september 2023 Wederzijdse overeenstemming/afronding onderhandeling"
    ("smr_aflopend_grootste", date(2023, 7, 1), True, date(2023, 9, 15)),
    ("dieet_facilitair_grootste", date(2023, 6, 1), True, date(2023, 9, 15)),
    # the agreed (final, no longer negotiable) offer gets the ordinary term
    ("smr_aflopend_grootste", date(2023, 9, 10), False, date(2023, 10, 22)),
])
def test_acceptance_deadline(rule_id, issued, negotiable, expected):
    assert load_policy(2024).acceptance_deadline(rule_id, issued, negotiable) == expected


def test_the_2023_acceptance_cap_moves_with_the_calendar():
    assert load_policy(2023).acceptance.latest == date(2022, 11, 11)


# "Reeds gecontracteerde zorgaanbieders met een Zorgovereenkomst Farmaceutische zorg 2023-2024
# ...": an Overeenkomst Farmaceutische zorg of the 2023 campaign runs 2023 and 2024. The seed
# gives no other term: one contract year (README `agreement_term`, also for 2024's choice).
@pytest.mark.parametrize("year, contract, start, end", [
    (2023, "farmaceutische_zorg", date(2023, 1, 1), date(2024, 12, 31)),
    (2023, "dieetpreparaten", date(2023, 1, 1), date(2023, 12, 31)),
    (2023, "spoedzorg", date(2023, 1, 1), date(2023, 12, 31)),
    (2024, "module_zorgprestaties", date(2024, 1, 1), date(2024, 12, 31)),
    (2024, "stoppen_met_roken", date(2024, 1, 1), date(2024, 12, 31)),
])
def test_the_term_of_an_agreement_concluded_in_a_campaign(year, contract, start, end):
    policy = load_policy(year)
    assert (policy.agreement_start(contract), policy.agreement_end(contract)) == (start, end)


def test_2024_states_its_own_pharmaceutical_term():
    # 2023.yaml is based on 2024.yaml: each names its term, with its own seed and reading
    assert load_policy(2024).agreement_term.seed != load_policy(2023).agreement_term.seed
    assert load_policy(2024).agreement_end("farmaceutische_zorg") == date(2025, 12, 31)


@pytest.mark.parametrize("years, field", [
    ({"farmaceutische_zorgen": 2}, "agreement_term.years.farmaceutische_zorgen: unknown Contract"),
    ({"farmaceutische_zorg": 0}, "agreement_term.years.farmaceutische_zorg: a term is a whole number"),
    ({"dieetpreparaten": -1}, "agreement_term.years.dieetpreparaten: a term is a whole number"),
    ({"dieetpreparaten": 1.5}, "agreement_term.years.dieetpreparaten: a term is a whole number"),
    ({"dieetpreparaten": True}, "agreement_term.years.dieetpreparaten: a term is a whole number"),
])
def test_a_bad_agreement_term_is_refused_naming_the_field(years, field):
    with pytest.raises(PolicyError, match=field):
        _agreement_term({"years": years, "seed": ["quote"]})


def test_an_agreement_term_without_its_seed_sentence_is_refused():
    with pytest.raises(PolicyError, match="agreement_term: every rule carries the seed"):
        _agreement_term({"years": {"farmaceutische_zorg": 2}})
