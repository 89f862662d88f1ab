"""The provider's side: offers and contracts, answering an offer, documents, profile, messages.

A provider sees its own organisation's records only: another organisation's offer, document or
message answers 404, as one that does not exist.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import PurePath

from flask import Blueprint, abort, flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from contracts import pdf
from contracts.campaign import year_in_force
from contracts.offers import TransitionRefused, actions_for, check
from contracts.receipt import receipt_filename, receipt_pdf
from contracts.policy import load_policy
from contracts.profile import load_profile_model

from ..extensions import db
from ..feeds import feed_url
from ..models import Provider
from ..operations.offers import (NotFound, TariffLineRefused, acceptance_of, get_offer, has_receipt,
                                 round_lines, tariff_lines, transition)
from ..operations.providers import profile_history
from ..refusals import ANSWER, refusal
from ..web import PROVIDER_STAFF, current_actor, memoised, roles_required, simulation_today
from . import actions
from .forms import AcceptForm, CounterForm, DeclineForm

bp = Blueprint("provider", __name__, url_prefix="/zorgaanbieder", template_folder="templates")

#: The answers a provider gives on the offer page, each with its own form and route.
ANSWERS = ("accept", "decline", "counter")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def organisation_id() -> int:
    """The logged-in user's organisation; staff without one may see nothing."""
    if current_user.provider_id is None:
        abort(403)
    return current_user.provider_id


def own_offer(offer_id: int):
    """The offer if it is the organisation's and was issued; 404 otherwise."""
    try:
        offer = get_offer(offer_id, current_actor())
    except NotFound:
        abort(404)
    if offer.provider_id != organisation_id() or offer.status == "concept":
        abort(404)
    return offer


def signatory_only(offer, allowed: list[str]) -> str | None:
    """Why the user is not offered an answer the organisation's signatory could give now (None
    if there is none): only a signatory accepts or declines."""
    withheld = {a for a in actions_for(offer.status, "provider_signatory", offer.negotiable)
                if a in ANSWERS} - set(allowed)
    organisation = current_user.provider.name
    if "counter" in withheld:
        return _("Alleen de tekenbevoegde van %(organisation)s kan dit aanbod aanvaarden, afwijzen "
                 "of een tegenvoorstel doen.", organisation=organisation)
    if "accept" in withheld:
        return _("Alleen de tekenbevoegde van %(organisation)s kan dit aanbod aanvaarden of "
                 "afwijzen.", organisation=organisation)
    if "decline" in withheld:
        return _("Alleen de tekenbevoegde van %(organisation)s kan dit aanbod afwijzen.",
                 organisation=organisation)
    return None


# -- offers and contracts ----------------------------------------------------------------------

@bp.route("/aanbiedingen")
@roles_required(*PROVIDER_STAFF)
@memoised
def offers():
    provider_id = organisation_id()
    offers = actions.offers_of(provider_id)
    contracts = actions.contracts_of(provider_id, offers)
    # the feed's address only when the page is rendered (it follows from the organisation and
    # its feed generation, which the session user carries: a renewed link is another page)
    generation = current_user.provider.feed_generation
    return render_template("provider/offers.html", offers=offers, contracts=contracts,
                           feed_url=partial(feed_url, provider_id, generation))


@bp.route("/aanbiedingen/<int:offer_id>")
@roles_required(*PROVIDER_STAFF)
def offer(offer_id: int):
    return show_offer(own_offer(offer_id))


def show_offer(offer, status: int = 200, **forms):
    """The offer page, with the answer forms the user may use now (posted ones keep their input)."""
    allowed = [a for a in actions_for(offer.status, current_user.role, offer.negotiable)
               if a in ANSWERS]
    kinds = {"accept": AcceptForm, "decline": DeclineForm, "counter": CounterForm}
    for action in allowed:
        if action not in forms:
            forms[action] = kinds[action](prefix=action, version=offer.version)
    lines = tariff_lines(offer, offer.rounds)
    if "counter" in forms:
        forms["counter"].tariff_rows([line.code for line in lines])
    rule = load_policy(offer.policy_year).rules.get(offer.rule)
    return render_template(
        "provider/offer.html", offer=offer, rule=rule, allowed=allowed, forms=forms,
        round_documents=actions.documents_of_rounds(offer), tariffs=lines,
        round_lines=round_lines(offer, offer.rounds), withheld=signatory_only(offer, allowed),
        receipt=has_receipt(offer)), status


def answer(offer_id: int, action: str, form_class, done: str, **options):
    """Validate the answer form, apply the action through the offer operation, commit, redirect."""
    offer = own_offer(offer_id)
    try:  # who may do what, asked first, so a form the user may not use is not shown back
        check(action, offer.status, current_user.role, offer.negotiable, reason="-")
    except TransitionRefused as error:
        flash(refusal(error, ANSWER), "error")
        return redirect(url_for(".offer", offer_id=offer_id))
    form = form_class(prefix=action)
    if not form.validate_on_submit():
        return show_offer(offer, 422, **{action: form})
    try:
        transition(offer.id, action, current_actor(), expected_version=form.version.data,
                   **{key: value(form) for key, value in options.items()})
    except NotFound:
        abort(404)
    except TariffLineRefused as error:  # shown again with what was typed, the line marked
        form.refuse_line(error)
        return show_offer(offer, 422, **{action: form})
    except TransitionRefused as error:  # refused before anything changed
        flash(refusal(error, ANSWER), "error")
        return redirect(url_for(".offer", offer_id=offer_id))
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".offer", offer_id=offer_id))


