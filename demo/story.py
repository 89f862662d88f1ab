"""The story the demo tells on its date: negotiations running and fresh applications.

`stage_story` makes, through the portal's own operations and on the simulated clock of each
step, what people would have done in the days before the demo's date.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from portal.extensions import db
from portal.models import NegotiationRound, Offer, Provider, User
from portal.operations import clock
from portal.operations.audit import Actor
from portal.operations.offers import tariff_lines, transition

from .accounts import DEMO_MANAGER, DEMO_ORGANISATIONS
from .applicants import pending_applications
from .register import DEFAULT_SEED

#: What the providers ask in their counter-proposals (`{year}`: the offer's contract year), and
#: what the insurer answers.
COUNTER_PROPOSALS = (
    "Wij vragen een hoger tarief voor de eerste terhandstelling: onze kosten voor bezorging "
    "aan huis zijn dit jaar fors gestegen.",
    "Wij stellen een hoger tarief voor, in lijn met de index van de NZa voor {year}.",
)
INSURER_ANSWER = ("Wij kunnen u op dit tarief deels tegemoetkomen; zie het bedrag hieronder. "
                  "Laat u weten of dit voor u akkoord is?")
CENT = Decimal("0.01")
#: Days before the story's date the providers countered and the insurer answered.
COUNTERED_DAYS_BEFORE, ANSWERED_DAYS_BEFORE = 4, 1


@dataclass(frozen=True)
class DemoStory:
    """What `stage_story` added: the negotiations it started (offer ids, and the one the
    insurer answered) and the applications it had come in."""

    day: date
    countered: tuple[int, ...] = ()
    answered: int | None = None
    applications: int = 0


def stage_story(seed: int = DEFAULT_SEED) -> DemoStory:
    """Make the demo tell a story on the simulated date, as people would have made it: every
    negotiable offer still waiting for an answer gets a counter-proposal from its provider some
    days ago (a higher amount on its first tariff line), the insurer has answered the demo
    organisation's (so its signatory has a reply to read, and the manager another proposal to
    answer), and the applicants' applications came in during the last weeks, within their
    answer term. Everything goes through the portal's own operations; the clock is moved back
    to date each step and put back. Safe to run twice: what happened already is left alone.
    Commits."""
    day = clock.today()
    system = Actor("demo", "system")
    try:
        clock.set_today(day - timedelta(days=COUNTERED_DAYS_BEFORE), system, record=False)
        countered = _counter_proposals()
        answered = None
        own = [offer_id for offer_id, has_account in countered if has_account]
        if own:
            clock.set_today(day - timedelta(days=ANSWERED_DAYS_BEFORE), system, record=False)
            answered = _insurer_answers(own[0])
        clock.set_today(day, system, record=False)
        applications = pending_applications(seed, day)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return DemoStory(day, tuple(offer_id for offer_id, _own in countered), answered, applications)


def _counter_proposals() -> list[tuple[int, bool]]:
    """A counter-proposal on each negotiable offer that waits for its provider's answer, by the
    provider's signatory (a demo organisation's person, or a simulated one); (offer id, whether
    the provider has a portal account), the demo organisations' first."""
    waiting = db.session.execute(
        select(Offer.id, Offer.provider_id, Provider.name, Provider.agb, Offer.policy_year)
        .join(Provider, Provider.id == Offer.provider_id)
        .where(Offer.negotiable.is_(True), Offer.status == "aangeboden")
        .order_by(Offer.id)).all()
    signatories = dict(db.session.execute(
        select(User.provider_id, User.email).where(User.role == "provider_signatory")
        .order_by(User.id.desc())).all())
    demo_agbs = {o.agb for o in DEMO_ORGANISATIONS}
    waiting.sort(key=lambda row: row.agb not in demo_agbs)
    countered = []
    for n, (offer_id, provider_id, name, _agb, policy_year) in enumerate(waiting):
        email = signatories.get(provider_id)
        actor = Actor(email or f"simulatie: tekenbevoegde {name}", "provider_signatory", provider_id)
        offer = db.session.get(Offer, offer_id)
        first = tariff_lines(offer, [])[:1]
        changes = [{"code": line.code, "amount": str(_raised(line.current))} for line in first]
        reason = COUNTER_PROPOSALS[n % len(COUNTER_PROPOSALS)].format(year=policy_year)
        transition(offer_id, "counter", actor, reason=reason, changes=changes)
        countered.append((offer_id, email is not None))
    return countered


def _insurer_answers(offer_id: int) -> int:
    """The demo's contract manager answers a counter-proposal halfway: the line's amount between
    the insurer's and the provider's."""
    offer = db.session.get(Offer, offer_id)
    rounds = db.session.scalars(select(NegotiationRound).where(NegotiationRound.offer_id == offer_id)
                                .order_by(NegotiationRound.number)).all()
    changes = [{"code": line.code, "amount": str(((line.current + line.proposed) / 2).quantize(CENT))}
               for line in tariff_lines(offer, rounds) if line.proposed is not None]
    manager = db.session.scalar(select(User.email).where(User.email == DEMO_MANAGER))
    transition(offer_id, "respond", Actor(manager or DEMO_MANAGER, "contract_manager"),
               reason=INSURER_ANSWER, changes=changes)
    return offer_id


def _raised(amount: Decimal) -> Decimal:
    """What a provider asks: about 8 % more, to the cent."""
    return (amount * Decimal("1.08")).quantize(CENT)
