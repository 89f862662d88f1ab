"""Property-based: every valid case gets exactly one well-formed decision."""
import json

from hypothesis import given, strategies as st

from contracts.cases import parse_case
from contracts.engine import decide
from contracts.errors import CaseError
from contracts.policy import load_policy
from contracts.vocabulary import Contract, ImprovementAgreements, ProviderType, Relation

dates = st.dates().map(lambda d: d.isoformat()) | st.none()
profiles = st.none() | st.fixed_dictionaries({
    "lowest_group_years": st.lists(st.integers(2015, 2025), max_size=6),
    "declining_component": st.none() | st.booleans(),
    "improvement_agreements": st.sampled_from([a.value for a in ImprovementAgreements]),
})
cases = st.fixed_dictionaries({
    "policy_year": st.sampled_from([2023, 2024]),
    "provider_type": st.sampled_from([t.value for t in ProviderType]),
    "contract": st.sampled_from([c.value for c in Contract]),
    "relation": st.sampled_from([r.value for r in Relation]),
}, optional={
    "size_rank": st.none() | st.integers(1, 500),
    "agb_start": dates,
    "riz_contra_indication": st.booleans(),
    "application_received": dates,
    "profile": profiles,
    "contracts_held": st.none() | st.lists(st.sampled_from([c.value for c in Contract]), unique=True),
})


def well_formed(d, case):
    j = d.as_json()
    assert json.loads(json.dumps(j)) == j
    assert j["route"] in ("aanbod", "aanvraag", "geen")
    assert j["exclusion"] in (None, "minimumeis", "uitsluitingsgrond")
    assert j["reasons"] and all(isinstance(r, str) and ": " in r for r in j["reasons"])
    if j["route"] == "geen":
        assert j["document"] is j["negotiable"] is j["channel"] is j["final_channel"] is None
        assert j["deadline"] is None
    else:
        assert j["exclusion"] is None
        assert j["document"] in ("overeenkomst", "addendum")
        assert isinstance(j["negotiable"], bool)
        assert j["channel"] in ("vecozo", "email", "website") and j["final_channel"] == "vecozo"
        if j["route"] == "aanvraag":
            assert j["channel"] == "website"
            assert (j["deadline"] is None) == (case.get("application_received") is None)
    if case.get("riz_contra_indication"):
        assert j["exclusion"] == "minimumeis"


@given(cases)
def test_every_valid_case_gets_exactly_one_well_formed_decision(case):
    parsed = parse_case(case)
    try:
        decision = decide(parsed)
    except CaseError as error:
        # The only valid-looking case the engine refuses: a size rank where the policy needs one.
        assert error.field == "size_rank" and case.get("size_rank") is None
        rules = load_policy(parsed.policy_year).rules_for(
            parsed.provider_type, parsed.contract, parsed.relation)
        assert len(rules) > 1
        return
    well_formed(decision, case)
    assert decide(parse_case(json.loads(json.dumps(case)))) == decision  # same case, same answer


@given(cases, st.sampled_from(["policy_year", "provider_type", "contract", "relation"]))
def test_a_missing_required_field_is_named(case, field):
    del case[field]
    try:
        parse_case(case)
    except CaseError as error:
        assert error.field == field
    else:
        raise AssertionError("a case without its required field was accepted")


@given(cases, st.sampled_from(["provider_type", "contract", "relation"]), st.text(max_size=12))
def test_an_unknown_slug_is_named_with_the_allowed_values(case, field, value):
    allowed = {"provider_type": ProviderType, "contract": Contract, "relation": Relation}[field]
    if value in [m.value for m in allowed]:
        return
    case[field] = value
    try:
        parse_case(case)
    except CaseError as error:
        assert error.field == field and error.allowed == [m.value for m in allowed]
    else:
        raise AssertionError("an unknown slug was accepted")
