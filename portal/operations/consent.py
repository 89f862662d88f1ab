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

from contracts.consent import Kind, answer_due, check_prescription, validate_request
from contracts.errors import CaseError

from ..extensions import db
from ..models import ConsentRequest
from . import audit, clock, messages, notifications
from .access import load_scoped
from .audit import Actor
from .concurrency import second_writer_refused
from .deadlines import ADVISORS, AUDIENCE_ROLES

#: Who decides requests: the advisors, and admins.
ADVISOR_ROLES = AUDIENCE_ROLES[ADVISORS]
ENTITY = "consent_request"


def provider_link(request_id: int) -> str:
    """The request's page for the pharmacy."""
    return messages.link("consent.request_detail", request_id=request_id)


def advisor_link(request_id: int) -> str:
    """The request's page for the advisors."""
    return messages.link("consent.advisor_detail", request_id=request_id)


def get_request(request_id: int, actor: Actor, *, lock: bool = False) -> ConsentRequest:
    """The request, if the actor may see it: provider staff their own organisation's only, the
    advisors (and admins) every one; anyone else none. NotFound otherwise, as if it did not exist."""
    return load_scoped(ConsentRequest, request_id, actor, insurer_roles=ADVISOR_ROLES, lock=lock)


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
                         link=provider_link(request.id), template=_template(request),
                         params=_outcome(request))
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

def _template(request: ConsentRequest) -> str:
    """The message of the decision (portal.operations.messages): its kind and outcome."""
    kind = "toestemming" if request.kind == Kind.TOESTEMMING else "machtiging"
    return f"consent.{kind}.{'granted' if request.status == 'verleend' else 'refused'}"


def _outcome(request: ConsentRequest) -> dict:
    """The facts the pharmacy's message states, with what it does next as the memo says. The
    insured is named by initials and the pharmacy's own reference only: the message also goes
    by e-mail."""
    return {"reference": request.reference, "substance": request.substance,
            "medicine": request.substance + (f" ({request.brand})" if request.brand else ""),
            "insured": request.insured_initials, "patient_reference": request.patient_reference or None,
            "decided": request.decided_on, "valid_until": request.valid_until,
            "zindex": request.zindex_number or None, "importer": request.importer or None,
            "reason": request.reason or None}
