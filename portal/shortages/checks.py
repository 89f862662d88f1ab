"""The pharmacy's checks during a shortage (/zorgaanbieder/controles/...): an import medicine
during a shortage (agreement 10, seed 003; its own route, not the rare-indication import of seed
000) and substitution by the pharmacist (agreement 3). Answered on the same page with the
reasons and the open points, from the same functions as the API and the CLI; nothing changes.
"""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import lazy_gettext as _l

from contracts.shortageimport import check_shortage_import
from contracts.shortages import milestones
from contracts.substitution import check_substitution

from ..checks.routes import run, split_reason
from ..web import PROVIDER_STAFF, roles_required, simulation_today
from .forms import ImportCheckForm, SubstitutionForm
from .routes import bp

IMPORT_ROUTES = {
    "declareren_z_index": _l("Afleveren en declareren met het Z-indexnummer van het TT-artikel"),
    "declaratie_navragen": _l("Afleveren; hoe u declareert staat in de memo ‘uitwijken naar "
                              "importgeneesmiddel bij leveringsproblemen’ van cVGZ"),
    "eerst_vrijstelling": _l("Eerst een vrijstelling of toestemming van de IGJ"),
    "eerst_artsenverklaring": _l("Eerst een artsenverklaring"),
    "niet_afleveren": _l("Niet afleveren, of in overleg met de verzekerde voor diens eigen "
                         "rekening"),
    "zeldzame_indicatie": _l("Geen tekort: gebruik de controle importgeneesmiddel bij zeldzame "
                             "indicatie"),
}
SUBSTITUTION_ROUTES = {
    "geen_tekort": _l("Geen tekort: niet vervangen op grond van de leidraad"),
    "wisselen_zelfde_stof": _l("Wisselen naar een middel met dezelfde werkzame stof"),
    "voorschrijver_raadplegen": _l("Overleg met de voorschrijver"),
    "substitueren_lokale_afspraak": _l("Vervangen volgens de lokale afspraak met de voorschrijver"),
}
IMPORT_FIELDS = {"shortage": "shortage", "ground": "ground",
                 "rational_pharmacotherapy": "rational", "in_g_standaard": "g_standaard"}


def show(template: str, status: int = 200, **context):
    return render_template(f"shortages/{template}", split_reason=split_reason, **context), status


@bp.route("/zorgaanbieder/controles/import-bij-tekort", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def import_check():
    """GET takes the facts the entitlement page or the rare-indication check already know as
    query parameters (nothing is checked until the pharmacist submits)."""
    if request.method == "GET":
        form = ImportCheckForm(formdata=request.args or None)
    else:
        form = ImportCheckForm()
    context = {"routes": IMPORT_ROUTES, "today": simulation_today(),
               "milestones": milestones("exemptions"), "product": None}
    if request.method == "GET":
        context["product"] = (request.args.get("product") or "").strip()[:200] or None
        return show("import_check.html", form=form, advice=None, **context)
    advice, status = run(form, check_shortage_import, IMPORT_FIELDS)
    link = None
    if advice is not None and advice.route == "zeldzame_indicatie":
        link = url_for("checks.import_medicine")
    return show("import_check.html", status, form=form, advice=advice, link=link, **context)


@bp.route("/zorgaanbieder/controles/vervangen-bij-tekort", methods=["GET", "POST"])
@roles_required(*PROVIDER_STAFF)
def substitution_check():
    form = SubstitutionForm()
    if request.method == "GET":
        return show("substitution.html", form=form, advice=None, routes=SUBSTITUTION_ROUTES)
    advice, status = run(form, check_substitution, {"shortage": "shortage"})
    link = url_for("checks.entitlement") if advice is not None and advice.may_substitute else None
    return show("substitution.html", status, form=form, advice=advice,
                routes=SUBSTITUTION_ROUTES, link=link)
