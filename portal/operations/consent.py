"""Consent and authorisation requests (seed 000): a pharmacy submits or withdraws one, the
insurer's advisor takes it into handling and grants or refuses it.

Every change is one function here, for the pages, the API and any job alike: it checks the rule
(contracts.consent), locks the row, compares the version the user saw (a stale writer is
refused, never applied over someone else's decision), writes the audit entry and, for a
decision, the pharmacy's inbox message (e-mailed by the mail queue). The caller commits.
"""
from __future__ import annotations

import hashlib
import os
from datetime import date
from typing import Mapping

from flask import current_app
from sqlalchemy import select

from contracts.consent import Kind, answer_due, check_prescription, validate_request
from contracts.errors import CaseError

from ..extensions import db
from ..models import ConsentRequest
from . import audit, clock, notifications
from .audit import Actor
from .concurrency import second_writer_refused
from .deadlines import ADVISORS, AUDIENCE_ROLES
from .offers import NotFound

#: Who decides requests: the advisors, and admins.
ADVISOR_ROLES = AUDIENCE_ROLES[ADVISORS]
ENTITY = "consent_request"


def provider_link(request_id: int) -> str:
    return f"/zorgaanbieder/toestemmingen/{request_id}"


def advisor_link(request_id: int) -> str:
    return f"/beheer/toestemmingen/{request_id}"


def get_request(request_id: int, actor: Actor, *, lock: bool = False) -> ConsentRequest:
    """The request, if the actor may see it: provider staff their own organisation's only, the
    advisors (and admins) every one; anyone else none. NotFound otherwise, as if it did not exist."""
    query = select(ConsentRequest).where(ConsentRequest.id == request_id)
    if actor.provider_id is not None:
        query = query.where(ConsentRequest.provider_id == actor.provider_id)
    elif actor.role not in ADVISOR_ROLES:
        raise NotFound(f"consent request {request_id}")
    if lock:
        query = query.with_for_update()  # PostgreSQL row lock; SQLite serialises writers
    found = db.session.scalar(query)
    if found is None:
        raise NotFound(f"consent request {request_id}")
    return found


def answer_term_days() -> int | None:
    """The answer term in working days from the config (CONSENT_ANSWER_WORKING_DAYS), or None for
    the policy's (contracts/policies/consent.yaml)."""
    configured = current_app.config.get("CONSENT_ANSWER_WORKING_DAYS")
    return int(configured) if configured else None


def submit_request(data: Mapping, prescription: tuple[str, bytes], actor: Actor, *,
                   submitted_on: date | None = None) -> ConsentRequest:
    """Record a pharmacy's request with its prescription; CaseError names the first bad field,
    and nothing is stored then."""
    if actor.provider_id is None:
        raise CaseError("role", "only a pharmacy's staff submit a request")
    submitted_on = submitted_on or clock.today()
    clean = validate_request(data, today=submitted_on)
    filename, content = prescription
    filename = "".join(c for c in os.path.basename((filename or "").replace("\\", "/"))
                       if c.isprintable())[:200] or "recept"
    media_type = check_prescription(filename, content or b"",
                                    current_app.config["ATTACHMENT_MAX_BYTES"])
    request = ConsentRequest(
        provider_id=actor.provider_id, **clean, prescription_filename=filename,
        prescription_type=media_type, prescription_size=len(content),
        prescription_sha256=hashlib.sha256(content).hexdigest(), prescription=content,
        submitted_on=submitted_on, submitted_by=actor.name,
        answer_due=answer_due(submitted_on, answer_term_days()), status="ingediend")
    db.session.add(request)
    db.session.flush()
    audit.record(actor, ENTITY, request.id, "submit", None, "ingediend",
                 f"{request.reference}: {request.kind} voor {request.substance}")
    db.session.flush()
    return request


def _locked(request_id: int, actor: Actor, expected_version: int | None) -> ConsentRequest:
    request = get_request(request_id, actor, lock=True)
    if expected_version is not None and request.version != expected_version:
        raise CaseError("version", "the request was changed by someone else; reload it")
    if not request.is_open:
        raise CaseError("status", f"request {request_id} is no longer open ({request.status})")
    return request


def _flush() -> None:
    """Write the change; a concurrent writer that came first (the version column, or SQLite's
    write lock of a reader that is no longer current) refuses this one."""
    with second_writer_refused(CaseError(
            "version", "the request was changed at the same moment; reload it")):
        db.session.flush()


def take_request(request_id: int, actor: Actor, *, expected_version: int | None = None
                 ) -> ConsentRequest:
    """An advisor takes a submitted request into handling (the pharmacy sees it is being handled)."""
    if actor.role not in ADVISOR_ROLES:
        raise CaseError("role", "only an advisor handles a request")
    request = _locked(request_id, actor, expected_version)
    if request.status != "ingediend":
        raise CaseError("status", f"request {request_id} is already being handled "
                                  f"by {request.handled_by or '-'}")
    request.status, request.handled_by = "in_behandeling", actor.name
    _flush()
    audit.record(actor, ENTITY, request.id, "take", "ingediend", "in_behandeling")
    db.session.flush()
    return request


