"""Every change to an offer: issue, accept, decline, counter, respond, agree, expire, withdraw,
record. Each checks the life cycle (contracts.offers), locks the row, changes it, and writes an
audit entry; concurrent changes of one offer give exactly one outcome."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Iterable, Mapping, Sequence

from sqlalchemy import insert, select

from contracts.documents.context import build_context
from contracts.engine import decide
from contracts.errors import CaseError
from contracts.offers import OfferStatus, TransitionRefused, check
from contracts.policy import load_policy
from contracts.vocabulary import Contract, Route

from ..extensions import db
from ..models import Application, AuditEntry, NegotiationRound, Offer, Provider, User
from ..models.documents import day_of
from . import clock, messages, notifications
from .access import NotFound, load_scoped
from .agreements import record_agreements
from .audit import Actor
from .concurrency import second_writer_refused
from .documents import issue_document, issue_documents
from .providers import case_for, facts_for_document, profile_facts, profile_history

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
    return load_scoped(Offer, offer_id, actor, insurer_roles=SEES_ALL_OFFERS, lock=lock)


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
            [(row["contract"], {**facts_for_document(providers[row["provider_id"]], policy_year,
                                                     row["relation"], day_of(now), history),
                                # the document states the offer's own date to answer by
                                "answer_by": _iso(row["deadline"])})
             for row in drafts.values()], author=actor.name)
        for row, document_id in zip(drafts.values(), document_ids, strict=True):
            row["document_id"] = document_id
        # One INSERT ... RETURNING for the offers, one INSERT for their audit trail and one for
        # the inbox messages (the unit of work would insert SQLite rows one at a time; without
        # render_nulls every pattern of None columns would be an INSERT of its own).
        offers.update({(o.provider_id, o.contract): o for o in db.session.scalars(
            insert(Offer).returning(Offer), list(drafts.values()))})
        issued = [offers[key] for key in drafts]
        _write([entry for offer in issued for entry in (
                   _entry(actor, offer.id, "create", None, OfferStatus.CONCEPT.value,
                          override_reason or f"rule {offer.rule}"),
                   _entry(actor, offer.id, "issue", OfferStatus.CONCEPT.value, offer.status,
                          override_reason))],
               [_notice(offer, "issue", override_reason, now, providers[offer.provider_id])
                for offer in issued])
    return [offers[provider.id, contract] for provider, contract in items]


def _iso(day) -> str | None:
    return day.isoformat() if day else None


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
        deadline = load_policy(policy_year).acceptance_deadline(decision.rule, day_of(now),
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


# -- tariff lines -------------------------------------------------------------------------------

#: A proposed amount above this many times the offered one is refused as a slip of the keyboard
#: (750 typed for 7,50): no negotiation multiplies a tariff tenfold.
MAX_FACTOR = 10
CENT = Decimal("0.01")


@dataclass(frozen=True)
class TariffLine:
    """One line of an offer's own tariff list (the tariff table of its document), with what the
    negotiation made of it so far."""

    code: str
    description: str
    unit: str
    #: The amount of the offer's document as issued.
    offered: Decimal
    #: The insurer's amount now: the offered one, unless a round of the insurer changed it.
    current: Decimal
    #: The provider's proposal that awaits the insurer's answer (the latest round), if any.
    proposed: Decimal | None = None
    #: The note the provider gave with that proposal.
    note: str = ""


@dataclass(frozen=True)
class RoundLine:
    """A line a negotiation round changed, beside the insurer's amount it answered."""

    code: str
    description: str
    #: The insurer's amount before this round.
    offered: Decimal | None
    #: The amount this round proposes.
    proposed: Decimal
    note: str


class TariffLineRefused(TransitionRefused):
    """A changed tariff line the offer does not allow: `line` is its position among the changes,
    `problem` one of unknown, twice (the code), not_amount, negative, cents, too_high (the
    amount), which the pages say in the user's language."""

    def __init__(self, line: int, problem: str, message: str, allowed=None):
        self.line, self.problem = line, problem
        part = "code" if problem in ("unknown", "twice") else "amount"
        super().__init__(f"changes.{line}.{part}", message, allowed)


def _euro(text: str) -> Decimal:
    """The amount a document states ("€ 1.234,56")."""
    return Decimal(text.replace("€", "").strip().replace(".", "").replace(",", "."))


def _offered(offer: Offer) -> list[dict]:
    """The tariff table of the offer's document as issued: rendered from the facts every document
    of the offer is rendered from (so a negotiated line always names one of its codes)."""
    issued = day_of(offer.issued_at) if offer.issued_at else None
    try:
        context = build_context(offer.contract, facts_for_document(
            offer.provider, offer.policy_year, offer.relation, issued))
    except CaseError:  # a register entry no document can be made of has no tariff list
        return []
    return [{**t, "amount": _euro(t["amount"])} for t in context["tariffs"] if t["amount"]]