@bp.route("/aanbiedingen/<int:offer_id>/aanvaarden", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def accept(offer_id: int):
    return answer(offer_id, "accept", AcceptForm, _("U hebt het aanbod aanvaard."),
                  reason=lambda form: "aanvaard; tekenbevoegdheid bevestigd")


@bp.route("/aanbiedingen/<int:offer_id>/afwijzen", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def decline(offer_id: int):
    return answer(offer_id, "decline", DeclineForm, _("U hebt het aanbod afgewezen."),
                  reason=lambda form: form.reason.data.strip())


@bp.route("/aanbiedingen/<int:offer_id>/tegenvoorstel", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def counter(offer_id: int):
    return answer(offer_id, "counter", CounterForm, _("Uw tegenvoorstel is verstuurd."),
                  reason=lambda form: form.message.data.strip(),
                  changes=lambda form: form.changes())


@bp.route("/aanbiedingen/<int:offer_id>/ontvangstbewijs.pdf")
@roles_required(*PROVIDER_STAFF)
def receipt(offer_id: int):
    """The receipt of the organisation's acceptance of an offer (404 for any other offer)."""
    try:
        acceptance = acceptance_of(own_offer(offer_id))
    except NotFound:
        abort(404)
    return send_file(BytesIO(receipt_pdf(acceptance)), mimetype="application/pdf",
                     as_attachment=True, download_name=receipt_filename(acceptance), max_age=0)


# -- documents ---------------------------------------------------------------------------------

def own_document(document_id: int):
    try:
        return actions.document_of(document_id, organisation_id())
    except NotFound:
        abort(404)


@bp.route("/documenten/<int:document_id>.docx")
@roles_required(*PROVIDER_STAFF)
def document_docx(document_id: int):
    document = own_document(document_id)
    return send_file(BytesIO(document.content), mimetype=DOCX, as_attachment=True,
                     download_name=document.filename)


@bp.route("/documenten/<int:document_id>.pdf")
@roles_required(*PROVIDER_STAFF)
def document_pdf(document_id: int):
    document = own_document(document_id)
    available, reason = pdf.pdf_available()
    if available:
        try:
            content = pdf.convert_to_pdf(document.content)
        except pdf.PdfError as error:
            available, reason = False, error.message
    if not available:
        return render_template("provider/pdf_unavailable.html", document=document,
                               reason=reason), 503
    return send_file(BytesIO(content), mimetype="application/pdf", as_attachment=True,
                     download_name=str(PurePath(document.filename).with_suffix(".pdf")))


# -- profile (spiegelinformatie) ---------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    band: int
    count: int
    x: float
    y: float
    width: float
    height: float
    own: bool


@dataclass(frozen=True)
class BandChart:
    """The geometry of a distribution chart: one bar per band, worst band left."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    baseline: float
    own: Bar | None


def band_chart(counts: list[int], own_band: int, *, width: int = 360, height: int = 170) -> BandChart:
    top, bottom, gap = 34, 24, 4
    step = width / len(counts)
    tallest = max(counts) or 1
    room = height - top - bottom
    bars = tuple(Bar(band=i + 1, count=n, x=round(i * step + gap / 2, 1),
                     y=round(top + room - room * n / tallest, 1), width=round(step - gap, 1),
                     height=round(room * n / tallest, 1), own=i + 1 == own_band)
                 for i, n in enumerate(counts))
    return BandChart(bars, width, height, top + room, next((b for b in bars if b.own), None))


@bp.route("/profiel")
@roles_required(*PROVIDER_STAFF)
@memoised
def profile():
    provider = db.session.get(Provider, current_user.provider_id) if current_user.provider_id else None
    if provider is None:
        abort(403)
    year = year_in_force(simulation_today())  # the profile that contract year's offers use
    model = load_profile_model(year)
    if not model.applies_to(provider.provider_type):
        return render_template("provider/profile.html", provider=provider, applies=False,
                               policy_year=year)
    history = profile_history(year)
    years = history.of(provider.agb)
    if not years:
        return render_template("provider/profile.html", provider=provider, applies=True,
                               years={}, policy_year=year)
    latest = max(years)
    current = years[latest]
    charts = {c.id: band_chart(history.band_counts(latest, c.id), current.band[c.id])
              for c in model.components}
    shown = dict(years=years, latest=latest, current=current, charts=charts,
                 pharmacies=len(history.by_year[latest]),
                 trends={c.id: history.trend(provider.agb, c.id) for c in model.components},
                 declining=history.declining_components(provider.agb),
                 next_group=history.next_group(provider.agb, latest))
    return render_template("provider/profile.html", provider=provider, applies=True,
                           policy_year=year, model=model, **shown)


@bp.context_processor
def unread_messages():
    """The number of unread messages, for the provider menu."""
    def unread() -> int:
        if "unread_messages" in g:  # read with the user (portal.web.load_user)
            return g.unread_messages
        return actions.unread_count(current_user.provider_id) if current_user.provider_id else 0
    return {"unread_messages": unread}


from . import inbox  # noqa: E402,F401  (the inbox's routes join this blueprint)
