"""The requests' pages: the pharmacy's (/zorgaanbieder/toestemmingen) and the insurer's advisor's
(/beheer/toestemmingen).

A pharmacy sees its own organisation's requests only: another's answers 404, as one that does
not exist. The advisors (and admins) see every request; contract managers none of them.
"""
from __future__ import annotations

from io import BytesIO

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select

from contracts.consent import OPEN, PRESCRIPTION_TYPES, STATUSES, load_consent_policy
from contracts.errors import CaseError

from ..extensions import db
from ..formatting import format_day
from ..models import AuditEntry, ConsentRequest, Notification
from ..operations.consent import (decide_request, get_request, submit_request, take_request,
                                  withdraw_request)
from ..operations.offers import NotFound
from ..provider.actions import unread_count
from ..public.forms import size_text
from ..refusals import CONSENT, refusal
from ..web import ADVISORS, PROVIDER_STAFF, current_actor, roles_required, simulation_today
from .forms import DecisionForm, RequestForm, TakeForm, WithdrawForm

bp = Blueprint("consent", __name__, template_folder="templates")

PER_PAGE = 50
#: Status slug -> its words (the shared LABELS do not know these statuses).
STATUS_LABELS = {"ingediend": _l("ingediend"), "in_behandeling": _l("in behandeling"),
                 "verleend": _l("verleend"), "geweigerd": _l("geweigerd"),
                 "ingetrokken": _l("ingetrokken")}
#: Status slug -> the colour class of a status the stylesheet knows.
STATUS_STYLE = {"ingediend": "ontvangen", "in_behandeling": "in_beoordeling",
                "verleend": "toegekend", "geweigerd": "afgewezen", "ingetrokken": "ingetrokken"}
KIND_LABELS = {"toestemming": _l("toestemming"), "machtiging": _l("machtiging")}
GSTANDAARD_LABELS = {"f_met_voorwaarde": _l("F met voorwaarde"), "n": _l("N")}
#: Query parameters that prefill the new request (the form's own names, and Dutch aliases).
PREFILL = {"substance": ("substance", "stof"), "brand": ("brand", "merk"),
           "zindex_number": ("zindex_number", "zindex", "zi"),
           "gstandaard_status": ("gstandaard_status", "gstandaard"),
           "importer": ("importer", "importeur"), "indication": ("indication", "indicatie"),
           "prescriber": ("prescriber", "voorschrijver"),
           "prevalence_one_in": ("prevalence_one_in", "prevalentie")}


@bp.context_processor
def words():
    def unread() -> int:  # the provider menu's count (provider/base.html), for the pharmacy pages
        return unread_count(current_user.provider_id) if current_user.provider_id else 0
    return {"consent_status_labels": STATUS_LABELS, "consent_status_style": STATUS_STYLE,
            "consent_kind_labels": KIND_LABELS, "gstandaard_labels": GSTANDAARD_LABELS,
            "unread_messages": unread}


# -- the pharmacy --------------------------------------------------------------------------------

def organisation_id() -> int:
    if current_user.provider_id is None:
        abort(403)
    return current_user.provider_id


def own_request(request_id: int) -> ConsentRequest:
    try:
        return get_request(request_id, current_actor())
    except NotFound:
        abort(404)


@bp.route("/zorgaanbieder/toestemmingen")
@roles_required(*PROVIDER_STAFF)
def requests():
    """The organisation's requests: the open ones by answer date, then the answered, newest first."""
    rows = db.session.scalars(
        select(ConsentRequest).where(ConsentRequest.provider_id == organisation_id())
        .order_by(ConsentRequest.id.desc())).all()
    return render_template("consent/requests.html", rows=rows,
                           open_rows=sorted((r for r in rows if r.is_open),
                                            key=lambda r: (r.answer_due, r.id)),
                           closed_rows=[r for r in rows if not r.is_open])


def _prefilled(kind: str) -> RequestForm:
    form = RequestForm(formdata=None, kind=kind)
    for name, keys in PREFILL.items():
        value = next((request.args[k] for k in keys if request.args.get(k)), None)
        if value is not None and name == "prevalence_one_in":  # a whole number, or nothing
            digits = value.strip().replace(".", "").replace(" ", "")
            value = digits if digits.isdigit() and len(digits) <= 10 else None
        if value is not None:
            getattr(form, name).data = value.strip()[:300]
    return form