def _by_code(changes: Iterable[Mapping]) -> dict[str, Mapping]:
    return {change["code"]: change for change in changes or ()}


def _stored(change: Mapping) -> Decimal:
    """The amount of a stored line (rounds stored before amounts were normalised may say 7,50)."""
    return Decimal(str(change["amount"]).replace(",", "."))


def _insurer_amounts(offered: list[dict], rounds: Sequence[NegotiationRound]
                     ) -> dict[str, Decimal]:
    """The insurer's amount of each line now: as offered, then as each of its rounds changed it."""
    amounts = {t["code"]: t["amount"] for t in offered}
    for negotiation in rounds:
        if negotiation.party == "vgz":
            amounts.update((code, _stored(c)) for code, c in
                           _by_code(negotiation.changes).items() if code in amounts)
    return amounts


def tariff_lines(offer: Offer, rounds: Sequence[NegotiationRound]) -> list[TariffLine]:
    """The offer's own tariff lines, each with the insurer's amount now and the provider's
    proposal awaiting an answer (`rounds`: the offer's negotiation rounds, in order)."""
    offered = _offered(offer)
    current = _insurer_amounts(offered, rounds)
    pending = _pending(rounds)
    return [TariffLine(t["code"], t["description"], t.get("unit", ""), t["amount"],
                       current[t["code"]],
                       _stored(pending[t["code"]]) if t["code"] in pending else None,
                       pending.get(t["code"], {}).get("note", ""))
            for t in offered]


def _pending(rounds: Sequence[NegotiationRound]) -> dict[str, Mapping]:
    """The provider's proposal awaiting the insurer's answer: the latest round's lines, if the
    provider's."""
    return _by_code(rounds[-1].changes) if rounds and rounds[-1].party == "zorgaanbieder" else {}


def round_lines(offer: Offer, rounds: Sequence[NegotiationRound]) -> dict[int, list[RoundLine]]:
    """Per round number, the lines it changed beside the insurer's amount they answered (the
    thread shows offered and proposed side by side)."""
    offered = _offered(offer)
    described = {t["code"]: t["description"] for t in offered}
    shown = {}
    for number, negotiation in enumerate(rounds):
        before = _insurer_amounts(offered, rounds[:number])
        shown[negotiation.number] = [
            RoundLine(code, described.get(code, ""), before.get(code), _stored(c),
                      c.get("note", ""))
            for code, c in _by_code(negotiation.changes).items()]
    return shown


def _check_changes(offer: Offer, changes: list) -> list[dict]:
    """The changed tariff lines as a round stores them (amounts as exact decimals); each must
    name a line of the offer's own tariff list, once, with a sensible amount (TariffLineRefused
    says which line and why not)."""
    lines = {t["code"]: t["amount"] for t in _offered(offer)}
    checked = []
    for n, change in enumerate(changes):
        code = change.get("code") if isinstance(change, Mapping) else None
        if not isinstance(code, str) or code not in lines:
            raise TariffLineRefused(n, "unknown", f"unknown tariff code {code!r}", list(lines))
        if code in _by_code(checked):
            raise TariffLineRefused(n, "twice", f"tariff code {code} given twice")
        amount = _amount(n, change.get("amount"), lines[code])
        checked.append({**change, "amount": str(amount.quantize(CENT))})
    return checked


def _amount(n: int, given, offered: Decimal) -> Decimal:
    """A proposed amount, if it is one a tariff can have."""
    try:  # an amount as the API sends it ("7.50"), or as Dutch readers write it ("7,50")
        amount = Decimal(str(given).strip().replace(",", "."))
    except InvalidOperation:
        raise TariffLineRefused(n, "not_amount", f"not an amount: {given!r}") from None
    if not amount.is_finite():
        raise TariffLineRefused(n, "not_amount", f"not an amount: {given!r}")
    if amount < 0:
        raise TariffLineRefused(n, "negative", "must not be negative")
    if amount > offered * MAX_FACTOR:  # first: a huge amount has no cents to compare
        raise TariffLineRefused(n, "too_high", f"more than {MAX_FACTOR} times the offered "
                                               f"amount ({offered})")
    if amount != amount.quantize(CENT):
        raise TariffLineRefused(n, "cents", "at most two decimals (cents)")
    return amount


def _document_lines(offer: Offer, action: str, rounds: Sequence[NegotiationRound],
                    changes: list) -> list[dict]:
    """The tariff lines a document of the insurer states where they differ from the offer: its
    counter-offer (respond) keeps its own amounts but those it changes now; the agreed final offer
    (agree) takes the provider's proposal it answers as well (the latest round, if the
    provider's), and the lines the manager gives with it."""
    offered = _offered(offer)
    amounts = _insurer_amounts(offered, rounds)
    answered = _pending(rounds) if action == "agree" else {}
    for code, change in {**answered, **_by_code(changes)}.items():
        amounts[code] = _stored(change)
    return [{"code": t["code"], "amount": str(amounts[t["code"]])} for t in offered
            if amounts[t["code"]] != t["amount"]]


