"""The checks' pages (/zorgaanbieder/controles): one form each, answered on the same page with the
reasons, each citing its seed. The answers come from the same functions as the API and the CLI;
a check changes nothing, so a page only validates, asks and shows.

The entitlement page has two modes: a group of the product register on the simulated date, with
the registered shortages applied (seed 004; the default), and a group typed by hand (`?modus=vrij`).
"""
from __future__ import annotations

import functools

from flask import Blueprint, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.routing import BuildError
from wtforms.validators import ValidationError

from contracts import shortages as shortage_rules
from contracts.dispensing import (consent_categories, dispensing_period, personal_contribution,
                                  prior_consent)
from contracts.appendix2 import check_appendix2, prescribers
from contracts.contribution import check_contribution
from contracts.entitlement import check_entitlement
from contracts.errors import CaseError
from contracts.importmedicine import check_import
from contracts.seedrules import load_rules, quotes_in

from ..extensions import db
from ..models import Product
from ..operations import clock
from ..operations import shortages as shortage_ops
from ..provider.routes import unread_messages
from ..refusals import CHECK, refusal
from ..web import PROVIDER_STAFF, reason_text, roles_required
from .forms import (Appendix2Form, ConsentForm, ContributionForm, DispensingContributionForm,
                    DispensingForm, EntitlementForm, ImportForm, RegisterEntitlementForm)

bp = Blueprint("checks", __name__, url_prefix="/zorgaanbieder/controles", template_folder="templates")
bp.context_processor(unread_messages)  # the provider menu of provider/base.html counts them

ROUTES = {
    "declareren_z_index": _l("Afleveren en declareren met het Z-indexnummer"),
    "toestemming_aanvragen": _l("Eerst toestemming aanvragen bij cVGZ"),
    "machtiging_aanvragen": _l("Eerst een machtiging aanvragen bij cVGZ"),
    "declareren_lokale_code": _l("Afleveren en declareren met een lokale code"),
    "niet_afleveren": _l("Niet afleveren, of in overleg met de verzekerde voor diens eigen rekening"),
    "tekortroute": _l("Import bij een tekort: gebruik de controle voor import bij leveringsproblemen"),
}
RULES = {
    "voorkeursmiddel": _l("Voorkeursbeleid: alleen het voorkeursmiddel"),
    "goedkoopste": _l("Geen voorkeursmiddel: het goedkoopste middel en middelen die hooguit 3 % meer kosten"),
    "medische_noodzaak": _l("Medische noodzaak: het voorgeschreven middel"),
    "logistieke_noodzaak": _l("Logistieke noodzaak: het middel dat de apotheker kiest"),
    "niet_vervangbaar": _l("Niet onderling vervangbaar: het middel zelf"),
}
#: A product's preference status on the day (contracts.shortages.STATUSES), for the pharmacist.
PREFERENCE = {
    "preferent": _l("voorkeursmiddel"),
    "tijdelijk_preferent": _l("tijdelijk voorkeursmiddel tijdens het tekort"),
    "uitverkoop": _l("in de uitverkooptermijn: vergoed als voorkeursmiddel"),
    "vervallen": _l("vervallen uit het voorkeursbeleid wegens het tekort"),
    "niet_preferent": _l("geen voorkeursmiddel"),
}
#: The two modes of the entitlement page: from the product register (default), typed by hand.
MODES = ("register", "vrij")
#: Domain field -> form field, per check.
IMPORT_FIELDS = {"status": "situation", "prevalence_one_in": "prevalence",
                 "rational_pharmacotherapy": "rational", "meets_condition": "meets_condition",
                 "igj_consent": "igj_consent", "equivalent_to_registered": "equivalent",
                 "ministerial_exception": "ministerial_exception", "shortage": "shortage",
                 "authorisation": "authorisation", "claim.code": "code",
                 "claim.material_cost": "material_cost", "claim.purchase_price": "purchase_price",
                 "claim.comment.substance": "substance", "claim.comment.brand": "brand",
                 "claim.comment.importer": "importer",
                 "claim.comment.cost_incl_transport": "cost_incl_transport"}
ENTITLEMENT_FIELDS = {"prescription.medicine": "medicine",
                      "prescription.pharmacist_choice": "pharmacist_choice"}
REGISTER_FIELDS = {"group": "group", "prescription.medicine": "product"}


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
    message = refusal(error, CHECK)
    if target is None:
        form.form_errors.append(message)
    else:
        target.errors = [*target.errors, message]


