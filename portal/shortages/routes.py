"""The shortages' pages: the managers' register (/beheer/tekorten), the pharmacies' weekly
preference file (/zorgaanbieder/voorkeursbestand) and the public information point (/tekorten).

Views read: load, check access, validate the form, call the operation, flash, redirect. Every
change goes through portal.operations.shortages, as the API's and the CLI's do.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from contracts import shortages as domain
from contracts.errors import CaseError

from ..extensions import anonymous_limited, db, not_an_anonymous_search
from ..models import Product, Shortage
from ..operations import shortages as ops
from ..operations.offers import NotFound
from ..provider.routes import unread_messages
from ..refusals import SHORTAGE, refusal
from ..web import MANAGERS, PROVIDER_STAFF, current_actor, roles_required, simulation_today
from .forms import (EndForm, RegisterForm, SearchForm, UpdateForm, WeekForm, declarer_choices,
                    label, state_choices)

bp = Blueprint("shortages", __name__, template_folder="templates")
bp.context_processor(unread_messages)  # the provider menu of provider/base.html counts them

managers = roles_required(*MANAGERS)
pharmacies = roles_required(*PROVIDER_STAFF)


#: Domain field -> form field.
FORM_FIELDS = {"product_id": "product", "temporary_preferred_id": "temporary_preferred",
               "alternative_ids": "alternatives", "price_article_id": "price_article"}


def mark(form, error: CaseError) -> None:
    target = getattr(form, FORM_FIELDS.get(error.field, error.field), None)
    message = refusal(error, SHORTAGE)
    if target is None or error.field in ("version", "role", "action"):
        form.form_errors.append(message)
    else:
        target.errors = [*target.errors, message]


def has_errors(form) -> bool:
    return bool(form.form_errors) or any(field.errors for field in form)


def all_products() -> list[Product]:
    return list(db.session.scalars(select(Product).order_by(Product.group_code, Product.name)))


def guideline(today) -> dict:
    """Agreement 4, shown where a manager sets a temporary preferred product: the availability
    questions of the procurement guideline's aim and its milestones against the simulated date."""
    return {"questions": domain.guideline_questions(),
            "milestones": domain.milestones("procurement_guideline"), "today": today}


def own_shortage(shortage_id: int) -> Shortage:
    try:
        return ops.get_shortage(shortage_id)
    except NotFound:
        abort(404)


# -- the managers' register ---------------------------------------------------------------------

@bp.route("/beheer/tekorten")
@managers
def manager_list():
    shortages = db.session.scalars(select(Shortage).order_by(
        (Shortage.state == domain.RESOLVED), Shortage.started_on.desc(), Shortage.id.desc())).all()
    return render_template("shortages/manager_list.html", shortages=shortages,
                           definitions=domain.definitions())


@bp.route("/beheer/tekorten/nieuw", methods=["GET", "POST"])
@managers
def manager_new():
    products = all_products()
    today = simulation_today()
    form = RegisterForm()
    preferred = [p for p in products if p.as_domain().preferred_on(today)]
    form.product.choices = [("", _("Kies een product")), *((p.id, label(p)) for p in preferred)]
    form.state.choices = state_choices(domain.next_states(None))
    form.reported_by.choices = declarer_choices()
    chosen = next((p for p in products if p.id == form.product.data), None)
    form.set_products(products, group=chosen.group_code if chosen else None,
                      exclude=chosen.id if chosen else None)
    if form.validate_on_submit():
        try:
            shortage = ops.register_shortage(form.data_for_domain(), current_actor())
        except CaseError as error:
            db.session.rollback()
            mark(form, error)
        else:
            db.session.commit()
            flash(ngettext("Het tekort is geregistreerd; %(num)d apotheek krijgt het bericht.",
                           "Het tekort is geregistreerd; %(num)d apotheken krijgen het bericht.",
                           shortage.versions[-1].notified), "success")
            return redirect(url_for(".manager_detail", shortage_id=shortage.id))
    elif not form.is_submitted():
        form.started_on.data = today
    return render_template("shortages/manager_form.html", form=form, shortage=None,
                           definitions=domain.definitions(), declarers=domain.declarers(),
                           guideline=guideline(today)), \
        (422 if has_errors(form) else 200)


@bp.route("/beheer/tekorten/<int:shortage_id>")
@managers
def manager_detail(shortage_id: int):
    shortage = own_shortage(shortage_id)
    end_form = EndForm(version=shortage.current_version)
    end_form.reported_by.choices = declarer_choices()
    return render_template("shortages/manager_detail.html", shortage=shortage,
                           end_form=end_form, definitions=domain.definitions(),
                           declarers=domain.declarers(), words=domain.CHANGE_WORDS,
                           kinds=domain.KIND_OF_NOTICE)


def _new_version(operation, shortage_id: int, form) -> bool:
    """Write a new version (update or end) from a valid form, against the version the manager
    saw; True when stored, else the refusal is marked on the form and nothing is kept."""
    expected = int(form.version.data) if (form.version.data or "").isdigit() else None
    try:
        operation(shortage_id, form.data_for_domain(), current_actor(), expected_version=expected)
    except CaseError as error:
        db.session.rollback()
        mark(form, error)
        return False
    db.session.commit()
    return True


