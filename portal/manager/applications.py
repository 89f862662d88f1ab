"""Applications of new providers: the queue by answer date, one application with its
attachments and the policy's word on it, and the manager's assessment."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from contracts.errors import CaseError
from contracts.newproviders import checklist
from contracts.policy import load_policy

from ..extensions import db
from ..models import Application, Attachment
from ..operations.applications import (assess_application, attachment_name, granted_offers,
                                       offer_after_grant, preview)
from ..refusals import GRANT, refusal
from ..web import current_actor, simulation_today
from ..years import application_year
from .common import OPEN_APPLICATIONS
from .forms import ConfirmForm, assessment_form

ANSWERED_SHOWN = 50


def applications():
    """Open applications by answer date (so the overdue come first), then the last answered."""
    queue = db.session.scalars(
        select(Application).where(Application.status.in_(OPEN_APPLICATIONS))
        .order_by(Application.answer_due, Application.received_on, Application.id)).all()
    answered = db.session.scalars(
        select(Application).where(Application.status.not_in(OPEN_APPLICATIONS))
        .order_by(Application.answered_on.desc(), Application.id.desc()).limit(ANSWERED_SHOWN)).all()
    return render_template("manager/applications.html", queue=queue, answered=answered,
                           today=simulation_today())


def _criteria(application: Application):
    """The checklist the manager weighs: the criteria the decisions of the policy of the year
    applied for name."""
    year = application_year(application)
    lines = preview(application.provider_type, application.contracts, application.agb_start,
                    year, received_on=application.received_on)
    names = tuple(dict.fromkeys(c for line in lines for c in line.decision.criteria))
    return lines, checklist(load_policy(year), names)


def _findings(form, criteria) -> dict:
    findings = {}
    for criterion in criteria:
        met = getattr(form, f"met_{criterion.id}").data
        confirmed = getattr(form, f"confirmed_{criterion.id}", None)
        findings[criterion.id] = {
            "met": {"ja": True, "nee": False}.get(met),
            "motivation": getattr(form, f"motivation_{criterion.id}").data or "",
            "confirmed": ([criterion.requires_confirmation]
                          if confirmed is not None and confirmed.data else []),
        }
    return findings


def _place_error(form, error: CaseError) -> str:
    """Put a refused assessment's error on its field, in Dutch; returns the message."""
    parts = error.field.split(".")
    if parts[0] == "findings" and len(parts) >= 2:
        criterion, what = parts[1], (parts[2] if len(parts) > 2 else "met")
        name, message = {
            "motivation": (f"motivation_{criterion}", _("Motiveer uw oordeel over dit criterium.")),
            "met": (f"met_{criterion}", _("Kies of aan dit criterium is voldaan.")),
            "confirmed": (f"confirmed_{criterion}",
                          _("Dit criterium telt alleen als het economisch bestaansrecht is bevestigd.")),
        }.get(what, (f"met_{criterion}", _("Beoordeel dit criterium.")))
    elif error.field == "motivation":
        name, message = "motivation", _("Motiveer de uitkomst; de aanvrager krijgt deze motivering.")
    elif error.field == "granted":
        name, message = "granted", _("Een toekenning moet berusten op ten minste één criterium "
                                     "waaraan is voldaan.")
    elif error.field == "status":
        return _("Deze aanvraag is al beantwoord.")
    else:
        return _("De beoordeling is niet opgeslagen: %(detail)s", detail=str(error))
    field = getattr(form, name, None)
    if field is not None:
        field.errors = [*field.errors, message]
    return message


def application(application_id: int):
    """One application; POST records the assessment and answer (all of it, or nothing), or
    (step `aanbieden`) issues the offers of a grant that were not made on the grant."""
    row = db.session.scalar(select(Application).where(Application.id == application_id)
                            .options(selectinload(Application.attachments)))
    if row is None:
        abort(404)
    if request.method == "POST" and request.form.get("step") == "aanbieden":
        return _offer_after_grant(row)
    year = application_year(row)
    lines, criteria = _criteria(row)
    form = assessment_form(criteria)
    is_open = row.status in OPEN_APPLICATIONS
    if request.method == "POST" and is_open and form.validate_on_submit():
        granted = {"ja": True, "nee": False}.get(form.granted.data)
        if granted is None:
            form.granted.errors = [*form.granted.errors, _("Kies: toekennen of afwijzen.")]
        else:
            try:
                assess_application(row.id, current_actor(), granted=granted,
                                   motivation=form.motivation.data or "",
                                   findings=_findings(form, criteria),
                                   answered_on=simulation_today(), policy_year=year)
            except CaseError as error:
                db.session.rollback()
                flash(_("Niet opgeslagen: %(message)s", message=_place_error(form, error)), "error")
            else:
                db.session.commit()
                flash(_answered(row, granted), "success")
                return redirect(url_for("manager.application", application_id=row.id))
    elif request.method == "POST" and not is_open:
        flash(_("Deze aanvraag is al beantwoord."), "error")
    findings = {f["criterion"]: f for f in (row.assessment or {}).get("findings", [])}
    offers = granted_offers(row, year)
    missing = [c for c in row.contracts if c not in offers] if row.status == "toegekend" else []
    return render_template("manager/application.html", application=row, year=year, lines=lines,
                           criteria=criteria, form=form, is_open=is_open, findings=findings,
                           offers=offers, missing=missing, offer_form=ConfirmForm())


def _answered(row: Application, granted: bool) -> str:
    """The flash after an answer: a grant says whether its offers went out."""
    if not granted:
        return _("Aanvraag afgewezen; de aanvrager krijgt het antwoord met uw motivering.")
    offers = granted_offers(row, application_year(row))
    if offers and all(c in offers for c in row.contracts):
        return ngettext("Aanvraag toegekend; de aanvrager krijgt het antwoord met uw motivering, "
                        "en het aanbod is uitgebracht.",
                        "Aanvraag toegekend; de aanvrager krijgt het antwoord met uw motivering, "
                        "en de %(num)d aanbiedingen zijn uitgebracht.", len(offers))
    return _("Aanvraag toegekend; de aanvrager krijgt het antwoord met uw motivering. Het beleid "
             "doet nog niet voor elke overeenkomst een aanbod: breng het hieronder uit zodra het "
             "kan.")


def _offer_after_grant(row: Application):
    """The button of a granted application without (all) its offers."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash(_("Het formulier is verlopen; probeer het opnieuw."), "error")
    else:
        try:
            offers = offer_after_grant(row.id, current_actor(), policy_year=application_year(row))
        except CaseError as error:
            db.session.rollback()
            flash(refusal(error, GRANT), "error")
        else:
            db.session.commit()
            flash(ngettext("Het aanbod is uitgebracht.", "%(num)d aanbiedingen zijn uitgebracht.",
                           len(offers)), "success")
    return redirect(url_for("manager.application", application_id=row.id))


def attachment(application_id: int, attachment_id: int):
    """An attachment, downloaded (never shown inline: it came from outside), under its name
    made safe again: a name stored before names were normalised may hold CR, LF or `../`."""
    row = db.get_or_404(Attachment, attachment_id)
    if row.application_id != application_id:
        abort(404)
    return send_file(BytesIO(row.content), mimetype="application/pdf", as_attachment=True,
                     download_name=attachment_name(row.filename or f"bijlage-{row.id}.pdf"),
                     max_age=0)