#: Where the rule files quote an English source (seed 003, HollandZorg's conditions): every
#: `quote` of its own file, and the `seed_003_quote` beside the Dutch seeds' quotes elsewhere.
ENGLISH_SOURCES = (("farmacie_2025", "quote"), ("shortages", "seed_003_quote"),
                   ("importgeneesmiddel", "seed_003_quote"))


@functools.cache
def english_quotes() -> frozenset[str]:
    """Every seed sentence quoted from an English source."""
    return frozenset(quote for name, key in ENGLISH_SOURCES
                     for _where, quotes in quotes_in(load_rules(name), key=key) for quote in quotes)


def split_reason(reason: str) -> tuple[str, str]:
    """"rule_id: what (“quote”)" as ("What", "quote") for the page: without the rule's internal
    name, and without the quote where the source is English and the page Dutch (the reason's own
    words are the Dutch reading of that sentence; the English page shows the source itself)."""
    text, _sep, quote = reason.partition(" (“")
    quote = quote.removesuffix("”)")
    if quote in english_quotes() and get_locale().language != "en":
        quote = ""
    return reason_text(text), quote


def sentence(message: str) -> str:
    """A domain message ("field: message" in the API, lower case) as a sentence on the page."""
    return message[:1].upper() + message[1:]


def request_link(kind: str | None, prefill: dict | None = None) -> str | None:
    """The consent/authorisation request form of the portal, where it exists, prefilled with
    what the check already knows."""
    if kind is None:
        return None
    try:
        return url_for("consent.new_request", soort=kind, **(prefill or {}))
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
            message = sentence(error.message)
            if name is None:
                claim_general.append(message)
            else:
                field = getattr(form, name)
                field.errors = [*field.errors, message]
    link = None
    if advice is not None and advice.route in ("toestemming_aanvragen", "machtiging_aanvragen") \
            and not advice.awaiting_decision:
        link = request_link(advice.consent_kind, form.request_prefill())
    shortage_link = None
    if advice is not None and advice.route == "tekortroute":
        shortage_link = url_for("shortages.import_check", **form.shortage_prefill())
    return show("import.html", status, form=form, advice=advice, routes=ROUTES, link=link,
                claim_general=claim_general, sentence=sentence, shortage_link=shortage_link)


def entitlement_mode() -> str:
    """The mode asked for; without one a GET shows the register, and a POST is the hand-typed
    check (its form posted no mode before the register came)."""
    mode = request.values.get("modus")
    if mode in MODES:
        return mode
    return "vrij" if request.method == "POST" else "register"


