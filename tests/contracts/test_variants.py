"""Variants of a year's policy (contracts.variants): merged onto their base, refused with one line
naming the field, and said in the words of the policy."""
from datetime import date

import pytest

from contracts.errors import CaseError
from contracts.policy import load_policy, use_policy
from contracts.variants import VariantError, differences, load_variant

BASE = {"variant": "v", "base": 2024}


def variant(**changes):
    return load_variant({**BASE, **changes})


def test_a_variant_changes_only_what_it_names():
    v = variant(exclusion_grounds={"bijlage2_fz": {"consecutive_lowest_years": 2}},
                acceptance={"weeks": 4}, reminders={"days_before": [1, 7]},
                milestones={"fz_aflopend_aanbod": {"date": date(2023, 9, 1)}})
    base = load_policy(2024)
    assert v.policy.exclusion_grounds["bijlage2_fz"].consecutive_lowest_years == 2
    assert v.policy.acceptance.weeks == 4 and v.policy.acceptance.latest == base.acceptance.latest
    assert v.policy.reminder_days == (7, 1)
    assert v.policy.milestones["fz_aflopend_aanbod"].date == date(2023, 9, 1)
    assert v.policy.rules == base.rules and v.policy.year == base.year == v.year
    assert v.policy.variant == "v" and base.variant is None
    assert v.parent is base


def test_the_profile_groups_merge_by_id_and_their_shares_still_add_up():
    v = variant(profile={"groups": {"drie_sterren": {"share": 0.6},
                                    "een_ster": {"share": 0.15, "tariff_per_line_eur": "6.5"}}})
    groups = {g["id"]: g for g in v.policy.profile["groups"]}
    assert (groups["drie_sterren"]["share"], groups["een_ster"]["tariff_per_line_eur"]) == (0.6, "6.50")
    assert groups["twee_sterren"] == next(g for g in load_policy(2024).profile["groups"]
                                          if g["id"] == "twee_sterren")


# Each row: what the variant says, and the field its one-line refusal names.
REFUSED = [
    ({"negotiable_everything": True}, "negotiable_everything"),                  # unknown key
    ({"rules": {"fz_bestaat_niet": {"negotiable": True}}}, "rules.fz_bestaat_niet"),  # unknown rule id
    ({"rules": {"fz_aflopend_apotheken": {"onderhandelbaar": True}}},
     "rules.fz_aflopend_apotheken.onderhandelbaar"),                             # unknown field
    ({"milestones": {"fz_aflopend_aanbod": {"date": date(2024, 9, 1)}}},
     "milestones.fz_aflopend_aanbod.date"),                                      # outside 2023
    ({"acceptance": {"latest": date(2022, 11, 11)}}, "acceptance.latest"),
    ({"rules": {"smr_aflopend_grootste": {"size_rank": {"min": 1, "max": 5}}}},
     "rules.smr_aflopend_grootste.size_rank"),                                   # bands no longer partition
    ({"profile": {"groups": {"een_ster": {"share": 0.5}}}}, "profile.groups"),   # shares add up to 1.45
    ({"profile": {"groups": {"vier_sterren": {"share": 0.1}}}}, "profile.groups.vier_sterren"),
    ({"profile": {"groups": {"een_ster": {"tariff_per_line_eur": "6,555"}}}},
     "profile.groups.een_ster.tariff_per_line_eur"),
    ({"reminders": {"days_before": [-1]}}, "reminders"),
    ({"base": 1999}, "base"),
    ({"base": "onbekend"}, "base"),
    ({"variant": "Met Spaties"}, "variant"),
]


@pytest.mark.parametrize("changes, field", REFUSED)
def test_what_the_lab_cannot_use_is_refused_in_one_line_naming_the_field(changes, field):
    with pytest.raises(VariantError) as refused:
        variant(**changes)
    assert refused.value.field == field
    assert isinstance(refused.value, CaseError) and "\n" not in str(refused.value)


def test_the_size_bands_refusal_is_the_loaders_own():
    with pytest.raises(VariantError, match="openbare_apotheek/stoppen_met_roken/aflopend: rules "
                                           r"\['smr_aflopend_grootste', 'smr_aflopend_overige'\] "
                                           "overlap or leave size rank 6 uncovered"):
        variant(rules={"smr_aflopend_grootste": {"size_rank": {"min": 1, "max": 5}}})


def test_a_variant_may_build_on_another_by_name_but_not_on_itself():
    found = {"twee": {"variant": "twee", "base": 2024,
                      "exclusion_grounds": {"bijlage2_fz": {"consecutive_lowest_years": 2}}},
             "kring": {"variant": "kring", "base": "rond"}, "rond": {"variant": "rond", "base": "kring"}}
    v = load_variant({"variant": "vier-weken", "base": "twee", "acceptance": {"weeks": 4}}, found.get)
    assert v.policy.exclusion_grounds["bijlage2_fz"].consecutive_lowest_years == 2
    assert v.policy.acceptance.weeks == 4
    assert [d.field for d in differences(v.parent, v.policy)] == ["acceptance.weeks"]
    with pytest.raises(VariantError, match="op zichzelf"):
        load_variant(found["kring"], found.get)


def test_yaml_text_that_is_no_mapping_is_refused():
    with pytest.raises(VariantError) as refused:
        load_variant("- een\n- lijst\n")
    assert refused.value.field == "yaml"
    with pytest.raises(VariantError, match="regel 3"):  # the unclosed list of line 2 ends there
        load_variant("variant: v\nbase: [2024\n")


def test_the_differences_are_said_in_the_words_of_the_policy():
    base = load_policy(2024)
    v = variant(title="Twee jaren", exclusion_grounds={"bijlage2_fz": {"consecutive_lowest_years": 2}},
                milestones={"fz_aflopend_aanbod": {"date": date(2023, 9, 1)}},
                rules={"fz_aflopend_apotheken": {"negotiable": True}})
    lines = {d.field: d.line() for d in differences(base, v.policy)}
    assert lines["exclusion_grounds.bijlage2_fz.consecutive_lowest_years"].endswith(
        "achtereenvolgende jaren in de laagst scorende groep: 3 → 2")
    assert lines["milestones.fz_aflopend_aanbod.date"] == (
        f"Planning: {base.milestones['fz_aflopend_aanbod'].action}: 15-09-2023 → 01-09-2023")
    assert "rules.fz_aflopend_apotheken.milestone" not in lines  # the date is said once, above
    assert lines["rules.fz_aflopend_apotheken.negotiable"].endswith("onderhandelbaar: nee → ja")
    assert differences(base, variant().policy) == []
    assert [d.field for d in differences(base, variant(title="Anders").policy)] == ["title"]


def test_a_variant_put_in_its_years_place_and_taken_out_again():
    v = variant(acceptance={"weeks": 4})
    try:
        use_policy(v.policy)
        assert load_policy(2024) is v.policy
        assert load_policy(2023).variant is None
    finally:
        use_policy(None, 2024)
    assert load_policy(2024).acceptance.weeks == 6