def _rounds(offer_id: int) -> list[NegotiationRound]:
    """The offer's rounds as stored now (the relationship may predate a round of this session)."""
    return list(db.session.scalars(select(NegotiationRound)
                                   .where(NegotiationRound.offer_id == offer_id)
                                   .order_by(NegotiationRound.number)))


# -- the receipt of an acceptance ----------------------------------------------------------------

def has_receipt(offer: Offer) -> bool:
    """Whether the offer has a receipt: the provider accepted it (an offer the insurer recorded
    as agreed without acceptance has none)."""
    if offer.status != OfferStatus.GEACCEPTEERD.value or offer.document_id is None:
        return False
    last = db.session.scalar(
        select(AuditEntry.action)
        .where(AuditEntry.entity == "offer", AuditEntry.entity_id == offer.id,
               AuditEntry.to_state == OfferStatus.GEACCEPTEERD.value)
        .order_by(AuditEntry.id.desc()).limit(1))
    return last == "accept"


def acceptance_of(offer: Offer):
    """What the receipt of an accepted offer states (contracts.receipt.Acceptance), read from the
    offer's record: who accepted, on which simulated day, which document. NotFound if it has no
    receipt (`has_receipt`)."""
    from contracts.receipt import Acceptance
    from contracts.vocabulary import dutch
    if not has_receipt(offer):
        raise NotFound(f"receipt of offer {offer.id}")
    user = db.session.scalar(select(User).where(User.email == offer.answered_by))
    answered = offer.answered_at
    if answered.tzinfo is None:  # SQLite gives the stored UTC moment without its zone
        answered = answered.replace(tzinfo=timezone.utc)
    document = offer.document
    return Acceptance(
        contract=dutch(Contract(offer.contract)), policy_year=offer.policy_year,
        provider=offer.provider.name, agb=offer.provider.agb,
        accepted_by=user.name if user else offer.answered_by,
        accepted_by_email=user.email if user else "",
        # the simulated day: clock.now() is that day at Amsterdam's time of day
        accepted_on=day_of(answered),
        document=document.filename, version=document.version, reference=document.reference,
        sha256=document.sha256)


#: The steps the contract managers hear of; the provider hears of every other one. What each
#: says: the template "offer.<step>" of portal.operations.messages.
TO_MANAGERS = frozenset({"counter", "accept", "decline"})
#: A step that also tells the other party: an acceptance gives the provider its receipt.
ALSO = {"accept": "receipt"}
#: The steps whose message leads to the receipt rather than to the offer.
TO_RECEIPT = frozenset({"accept", "receipt"})
#: The steps that answer the offer: they record when, and by whom.
ANSWERS = frozenset({"accept", "decline", "record"})


def _notices(offer: Offer, action: str, reason: str, now: datetime,
             provider: Provider | None = None) -> list[dict]:
    """The inbox messages of a step (see ALSO), as rows."""
    return [_notice(offer, step, reason, now, provider)
            for step in (action, ALSO.get(action)) if step]


def _notice(offer: Offer, action: str, reason: str, now: datetime,
            provider: Provider | None = None) -> dict:
    """The inbox message of a step for the party whose turn it is now, as the arguments of
    `notifications.notify`, keyed by the offer's version it answers and dated `now` (the
    simulated moment, so a replayed 2023 inbox reads as 2023)."""
    template = f"offer.{action}"
    wanted = messages.placeholders(template)
    values = {"contract": offer.contract, "year": offer.policy_year,
              "reason": reason.strip() or "-", "actor": offer.answered_by or "",
              "answered": day_of(offer.answered_at) if offer.answered_at else None,
              "deadline": offer.deadline}
    if "provider" in wanted:  # read the provider only for the messages that name it
        values["provider"] = (provider or offer.provider).name
    to_provider = action not in TO_MANAGERS
    return dict(provider_id=offer.provider_id if to_provider else None,
                key=f"offer:{offer.id}:{action}:v{offer.version}", template=template,
                params={name: value for name, value in values.items() if name in wanted},
                link=(receipt_link if action in TO_RECEIPT else offer_link)(offer.id, to_provider),
                created_at=now)


def offer_link(offer_id: int, for_provider: bool) -> str:
    """The offer's page in the portal, for the provider or for the managers."""
    return messages.link("provider.offer" if for_provider else "manager.offer", offer_id=offer_id)


