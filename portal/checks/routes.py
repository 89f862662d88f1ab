"""The checks' pages (/zorgaanbieder/controles): one form each, answered on the same page with the
reasons, each citing its seed. The answers come from the same functions as the API and the CLI;
a check changes nothing, so a page only validates, asks and shows.
"""
from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

from contracts.dispensing import (consent_categories, dispensing_period, personal_contribution,
                                  prior_consent)
from contracts.entitlement import check_entitlement
from contracts.errors import CaseError
from contracts.importmedicine import check_import

from ..provider.routes import unread_messages
from ..web import PROVIDER_STAFF, roles_required
from .forms import ConsentForm, ContributionForm, DispensingForm, EntitlementForm, ImportForm

bp = Blueprint("checks", __name__, url_prefix="/zorgaanbieder/controles", template_folder="templates")
bp.context_processor(unread_messages)  # the provider menu of provider/base.html counts them

ROUTES = {
    "declareren_z_index": _l("Afleveren en declareren met het Z-indexnummer"),
    "toestemming_aanvragen": _l("Eerst toestemming aanvragen bij cVGZ"),
    "machtiging_aanvragen": _l("Eerst een machtiging aanvragen bij cVGZ"),
    "declareren_lokale_code": _l("Afleveren en declareren met een lokale code"),
    "niet_afleveren": _l("Niet afleveren, of in overleg met de verzekerde voor diens eigen rekening"),
}
RULES = {
    "voorkeursmiddel": _l("Voorkeursbeleid: alleen het voorkeursmiddel"),
    "goedkoopste": _l("Geen voorkeursmiddel: het goedkoopste middel en middelen die hooguit 3 % meer kosten"),
    "medische_noodzaak": _l("Medische noodzaak: het voorgeschreven middel"),
    "logistieke_noodzaak": _l("Logistieke noodzaak: het middel dat de apotheker kiest"),
    "niet_vervangbaar": _l("Niet onderling vervangbaar: het middel zelf"),
}
#: Domain field -> form field, per check.
IMPORT_FIELDS = {"status": "situation", "prevalence_one_in": "prevalence",
                 "rational_pharmacotherapy": "rational", "meets_condition": "meets_condition",
                 "authorisation": "authorisation", "claim.code": "code",
                 "claim.material_cost": "material_cost", "claim.purchase_price": "purchase_price",
                 "claim.comment.substance": "substance", "claim.comment.brand": "brand",
                 "claim.comment.importer": "importer",
                 "claim.comment.cost_incl_transport": "cost_incl_transport"}
ENTITLEMENT_FIELDS = {"prescription.medicine": "medicine",
                      "prescription.pharmacist_choice": "pharmacist_choice"}


def field_message(field: str) -> str:
    """What to do about a field the domain refused, in the user's language."""
    messages = {
        "prevalence_one_in": _("Vul in hoe zeldzaam de aandoening is: daarvan hangt af of u "
                               "toestemming of een machtiging kunt aanvragen."),
        "prescription.medicine": _("Vul bij medische noodzaak een middel in dat in de groep "
                                   "hierboven staat."),
        "prescription.pharmacist_choice": _("Kies een leverbaar middel uit de groep, niet het "
                                            "voorkeursmiddel."),
        "insured_from": _("Deze datum ligt niet in het gekozen kalenderjaar."),
        "insured_to": _("Deze datum ligt niet in het gekozen jaar, of voor de begindatum."),
    }
    if field.endswith(".name"):
        return _("Deze naam staat twee keer in de groep.")
    return messages.get(field, _("Deze waarde kan niet worden gecontroleerd; pas haar aan."))


def mark(form, error: CaseError, fields: dict) -> None:
    """Put a refused value's message on its form field (a group row by its number)."""
    target = None
    if error.field.startswith("group."):
        index, _dot, name = error.field[len("group."):].partition(".")
        filled = form.filled()
        if index.isdigit() and int(index) < len(filled) and name in ("name", "aip"):
            target = getattr(filled[int(index)].form, name)
    elif error.field in fields:
        target = getattr(form, fields[error.field])
    if target is None:
        form.form_errors.append(field_message(error.field))
    else:
        target.errors = [*target.errors, field_message(error.field)]


def split_reason(reason: str) -> tuple[str, str]:
    """"1a: what (“quote”)" as ("1a: what", "quote")."""
    text, _sep, quote = reason.partition(" (“")
    return text, quote.removesuffix("”)")


def request_link(kind: str | None) -> str | None:
    """The consent/authorisation request form of the portal, where it exists."""
    if kind is None:
        return None
    try:
        return url_for("consent.new_request", soort=kind)
    except BuildError:
        return None


def show(template: str, status: int = 200, **context):
    return render_template(f"checks/{template}", split_reason=split_reason, **context), status


def run(form, check, fields: dict):
    """Validate the form, ask the check; (answer or None, status)."""
    if not form.validate_on_submit():
        return None, 422
    try:
        return check(form.case()), 200
    except CaseError as error:
        mark(form, error, fields)
        return None, 422


@bp.route("/")
@roles_required(*PROVIDER_STAFF)
def index():
    return show("index.html")[0]


@bp.route("/importgeneesmiddel", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def import_medicine():
    form = ImportForm()
    if request.method == "GET":
        return show("import.html", form=form, advice=None, routes=ROUTES)
    advice, status = run(form, check_import, IMPORT_FIELDS)
    claim_general = []
    if advice is not None:
        for error in advice.claim_errors:
            name = IMPORT_FIELDS.get(error.field)
            if name is None:
                claim_general.append(error.message)
            else:
                field = getattr(form, name)
                field.errors = [*field.errors, error.message]
    link = None
    if advice is not None and advice.route in ("toestemming_aanvragen", "machtiging_aanvragen") \
            and not advice.awaiting_decision:
        link = request_link(advice.consent_kind)
    return show("import.html", status, form=form, advice=advice, routes=ROUTES, link=link,
                claim_general=claim_general)


@bp.route("/aanspraak", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def entitlement():
    form = EntitlementForm()
    if request.method == "GET":
        return show("entitlement.html", form=form, answer=None, rules=RULES)
    answer, status = run(form, check_entitlement, ENTITLEMENT_FIELDS)
    return show("entitlement.html", status, form=form, answer=answer, rules=RULES)


@bp.route("/afleverperiode", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def dispensing():
    form = DispensingForm()
    if request.method == "GET":
        return show("dispensing.html", form=form, answer=None)
    answer, status = run(form, dispensing_period, {"new_to_patient": "new_to_patient"})
    return show("dispensing.html", status, form=form, answer=answer)


@bp.route("/eigen-bijdrage", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def contribution():
    form = ContributionForm()
    if request.method == "GET":
        return show("contribution.html", form=form, answer=None)
    answer, status = run(form, lambda case: personal_contribution(**case),
                         {"insured_from": "insured_from", "insured_to": "insured_to"})
    return show("contribution.html", status, form=form, answer=answer)


@bp.route("/toestemming-vooraf", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def consent():
    form = ConsentForm()
    categories = consent_categories()
    if request.method == "GET":
        return show("consent.html", form=form, answer=None, categories=categories)
    answer, status = run(form, prior_consent, {})
    link = request_link("toestemming") if answer and answer.prior_consent_needed else None
    return show("consent.html", status, form=form, answer=answer, categories=categories, link=link)