def decide_request(request_id: int, actor: Actor, *, granted: bool, reason: str = "",
                   expected_version: int | None = None, valid_until: date | None = None,
                   decided_on: date | None = None) -> ConsentRequest:
    """Grant or refuse a request (once); a refusal needs its reason. The pharmacy gets the
    outcome in its inbox and by e-mail, with what to do next (seed 000)."""
    if actor.role not in ADVISOR_ROLES:
        raise CaseError("role", "only an advisor decides a request")
    reason = (reason or "").strip()
    if not granted and not reason:
        raise CaseError("reason", "a refusal needs a reason")
    if len(reason) > 10000 or "\x00" in reason:
        raise CaseError("reason", "at most 10000 characters, without NUL characters")
    decided_on = decided_on or clock.today()
    if valid_until is not None and not granted:
        raise CaseError("valid_until", "only a grant has a validity")
    if valid_until is not None and valid_until < decided_on:
        raise CaseError("valid_until", "must not be before the day of the decision")
    request = _locked(request_id, actor, expected_version)
    before = request.status
    request.status = "verleend" if granted else "geweigerd"
    request.reason, request.decided_by, request.decided_on = reason or None, actor.name, decided_on
    request.decided_at, request.valid_until = clock.now(), valid_until
    request.handled_by = request.handled_by or actor.name
    _flush()
    audit.record(actor, ENTITY, request.id, "grant" if granted else "refuse", before,
                 request.status, reason)
    notifications.notify(provider_id=request.provider_id, key=f"{ENTITY}:{request.id}:besluit",
                         link=provider_link(request.id), subject=_subject(request),
                         body=_outcome(request))
    db.session.flush()
    return request


def withdraw_request(request_id: int, actor: Actor, *, reason: str = "",
                     expected_version: int | None = None) -> ConsentRequest:
    """The pharmacy withdraws its own request while it is open."""
    if actor.provider_id is None:
        raise CaseError("role", "only the pharmacy withdraws its request")
    reason = (reason or "").strip()
    if len(reason) > 4000 or "\x00" in reason:
        raise CaseError("reason", "at most 4000 characters, without NUL characters")
    request = _locked(request_id, actor, expected_version)
    before = request.status
    request.status, request.reason = "ingetrokken", reason or None
    request.decided_by, request.decided_on, request.decided_at = actor.name, clock.today(), clock.now()
    _flush()
    audit.record(actor, ENTITY, request.id, "withdraw", before, "ingetrokken", reason)
    db.session.flush()
    return request


# -- the pharmacy's message ------------------------------------------------------------------------

def _kind_text(request: ConsentRequest) -> str:
    return "toestemming" if request.kind == Kind.TOESTEMMING else "machtiging"


def _subject(request: ConsentRequest) -> str:
    verdict = "verleend" if request.status == "verleend" else "geweigerd"
    return f"{_kind_text(request).capitalize()} {verdict}: {request.reference} {request.substance}"[:300]


def _outcome(request: ConsentRequest) -> str:
    """The decision in Dutch, with what the pharmacy does next as the memo says. The insured is
    named by initials and the pharmacy's own reference only: the message also goes by e-mail."""
    medicine = request.substance + (f" ({request.brand})" if request.brand else "")
    if request.zindex_number:
        medicine += f", Z-indexnummer {request.zindex_number}"
    insured = request.insured_initials + (f", uw referentie {request.patient_reference}"
                                          if request.patient_reference else "")
    lines = [f"Uw aanvraag {request.reference} om {_kind_text(request)} voor {medicine} "
             f"(verzekerde {insured}) is op {request.decided_on:%d-%m-%Y} "
             f"{'verleend' if request.status == 'verleend' else 'geweigerd'} door VGZ."]
    if request.status == "verleend":
        if request.valid_until:
            lines.append(f"De {_kind_text(request)} geldt tot en met {request.valid_until:%d-%m-%Y}.")
        if request.kind == Kind.TOESTEMMING:
            lines.append(f"U declareert het geneesmiddel met Z-indexnummer {request.zindex_number}.")
        else:
            lines.append("U declareert het geneesmiddel met de lokale code 97095005 of een code uit "
                         "de range 97095551 tot en met 97095600. Zet in het commentaarrecord de "
                         f"stof- en merknaam, de naam van de importeur ({request.importer}) en de "
                         "kosten van het geneesmiddel inclusief de transport- en verzendkosten.")
        if request.reason:
            lines.append(f"Toelichting: {request.reason}")
    else:
        lines.append(f"Reden: {request.reason}")
        lines.append("U levert het geneesmiddel niet af, of u levert het in overleg met de "
                     "verzekerde wel af; de kosten komen dan voor rekening van de verzekerde.")
    return "\n\n".join(lines)