def receipt_link(offer_id: int, for_provider: bool) -> str:
    """The receipt of an accepted offer (PDF), for the provider or for the managers."""
    return messages.link("provider.receipt" if for_provider else "manager.offer_receipt",
                         offer_id=offer_id)


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
    # the managers' messages name the provider: those providers read at once
    named = {offers[offer_id].provider_id for offer_id, action, _actor, _reason in moves
             if action in TO_MANAGERS and offer_id in offers}
    providers = {p.id: p for p in db.session.scalars(select(Provider).where(Provider.id.in_(named)))}
    now = clock.now()
    outcomes, changed = [], []
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
            changed.append((offer, *_change(offer, step, action, actor, reason, now,
                                            providers.get(offer.provider_id))))
            outcomes.append(offer)
    with second_writer_refused(TransitionRefused("version", "an offer was changed at the same moment")):
        db.session.flush()
    _written(changed)
    return outcomes


def _step(offer: Offer, action: str, actor: Actor, *, reason: str = "",
          changes: list | None = None) -> Offer:
    """Check and apply one action to an offer already loaded (and locked) by the caller: what
    only a single step does (a negotiation round, its documents), then the row's change that
    every step makes (`_change`), flushed once."""
    step = check(action, offer.status, actor.role, offer.negotiable, reason)
    if changes:
        changes = _check_changes(offer, changes)
    now = clock.now()  # before any change: reading it would flush them, one UPDATE each
    with second_writer_refused(TransitionRefused(
            "version", "the offer was changed at the same moment; reload it")):
        with db.session.no_autoflush:  # the offer's change is flushed once, at the end
            _negotiate(offer, action, actor, reason, changes, now)
            entry, notices = _change(offer, step, action, actor, reason, now)
        db.session.flush()
    _written([(offer, entry, notices)])
    return offer


def _change(offer: Offer, step, action: str, actor: Actor, reason: str, now: datetime,
            provider: Provider | None = None) -> tuple[dict, list[dict]]:
    """The change every step makes to the offer's row (status; when it was issued or answered,
    and by whom), and what it leaves behind as rows for `_written`: its audit entry and its inbox
    messages (keyed by the version the step answers: the caller flushes after). `provider`: the
    offer's, if the caller has read it."""
    before = offer.status
    offer.status = step.target.value
    if action == "issue":
        offer.issued_at = now
    if action in ANSWERS:
        offer.answered_at, offer.answered_by = now, actor.name
    return (_entry(actor, offer.id, action, before, offer.status, reason),
            _notices(offer, action, reason, now, provider))


def _written(changed: Sequence[tuple[Offer, dict, list[dict]]]) -> None:
    """Write what steps leave behind (`_change`), for one offer or many at once."""
    _write([entry for _offer, entry, _notices in changed],
           [notice for _offer, _entry, notices in changed for notice in notices],
           [offer for offer, _entry, _notices in changed
            if offer.status == OfferStatus.GEACCEPTEERD.value])


def _write(entries: list[dict], notices: list[dict], accepted: Sequence[Offer] = ()) -> None:
    """The audit entries (one INSERT), the inbox messages (`notifications.notify_many`, whose
    keys are new: each names the offer's version) and the agreements of the offers accepted
    (`agreements.record_agreements`) of one or many steps."""
    if entries:
        db.session.execute(insert(AuditEntry).execution_options(render_nulls=True), entries)
    notifications.notify_many(notices, existing=set())
    if accepted:
        record_agreements(accepted)


def _negotiate(offer: Offer, action: str, actor: Actor, reason: str, changes: list | None,
               now: datetime) -> None:
    """What a step of the negotiation adds: its round, the insurer's new document version (a
    counter-offer, the agreed final offer), and for the agreed offer its new term."""
    if action == "agree":
        offer.negotiable = False  # the agreed offer is final: it is accepted, not negotiated
        # ... within the ordinary acceptance term from today (README `acceptance`)
        offer.deadline = load_policy(offer.policy_year).acceptance_deadline(
            offer.rule, day_of(now), False) or offer.deadline
    if action not in ("counter", "respond", "agree"):
        return
    rounds = _rounds(offer.id)
    negotiation = NegotiationRound(
        offer_id=offer.id, number=(rounds[-1].number if rounds else 0) + 1, author=actor.name,
        message=reason.strip(), party="zorgaanbieder" if action == "counter" else "vgz",
        changes=changes or [])
    if action in ("respond", "agree"):
        # The insurer's counter-offer, and the agreed final offer, are new document versions
        # with the negotiated tariff lines.
        facts = {**facts_for_document(offer.provider, offer.policy_year, offer.relation,
                                      day_of(now)),
                 "tariff_overrides": _document_lines(offer, action, rounds, changes or []),
                 "final_offer": action == "agree", "answer_by": _iso(offer.deadline)}
        negotiation.document_id = issue_document(offer.contract, facts, author=actor.name).id
        if action == "agree":
            offer.document_id = negotiation.document_id
    db.session.add(negotiation)
