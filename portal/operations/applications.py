"""Applications of new providers: what the policy says beforehand, submitting, assessing, answering."""
from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from typing import Mapping, Sequence

from flask import current_app
from sqlalchemy import select, text

from contracts.calendar import add_months
from contracts.cases import Case
from contracts.engine import Decision, decide
from contracts.errors import CaseError
from contracts.filetypes import is_pdf
from contracts.identifiers import is_agb, is_kvk
from contracts.newproviders import check_dates, record_assessment, start_window
from contracts.policy import load_policy
from contracts.vocabulary import Contract, ProviderType, Relation, Route

from ..extensions import db
from ..models import Application, Attachment, Offer, Provider
from . import audit, clock, messages, notifications
from .audit import Actor
from .deadlines import APPLICATION_OPEN
from .offers import issue_offer, offer_link
from .providers import case_for, profile_facts, relation_to

PUBLIC = Actor("website", "provider_user")
#: Attachments one application may bring (the API's schema says the same).
MAX_ATTACHMENTS = 10
#: The longest attachment name kept (the column's width), extension included.
NAME_LENGTH = 200
#: The key space of the transaction locks that put one AGB code's applications in a row.
AGB_LOCKS = 0x6167  # "ag"


class Refusal(CaseError):
    """An application refused for a reason the applicant can act on; `reason` names it, so
    that the form can say it in Dutch (the domain's messages are English, for the API)."""

    def __init__(self, field: str, reason: str, message: str):
        super().__init__(field, message)
        self.reason = reason


#: Offer statuses in which the provider still answers (the preview says so, no more).
OFFER_OPEN = ("aangeboden", "in_onderhandeling", "tegenvoorstel")


@dataclass(frozen=True)
class Known:
    """What applies to an AGB code the insurer knows already, for one contract: told on the
    application form instead of "you can apply". `situation` is one of
    - `aanvaard`: the provider accepted the offer for the contract year;
    - `aanbod`: an offer waits for its answer (by `answer_by`);
    - `aanbod_volgt`: the policy offers the contract to it (by `offer_by`, when still ahead);
    - `lopend`: its agreement runs on into the contract year (until `agreement_end`);
    - `bekend`: anything else (no agreement, an offer answered otherwise, an exclusion): its
      signatory logs in or contacts the insurer; what it is is not told to whoever typed the code.
    """

    provider: str
    situation: str
    agreement_end: date | None = None
    offer_by: date | None = None
    answer_by: date | None = None


@dataclass(frozen=True)
class OpenApplication:
    """An application of the same AGB code for the same contract that still waits for its answer."""

    received_on: date
    answer_due: date


@dataclass(frozen=True)
class PreviewLine:
    """What the policy says about applying for one contract, and what stands in the way of an
    application by this AGB code (a known provider, an application still open)."""

    contract: str
    decision: Decision
    known: Known | None = None
    open_application: OpenApplication | None = None

    @property
    def eligible(self) -> bool:
        return (str(self.decision.route) == "aanvraag" and self.known is None
                and self.open_application is None)


def preview(provider_type: str, contracts: Sequence[str], agb_start: date | None,
            policy_year: int, *, received_on: date | None = None,
            agb: str | None = None) -> list[PreviewLine]:
    """Per contract, the policy's decision for a new provider of this type in `policy_year`
    (shown before submitting: a facility company whose AGB code is older than the policy's
    start date is told it is not eligible).

    `received_on` is the day of receipt (the simulated today for an application still to be
    sent), from which the answer term runs. With `agb`, a registered provider is told what
    applies to it, and an application still open for a contract is named.
    """
    lines = []
    for contract in contracts:
        case = Case(policy_year, ProviderType(provider_type), Contract(contract), Relation.NIEUW,
                    agb_start=agb_start, application_received=received_on)
        lines.append(PreviewLine(contract, decide(case)))
    if is_agb(agb):
        known = _known(agb, contracts, policy_year, received_on or clock.today())
        pending = _open_applications(agb)
        lines = [replace(line, known=known.get(line.contract),
                         open_application=pending.get(line.contract)) for line in lines]
    return lines


