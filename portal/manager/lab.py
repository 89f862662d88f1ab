"""The policy lab (/beheer/beleidslab): variants of a year's policy written in a form or uploaded
as YAML, each save a new version (audited); comparisons asked for here and run by `portal lab
worker`; the report of a comparison as charts and tables, printable, and as CSV and Excel.

The comparison is contracts.lab's JSON data, stored on the run: the page, the CSV and the Excel
file all read it through contracts.lab.tables, so they say the same.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_decimal, gettext as _

from contracts.campaign import Window
from contracts.errors import CaseError
from contracts.lab import ANSWER_WORDS, ANSWERS, WORK, WORK_WORDS, tables
from contracts.policy import available_years, load_policy
from contracts.variants import VariantError, base_data, differences, parameters, parse, with_parameters

from ..exports import FORMATS, MIMETYPES, tables_csv, tables_xlsx
from ..extensions import db
from ..formatting import format_eur
from ..models import LabRun, PolicyVariant
from ..operations import lab as records
from ..web import current_actor
from .forms import LabRunForm, VariantUploadForm, parameter_field_name, variant_form
from .issuing import REFRESH

#: The report lists the providers whose outcome differs this many a page; the files have them all.
CHANGED_SHOWN = 50
#: The two sides' colours in every chart (and their legend): base dark blue, variant orange,
#: told apart by line style as well, for readers who do not see the colours.
BASE_COLOUR, VARIANT_COLOUR = "#1d4e89", "#d9822b"


def _base_choices(variants: list[PolicyVariant]) -> list[tuple[str, str]]:
    """A variant's possible bases: the contract years' policies, newest first, then the variants."""
    years = [(str(y), _("Inkoopbeleid %(year)s", year=y)) for y in reversed(available_years())]
    return years + [(row.name, _("Variant %(name)s", name=row.name)) for row in variants]


def index():
    """The variants (newest versions) and the latest comparisons."""
    variants = records.variants()
    return render_template("manager/lab/index.html", variants=variants, runs=records.runs(),
                           bases=_base_choices(variants), upload=VariantUploadForm())


def _variant_or_404(name: str, version: int | None = None) -> PolicyVariant:
    row = records.latest(name) if version is None else records.version(name, version)
    if row is None:
        abort(404)
    return row


def _errors_onto(form, error: CaseError) -> None:
    """A variant the lab refuses: its message on the field it names, or on the form."""
    field = getattr(form, parameter_field_name(error.field), None)
    if field is None and error.field == "variant":
        field = form.name
    if field is None and error.field == "title":
        field = form.title
    if field is None:  # a group of fields (profile.groups: the shares) or the whole variant
        form.form_errors.append(f"{error.field}: {error.message}")
        return
    field.errors = [*field.errors, error.message]


def _values(form, params) -> dict:
    return {p.path: getattr(form, parameter_field_name(p.path)).data for p in params}


def _edit(base: str, *, row: PolicyVariant | None):
    """The form over the parameters of `base` (a year or a variant's name), for a new variant or
    (row) a new version of one; saved only when the lab accepts it."""
    try:
        parent = base_data(base, records.resolve)
        own = base_data(row.name, records.resolve) if row is not None else parent
    except VariantError:
        abort(404)
    params = parameters(parent)
    form = variant_form(params)
    if row is not None:
        form.name.render_kw = {"readonly": True}
    if not form.is_submitted():
        current = {p.path: p.value for p in parameters(own)}
        for p in params:
            getattr(form, parameter_field_name(p.path)).data = current.get(p.path, p.value)
        form.title.data = own.get("title") if row is not None else f"{parent['title']} (variant)"
        if row is not None:
            form.name.data = row.name
            form.description.data = parse(row.text).get("description", "")
    elif form.validate_on_submit():
        name = row.name if row is not None else form.name.data
        head = {"variant": name, "base": int(base) if base.isdigit() else base,
                "title": form.title.data.strip(), "description": (form.description.data or "").strip()}
        data = with_parameters(head, parent, _values(form, params),
                               keep=parse(row.text) if row is not None else None)
        try:
            saved = records.save_variant(data, current_actor(), expect_new=row is None)
        except VariantError as error:
            db.session.rollback()
            _errors_onto(form, error)
        else:
            db.session.commit()
            flash(_("Variant %(name)s opgeslagen als versie %(version)s.", name=saved.name,
                    version=saved.version), "success")
            return redirect(url_for("manager.lab_variant", name=saved.name))
    sections: dict[str, list] = {}
    for p in params:
        sections.setdefault(p.section, []).append(getattr(form, parameter_field_name(p.path)))
    return render_template("manager/lab/edit.html", form=form, sections=sections, row=row,
                           base=base, base_title=parent["title"])


def variant_new():
    """A new variant of the base chosen (the latest contract year's policy by default)."""
    return _edit(request.args.get("basis") or str(available_years()[-1]), row=None)


def variant_edit(name: str):
    row = _variant_or_404(name)
    return _edit(row.base, row=row)


def variant_upload():
    """A variant as a YAML file: saved as a new variant, or as a new version of its name."""
    form = VariantUploadForm()
    if form.validate_on_submit():
        raw = form.file.data.read(256 * 1024 + 1)
        try:
            if len(raw) > 256 * 1024:
                raise VariantError("yaml", _("het bestand is groter dan 256 kB"))
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise VariantError("yaml", _("het bestand is geen UTF-8-tekst")) from None
            saved = records.save_variant(text, current_actor())
        except VariantError as error:
            db.session.rollback()
            flash(_("De variant is niet opgeslagen: %(field)s: %(message)s", field=error.field,
                    message=error.message), "error")
        else:
            db.session.commit()
            flash(_("Variant %(name)s opgeslagen als versie %(version)s.", name=saved.name,
                    version=saved.version), "success")
            return redirect(url_for("manager.lab_variant", name=saved.name))
    else:
        for error in form.file.errors:
            flash(str(error), "error")
    return redirect(url_for("manager.lab"))


def variant(name: str):
    """A variant: what it changes against its year's policy, its versions, and the form that
    asks for a comparison."""
    version = request.args.get("versie", type=int)
    row = _variant_or_404(name, version)
    newest = row if version is None else records.latest(name)
    try:
        checked = records.checked(row)
        changes = differences(load_policy(checked.year), checked.policy)
        problem = None
    except CaseError as error:  # a base it names changed since: say so, offer to edit
        changes, problem = [], f"{error.field}: {error.message}"
    year_policy = load_policy(row.year)
    window = Window.default(year_policy)
    form = LabRunForm(formdata=None)
    form.start.data, form.end.data = window.start, window.end
    return render_template("manager/lab/variant.html", row=row, newest=newest, changes=changes,
                           problem=problem, versions=records.versions(name), form=form,
                           runs=records.runs(20, name=name),
                           year_policy=year_policy)


def variant_yaml(name: str):
    row = _variant_or_404(name, request.args.get("versie", type=int))
    response = make_response(row.text)
    response.mimetype = "application/yaml"
    response.headers["Content-Disposition"] = f'attachment; filename="{row.name}-v{row.version}.yaml"'
    return response


def run_request(name: str):
    """Ask for a comparison of the variant's newest version (or the version on the page)."""
    row = _variant_or_404(name, request.form.get("versie", type=int))
    form = LabRunForm()
    if form.validate_on_submit():
        try:
            run = records.request_run(row, current_actor(), seed=form.seed.data,
                                      start=form.start.data, end=form.end.data)
        except CaseError as error:
            db.session.rollback()
            field = {"to": form.end, "from": form.start}.get(error.field, form.end)
            field.errors = [*field.errors, error.message]
        else:
            db.session.commit()
            return redirect(url_for("manager.lab_run", run_id=run.id))
    for field in (form.seed, form.start, form.end):
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")
    return redirect(url_for("manager.lab_variant", name=name, versie=row.version))


def run(run_id: int):
    """A comparison: its progress while it waits or runs (the page refreshes itself), its
    report once done."""
    row = db.get_or_404(LabRun, run_id)
    running = row.status in (records.WAITING, records.RUNNING)
    report = _report(row.comparison) if row.status == records.DONE else None
    response = make_response(render_template("manager/lab/run.html", run=row, running=running,
                                             report=report, refresh=REFRESH, cell=cell))
    if running:
        response.headers["Refresh"] = str(REFRESH)
    response.headers["Cache-Control"] = "no-store"
    return response


def run_export(run_id: int, fmt: str):
    row = db.get_or_404(LabRun, run_id)
    if fmt not in FORMATS or row.status != records.DONE:
        abort(404)
    found = tables(row.comparison)
    content = tables_csv(found) if fmt == "csv" else tables_xlsx(found)
    response = make_response(content)
    response.mimetype = MIMETYPES[fmt]
    name = f"beleidslab-{row.variant.name}-v{row.variant.version}-{row.requested_at:%Y%m%d}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


# -- the report ----------------------------------------------------------------------------------

def _report(comparison: dict) -> dict:
    """What the report page shows: contracts.lab.tables (as the files have them) and the charts."""
    found = {title: (headers, rows) for title, headers, rows in tables(comparison)}
    base, variant = comparison["base"], comparison["variant"]
    weeks = list(base["workload_by_week"])
    changed = found["Zorgaanbieders met een andere uitkomst"]
    pages = max(1, -(-len(changed[1]) // CHANGED_SHOWN))
    page = min(max(request.args.get("pagina", 1, type=int), 1), pages)
    cells = found["Per contract en soort"]
    changes = found["Wat de variant verandert"]
    return {
        "comparison": comparison, "tables": found,
        "start": date.fromisoformat(comparison["start"]), "end": date.fromisoformat(comparison["end"]),
        "changed": (changed[0], changed[1][(page - 1) * CHANGED_SHOWN:page * CHANGED_SHOWN]),
        "changed_total": len(changed[1]), "changed_page": page, "changed_pages": pages,
        "changed_first": (page - 1) * CHANGED_SHOWN + 1,
        "cells_differing": (cells[0], [row for row in cells[1] if row[-1] != 0]),
        # the policy's words; the field's path (`veld`) is for the files
        "changes": (changes[0][:3], [row[:3] for row in changes[1]]),
        "overview_chart": paired_bars(
            [(label, left, right) for label, left, right, _change in found["Overzicht"][1]
             if not isinstance(left, Decimal)]),
        "answers_chart": paired_bars([(ANSWER_WORDS[k], base["answers"][k], variant["answers"][k])
                                      for k in ANSWERS]),
        "spend_chart": paired_bars([(g["label"], Decimal(g["eur"]),
                                     Decimal(variant["spend_eur"]["by_group"].get(k, {}).get("eur", "0")))
                                    for k, g in base["spend_eur"]["by_group"].items()], money=True),
        "work_charts": [line_chart(WORK_WORDS[kind], weeks,
                                   [base["workload_by_week"][w][kind] for w in weeks],
                                   [variant["workload_by_week"][w][kind] for w in weeks])
                        for kind in WORK],
        "colours": (BASE_COLOUR, VARIANT_COLOUR),
    }


def cell(value) -> tuple[str, bool]:
    """A value of a report's table as shown, and whether it is a number (right-aligned): an
    amount (Decimal) in euros, a count with the reader's thousands separator."""
    if isinstance(value, Decimal):
        return format_eur(value), True
    if isinstance(value, int) and not isinstance(value, bool):
        return format_decimal(value), True
    return ("" if value is None else str(value)), False


def short_eur(amount: Decimal) -> str:
    """An amount for a chart's label: € 360,5 mln (the table beside it has it to the cent)."""
    if abs(amount) >= 1_000_000:
        return _("€ %(amount)s mln", amount=format_decimal(round(amount / 1_000_000, 1)))
    return format_eur(amount)


def paired_bars(rows, *, width: int = 480, money: bool = False) -> dict:
    """Horizontal bars, base and variant under each other per row, the row's label above them
    (narrow enough for a phone): geometry for an SVG, with each bar's number as shown beside it."""
    label_width, bar_room, row_height = 0, width - (130 if money else 70), 62
    shown = short_eur if money else format_decimal
    top = max([max(left, right) for _label, left, right in rows] + [1])
    bars = []
    for i, (label, left, right) in enumerate(rows):
        y = i * row_height
        bars.append({"label": label, "y": y,
                     "left_text": shown(left), "right_text": shown(right),
                     "left_width": round(float(left) / float(top) * bar_room, 1),
                     "right_width": round(float(right) / float(top) * bar_room, 1)})
    return {"width": width, "height": len(rows) * row_height + 28, "label_width": label_width,
            "bars": bars, "money": money, "legend_y": len(rows) * row_height + 10}


def line_chart(title: str, weeks: list[str], left: list[int], right: list[int], *,
               width: int = 640, height: int = 170) -> dict:
    """Two lines over the weeks (base solid, variant dashed): geometry for an SVG."""
    pad_left, pad_bottom, pad_top = 52, 26, 12
    room_x, room_y = width - pad_left - 10, height - pad_bottom - pad_top
    top = max(left + right + [1])
    step = room_x / max(len(weeks) - 1, 1)

    def points(values):
        return " ".join(f"{pad_left + i * step:.1f},{pad_top + room_y - v / top * room_y:.1f}"
                        for i, v in enumerate(values))

    every = max(1, len(weeks) // 8)
    ticks = [{"x": round(pad_left + i * step, 1), "label": week.split("-")[1]}
             for i, week in enumerate(weeks) if i % every == 0]
    return {"title": title, "width": width, "height": height, "left": points(left),
            "right": points(right), "top": top, "ticks": ticks, "pad_left": pad_left,
            "pad_top": pad_top, "bottom": pad_top + room_y, "sum_left": sum(left),
            "sum_right": sum(right), "same": left == right}
