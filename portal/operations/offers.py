"""Every change to an offer: issue, accept, decline, counter, respond, agree, expire, withdraw,
record. Each checks the life cycle (contracts.offers), locks the row, changes it, and writes an
audit entry; concurrent changes of one offer give exactly one outcome."""
from __future__ import annotations

from dataclasses import replace

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from contracts.documents.context import build_context
from contracts.engine import decide
from contracts.errors import CaseError
from contracts.offers import OfferStatus, TransitionRefused, check
from contracts.policy import load_policy
from contracts.vocabulary import Contract, Route

from ..extensions import db
from ..models import Application, NegotiationRound, Notification, Offer, Provider
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
    if deadline is None:
        deadline = load_policy(policy_year).acceptance_deadline(decision.rule, clock.today(),
                                                                bool(decision.negotiable))
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
    # The row is new and not yet visible to anyone else: issue it without reloading it.
    return _step(offer, "issue", actor, reason=override_reason)


def _granted(provider: Provider, contract: str) -> bool:
    """Whether an application of this provider for this contract was granted."""
    return any(contract in a.contracts for a in db.session.scalars(
        select(Application).where(Application.provider_id == provider.id,
                                  Application.status == "toegekend")))


def _check_changes(offer: Offer, changes: list) -> None:
    """Changed tariff lines must name tariffs of the offer's document, with sensible amounts."""
    facts = {**facts_for_document(offer.provider, offer.policy_year, offer.relation),
             "tariff_overrides": changes}
    try:
        build_context(offer.contract, facts)
    except CaseError as error:
        raise TransitionRefused("changes", str(error)) from None


def _latest_changes(offer_id: int) -> list:
    """The tariff lines of the latest round that changed any."""
    for lines in db.session.scalars(select(NegotiationRound.changes)
                                    .where(NegotiationRound.offer_id == offer_id)
                                    .order_by(NegotiationRound.number.desc())):
        if lines:
            return lines
    return []


#: Who hears of which step, and how it reads (Dutch, as the inbox and the e-mails are).
NOTICES = {
    "issue": ("provider", "Nieuw aanbod: {contract} {year}",
              "VGZ heeft u een aanbod gedaan voor de {contract} {year}.{deadline}"),
    "respond": ("provider", "Reactie op uw tegenvoorstel: {contract} {year}",
                "VGZ heeft gereageerd op uw tegenvoorstel: {reason}"),
    "agree": ("provider", "Definitief aanbod: {contract} {year}",
              "Er is overeenstemming. Het definitieve aanbod staat klaar om te aanvaarden."),
    "withdraw": ("provider", "Aanbod ingetrokken: {contract} {year}", "Reden: {reason}"),
    "expire": ("provider", "Aanbod verlopen: {contract} {year}",
               "De termijn om te reageren is verstreken."),
    "record": ("provider", "Overeenkomst vastgelegd: {contract} {year}", "Reden: {reason}"),
    "counter": ("managers", "Tegenvoorstel van {provider}: {contract} {year}", "{reason}"),
    "accept": ("managers", "Aanbod aanvaard door {provider}: {contract} {year}",
               "Aanvaard door {actor}."),
    "decline": ("managers", "Aanbod afgewezen door {provider}: {contract} {year}", "Reden: {reason}"),
}


def _notify(offer: Offer, action: str, reason: str) -> None:
    """One inbox message for the party whose turn it is now (sent by e-mail by the scheduler)."""
    from contracts.vocabulary import dutch
    audience, subject, body = NOTICES[action]
    values = {"contract": dutch(Contract(offer.contract)), "year": offer.policy_year,
              "provider": offer.provider.name, "reason": reason.strip() or "-",
              "actor": offer.answered_by or "",
              "deadline": f" Reageer uiterlijk op {offer.deadline:%d-%m-%Y}." if offer.deadline else ""}
    to_provider = audience == "provider"
    db.session.add(Notification(
        provider_id=offer.provider_id if to_provider else None,
        key=f"offer:{offer.id}:{action}:v{offer.version}",
        subject=subject.format(**values)[:300], body=body.format(**values),
        link=offer_link(offer.id, to_provider)))


def offer_link(offer_id: int, for_provider: bool) -> str:
    """The offer's page in the portal, for the provider or for the managers."""
    return f"/zorgaanbieder/aanbiedingen/{offer_id}" if for_provider else f"/beheer/aanbiedingen/{offer_id}"


def transition(offer_id: int, action: str, actor: Actor, *, reason: str = "",
               expected_version: int | None = None, changes: list | None = None) -> Offer:
    """Apply one life-cycle action to an offer; TransitionRefused when it is not allowed now."""
    offer = get_offer(offer_id, actor, lock=True)
    if expected_version is not None and offer.version != expected_version:
        raise TransitionRefused("version", "the offer was changed by someone else; reload it")
    return _step(offer, action, actor, reason=reason, changes=changes)


def _step(offer: Offer, action: str, actor: Actor, *, reason: str = "",
          changes: list | None = None) -> Offer:
    """Check and apply one action to an offer already loaded (and locked) by the caller."""
    step = check(action, offer.status, actor.role, offer.negotiable, reason)
    if changes:
        _check_changes(offer, changes)
    try:
        _apply(offer, step, action, actor, reason, changes)
        db.session.flush()
    except (StaleDataError, OperationalError) as error:
        # Another transaction changed the row first: the version check (or, on SQLite, the
        # write lock of a reader that is no longer current) refuses this one.
        if isinstance(error, OperationalError) and "locked" not in str(error.orig):
            raise
        db.session.rollback()
        raise TransitionRefused("version", "the offer was changed at the same moment; reload it") from None
    return offer


def _apply(offer: Offer, step, action: str, actor: Actor, reason: str, changes: list | None) -> None:
    """The changes one step makes: status, times, negotiation round, documents, inbox, audit."""
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
        negotiation = NegotiationRound(
            offer_id=offer.id, number=number, author=actor.name, message=reason.strip(),
            party="zorgaanbieder" if action == "counter" else "vgz", changes=changes or [])
        db.session.add(negotiation)
        if action in ("respond", "agree"):
            # The insurer's counter-offer, and the agreed final offer, are new document versions
            # with the negotiated tariff lines.
            lines = changes or _latest_changes(offer.id)
            facts = {**facts_for_document(offer.provider, offer.policy_year, offer.relation),
                     "tariff_overrides": lines, "final_offer": action == "agree"}
            negotiation.document_id = issue_document(offer.contract, facts, author=actor.name).id
            if action == "agree":
                offer.document_id = negotiation.document_id
    if action == "agree":
        offer.negotiable = False  # the agreed offer is final: it is accepted, not negotiated
        # ... within the ordinary acceptance term from today (README `acceptance`)
        offer.deadline = load_policy(offer.policy_year).acceptance_deadline(
            offer.rule, now.date(), False) or offer.deadline
    _notify(offer, action, reason)
    audit.record(actor, "offer", offer.id, action, before, offer.status, reason)