def _known(agb: str, contracts: Sequence[str], policy_year: int,
           today: date) -> dict[str, Known]:
    """What applies to the registered provider of this AGB code, per contract (none if unknown)."""
    provider = db.session.scalar(select(Provider).where(Provider.agb == agb))
    if provider is None:
        return {}
    offers = {o.contract: o for o in db.session.scalars(select(Offer).where(
        Offer.provider_id == provider.id, Offer.policy_year == policy_year))}
    facts = profile_facts(provider, policy_year)  # an excluded provider is promised no offer
    known = {}
    for contract in contracts:
        offer = offers.get(contract)
        ends = [c.end for c in provider.contracts if c.contract == contract]
        end = max(ends) if ends else None
        if offer is not None and offer.status == "geaccepteerd":
            known[contract] = Known(provider.name, "aanvaard", end)
        elif offer is not None and offer.status in OFFER_OPEN:
            known[contract] = Known(provider.name, "aanbod", end, answer_by=offer.deadline)
        elif offer is not None:  # declined, expired, withdrawn: not told to whoever typed the code
            known[contract] = Known(provider.name, "bekend")
        else:
            known[contract] = _without_offer(provider, contract, policy_year, facts, end, today)
    return known


def _without_offer(provider: Provider, contract: str, policy_year: int, facts, end: date | None,
                   today: date) -> Known:
    """What applies to a registered provider without an offer for the contract: the offer the
    policy makes it (by its milestone's date while that is ahead), or its running agreement."""
    decision = decide(case_for(provider, contract, policy_year, facts))
    if decision.route is Route.AANBOD:
        due = decision.deadline if decision.deadline and decision.deadline >= today else None
        return Known(provider.name, "aanbod_volgt", end, offer_by=due)
    relation, _reason = relation_to(provider, contract, policy_year)
    if relation is Relation.DOORLOPEND:
        return Known(provider.name, "lopend", end)
    return Known(provider.name, "bekend")


def _open_applications(agb: str) -> dict[str, OpenApplication]:
    """Per contract, the application of this AGB code that still waits for its answer."""
    pending = {}
    for application in db.session.scalars(
            select(Application).where(Application.agb == agb,
                                      Application.status.in_(APPLICATION_OPEN))
            .order_by(Application.received_on)):
        for contract in application.contracts:
            pending.setdefault(contract, OpenApplication(application.received_on,
                                                         application.answer_due))
    return pending


def attachment_name(name: str) -> str:
    """The name an attachment is kept and downloaded under, whatever was sent: no directories,
    no control or format characters (CR, LF, NUL, bidi overrides, lone surrogates), no leading
    or trailing dots or spaces, Unicode NFC, at most NAME_LENGTH characters, ending in .pdf
    (the content was checked to be a PDF: a name ending in .html must not open as a page).
    The same name again gives itself."""
    kept = "".join(" " if c.isspace() else c for c in str(name)
                   if c.isspace() or not unicodedata.category(c).startswith("C"))
    base = re.split(r"[/\\]", unicodedata.normalize("NFC", kept))[-1]
    base = " ".join(base.split()).strip(". ")
    stem, extension = os.path.splitext(base)
    if extension.lower() != ".pdf":
        stem, extension = base, ".pdf"
    stem = stem[:NAME_LENGTH - len(extension)].rstrip(". ")
    return f"{stem or 'bijlage'}{extension}"


def _pdf(filename: str, content: bytes, limit: int) -> None:
    if len(content) > limit:
        raise CaseError("attachments", f"{filename}: larger than {limit // (1024 * 1024)} MB")
    if not is_pdf(content):
        raise CaseError("attachments", f"{filename}: not a PDF file (checked by content)")


def _checked_attachments(attachments: Sequence[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The attachments under their kept names: each a PDF of at most ATTACHMENT_MAX_BYTES, at
    most MAX_ATTACHMENTS, together at most APPLICATION_MAX_BYTES."""
    if len(attachments) > MAX_ATTACHMENTS:
        raise Refusal("attachments", "attachments_too_many",
                      f"at most {MAX_ATTACHMENTS} attachments")
    named = [(attachment_name(filename), content) for filename, content in attachments]
    for filename, content in named:
        _pdf(filename, content, current_app.config["ATTACHMENT_MAX_BYTES"])
    total = current_app.config["APPLICATION_MAX_BYTES"]
    if sum(len(content) for _name, content in named) > total:
        raise Refusal("attachments", "attachments_too_large",
                      f"all attachments together: larger than {total / (1024 * 1024):g} MB")
    return named


def _one_at_a_time(agb: str) -> None:
    """Submissions for one AGB code wait for each other until the first commits, so that two at
    once cannot both find no open application (PostgreSQL: a transaction's advisory lock;
    SQLite lets one writer at a time anyway)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:space, :agb)"),
                           {"space": AGB_LOCKS, "agb": int(agb)})


