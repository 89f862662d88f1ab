"""Applications of new providers: what the policy says beforehand, submitting, assessing, answering."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Mapping, Sequence

from flask import current_app
from sqlalchemy import select

from contracts.calendar import add_months
from contracts.cases import Case
from contracts.engine import Decision, decide
from contracts.errors import CaseError
from contracts.newproviders import record_assessment
from contracts.policy import load_policy
from contracts.vocabulary import Contract, ProviderType, Relation

from ..extensions import db
from ..models import Application, Attachment, Notification, Provider
from . import audit, clock
from .audit import Actor

PUBLIC = Actor("website", "provider_user")


@dataclass(frozen=True)
class PreviewLine:
    """What the policy says about applying for one contract."""

    contract: str
    decision: Decision

    @property
    def eligible(self) -> bool:
        return str(self.decision.route) == "aanvraag"


def preview(provider_type: str, contracts: Sequence[str], agb_start: date | None,
            policy_year: int = 2024) -> list[PreviewLine]:
    """Per contract, the policy's decision for a new provider of this type (shown before
    submitting: a facility company with an AGB start before 2024 is told it is not eligible)."""
    lines = []
    for contract in contracts:
        case = Case(policy_year, ProviderType(provider_type), Contract(contract), Relation.NIEUW,
                    agb_start=agb_start)
        lines.append(PreviewLine(contract, decide(case)))
    return lines


def _pdf(filename: str, content: bytes, limit: int) -> None:
    if len(content) > limit:
        raise CaseError("attachments", f"{filename}: larger than {limit // (1024 * 1024)} MB")
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-2048:]:
        raise CaseError("attachments", f"{filename}: not a PDF file (checked by content)")


def submit_application(data: Mapping, attachments: Sequence[tuple[str, bytes]], *,
                       received_on: date, policy_year: int = 2024) -> Application:
    """Record an application; CaseError names the first bad field, and nothing is stored then."""
    agb, kvk = str(data.get("agb", "")).strip(), str(data.get("kvk", "")).strip()
    if not re.fullmatch(r"\d{8}", agb):
        raise CaseError("agb", "an AGB code has 8 digits")
    if not re.fullmatch(r"\d{8}", kvk):
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
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    for filename, content in attachments:
        _pdf(filename, content, limit)
    application = Application(
        organisation=data["organisation"].strip(), agb=agb, kvk=kvk,
        provider_type=data["provider_type"], address=data.get("address", ""),
        postcode=data.get("postcode", ""), city=data["city"].strip(), agb_start=data.get("agb_start"),
        contact_email=data["contact_email"].strip(), contracts=contracts,
        start_date=data.get("start_date") or date(policy_year, 1, 1),
        motivations=dict(data.get("motivations") or {}), received_on=received_on,
        answer_due=add_months(received_on, load_policy(policy_year).milestones[
            "aanvraag_reactie"].months_after_application),
        provider_id=db.session.scalar(select(Provider.id).where(Provider.agb == agb)))
    db.session.add(application)
    db.session.flush()
    for filename, content in attachments:
        db.session.add(Attachment(application_id=application.id, filename=filename[:200],
                                  sha256=hashlib.sha256(content).hexdigest(), size=len(content),
                                  content=content))
    audit.record(PUBLIC, "application", application.id, "submit", None, "ontvangen")
    db.session.add(Notification(
        provider_id=None, key=f"application:{application.id}:received",
        subject=f"Nieuwe aanvraag: {application.organisation}",
        body=f"Aanvraag {application.id} ontvangen op {received_on:%d-%m-%Y}; "
             f"reactie uiterlijk {application.answer_due:%d-%m-%Y}.", created_at=clock.now()))
    db.session.flush()
    return application


def assess_application(application_id: int, actor: Actor, *, granted: bool, motivation: str,
                       findings: Mapping[str, Mapping], answered_on: date,
                       policy_year: int = 2024) -> Application:
    """Record the manager's assessment and answer; a grant registers the provider."""
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
                                                         application.agb_start, policy_year)
                                   for c in line.decision.criteria))
    outcome = record_assessment(policy, criteria, granted, motivation, findings)
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
    if application.provider_id is not None:  # a registered provider reads the answer in its inbox
        verdict = "toegekend" if granted else "afgewezen"
        db.session.add(Notification(
            provider_id=application.provider_id, key=f"application:{application.id}:answer",
            subject=f"Uw aanvraag is {verdict}",
            body=f"Aanvraag van {application.received_on:%d-%m-%Y} voor "
                 f"{', '.join(application.contracts)}: {verdict}. {outcome.motivation}",
            created_at=clock.now()))
    db.session.flush()
    return application