@bp.route("/zorgaanbieder/toestemmingen/nieuw", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def new_request():
    """A new request: without `soort`, the choice between consent and authorisation; with it,
    the form, prefilled from the query; POST submits (all of it, or nothing)."""
    organisation_id()
    limit = size_text(current_app.config["ATTACHMENT_MAX_BYTES"])
    if request.method == "GET":
        kind = request.args.get("soort", "")
        if kind not in ("toestemming", "machtiging"):
            return render_template("consent/choose.html",
                                   one_in=load_consent_policy().prevalence_one_in)
        return render_template("consent/new.html", form=_prefilled(kind), kind=kind, limit=limit)
    form = RequestForm()
    kind = form.kind.data if form.kind.data in ("toestemming", "machtiging") else "toestemming"
    if not form.validate_on_submit():
        return render_template("consent/new.html", form=form, kind=kind, limit=limit), 422
    name, content = form.prescription.checked
    try:
        created = submit_request(form.data_for_submit(), (name, content), current_actor(),
                                 submitted_on=simulation_today())
    except CaseError as error:
        db.session.rollback()
        field = getattr(form, error.field, None)
        message = refusal(error, CONSENT)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            flash(message, "error")
        return render_template("consent/new.html", form=form, kind=kind, limit=limit), 422
    db.session.commit()
    flash(_("Uw aanvraag %(ref)s is ingediend. VGZ beslist uiterlijk op %(day)s.",
            ref=created.reference, day=format_day(created.answer_due)), "success")
    return redirect(url_for(".request_detail", request_id=created.id))


@bp.route("/zorgaanbieder/toestemmingen/<int:request_id>")
@roles_required(*PROVIDER_STAFF)
def request_detail(request_id: int):
    row = own_request(request_id)
    return render_template("consent/request.html", row=row,
                           withdraw=WithdrawForm(version=row.version) if row.is_open else None)


@bp.route("/zorgaanbieder/toestemmingen/<int:request_id>/recept")
@roles_required(*PROVIDER_STAFF)
def own_prescription(request_id: int):
    return _download(own_request(request_id))


@bp.route("/zorgaanbieder/toestemmingen/<int:request_id>/intrekken", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def withdraw(request_id: int):
    row = own_request(request_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        return render_template("consent/request.html", row=row, withdraw=form), 422
    try:
        withdraw_request(row.id, current_actor(), reason=form.reason.data or "",
                         expected_version=form.version.data)
    except NotFound:
        abort(404)
    except CaseError as error:
        db.session.rollback()
        flash(refusal(error, CONSENT), "error")
        return redirect(url_for(".request_detail", request_id=request_id))
    db.session.commit()
    flash(_("U hebt de aanvraag ingetrokken."), "success")
    return redirect(url_for(".request_detail", request_id=request_id))


def _download(row: ConsentRequest):
    """The prescription, downloaded (never shown inline: it came from outside)."""
    extension = PRESCRIPTION_TYPES.get(row.prescription_type, "")
    name = row.prescription_filename or f"recept-{row.reference}{extension}"
    response = send_file(BytesIO(row.prescription), mimetype=row.prescription_type,
                         as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- the advisor ---------------------------------------------------------------------------------

#: The queue's filter: "open" (the default), every status, or all.
FILTERS = ("open", *STATUSES, "alle")


@bp.route("/beheer/toestemmingen")
@roles_required(*ADVISORS)
def queue():
    """Requests by answer date, the overdue first; filtered by status (open by default)."""
    chosen = request.args.get("status", "open")
    chosen = chosen if chosen in FILTERS else "open"
    kind = request.args.get("soort", "")
    kind = kind if kind in KIND_LABELS else ""
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    query = select(ConsentRequest)
    if chosen == "open":
        query = query.where(ConsentRequest.status.in_(OPEN))
    elif chosen != "alle":
        query = query.where(ConsentRequest.status == chosen)
    if kind:
        query = query.where(ConsentRequest.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(ConsentRequest.answer_due, ConsentRequest.id)
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    counts = dict(db.session.execute(select(ConsentRequest.status, func.count())
                                     .group_by(ConsentRequest.status)).all())
    return render_template("consent/queue.html", rows=rows, chosen=chosen, kind=kind, page=page,
                           pages=max(-(-total // PER_PAGE), 1), total=total, counts=counts,
                           filters=FILTERS, messages=_advisor_messages())


def _advisor_messages(limit: int = 20):
    """The scheduler's reminders and escalations about requests (their keys name the request)."""
    return db.session.scalars(
        select(Notification).where(Notification.provider_id.is_(None), Notification.user_id.is_(None), or_(
            Notification.key.like("herinnering:consent_request:%"),
            Notification.key.like("escalatie:consent_request:%"),
            Notification.key.like("consent_request:%")))
        .order_by(Notification.id.desc()).limit(limit)).all()


def advisor_request(request_id: int) -> ConsentRequest:
    try:
        return get_request(request_id, current_actor())
    except NotFound:
        abort(404)


def show_request(row: ConsentRequest, status: int = 200, **forms):
    if row.is_open:
        forms.setdefault("decision", DecisionForm(formdata=None, prefix="decision",
                                                        version=row.version))
        if row.status == "ingediend":
            forms.setdefault("take", TakeForm(formdata=None, prefix="take", version=row.version))
    return render_template("consent/advisor_request.html", row=row, audit=_audit(row.id),
                           **forms), status


def _audit(request_id: int):
    return db.session.scalars(select(AuditEntry).where(
        AuditEntry.entity == "consent_request", AuditEntry.entity_id == request_id)
        .order_by(AuditEntry.id)).all()


@bp.route("/beheer/toestemmingen/<int:request_id>")
@roles_required(*ADVISORS)
def advisor_detail(request_id: int):
    return show_request(advisor_request(request_id))


@bp.route("/beheer/toestemmingen/<int:request_id>/recept")
@roles_required(*ADVISORS)
def prescription(request_id: int):
    return _download(advisor_request(request_id))


@bp.route("/beheer/toestemmingen/<int:request_id>/in-behandeling", methods=["POST"])
@roles_required(*ADVISORS)
def take(request_id: int):
    row = advisor_request(request_id)
    form = TakeForm(prefix="take")
    if not form.validate_on_submit():
        abort(400)
    try:
        take_request(row.id, current_actor(), expected_version=form.version.data)
    except CaseError as error:
        db.session.rollback()
        flash(refusal(error, CONSENT), "error")
        return redirect(url_for(".advisor_detail", request_id=request_id))
    db.session.commit()
    flash(_("U behandelt deze aanvraag nu; de apotheek ziet dat ze in behandeling is."), "success")
    return redirect(url_for(".advisor_detail", request_id=request_id))


@bp.route("/beheer/toestemmingen/<int:request_id>/besluit", methods=["POST"])
@roles_required(*ADVISORS)
def decide(request_id: int):
    """Grant or refuse; a stale page (another advisor decided meanwhile) is refused with the
    current state shown and the typed reason kept."""
    row = advisor_request(request_id)
    form = DecisionForm(prefix="decision")
    if not form.validate_on_submit():
        return show_request(row, 422, decision=form)
    try:
        decide_request(row.id, current_actor(), granted=form.outcome.data == "verleend",
                       reason=form.reason.data or "", expected_version=form.version.data,
                       valid_until=form.valid_until.data, decided_on=simulation_today())
    except CaseError as error:
        db.session.rollback()
        if error.field in ("reason", "valid_until"):
            getattr(form, error.field).errors = [*getattr(form, error.field).errors,
                                                 refusal(error, CONSENT)]
            return show_request(advisor_request(request_id), 422, decision=form)
        flash(refusal(error, CONSENT), "error")
        current = advisor_request(request_id)
        if current.is_open:  # changed, still open: the form again, on the current version
            form.version.data, form.version.raw_data = current.version, [str(current.version)]
        return show_request(current, 409, decision=form)
    db.session.commit()
    flash(_("Besluit vastgelegd; de apotheek krijgt het bericht in het portaal en per e-mail."),
          "success")
    return redirect(url_for(".advisor_detail", request_id=request_id))
