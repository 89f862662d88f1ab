"""Open deadlines: what someone must still do, by when, and whose move it is.

One definition serves the scheduler's reminders and escalations, the calendar feeds and the
pages: an offer waiting for the provider's answer, a negotiation waiting for either party, an
application waiting for the insurer's answer, a consent or authorisation request waiting for the
insurer's advisor.

Whose move it is (`party`) says whether the provider or the insurer must act; `audience` says
who at the insurer: the contract managers (offers, applications) or the advisors (consent
requests). `AUDIENCE_ROLES` names their roles, and `audience_of_key` reads the audience back
from a reminder's or escalation's notification key, so the inbox and the mail can route it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterator

from sqlalchemy import func, select

from contracts.consent import reference
from contracts.offers import OfferStatus
from contracts.vocabulary import Contract, dutch

from ..extensions import db
from ..models import Application, ConsentRequest, Offer, Provider
from .messages import _l, link
from .offers import offer_link

PROVIDER, INSURER = "zorgaanbieder", "vgz"
#: The insurer's staff a deadline concerns: contract managers, or the advisors.
PROCUREMENT, ADVISORS = "inkoop", "adviseur"
#: Audience -> the roles of the users who get its reminders and escalations (inbox and e-mail).
AUDIENCE_ROLES = {PROCUREMENT: ("contract_manager", "admin"), ADVISORS: ("adviseur", "admin")}
#: Entity -> the insurer's audience when the move is the insurer's.
ENTITY_AUDIENCE = {"offer": PROCUREMENT, "application": PROCUREMENT, "consent_request": ADVISORS}

#: Offer status -> (kind, whose move, what to do). The acceptance deadline of an offer in
#: negotiation is when the negotiation must be finished (README `acceptance`). What to do is a
#: phrase of the catalogue (a message translates it when shown); its task is what it says
#: before the parenthesis (`TASKS`).
OFFER_MOVES = {
    OfferStatus.AANGEBODEN.value: ("aanbod", PROVIDER,
                                   _l("Aanbod beantwoorden (aanvaarden of afwijzen)")),
    OfferStatus.IN_ONDERHANDELING.value: ("onderhandeling", PROVIDER,
                                          _l("Onderhandeling afronden (reageren op het voorstel "
                                             "van VGZ)")),
    OfferStatus.TEGENVOORSTEL.value: ("tegenvoorstel", INSURER, _l("Tegenvoorstel beantwoorden")),
}
#: An action with an explanation -> the task alone (a message's subject names only the task).
TASKS = {OFFER_MOVES[OfferStatus.AANGEBODEN.value][2]: _l("Aanbod beantwoorden"),
         OFFER_MOVES[OfferStatus.IN_ONDERHANDELING.value][2]: _l("Onderhandeling afronden")}
#: Whose move it is, as a message says it ("de zet is aan ...").
PARTY_NAMES = {PROVIDER: _l("de zorgaanbieder"), INSURER: "VGZ"}
APPLICATION_ACTION = _l("Aanvraag beantwoorden")
#: Application statuses that still wait for the insurer's answer.
APPLICATION_OPEN = ("ontvangen", "in_beoordeling")
#: Consent request statuses that still wait for the advisor's decision (contracts.consent.OPEN).
CONSENT_OPEN = ("ingediend", "in_behandeling")
#: Consent request kind -> (deadline kind, what the advisor does).
CONSENT_MOVES = {"toestemming": ("toestemmingsaanvraag", _l("Aanvraag om toestemming beoordelen")),
                 "machtiging": ("machtigingsaanvraag", _l("Machtigingsaanvraag beoordelen"))}


@dataclass(frozen=True)
class Deadline:
    """One open deadline."""

    kind: str              # aanbod, onderhandeling, tegenvoorstel, aanvraag,
                           # toestemmingsaanvraag, machtigingsaanvraag
    entity: str            # offer, application, consent_request
    entity_id: int
    provider_id: int | None
    party: str             # whose move: zorgaanbieder or vgz
    due: date
    action: str            # what to do, in Dutch
    subject: str           # what it is about, in Dutch
    policy_year: int | None = None
    contract: str | None = None  # an offer's contract (slug)

    @property
    def task(self) -> str:
        """What to do, without its explanation."""
        return TASKS.get(self.action, self.action)

    @property
    def about(self) -> str | dict:
        """What it concerns, as a message stores it: an offer's contract and year (shown in the
        reader's language), else the Dutch text of `subject`."""
        if self.entity == "offer" and self.contract is not None:
            return {"contract": self.contract, "year": self.policy_year}
        return self.subject

    @property
    def key(self) -> str:
        """Names the deadline for reminder keys: entity, id, kind and date."""
        return f"{self.entity}:{self.entity_id}:{self.kind}:{self.due.isoformat()}"

    @property
    def audience(self) -> str:
        """Who is told of it: the provider (zorgaanbieder), or at the insurer the contract
        managers (inkoop) or the advisors (adviseur)."""
        if self.party == PROVIDER:
            return PROVIDER
        return ENTITY_AUDIENCE.get(self.entity, PROCUREMENT)

    @property
    def recipient_roles(self) -> tuple[str, ...]:
        """The roles of the insurer's users who get its reminders and escalations (none when the
        provider is to move: its staff get them)."""
        return AUDIENCE_ROLES.get(self.audience, ())

    def link(self, for_provider: bool) -> str:
        """The path of what the deadline is about, for the provider or the insurer's staff."""
        if self.entity == "offer":
            return offer_link(self.entity_id, for_provider)
        if self.entity == "consent_request":
            return (link("consent.request_detail", request_id=self.entity_id) if for_provider
                    else link("consent.advisor_detail", request_id=self.entity_id))
        # an applicant reads the answer in its messages; the managers open the application
        return (link("provider.messages") if for_provider
                else link("manager.application", application_id=self.entity_id))


