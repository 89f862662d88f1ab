"""Negotiations: the offers awaiting the insurer or the provider, one offer with its thread and
audit trail, and the manager's actions on it (each one operations.offers.transition)."""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select

from contracts.documents.context import content
from contracts.offers import TRANSITIONS, TransitionRefused, actions_for
from contracts.policy import load_policy
from contracts.receipt import receipt_filename, receipt_pdf
from contracts.vocabulary import Contract, dutch

from ..extensions import db
from ..models import AuditEntry, DocumentVersion, Offer, Provider
from ..operations.offers import (NotFound, TariffLineRefused, acceptance_of, get_offer, has_receipt,
                                 receipt_link, round_lines, tariff_lines, transition)
from ..refusals import OFFER, refusal
from ..web import current_actor, label
from .forms import NegotiationForm, OfferActionForm

SHOWN = 200
#: The manager's actions that may change tariff lines (a negotiation round of the insurer).
WITH_LINES = ("respond", "agree")
#: The manager's actions, in the order the page offers them, with their button and field text.
ACTIONS = {
    "issue": (_l("Aanbieden"), _l("Toelichting (optioneel)")),
    "respond": (_l("Reageren op het tegenvoorstel"), _l("Uw bericht aan de zorgaanbieder")),
    "agree": (_l("Overeenstemming: definitief aanbod"), _l("Wat is overeengekomen")),
    "record": (_l("Vastleggen zonder acceptatie"), _l("Reden van vastleggen")),
    "expire": (_l("Laten verlopen"), _l("Toelichting (optioneel)")),
    "withdraw": (_l("Intrekken"), _l("Reden van intrekken")),
}


def negotiations():
    """Offers in negotiation: those awaiting the insurer's answer (tegenvoorstel) first."""
    rows = db.session.execute(
        select(Offer, Provider).join(Provider, Provider.id == Offer.provider_id)
        .where(Offer.status.in_(("tegenvoorstel", "in_onderhandeling")))
        .order_by(case((Offer.status == "tegenvoorstel", 0), else_=1), Offer.deadline, Offer.id)
        .limit(SHOWN)).all()
    return render_template("manager/negotiations.html", rows=rows, shown=SHOWN)


def _load(offer_id: int) -> Offer:
    try:
        return get_offer(offer_id, current_actor())
    except NotFound:
        abort(404)


def _form_class(action: str):
    return NegotiationForm if action in WITH_LINES else OfferActionForm


def _forms(offer: Offer, codes: list[str], failed: tuple[str, OfferActionForm] | None = None):
    """A form per action the manager can take now (the failed one keeps its input and errors);
    those of a negotiation round with a row per tariff line (`codes`)."""
    forms = []
    for action in actions_for(offer.status, current_actor().role, offer.negotiable):
        if action not in ACTIONS:
            continue
        if failed and failed[0] == action:
            form = failed[1]
        else:
            form = _form_class(action)(prefix=action, formdata=None)
            form.version.data = str(offer.version)
        if action in WITH_LINES:
            form.tariff_rows(codes)
        button, label = ACTIONS[action]
        form.reason.label.text = label
        forms.append((action, button, TRANSITIONS[action].needs_reason, form))
    return forms


def _offer_page(offer: Offer, failed=None):
    trail = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "offer",
                                                        AuditEntry.entity_id == offer.id)
                               .order_by(AuditEntry.at, AuditEntry.id)).all()
    lines = tariff_lines(offer, offer.rounds)
    # The addendum's themes (seed 001), and what seed 001 says that is no theme of it.
    themes = content() if offer.contract == "aanvullende_afspraken" else None
    return render_template("manager/offer.html", offer=offer, provider=offer.provider,
                           themes=themes and themes["themes"],
                           themes_left_out=themes and themes["themes_left_out"],
                           rule=load_policy(offer.policy_year).rules.get(offer.rule),
                           rounds=offer.rounds, round_lines=round_lines(offer, offer.rounds),
                           tariffs=lines, trail=trail,
                           receipt=receipt_link(offer.id, False) if has_receipt(offer) else None,
                           forms=_forms(offer, [line.code for line in lines], failed))


def offer(offer_id: int):
    return _offer_page(_load(offer_id))


def offer_action(offer_id: int, action: str):
    """One life-cycle action; refused with a Dutch message when it is not allowed now."""
    current = _load(offer_id)
    if action not in ACTIONS:
        abort(404)
    form = _form_class(action)(prefix=action)
    if not form.validate_on_submit():
        return _offer_page(current, (action, form))
    reason = (form.reason.data or "").strip()
    if TRANSITIONS[action].needs_reason and not reason:
        form.reason.errors = [*form.reason.errors, _("Vul dit in: deze actie vraagt om een "
                                                     "bericht of reden.")]
        return _offer_page(current, (action, form))
    version = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        changed = transition(offer_id, action, current_actor(), reason=reason,
                             expected_version=version,
                             changes=form.changes() if action in WITH_LINES else None)
    except TariffLineRefused as error:  # shown again with what was typed, the line marked
        form.refuse_line(error)
        return _offer_page(current, (action, form))
    except TransitionRefused as error:
        db.session.rollback()
        flash(refusal(error, OFFER), "error")
        return redirect(url_for("manager.offer", offer_id=offer_id))
    db.session.commit()
    flash(_("%(contract)s %(year)s voor %(name)s: nu %(status)s.",
            contract=dutch(Contract(changed.contract)), year=changed.policy_year,
            name=changed.provider.name, status=label(changed.status)), "success")
    return redirect(url_for("manager.offer", offer_id=offer_id))


def offer_document(offer_id: int):
    """The offer's contract document (DOCX) as issued."""
    current = _load(offer_id)
    if current.document_id is None:
        abort(404)
    document = db.session.get(DocumentVersion, current.document_id)
    return send_file(BytesIO(document.content), as_attachment=True, download_name=document.filename,
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     max_age=0)


def offer_receipt(offer_id: int):
    """The receipt of the provider's acceptance of the offer (PDF); 404 unless it accepted it."""
    try:
        acceptance = acceptance_of(_load(offer_id))
    except NotFound:
        abort(404)
    return send_file(BytesIO(receipt_pdf(acceptance)), mimetype="application/pdf",
                     as_attachment=True, download_name=receipt_filename(acceptance), max_age=0)
