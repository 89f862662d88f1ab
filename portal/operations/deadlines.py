"""Open deadlines: what someone must still do, by when, and whose move it is.

One definition serves the scheduler's reminders and escalations, the calendar feeds and the
pages: an offer waiting for the provider's answer, a negotiation waiting for either party, an
application waiting for the insurer's answer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterator

from sqlalchemy import select

from contracts.offers import OfferStatus
from contracts.vocabulary import Contract, dutch

from ..extensions import db
from ..models import Application, Offer
from .offers import offer_link

PROVIDER, INSURER = "zorgaanbieder", "vgz"

#: Offer status -> (kind, whose move, what to do). The acceptance deadline of an offer in
#: negotiation is when the negotiation must be finished (README `acceptance`).
OFFER_MOVES = {
    OfferStatus.AANGEBODEN.value: ("aanbod", PROVIDER, "Aanbod beantwoorden (aanvaarden of afwijzen)"),
    OfferStatus.IN_ONDERHANDELING.value: ("onderhandeling", PROVIDER,
                                          "Onderhandeling afronden (reageren op het voorstel van VGZ)"),
    OfferStatus.TEGENVOORSTEL.value: ("tegenvoorstel", INSURER, "Tegenvoorstel beantwoorden"),
}
#: Application statuses that still wait for the insurer's answer.
APPLICATION_OPEN = ("ontvangen", "in_beoordeling")


@dataclass(frozen=True)
class Deadline:
    """One open deadline."""

    kind: str              # aanbod, onderhandeling, tegenvoorstel, aanvraag
    entity: str            # offer, application
    entity_id: int
    provider_id: int | None
    party: str             # whose move: zorgaanbieder or vgz
    due: date
    action: str            # what to do, in Dutch
    subject: str           # what it is about, in Dutch
    policy_year: int | None = None

    @property
    def key(self) -> str:
        """Names the deadline for reminder keys: entity, id, kind and date."""
        return f"{self.entity}:{self.entity_id}:{self.kind}:{self.due.isoformat()}"

    def link(self, for_provider: bool) -> str:
        if self.entity == "offer":
            return offer_link(self.entity_id, for_provider)
        # an applicant reads the answer in its messages; the managers open the application
        return "/zorgaanbieder/berichten" if for_provider else f"/beheer/aanvragen/{self.entity_id}"


def open_deadlines(*, due_from: date | None = None, due_to: date | None = None,
                   provider_id: int | None = None) -> Iterator[Deadline]:
    """Every open deadline with its date in [due_from, due_to] (either end open), optionally of
    one provider; offers first, then applications, each in date order.

    Reads only the columns it needs, so a scan over 100,000 open offers stays cheap.
    """
    offers = select(Offer.id, Offer.provider_id, Offer.contract, Offer.policy_year, Offer.status,
                    Offer.deadline).where(Offer.status.in_(tuple(OFFER_MOVES)),
                                          Offer.deadline.is_not(None))
    applications = select(Application.id, Application.provider_id, Application.organisation,
                          Application.contracts, Application.answer_due).where(
        Application.status.in_(APPLICATION_OPEN))
    if due_from is not None:
        offers = offers.where(Offer.deadline >= due_from)
        applications = applications.where(Application.answer_due >= due_from)
    if due_to is not None:
        offers = offers.where(Offer.deadline <= due_to)
        applications = applications.where(Application.answer_due <= due_to)
    if provider_id is not None:
        offers = offers.where(Offer.provider_id == provider_id)
        applications = applications.where(Application.provider_id == provider_id)
    names = {c.value: dutch(c) for c in Contract}
    for id_, provider, contract, year, status, due in db.session.execute(
            offers.order_by(Offer.deadline, Offer.id)):
        kind, party, action = OFFER_MOVES[status]
        yield Deadline(kind, "offer", id_, provider, party, due, action,
                       f"{names.get(contract, contract)} {year}", year)
    for id_, provider, organisation, contracts, due in db.session.execute(
            applications.order_by(Application.answer_due, Application.id)):
        applied = ", ".join(names.get(c, c) for c in contracts or ())
        yield Deadline("aanvraag", "application", id_, provider, INSURER, due,
                       "Aanvraag beantwoorden", f"aanvraag van {organisation} ({applied})")
