"""Every change to an offer: issue, accept, decline, counter, respond, agree, expire, withdraw,
record. Each checks the life cycle (contracts.offers), locks the row, changes it, and writes an
audit entry; concurrent changes of one offer give exactly one outcome."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from contracts.engine import decide
from contracts.errors import CaseError
from contracts.offers import OfferStatus, TransitionRefused, check
from contracts.vocabulary import Route

from ..extensions import db
from ..models import Application, NegotiationRound, Offer, Provider
from . import audit, clock
from .audit import Actor
from .documents import issue_document
from .providers import case_for, facts_for_document, profile_facts


class NotFound(LookupError):
    """No such record, or one of another organisation (which must look the same)."""


def get_offer(offer_id: int, actor: Actor, *, lock: bool = False) -> Offer:
    """The offer, if the actor may see it; provider staff see their own organisation's only."""
    query = select(Offer).where(Offer.id == offer_id)
    if actor.provider_id is not None:
        query = query.where(Offer.provider_id == actor.provider_id)
    if lock:
        query = query.with_for_update()  # PostgreSQL row lock; SQLite serialises writers
    offer = db.session.scalar(query)
    if offer is None:
        raise NotFound(f"offer {offer_id}")
    return offer


def issue_offer(provider: Provider, contract: str, policy_year: int, actor: Actor, *,
                batch: str | None = None, deadline=None, override_reason: str = "",
                history=None) -> Offer:
    """Issue the offer the policy prescribes for this provider, with its document.

    Issuing twice does nothing twice: an existing offer for the provider, contract and year is
    returned as it is. An exclusion (minimum requirement, Bijlage 2) refuses the offer unless a
    manager overrides it with a recorded reason.
    """
    existing = db.session.scalar(select(Offer).where(
        Offer.provider_id == provider.id, Offer.contract == contract, Offer.policy_year == policy_year))
    if existing is not None:
        return existing
    case = case_for(provider, contract, policy_year, profile_facts(provider, policy_year, history))
    decision = decide(case)
    if decision.exclusion and override_reason.strip():
        # The manager's recorded reason sets the exclusion aside; the offer is what it would be.
        decision = decide(replace(case, riz_contra_indication=False, profile=None))
    if decision.route is Route.AANVRAAG and _granted(provider, contract):
        pass  # a granted application: the offer the rule names for the new provider
    elif decision.route is not Route.AANBOD:
        raise CaseError("contract", f"the policy makes no offer here ({decision.route}"
                                    f"{', ' + decision.exclusion if decision.exclusion else ''}): "
                                    f"{decision.reasons[-1]}")
    offer = Offer(provider_id=provider.id, contract=contract, policy_year=policy_year,
                  relation=str(case.relation), rule=decision.rule, negotiable=bool(decision.negotiable),
                  # after a granted application the offer comes where the agreement is concluded
                  channel=str(decision.final_channel if decision.route is Route.AANVRAAG
                              else decision.channel),
                  final_channel=str(decision.final_channel),
                  deadline=deadline, status=OfferStatus.CONCEPT.value, batch=batch)
    db.session.add(offer)
    db.session.flush()
    document = issue_document(contract, facts_for_document(provider, policy_year, str(case.relation)),
                              author=actor.name)
    offer.document_id = document.id
    audit.record(actor, "offer", offer.id, "create", None, OfferStatus.CONCEPT.value,
                 override_reason or f"rule {decision.rule}")
    return transition(offer.id, "issue", actor, reason=override_reason)


def _granted(provider: Provider, contract: str) -> bool:
    """Whether an application of this provider for this contract was granted."""
    return any(contract in a.contracts for a in db.session.scalars(
        select(Application).where(Application.provider_id == provider.id,
                                  Application.status == "toegekend")))


def transition(offer_id: int, action: str, actor: Actor, *, reason: str = "",
               expected_version: int | None = None, changes: list | None = None) -> Offer:
    """Apply one life-cycle action to an offer; TransitionRefused when it is not allowed now."""
    offer = get_offer(offer_id, actor, lock=True)
    if expected_version is not None and offer.version != expected_version:
        raise TransitionRefused("version", "the offer was changed by someone else; reload it")
    step = check(action, offer.status, actor.role, offer.negotiable, reason)
    before = offer.status
    offer.status = step.target.value
    now = clock.now()
    if action == "issue":
        offer.issued_at = now
    if action in ("accept", "decline", "record"):
        offer.answered_at, offer.answered_by = now, actor.name
    if action in ("counter", "respond", "agree"):
        number = (db.session.scalar(select(func.max(NegotiationRound.number))
                                    .where(NegotiationRound.offer_id == offer.id)) or 0) + 1
        db.session.add(NegotiationRound(
            offer_id=offer.id, number=number, author=actor.name, message=reason.strip(),
            party="zorgaanbieder" if action == "counter" else "vgz", changes=changes or []))
    if action == "agree":
        offer.negotiable = False  # the agreed offer is final: it is accepted, not negotiated
    audit.record(actor, "offer", offer.id, action, before, offer.status, reason)
    try:
        db.session.flush()
    except (StaleDataError, OperationalError) as error:
        # Another transaction changed the row first: the version check (or, on SQLite, the
        # write lock of a reader that is no longer current) refuses this one.
        if isinstance(error, OperationalError) and "locked" not in str(error.orig):
            raise
        db.session.rollback()
        raise TransitionRefused("version", "the offer was changed at the same moment; reload it") from None
    return offer