@bp.route("/aanspraak", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def entitlement():
    if entitlement_mode() == "register":
        return register_entitlement()
    form = EntitlementForm()
    if request.method == "GET":
        return show("entitlement.html", form=form, answer=None, rules=RULES, mode="vrij")
    answer, status = run(form, check_entitlement, ENTITLEMENT_FIELDS)
    return show("entitlement.html", status, form=form, answer=answer, rules=RULES, mode="vrij")


def register_products() -> list:
    """The register's products for the form (zindex, name, group, substance), by substance."""
    return db.session.execute(
        select(Product.zindex, Product.name, Product.group_code.label("group"), Product.substance)
        .order_by(Product.substance, Product.group_code, Product.name, Product.id)).all()


def register_entitlement():
    """The check on a group of the register on the simulated date. Without JavaScript in two
    steps: the button `stap=groep` lists the chosen group's products (nothing is checked yet)."""
    products = register_products()
    context = {"mode": "register", "rules": RULES, "today": clock.today(), "found": None}
    if request.method == "GET":
        form = RegisterEntitlementForm(products=products, chosen_group=request.args.get("groep"))
        return show("entitlement.html", form=form, **context)
    if request.form.get("stap") == "groep":
        formdata = request.form.copy()
        formdata.pop("product", None)  # a product of the group chosen before
        form = RegisterEntitlementForm(formdata=formdata, products=products)
        try:
            form.validate_group(form.group)
        except ValidationError as error:
            form.group.errors = [str(error)]
            return show("entitlement.html", 422, form=form, **context)
        return show("entitlement.html", form=form, **context)
    form = RegisterEntitlementForm(products=products)
    found, status = run(form, shortage_ops.check_entitlement, REGISTER_FIELDS)
    if found is None:
        return show("entitlement.html", status, form=form, **context)
    return show("entitlement.html", status, form=form, **{**context, "found": found},
                **register_answer(found))


def register_answer(found: shortage_rules.ShortageEntitlement) -> dict:
    """Besides the answer: a line per product of the group, the notice of every shortage that
    applies (in the fixed format the pharmacies were sent) with its public page, and the check of
    an import during a shortage where an import medicine under an exemption is reimbursed."""
    register = shortage_ops.products()
    in_force = shortage_rules.versions_by_day(shortage_ops.versions(), found.day)
    lines = [{"name": s.product.name, "zindex": s.product.zindex, "aip": s.product.aip,
              "status": PREFERENCE[s.status], "sellout_until": s.sellout_until,
              "shortage": shortage_rules.term(s.shortage_state) if s.shortage_state else None,
              "available": not s.unavailable,
              "reimbursed": s.product.name in found.answer.reimbursed} for s in found.statuses]
    notices = []
    for shortage_id in dict.fromkeys(s.shortage_id for s in found.statuses if s.shortage_id):
        history = in_force.get(shortage_id)
        if not history:
            continue
        version = history[-1]
        product = register[version.product_id]
        link = shortage_ops.public_link(product)
        subject, body = shortage_rules.notice(
            version, register, previous=history[-2] if len(history) > 1 else None, link=link)
        notices.append({"subject": subject, "link": link, "product": product.name,
                        "lines": [line.partition(": ")[::2] for line in body.splitlines()]})
    # An import under an exemption during a shortage is its own route (seed 004 agreement 10,
    # seed 003), not the rare-indication import check: link that route, with what the register
    # knows (a shortage, an exemption, an article in the G-Standaard with its Z-index number).
    import_link = None
    if found.imports_under_exemption:
        import_link = url_for("shortages.import_check", shortage="y", ground="vrijstelling",
                              exemption="y", g_standaard="y",
                              product=", ".join(found.imports_under_exemption))
    return {"lines": lines, "notices": notices, "import_link": import_link}


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


#: Domain field -> form field of the contribution of one dispensing.
CONTRIBUTION_FIELDS = {
    "dispensing_date": "dispensing_date", "birth_date": "birth_date", "age": "age",
    "insured_from": "insured_from", "insured_to": "insured_to",
    "purchase_price": "purchase_price", "reimbursement_limit": "reimbursement_limit",
    "prepared_from": "prepared_contribution", "prepared_from.contribution": "prepared_contribution",
    "prepared_from.purchase_price": "prepared_price",
    "prepared_from.reimbursement_limit": "prepared_limit",
    "contribution_paid": "contribution_paid", "excess_remaining": "excess_remaining",
    **{f"costs.{part}": f"cost_{part}" for part in ("geneesmiddel", "aflevering",
                                                    "begeleidingsgesprek", "inhalatie_instructie",
                                                    "medicatiebeoordeling")}}


@bp.route("/eigen-bijdrage/aflevering", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def dispensing_contribution():
    form = DispensingContributionForm()
    if request.method == "GET":
        return show("contribution_dispensing.html", form=form, answer=None)
    answer, status = run(form, check_contribution, CONTRIBUTION_FIELDS)
    return show("contribution_dispensing.html", status, form=form, answer=answer)


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


#: What the pharmacy does after the Appendix 2 check (contracts.appendix2.ROUTES).
APPENDIX2_ROUTES = {
    "afleveren": _l("Afleveren: geen machtiging of artsenverklaring nodig"),
    "artsenverklaring": _l("Afleveren volgens de artsenverklaring en de apothekersinstructie"),
    "artsenverklaring_onvolledig": _l("Nog niet afleveren: de artsenverklaring moet volledig "
                                      "ingevuld, gedateerd en ondertekend bij het recept zitten"),
    "machtiging_aanvragen": _l("Eerst schriftelijke machtiging van de zorgverzekeraar aanvragen"),
    "niet_vergoed": _l("Niet vergoed: deze voorschrijver mag het eerste recept niet uitschrijven"),
}
APPENDIX2_FIELDS = {name: name for name in (
    "medicine", "consent_category", "prescriber", "doctors_note_exists",
    "doctors_note_prescribers", "doctors_note_complete", "objects_to_procedure",
    "very_rare_condition", "prescriber_specialised", "designated_preparation",
    "transferred_preparation")}


@bp.route("/bijlage-2", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def appendix2():
    form = Appendix2Form()
    context = {"routes": APPENDIX2_ROUTES, "prescribers": prescribers()}
    if request.method == "GET":
        return show("appendix2.html", form=form, answer=None, **context)
    answer, status = run(form, check_appendix2, APPENDIX2_FIELDS)
    link = request_link("toestemming") if answer and answer.authorisation_needed else None
    return show("appendix2.html", status, form=form, answer=answer, link=link, **context)

