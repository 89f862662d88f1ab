"""Every change to an offer: issue, accept, decline, counter, respond, agree, expire, withdraw,
record. Each checks the life cycle (contracts.offers), locks the row, changes it, and writes an
audit entry; concurrent changes of one offer give exactly one outcome."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from typing import Iterable, Sequence

from sqlalchemy import func, insert, select

from contracts.documents.context import build_context
from contracts.engine import decide
from contracts.errors import CaseError
from contracts.offers import OfferStatus, TransitionRefused, check
from contracts.policy import load_policy
from contracts.vocabulary import Contract, Route

from ..extensions import db
from ..models import Application, AuditEntry, NegotiationRound, Notification, Offer, Provider
from . import audit, clock
from .audit import Actor
from .concurrency import second_writer_refused
from .documents import issue_document, issue_documents
from .providers import case_for, facts_for_document, profile_facts, profile_history


class NotFound(LookupError):
    """No such record, or one of another organisation (which must look the same)."""


#: Who sees every organisation's offers: the contract managers, admins and the scheduler.
#: Provider staff see their own organisation's; anyone else (an advisor) none.
SEES_ALL_OFFERS = ("contract_manager", "admin", "system")


def may_see(actor: Actor, provider_id: int) -> bool:
    """Whether the actor may see an offer of this provider."""
    if actor.provider_id is not None:
        return actor.provider_id == provider_id
    return actor.role in SEES_ALL_OFFERS


def get_offer(offer_id: int, actor: Actor, *, lock: bool = False) -> Offer:
    """The offer, if the actor may see it (`may_see`); otherwise NotFound, as for an offer that
    does not exist."""
    if actor.provider_id is None and actor.role not in SEES_ALL_OFFERS:
        raise NotFound(f"offer {offer_id}")
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
    return issue_offers([(provider, contract)], policy_year, actor, batch=batch, deadline=deadline,
                        override_reason=override_reason, history=history)[0]


def issue_offers(items: Iterable[tuple[Provider, str]], policy_year: int, actor: Actor, *,
                 batch: str | None = None, deadline=None, override_reason: str = "",
                 history=None) -> list[Offer]:
    """Issue the offers for (provider, contract) pairs as issue_offer does for one, each with its
    document, its audit entries (create, issue) and the provider's inbox message, in a few
    statements for them all: a bulk issue passes a chunk of its plan at a time.

    Offers that exist are returned as they are. A pair the policy makes no offer for raises
    CaseError and issues nothing.
    """
    items = list(items)
    offers = {(o.provider_id, o.contract): o for o in db.session.scalars(select(Offer).where(
        Offer.policy_year == policy_year, Offer.provider_id.in_({p.id for p, _ in items}),
        Offer.contract.in_({c for _, c in items})))}
    now = clock.now()  # the simulated moment, read once for them all
    if history is None and len(items) > 1:
        history = profile_history(policy_year)
    drafts: dict[tuple[int, str], dict] = {}
    for provider, contract in items:
        if (provider.id, contract) not in offers and (provider.id, contract) not in drafts:
            drafts[provider.id, contract] = _draft(
                provider, contract, policy_year, actor, now, batch=batch, deadline=deadline,
                override_reason=override_reason, history=history)
    if drafts:
        providers = {provider.id: provider for provider, _contract in items}
        document_ids = issue_documents(
            [(row["contract"], facts_for_document(providers[row["provider_id"]], policy_year,
                                                  row["relation"], now.date()))
             for row in drafts.values()], author=actor.name)
        for row, document_id in zip(drafts.values(), document_ids):
            row["document_id"] = document_id
        # One INSERT ... RETURNING for the offers, one INSERT for their audit trail and one for
        # the inbox messages (the unit of work would insert SQLite rows one at a time; without
        # render_nulls every pattern of None columns would be an INSERT of its own).
        offers.update({(o.provider_id, o.contract): o for o in db.session.scalars(
            insert(Offer).returning(Offer), list(drafts.values()))})
        issued = [offers[key] for key in drafts]
        db.session.execute(insert(AuditEntry).execution_options(render_nulls=True), [
            entry for offer in issued for entry in (
                _entry(actor, offer.id, "create", None, OfferStatus.CONCEPT.value,
                       override_reason or f"rule {offer.rule}"),
                _entry(actor, offer.id, "issue", OfferStatus.CONCEPT.value, offer.status,
                       override_reason))])
        db.session.execute(insert(Notification).execution_options(render_nulls=True), [
            _notice(offer, "issue", override_reason, providers[offer.provider_id], now)
            for offer in issued])
    return [offers[provider.id, contract] for provider, contract in items]


def _entry(actor: Actor, offer_id: int, action: str, from_state: str | None, to_state: str | None,
           reason: str) -> dict:
    """An audit entry of an offer as audit.record writes it, as a row for a bulk insert."""
    return dict(actor=actor.name, role=actor.role, entity="offer", entity_id=offer_id,
                action=action, from_state=from_state, to_state=to_state, reason=reason or "")


def _draft(provider: Provider, contract: str, policy_year: int, actor: Actor, now, *,
           batch: str | None, deadline, override_reason: str, history) -> dict:
    """The row of the offer the policy prescribes, issued; CaseError if it makes none,
    TransitionRefused if the actor may not issue it."""
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
    negotiable = bool(decision.negotiable)
    if deadline is None:
        deadline = load_policy(policy_year).acceptance_deadline(decision.rule, now.date(),
                                                                negotiable)
    # The new row is visible to no one else: it is stored issued, as one change (version 1),
    # with the audit trail of both steps (create, issue).
    step = check("issue", OfferStatus.CONCEPT.value, actor.role, negotiable, override_reason)
    return dict(provider_id=provider.id, contract=contract, policy_year=policy_year,
                relation=str(case.relation), rule=decision.rule, negotiable=negotiable,
                # after a granted application the offer comes where the agreement is concluded
                channel=str(decision.final_channel if decision.route is Route.AANVRAAG
                            else decision.channel),
                final_channel=str(decision.final_channel), deadline=deadline,
                status=step.target.value, batch=batch, issued_at=now, document_id=None,
                answered_at=None, answered_by=None)


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
    with db.session.no_autoflush:  # reading the clock must not flush the change half-made
        now = clock.now()
    db.session.add(Notification(**_notice(offer, action, reason, now=now)))


def _notice(offer: Offer, action: str, reason: str, provider: Provider | None = None,
            now: datetime | None = None) -> dict:
    """The inbox message of a step, as the columns of its row, dated `now` (the simulated
    moment, so a replayed 2023 inbox reads as 2023)."""
    from contracts.vocabulary import dutch
    audience, subject, body = NOTICES[action]
    values = {"contract": dutch(Contract(offer.contract)), "year": offer.policy_year,
              "reason": reason.strip() or "-", "actor": offer.answered_by or "",
              "deadline": f" Reageer uiterlijk op {offer.deadline:%d-%m-%Y}." if offer.deadline else ""}
    if "{provider}" in subject + body:  # read the provider only for the messages that name it
        values["provider"] = (provider or offer.provider).name
    to_provider = audience == "provider"
    return dict(provider_id=offer.provider_id if to_provider else None,
                key=f"offer:{offer.id}:{action}:v{offer.version}",
                subject=subject.format(**values)[:300], body=body.format(**values),
                link=offer_link(offer.id, to_provider), created_at=now or datetime.now(timezone.utc))


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


#: Actions that change the offer's row only (no negotiation round, no document): many of them
#: can be made at once (transition_many).
ROW_ACTIONS = frozenset({"accept", "decline", "expire", "withdraw", "record"})


def transition_many(moves: Sequence[tuple[int, str, Actor, str]]
                    ) -> list[Offer | TransitionRefused]:
    """Apply many (offer id, action, actor, reason) moves, one per offer, as transition applies
    each, in a few statements: the offers are read and locked at once, and their changes, audit
    entries and inbox messages written in one batch each (for the scheduler and the simulation).

    The outcome of each move: the offer, or the TransitionRefused that says why not (that
    offer is left as it was). If another transaction changed one of the offers at the same
    moment, everything is rolled back and TransitionRefused raised: make the moves one by one.
    Only ROW_ACTIONS; NotFound for an offer the actor may not see (roll back: nothing is written,
    but offers before it are changed in the session).
    """
    ids = [offer_id for offer_id, _action, _actor, _reason in moves]
    if len(set(ids)) != len(ids):
        raise ValueError("one move per offer")
    if any(action not in ROW_ACTIONS for _offer_id, action, _actor, _reason in moves):
        raise ValueError(f"transition_many makes only {sorted(ROW_ACTIONS)}")
    if not moves:
        return []
    # PostgreSQL row locks, taken in id order (two batches never wait for each other in a
    # circle), and the rows as they are once locked; SQLite serialises writers
    offers = {o.id: o for o in db.session.scalars(
        select(Offer).where(Offer.id.in_(ids)).order_by(Offer.id).with_for_update()
        .execution_options(populate_existing=True))}
    now = clock.now()
    outcomes, entries, notices = [], [], []
    with db.session.no_autoflush:
        for offer_id, action, actor, reason in moves:
            offer = offers.get(offer_id)
            if offer is None or not may_see(actor, offer.provider_id):
                raise NotFound(f"offer {offer_id}")
            try:
                step = check(action, offer.status, actor.role, offer.negotiable, reason)
            except TransitionRefused as refused:
                outcomes.append(refused)
                continue
            before = offer.status
            offer.status = step.target.value
            if action in ("accept", "decline", "record"):
                offer.answered_at, offer.answered_by = now, actor.name
            # the message is keyed by the version it answers, as _notify keys it
            notices.append(_notice(offer, action, reason, now=now))
            entries.append(_entry(actor, offer.id, action, before, offer.status, reason))
            outcomes.append(offer)
    with second_writer_refused(TransitionRefused("version", "an offer was changed at the same moment")):
        db.session.flush()
    if entries:
        db.session.execute(insert(AuditEntry).execution_options(render_nulls=True), entries)
        db.session.execute(insert(Notification).execution_options(render_nulls=True), notices)
    return outcomes


def _step(offer: Offer, action: str, actor: Actor, *, reason: str = "",
          changes: list | None = None) -> Offer:
    """Check and apply one action to an offer already loaded (and locked) by the caller."""
    step = check(action, offer.status, actor.role, offer.negotiable, reason)
    if changes:
        _check_changes(offer, changes)
    with second_writer_refused(TransitionRefused(
            "version", "the offer was changed at the same moment; reload it")):
        _apply(offer, step, action, actor, reason, changes)
        db.session.flush()
    return offer


def _apply(offer: Offer, step, action: str, actor: Actor, reason: str, changes: list | None) -> None:
    """The changes one step makes: status, times, negotiation round, documents, inbox, audit."""
    now = clock.now()  # before any change: reading it would flush them, one UPDATE each
    before = offer.status
    offer.status = step.target.value
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