def audience_of_key(key: str) -> str:
    """The insurer's audience of a notification about a deadline, from its key: a reminder
    ("herinnering:<deadline key>:<offset>"), an escalation ("escalatie:<deadline key>") or a
    message of the entity itself ("consent_request:12:..."). Unknown keys: the contract managers."""
    parts = key.split(":")
    if parts and parts[0] in ("herinnering", "escalatie"):
        parts = parts[1:]
    return ENTITY_AUDIENCE.get(parts[0] if parts else "", PROCUREMENT)


def _open_offer():
    """What makes an offer's deadline open: a status that waits for a move, and a date."""
    return Offer.status.in_(tuple(OFFER_MOVES)), Offer.deadline.is_not(None)


def open_deadline_totals() -> dict[str, int]:
    """The open deadlines counted by what they are of (offer, application, consent_request), as
    `open_deadlines` lists them, counted by the database (for the metrics)."""
    return {
        "offer": db.session.scalar(select(func.count()).select_from(Offer).where(*_open_offer())),
        "application": db.session.scalar(select(func.count()).select_from(Application).where(
            Application.status.in_(APPLICATION_OPEN))),
        "consent_request": db.session.scalar(select(func.count()).select_from(ConsentRequest)
                                             .where(ConsentRequest.status.in_(CONSENT_OPEN))),
    }


def open_deadlines(*, due_from: date | None = None, due_to: date | None = None,
                   provider_id: int | None = None) -> Iterator[Deadline]:
    """Every open deadline with its date in [due_from, due_to] (either end open), optionally of
    one provider; offers first, then applications, then consent requests, each in date order.

    Reads only the columns it needs, so a scan over 100,000 open offers stays cheap.
    """
    offers = select(Offer.id, Offer.provider_id, Offer.contract, Offer.policy_year, Offer.status,
                    Offer.deadline).where(*_open_offer())
    applications = select(Application.id, Application.provider_id, Application.organisation,
                          Application.contracts, Application.answer_due).where(
        Application.status.in_(APPLICATION_OPEN))
    requests = select(ConsentRequest.id, ConsentRequest.provider_id, ConsentRequest.kind,
                      ConsentRequest.substance, Provider.name, ConsentRequest.answer_due).join(
        Provider, Provider.id == ConsentRequest.provider_id).where(
        ConsentRequest.status.in_(CONSENT_OPEN))
    if due_from is not None:
        offers = offers.where(Offer.deadline >= due_from)
        applications = applications.where(Application.answer_due >= due_from)
        requests = requests.where(ConsentRequest.answer_due >= due_from)
    if due_to is not None:
        offers = offers.where(Offer.deadline <= due_to)
        applications = applications.where(Application.answer_due <= due_to)
        requests = requests.where(ConsentRequest.answer_due <= due_to)
    if provider_id is not None:
        offers = offers.where(Offer.provider_id == provider_id)
        applications = applications.where(Application.provider_id == provider_id)
        requests = requests.where(ConsentRequest.provider_id == provider_id)
    names = {c.value: dutch(c) for c in Contract}
    for id_, provider, contract, year, status, due in db.session.execute(
            offers.order_by(Offer.deadline, Offer.id)):
        kind, party, action = OFFER_MOVES[status]
        yield Deadline(kind, "offer", id_, provider, party, due, action,
                       f"{names.get(contract, contract)} {year}", year, contract)
    for id_, provider, organisation, contracts, due in db.session.execute(
            applications.order_by(Application.answer_due, Application.id)):
        applied = ", ".join(names.get(c, c) for c in contracts or ())
        yield Deadline("aanvraag", "application", id_, provider, INSURER, due,
                       APPLICATION_ACTION, f"aanvraag van {organisation} ({applied})")
    for id_, provider, kind, substance, pharmacy, due in db.session.execute(
            requests.order_by(ConsentRequest.answer_due, ConsentRequest.id)):
        deadline_kind, action = CONSENT_MOVES.get(kind, ("toestemmingsaanvraag", _l("Aanvraag beoordelen")))
        yield Deadline(deadline_kind, "consent_request", id_, provider, INSURER, due, action,
                       f"{reference(kind, id_)} {substance} van {pharmacy}")


def open_deadline_counts(policy_year: int) -> dict[date, Counter]:
    """Per day, the open deadlines of the procurement campaign counted by (entity, action,
    party): the offers of `policy_year` and the applications (which carry no contract year),
    as `open_deadlines` lists them, but counted by the database (a campaign has up to 100,000
    open offers; the campaign feed needs only the numbers)."""
    counts: dict[date, Counter] = defaultdict(Counter)
    for due, status, n in db.session.execute(
            select(Offer.deadline, Offer.status, func.count())
            .where(*_open_offer(), Offer.policy_year == policy_year)
            .group_by(Offer.deadline, Offer.status)):
        _kind, party, action = OFFER_MOVES[status]
        counts[due][("offer", action, party)] += n
    for due, n in db.session.execute(
            select(Application.answer_due, func.count())
            .where(Application.status.in_(APPLICATION_OPEN)).group_by(Application.answer_due)):
        counts[due][("application", APPLICATION_ACTION, INSURER)] += n
    return counts
