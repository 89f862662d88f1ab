"""The offer life cycle: which action moves an offer from which state to which, and who may.

concept -> aangeboden -> (tegenvoorstel <-> in_onderhandeling) -> geaccepteerd | afgewezen |
verlopen | ingetrokken. A non-negotiable offer cannot enter negotiation. Only a signatory accepts
or declines, as only the signatory registered at the KvK may in VECOZO's Zorginkoopportaal;
negotiating needs no signing authority. An insurer can also record (vastleggen) a
non-negotiable offer as agreed without acceptance, as VECOZO allows.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .errors import CaseError


class OfferStatus(StrEnum):
    CONCEPT = "concept"
    AANGEBODEN = "aangeboden"
    TEGENVOORSTEL = "tegenvoorstel"          # the provider's counter-proposal awaits the insurer
    IN_ONDERHANDELING = "in_onderhandeling"  # the insurer's answer awaits the provider
    GEACCEPTEERD = "geaccepteerd"
    AFGEWEZEN = "afgewezen"
    VERLOPEN = "verlopen"
    INGETROKKEN = "ingetrokken"


class Role(StrEnum):
    PROVIDER_USER = "provider_user"
    PROVIDER_SIGNATORY = "provider_signatory"
    CONTRACT_MANAGER = "contract_manager"
    ADMIN = "admin"
    SYSTEM = "system"  # the scheduler


S = OfferStatus
OPEN = frozenset({S.AANGEBODEN, S.TEGENVOORSTEL, S.IN_ONDERHANDELING})
FINAL = frozenset({S.GEACCEPTEERD, S.AFGEWEZEN, S.VERLOPEN, S.INGETROKKEN})
PROVIDER = frozenset({Role.PROVIDER_USER, Role.PROVIDER_SIGNATORY})
MANAGER = frozenset({Role.CONTRACT_MANAGER, Role.ADMIN})


@dataclass(frozen=True)
class Transition:
    """An action on an offer: from which states, to which, by whom, and its conditions."""

    action: str
    sources: frozenset
    target: OfferStatus
    roles: frozenset
    negotiable: bool | None = None  # True: only negotiable offers; False: only non-negotiable
    needs_reason: bool = False
    label: str = ""


TRANSITIONS = {t.action: t for t in (
    Transition("issue", frozenset({S.CONCEPT}), S.AANGEBODEN, MANAGER | {Role.SYSTEM},
               label="aanbieden"),
    Transition("accept", frozenset({S.AANGEBODEN}), S.GEACCEPTEERD, frozenset({Role.PROVIDER_SIGNATORY}),
               label="accepteren"),
    Transition("decline", OPEN, S.AFGEWEZEN, frozenset({Role.PROVIDER_SIGNATORY}), needs_reason=True,
               label="afwijzen"),
    Transition("counter", frozenset({S.AANGEBODEN, S.IN_ONDERHANDELING}), S.TEGENVOORSTEL, PROVIDER,
               negotiable=True, needs_reason=True, label="tegenvoorstel doen"),
    Transition("respond", frozenset({S.TEGENVOORSTEL}), S.IN_ONDERHANDELING, MANAGER, negotiable=True,
               needs_reason=True, label="reageren op tegenvoorstel"),
    Transition("agree", frozenset({S.TEGENVOORSTEL, S.IN_ONDERHANDELING}), S.AANGEBODEN, MANAGER,
               negotiable=True, needs_reason=True, label="overeenstemming: definitief aanbod"),
    Transition("expire", OPEN, S.VERLOPEN, frozenset({Role.SYSTEM}) | MANAGER, label="laten verlopen"),
    Transition("withdraw", frozenset({S.CONCEPT}) | OPEN, S.INGETROKKEN, MANAGER, needs_reason=True,
               label="intrekken"),
    Transition("record", frozenset({S.CONCEPT, S.AANGEBODEN}), S.GEACCEPTEERD, MANAGER,
               negotiable=False, needs_reason=True, label="vastleggen zonder acceptatie"),
)}


class TransitionRefused(CaseError):
    """An action that is not allowed on this offer now, for this role."""


def check(action: str, status: str, role: str, negotiable: bool, reason: str | None = None) -> Transition:
    """The transition `action` makes from `status`, or TransitionRefused saying why not."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused("action", f"unknown action {action!r}", sorted(TRANSITIONS))
    if role not in transition.roles:
        raise TransitionRefused("role", f"{role} may not {transition.label}",
                                sorted(str(r) for r in transition.roles))
    if status not in transition.sources:
        raise TransitionRefused("status", f"an offer that is {status} cannot be "
                                          f"{transition.label}", sorted(transition.sources))
    if transition.negotiable is not None and transition.negotiable != negotiable:
        kind = "negotiable" if transition.negotiable else "non-negotiable"
        raise TransitionRefused("negotiable", f"only a {kind} offer can be {transition.label}")
    if transition.needs_reason and not (reason or "").strip():
        raise TransitionRefused("reason", f"{transition.label} needs a reason")
    return transition


def actions_for(status: str, role: str, negotiable: bool) -> list[str]:
    """The actions a role can take on an offer in this state (for buttons and API links)."""
    return [a for a, t in TRANSITIONS.items()
            if status in t.sources and role in t.roles
            and (t.negotiable is None or t.negotiable == negotiable)]
