"""The offer life cycle of DESIGN.md, action by action, state by state, role by role."""
import itertools

import pytest

from contracts.offers import OfferStatus, Role, TransitionRefused, actions_for, check

S, R = OfferStatus, Role

# (action, from, to, who may, negotiable only / non-negotiable only)
EXPECTED = {
    "issue": ({S.CONCEPT}, S.AANGEBODEN, {R.CONTRACT_MANAGER, R.ADMIN, R.SYSTEM}, None),
    "accept": ({S.AANGEBODEN}, S.GEACCEPTEERD, {R.PROVIDER_SIGNATORY}, None),
    "decline": ({S.AANGEBODEN, S.TEGENVOORSTEL, S.IN_ONDERHANDELING}, S.AFGEWEZEN, {R.PROVIDER_SIGNATORY}, None),
    "counter": ({S.AANGEBODEN, S.IN_ONDERHANDELING}, S.TEGENVOORSTEL,
                {R.PROVIDER_USER, R.PROVIDER_SIGNATORY}, True),
    "respond": ({S.TEGENVOORSTEL}, S.IN_ONDERHANDELING, {R.CONTRACT_MANAGER, R.ADMIN}, True),
    "agree": ({S.TEGENVOORSTEL, S.IN_ONDERHANDELING}, S.AANGEBODEN, {R.CONTRACT_MANAGER, R.ADMIN}, True),
    "expire": ({S.AANGEBODEN, S.TEGENVOORSTEL, S.IN_ONDERHANDELING}, S.VERLOPEN,
               {R.SYSTEM, R.CONTRACT_MANAGER, R.ADMIN}, None),
    "withdraw": ({S.CONCEPT, S.AANGEBODEN, S.TEGENVOORSTEL, S.IN_ONDERHANDELING}, S.INGETROKKEN,
                 {R.CONTRACT_MANAGER, R.ADMIN}, None),
    "record": ({S.CONCEPT, S.AANGEBODEN}, S.GEACCEPTEERD, {R.CONTRACT_MANAGER, R.ADMIN}, False),
}


@pytest.mark.parametrize("action, status, role, negotiable", list(itertools.product(
    EXPECTED, list(S), list(R), [True, False])))
def test_every_action_in_every_state_for_every_role(action, status, role, negotiable):
    sources, target, roles, only = EXPECTED[action]
    allowed = status in sources and role in roles and (only is None or only == negotiable)
    if allowed:
        assert check(action, status, role, negotiable, reason="omdat").target == target
        assert action in actions_for(status, role, negotiable)
    else:
        with pytest.raises(TransitionRefused):
            check(action, status, role, negotiable, reason="omdat")
        assert action not in actions_for(status, role, negotiable)


def test_final_states_allow_nothing():
    for status in (S.GEACCEPTEERD, S.AFGEWEZEN, S.VERLOPEN, S.INGETROKKEN):
        for role in R:
            assert actions_for(status, role, True) == actions_for(status, role, False) == []


def test_non_negotiable_offers_cannot_enter_negotiation():
    with pytest.raises(TransitionRefused) as error:
        check("counter", S.AANGEBODEN, R.PROVIDER_USER, negotiable=False, reason="lager tarief")
    assert error.value.field == "negotiable"


def test_only_the_signatory_accepts():
    # VECOZO: "Only the signatory registered at the Chamber of Commerce (KvK) may accept or reject"
    with pytest.raises(TransitionRefused) as error:
        check("accept", S.AANGEBODEN, R.PROVIDER_USER, negotiable=False)
    assert error.value.field == "role"


@pytest.mark.parametrize("action, status, role", [
    ("decline", S.AANGEBODEN, R.PROVIDER_SIGNATORY), ("withdraw", S.AANGEBODEN, R.CONTRACT_MANAGER),
    ("counter", S.AANGEBODEN, R.PROVIDER_USER)])
def test_actions_that_need_a_reason(action, status, role):
    with pytest.raises(TransitionRefused) as error:
        check(action, status, role, negotiable=True, reason="  ")
    assert error.value.field == "reason"