@bp.route("/beheer/tekorten/<int:shortage_id>/wijzigen", methods=["GET", "POST"])
@managers
def manager_update(shortage_id: int):
    shortage = own_shortage(shortage_id)
    if not shortage.active:
        flash(_("Dit tekort is al beëindigd."), "error")
        return redirect(url_for(".manager_detail", shortage_id=shortage.id))
    now = ops.current(shortage)
    form = UpdateForm()
    form.state.choices = state_choices([s for s in domain.next_states(shortage.state)
                                        if s != domain.RESOLVED])
    form.reported_by.choices = declarer_choices()
    form.set_products(all_products(), group=shortage.product.group_code,
                      exclude=shortage.product_id)
    if form.validate_on_submit():
        if _new_version(ops.update_shortage, shortage.id, form):
            flash(_("De wijziging is vastgelegd en aan de apotheken gemeld."), "success")
            return redirect(url_for(".manager_detail", shortage_id=shortage.id))
    elif not form.is_submitted():
        form.process(data={
            "state": now.state, "reported_by": now.reported_by, "started_on": now.started_on,
            "expected_end": now.expected_end, "drops_out": now.drops_out,
            "temporary_preferred": now.temporary_preferred_id,
            "alternatives": [a.product_id for a in now.alternatives],
            "price_article": now.price_article_id, "patient_note": now.patient_note,
            "version": shortage.current_version})
    return render_template("shortages/manager_form.html", form=form, shortage=shortage,
                           definitions=domain.definitions(), declarers=domain.declarers(),
                           guideline=guideline(simulation_today())), \
        (422 if has_errors(form) else 200)


@bp.route("/beheer/tekorten/<int:shortage_id>/beeindigen", methods=["POST"])
@managers
def manager_end(shortage_id: int):
    shortage = own_shortage(shortage_id)
    form = EndForm()
    form.reported_by.choices = declarer_choices()
    if form.validate_on_submit():
        if _new_version(ops.end_shortage, shortage.id, form):
            flash(_("Het tekort is beëindigd en aan de apotheken gemeld."), "success")
            return redirect(url_for(".manager_detail", shortage_id=shortage.id))
    shortage = own_shortage(shortage_id)
    return render_template("shortages/manager_detail.html", shortage=shortage, end_form=form,
                           definitions=domain.definitions(), declarers=domain.declarers(),
                           words=domain.CHANGE_WORDS, kinds=domain.KIND_OF_NOTICE), 422


# -- the pharmacies' weekly preference file -----------------------------------------------------

@bp.route("/zorgaanbieder/voorkeursbestand")
@pharmacies
def preference_file():
    form = WeekForm(formdata=request.args if "week" in request.args else None)
    if "week" in request.args and form.validate():
        try:
            data = ops.preference_csv(form.week.data.strip())
        except CaseError:
            form.week.errors = [*form.week.errors, _("Schrijf de week als jjjj-Wnn, bijvoorbeeld "
                                                     "2023-W40.")]
        else:
            week = form.week.data.strip()
            return data, 200, {
                "Content-Type": "text/csv; charset=utf-8",
                "Content-Disposition": f'attachment; filename="voorkeursbestand-{week}.csv"'}
    if not form.week.data:
        form.week.data = domain.week_of(simulation_today())
    return render_template("shortages/preference_file.html", form=form), \
        (422 if has_errors(form) else 200)


# -- the public information point (agreements 1 and 5f) -----------------------------------------

@bp.route("/tekorten")
@anonymous_limited("searches", exempt_when=not_an_anonymous_search)
def public_list():
    form = SearchForm(formdata=request.args)
    form.validate()
    query = select(Shortage).join(Product, Product.id == Shortage.product_id)
    term = (form.q.data or "").strip().lower() if not form.q.errors else ""
    if term:
        query = query.where(or_(func.lower(Product.name).contains(term, autoescape=True),
                                func.lower(Product.substance).contains(term, autoescape=True),
                                Product.zindex.contains(term, autoescape=True)))
    shortages = db.session.scalars(query.order_by(
        (Shortage.state == domain.RESOLVED), Shortage.started_on.desc(), Shortage.id.desc())
        .limit(200)).all()
    return render_template("shortages/public_list.html", form=form, shortages=shortages,
                           term=term, definitions=domain.definitions())


@bp.route("/tekorten/<slug>")
def public_page(slug: str):
    product = db.session.scalar(select(Product).where(Product.slug == slug))
    if product is None:
        abort(404)
    shortages = db.session.scalars(select(Shortage).where(Shortage.product_id == product.id)
                                   .order_by(Shortage.started_on.desc(), Shortage.id.desc())).all()
    latest = shortages[0] if shortages else None
    version = ops.current(latest) if latest else None
    status = ops.statuses_on(simulation_today())[product.id]
    return render_template("shortages/public_page.html", product=product, shortage=latest,
                           version=version, status=status, definitions=domain.definitions(),
                           history=shortages)
