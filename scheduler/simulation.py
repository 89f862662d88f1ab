"""Simulated parties: providers that answer their offers, and an insurer that answers their
counter-proposals, so a replayed campaign has realistic outcomes.

Each offer gets a script drawn from a random generator seeded with (seed, offer id): what the
provider will do (accept, decline, negotiate, or stay silent and let it expire) and after how
many days. The same seed gives the same campaign, and a replay finds every script already played.
Providers with a portal account are people: they answer for themselves and are never simulated.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select

from contracts.offers import OfferStatus, TransitionRefused

from portal.extensions import db
from portal.models import NegotiationRound, Offer, User
from portal.models.documents import day_of
from portal.operations.audit import Actor
from portal.operations.offers import ROW_ACTIONS, transition, transition_many

from .jobs import Summary

S = OfferStatus
#: Why a simulated provider declines; `{year}` is the offer's contract year.
DECLINE_REASONS = (
    "Wij sluiten voor {year} geen overeenkomst met VGZ.",
    "De tarieven zijn voor onze apotheek niet kostendekkend.",
    "Wij stoppen per 1 januari {year} met deze zorg.",
)
COUNTER_MESSAGES = (
    "Wij vragen een hoger tarief voor de terhandstelling, gezien onze gestegen kosten.",
    "Wij stellen voor de looptijd te beperken tot één jaar.",
    "Wij vragen om een aanvullende afspraak over de bereikbaarheid buiten kantoortijd.",
)
INSURER = Actor("simulatie: contractmanager VGZ", "contract_manager")
#: Moves made in one transaction: a commit per move would cost more than the move.
MOVES_PER_COMMIT = 200


def _simulated_open():
    """The offers the simulated parties may still answer: issued, open, of a provider without a
    portal account (those are people, who answer for themselves)."""
    people = select(User.provider_id).where(User.provider_id.is_not(None))
    return (Offer.status.in_((S.AANGEBODEN.value, S.TEGENVOORSTEL.value, S.IN_ONDERHANDELING.value)),
            Offer.issued_at.is_not(None), Offer.provider_id.not_in(people))


def _signature():
    """The simulated parties' open offers in four numbers, summed in the database: an offer
    that comes, goes or changes (every change of an offer raises its version: the ORM's
    version counter, and a counter-proposal's round comes with one) changes them."""
    return select(func.count(Offer.id), func.coalesce(func.sum(Offer.id), 0),
                  func.coalesce(func.sum(Offer.version), 0),
                  func.coalesce(func.sum(Offer.id * Offer.version), 0)).where(*_simulated_open())


@dataclass(frozen=True)
class Move:
    """One simulated party's move on one offer."""

    offer_id: int
    provider_id: int
    action: str
    actor: Actor
    reason: str


def _play(moves: list[Move]) -> list[Move]:
    """Make the moves in one transaction; the moves made.

    Answers and expiries are made together (offers.transition_many), negotiation steps one at a
    time. A move the life cycle refuses (someone else moved first) is skipped. If another writer
    changed an offer at that very moment, the transaction is rolled back (transition_many,
    offers._step) and the moves are made again, each in a transaction of its own.
    """
    together = [m for m in moves if m.action in ROW_ACTIONS]
    try:
        outcomes = transition_many([(m.offer_id, m.action, m.actor, m.reason) for m in together])
    except TransitionRefused:  # rolled back
        return _one_by_one(moves)
    made = [m for m, outcome in zip(together, outcomes, strict=True)
            if not isinstance(outcome, TransitionRefused)]
    for move in moves:
        if move.action in ROW_ACTIONS:
            continue
        try:
            transition(move.offer_id, move.action, move.actor, reason=move.reason)
        except TransitionRefused:
            if not db.session.in_transaction():  # rolled back: what was made is undone
                made = _one_by_one(made)
            continue
        made.append(move)
    db.session.commit()
    return made


def _one_by_one(moves: list[Move]) -> list[Move]:
    """Make each move in a transaction of its own; the moves made."""
    made = []
    for move in moves:
        try:
            transition(move.offer_id, move.action, move.actor, reason=move.reason)
            db.session.commit()
        except TransitionRefused:
            db.session.rollback()
            continue
        made.append(move)
    return made


@dataclass(frozen=True)
class Script:
    outcome: str          # accept, decline, negotiate, silent
    answer_after: int     # days after issue the provider answers (or counters)
    agree_after: int      # days after the counter-proposal the insurer agrees
    accept_after: int     # days after agreement the provider accepts


@dataclass(frozen=True)
class AnswerModel:
    """How simulated parties behave; probabilities of the provider's answer (the rest is silence)."""

    seed: int = 1
    accept: float = 0.78
    decline: float = 0.04
    negotiate: float = 0.12
    min_delay: int = 1
    max_delay: int = 30
    insurer_min_delay: int = 2
    insurer_max_delay: int = 10
    #: Draw each offer's script by its provider, contract and year instead of its id: the policy
    #: lab compares two replays whose offers are numbered differently (a provider excluded in
    #: one shifts the ids of the rest), and the same provider must answer the same in both.
    by_provider: bool = False
    #: The scripts drawn so far, by (offer id, negotiable): a cache, not part of the model.
    _scripts: dict = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)
    #: The last day on which nothing was due, with its database and the offers' signature then
    #: (`_signature`): a cache, not part of the model.
    _quiet: list = field(default_factory=list, init=False, repr=False, compare=False, hash=False)

    def __post_init__(self):
        from contracts.errors import CaseError
        for name in ("accept", "decline", "negotiate"):
            if not 0 <= getattr(self, name) <= 1:
                raise CaseError(name, "a probability between 0 and 1")
        if self.accept + self.decline + self.negotiate > 1 + 1e-9:
            raise CaseError("accept", "accept + decline + negotiate must not exceed 1")
        if not 0 <= self.min_delay <= self.max_delay:
            raise CaseError("min_delay", "delays: 0 <= min <= max days")

    def script(self, offer_id: int | str, negotiable: bool) -> Script:
        """The script of an offer: `offer_id` is its id, or with `by_provider` a text naming its
        provider, contract and year."""
        rng = random.Random(f"{self.seed}:{offer_id}")
        draw = rng.random()
        if draw < self.accept:
            outcome = "accept"
        elif draw < self.accept + self.decline:
            outcome = "decline"
        elif draw < self.accept + self.decline + self.negotiate:
            # a provider cannot negotiate a non-negotiable offer: it accepts it
            outcome = "negotiate" if negotiable else "accept"
        else:
            outcome = "silent"
        return Script(outcome, rng.randint(self.min_delay, self.max_delay),
                      rng.randint(self.insurer_min_delay, self.insurer_max_delay),
                      rng.randint(self.min_delay, max(self.min_delay, self.max_delay // 3)))

    def answer(self, day: date) -> Summary:
        """Play every simulated party's move that falls on or before `day`.

        A scan of a day on which nothing was due, with the simulated parties' open offers as
        they were then, is answered without reading them (the demo's scheduler scans the same
        simulated day every few seconds): `_signature` tells whether any of those offers, or
        which of them are simulated, changed."""
        summary = Summary()
        quiet = (str(db.engine.url), day, tuple(db.session.execute(_signature()).one()))
        if self._quiet == [quiet]:
            return summary
        rows = db.session.execute(
            select(Offer.id, Offer.status, Offer.negotiable, Offer.issued_at, Offer.provider_id,
                   Offer.policy_year, Offer.contract)
            .where(*_simulated_open()).order_by(Offer.id)).all()
        negotiated = set(db.session.scalars(select(NegotiationRound.offer_id).distinct()))
        moves = []
        for offer_id, status, negotiable, issued_at, provider_id, policy_year, contract in rows:
            drawn = f"{provider_id}:{contract}:{policy_year}" if self.by_provider else offer_id
            move = self._move(offer_id, status, negotiable, offer_id in negotiated,
                              day_of(issued_at), day, policy_year, drawn)
            if move is None:
                continue
            action, actor, reason = move
            if actor is None:
                actor = Actor(f"simulatie: tekenbevoegde {provider_id}", "provider_signatory",
                              provider_id)
            moves.append(Move(offer_id, provider_id, action, actor, reason))
        self._quiet[:] = [] if moves else [quiet]
        for start in range(0, len(moves), MOVES_PER_COMMIT):
            for move in _play(moves[start:start + MOVES_PER_COMMIT]):
                if move.action == "accept":
                    summary.accepted += 1
                elif move.action == "decline":
                    summary.declined += 1
                elif move.action == "counter":
                    summary.countered += 1
                elif move.action == "agree":
                    summary.agreed += 1
        return summary

    def _move(self, offer_id, status, negotiable, negotiated: bool, issued: date, day: date,
              policy_year: int, drawn: int | str | None = None):
        """The move the script makes on `day` for an offer (of `policy_year`) in `status`, or
        None; `drawn` names the offer to its script (its id unless `by_provider`)."""
        drawn = offer_id if drawn is None else drawn
        # the script is drawn for the offer as issued: negotiable until the insurer agreed
        key = (drawn, bool(negotiable or negotiated))
        script = self._scripts.get(key)
        if script is None:  # drawn once per offer: every open offer is looked at every day
            script = self._scripts[key] = self.script(*key)
        answer_day = issued + timedelta(days=script.answer_after)
        if script.outcome == "silent" or day < answer_day:
            return None
        rng = random.Random(f"{self.seed}:{drawn}:reason")
        if script.outcome == "decline" and status != S.TEGENVOORSTEL.value:
            return "decline", None, rng.choice(DECLINE_REASONS).format(year=policy_year)
        if script.outcome == "accept" and status == S.AANGEBODEN.value:
            return "accept", None, ""
        if script.outcome == "negotiate":
            agree_day = answer_day + timedelta(days=script.agree_after)
            if status == S.AANGEBODEN.value and negotiable:
                return "counter", None, rng.choice(COUNTER_MESSAGES)
            if status == S.TEGENVOORSTEL.value and day >= agree_day:
                return "agree", INSURER, "Akkoord met uw tegenvoorstel."
            if status == S.AANGEBODEN.value and day >= agree_day + timedelta(days=script.accept_after):
                return "accept", None, ""
        return None