def _not_known_yet(agb: str, contracts: Sequence[str]) -> None:
    """Refuse an AGB code of a registered provider, and a second application for a contract
    while one for that AGB code is open.

    The form is for providers the insurer does not know: a registered pharmacy's signatory
    logs in (and anyone could type another pharmacy's AGB code here, which was linked to that
    pharmacy's record until now). A takeover of a registered pharmacy goes through the insurer
    too."""
    if db.session.scalar(select(Provider.id).where(Provider.agb == agb)) is not None:
        raise Refusal("agb", "agb_registered",
                      "this AGB code is already known to VGZ: the pharmacy's signatory logs in to "
                      "the portal; without an account (or taking the pharmacy over), contact VGZ")
    _one_at_a_time(agb)
    open_for = {c for (applied,) in db.session.execute(
        select(Application.contracts).where(Application.agb == agb,
                                            Application.status.in_(APPLICATION_OPEN)))
        for c in applied}
    again = [c for c in contracts if c in open_for]
    if again:
        raise Refusal("contracts", "application_open",
                      f"an application for this AGB code and {', '.join(again)} is still open: "
                      f"its answer comes first")


def submit_application(data: Mapping, attachments: Sequence[tuple[str, bytes]], *,
                       received_on: date, policy_year: int) -> Application:
    """Record an application of a provider the insurer does not know yet, for the contracts of
    `policy_year`; CaseError names the first bad field (a `Refusal` also its reason), and
    nothing is stored then."""
    agb, kvk = str(data.get("agb", "")).strip(), str(data.get("kvk", "")).strip()
    if not is_agb(agb):
        raise CaseError("agb", "an AGB code has 8 digits")
    if not is_kvk(kvk):
        raise CaseError("kvk", "a KvK number has 8 digits")
    try:
        ProviderType(data.get("provider_type"))
    except ValueError:
        raise CaseError("provider_type", "unknown provider type", [t.value for t in ProviderType]) from None
    contracts = list(data.get("contracts") or [])
    if not contracts:
        raise CaseError("contracts", "choose at least one contract")
    lines = preview(data["provider_type"], contracts, data.get("agb_start"), policy_year)
    refused = [line.contract for line in lines if not line.eligible]
    if refused:
        raise CaseError("contracts", f"no application possible for {', '.join(refused)}: "
                                     f"{lines[0].decision.reasons[-1] if lines else ''}")
    for field in ("organisation", "city", "contact_email"):
        if not str(data.get(field, "")).strip():
            raise CaseError(field, "is required")
    policy = load_policy(policy_year)
    start = data.get("start_date") or start_window(policy, received_on, data.get("agb_start"))[0]
    check_dates(policy, received_on=received_on, start=start, agb_start=data.get("agb_start"))
    attachments = _checked_attachments(attachments)
    _not_known_yet(agb, contracts)
    application = Application(
        organisation=data["organisation"].strip(), agb=agb, kvk=kvk,
        provider_type=data["provider_type"], address=data.get("address", ""),
        postcode=data.get("postcode", ""), city=data["city"].strip(), agb_start=data.get("agb_start"),
        contact_email=data["contact_email"].strip(), contracts=contracts,
        start_date=start, motivations=dict(data.get("motivations") or {}), received_on=received_on,
        answer_due=add_months(received_on, policy.milestones[
            "aanvraag_reactie"].months_after_application))
    db.session.add(application)
    db.session.flush()
    for filename, content in attachments:
        db.session.add(Attachment(application_id=application.id, filename=filename,
                                  sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                                  content=content))
    audit.record(PUBLIC, "application", application.id, "submit", None, "ontvangen")
    notifications.notify(
        key=f"application:{application.id}:received", template="application.received",
        params={"organisation": application.organisation, "received": received_on,
                "answer_due": application.answer_due},
        link=messages.link("manager.application", application_id=application.id))
    db.session.flush()
    return application


def assess_application(application_id: int, actor: Actor, *, granted: bool, motivation: str,
                       findings: Mapping[str, Mapping], answered_on: date,
                       policy_year: int) -> Application:
    """Record the manager's assessment and answer against the policy of `policy_year`; a grant
    registers the provider."""
    application = db.session.scalar(select(Application).where(Application.id == application_id)
                                     .with_for_update())
    if application is None:
        raise CaseError("application", f"no application {application_id}")
    if application.status not in ("ontvangen", "in_beoordeling"):
        raise CaseError("status", f"application {application_id} was already answered "
                                  f"({application.status})")
    policy = load_policy(policy_year)
    criteria = tuple(dict.fromkeys(c for line in preview(application.provider_type,
                                                         application.contracts,
                                                         application.agb_start, policy_year,
                                                         received_on=application.received_on)
                                   for c in line.decision.criteria))
    outcome = record_assessment(policy, criteria, granted, motivation, findings)
    registered = db.session.scalar(select(Provider.id).where(Provider.agb == application.agb))
    if granted and application.provider_id is None and registered is not None:
        raise CaseError("agb", f"AGB code {application.agb} was registered after the application "
                               f"came in: grant it by an offer to that provider instead")
    before = application.status
    application.status = "toegekend" if granted else "afgewezen"
    application.assessment = {"granted": granted, "motivation": outcome.motivation,
                              "findings": [f.__dict__ | {"confirmed": list(f.confirmed)}
                                           for f in outcome.findings]}
    application.answer, application.answered_on, application.answered_by = (
        outcome.motivation, answered_on, actor.name)
    if granted and application.provider_id is None:
        provider = Provider(agb=application.agb, name=application.organisation,
                            provider_type=application.provider_type, address=application.address,
                            postcode=application.postcode, city=application.city,
                            kvk=application.kvk, agb_start=application.agb_start,
                            contact_email=application.contact_email)
        db.session.add(provider)
        db.session.flush()
        application.provider_id = provider.id
        from .accounts import invite_signatory  # the new provider's first account, by mail
        invite_signatory(provider, application.contact_email, actor)
    audit.record(actor, "application", application.id, "answer", before, application.status,
                 outcome.motivation)
    offers = _issue_granted(application, actor, policy_year)[0] if granted else []
    if application.provider_id is not None:  # a registered provider reads the answer in its inbox
        _tell_the_answer(application, granted, outcome.motivation, offers)
    db.session.flush()
    return application


def _tell_the_answer(application: Application, granted: bool, motivation: str,
                     offers: Sequence[Offer]) -> None:
    """The applicant's message: the answer, and where the offers made on a grant are."""
    if not granted:
        template = "application.refused"
    else:
        template = "application.granted_offered" if offers else "application.granted"
    notifications.notify(
        provider_id=application.provider_id, key=f"application:{application.id}:answer",
        template=template, params={"received": application.received_on,
                                   "contracts": list(application.contracts),
                                   "motivation": motivation},
        link=(offer_link(offers[0].id, True) if len(offers) == 1
              else messages.link("provider.offers") if offers else None))


def granted_offers(application: Application, policy_year: int) -> dict[str, Offer]:
    """The offers made to a granted applicant for the contracts it applied for, by contract."""
    if application.provider_id is None:
        return {}
    return {o.contract: o for o in db.session.scalars(select(Offer).where(
        Offer.provider_id == application.provider_id, Offer.policy_year == policy_year,
        Offer.contract.in_(application.contracts)))}


def _issue_granted(application: Application, actor: Actor,
                   policy_year: int) -> tuple[list[Offer], list[CaseError]]:
    """Issue, through `issue_offer`, the offer the policy prescribes after the grant for each
    contract applied for that has none yet (the rule's "route aanvraag" names the offer of a
    granted application); the offers issued, and the refusals of the policy (which leave the
    contract without an offer, and the application page with its button)."""
    provider = db.session.get(Provider, application.provider_id)
    have = granted_offers(application, policy_year)
    issued, refused = [], []
    for contract in application.contracts:
        if contract in have:
            continue
        try:
            issued.append(issue_offer(provider, contract, policy_year, actor))
        except CaseError as error:  # raised before the offer's rows are written
            refused.append(error)
    return issued, refused


def offer_after_grant(application_id: int, actor: Actor, *, policy_year: int) -> list[Offer]:
    """Issue the offers a granted application leads to that were not made on the grant (the
    policy made none on that day, or the grant came before grants made offers); CaseError when
    the application is not granted or the policy still makes none."""
    application = db.session.scalar(select(Application).where(Application.id == application_id)
                                     .with_for_update())
    if application is None:
        raise CaseError("application", f"no application {application_id}")
    if application.status != "toegekend" or application.provider_id is None:
        raise CaseError("status", f"application {application_id} is not granted "
                                  f"({application.status})")
    issued, refused = _issue_granted(application, actor, policy_year)
    if not issued:
        raise refused[0] if refused else CaseError("offer", "every offer was made already")
    return issued
