"""Every offer, for the contract managers: filtered, sorted, 50 a page, and exported as it is
filtered (CSV or Excel). The dashboard's signals lead here with their filter in the URL.

A page and its total are read apart (portal/web/paging.py); the export runs the same filtered
query without the page's limit. Filters are GET parameters checked by a form: a bad value gets its
message in Dutch and no list, never a list filtered otherwise than asked.

What stays flat as the register grows (bench/scale.py): the year filter's choices and, with no
filter but status, contract, type and year, the total come from the offers' tallies
(portal/models/tallies.py), a few rows however many offers there are; and the default order
(deadline, then the offer's number) is each contract year's first rows of ix_offers_listing,
merged, not every offer sorted for one page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import case, func, or_, select, union_all
from wtforms import HiddenField, SearchField, SelectField
from wtforms.validators import AnyOf, Length, Optional, ValidationError

from contracts.campaign import year_in_force
from contracts.vocabulary import Contract, ProviderType, Relation, dutch

from ..exports import Column, export_response, local_day
from ..extensions import db
from ..fields import DutchDateField, choice
from ..models import Offer, OfferTally, Provider
from ..web import label, memoised, simulation_today
from ..web.paging import count_of, page_of
from .common import OPEN_STATUSES, STATUSES

PER_PAGE = 50
#: The status filter's value for every offer still awaiting an answer (the dashboard's "open").
OPEN = "open"
SORTS = ("provider", "contract", "status", "deadline", "issued")
ORDERS = ("asc", "desc")


class OfferFilterForm(FlaskForm):
    """The overview's filters (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Zoeken op naam of AGB-code"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), validators=[Optional()])
    contract = SelectField(_l("Overeenkomst"), validators=[Optional()])
    type = SelectField(_l("Type zorgaanbieder"), validators=[Optional()])
    relation = SelectField(_l("Relatie"), validators=[Optional()])
    year = SelectField(_l("Contractjaar"), validators=[Optional()])
    deadline_from = DutchDateField(_l("Reageren uiterlijk vanaf"), validators=[Optional()])
    deadline_to = DutchDateField(_l("Reageren uiterlijk tot en met"), validators=[Optional()])
    sort = HiddenField(validators=[Optional(), AnyOf(SORTS, message=_l("Onbekende sortering."))])
    order = HiddenField(validators=[Optional(), AnyOf(ORDERS, message=_l("Onbekende volgorde."))])

    def __init__(self, *args, years: list[int], **kwargs):
        """`years`: the contract years the year filter offers."""
        super().__init__(*args, **kwargs)
        self.years = years
        self.status.choices = [choice("", _("Alle statussen")),
                               choice(OPEN, _("openstaand (nog te beantwoorden)")),
                               *(choice(s, label(s)) for s in STATUSES)]
        self.contract.choices = [choice("", _("Alle overeenkomsten")),
                                 *(choice(c.value, dutch(c)) for c in Contract)]
        self.type.choices = [choice("", _("Alle typen")),
                             *(choice(t.value, dutch(t)) for t in ProviderType)]
        self.relation.choices = [choice("", _("Alle relaties")),
                                 *(choice(r.value, label(r.value)) for r in Relation)]
        self.year.choices = [choice("", _("Alle jaren")),
                             *(choice(str(y), str(y)) for y in years)]

    def validate_deadline_to(self, field):
        if field.data and self.deadline_from.data and field.data < self.deadline_from.data:
            raise ValidationError(_("De einddatum ligt vóór de begindatum."))


#: What the page and the export read of an offer: plain columns, no ORM entities.
COLUMNS = (Offer.id, Provider.name, Provider.agb, Provider.provider_type, Offer.contract,
           Offer.relation, Offer.policy_year, Offer.status, Offer.deadline, Offer.issued_at)
CONTRACT_ORDER = case({c.value: n for n, c in enumerate(Contract)}, value=Offer.contract, else_=99)
STATUS_ORDER = case({s: n for n, s in enumerate(STATUSES)}, value=Offer.status, else_=99)
SORT_KEYS = {"provider": func.lower(Provider.name), "contract": CONTRACT_ORDER,
             "status": STATUS_ORDER, "deadline": Offer.deadline, "issued": Offer.issued_at}


def filter_years(today: date) -> list[int]:
    """The year filter's choices, latest first: the contract years of the offers there are (from
    their tallies), and the year in force (the dashboard links to its offers before the first is
    issued)."""
    present = db.session.scalars(select(OfferTally.policy_year).group_by(OfferTally.policy_year)
                                 .having(func.sum(OfferTally.count) > 0))
    return sorted({*present, year_in_force(today)}, reverse=True)


def filter_form() -> OfferFilterForm:
    """The overview's filters as the query string gives them."""
    return OfferFilterForm(request.args, years=filter_years(simulation_today()))


def filtered(query, form: OfferFilterForm):
    """`query` (over offers joined to their provider) narrowed by the valid form's filters."""
    term = (form.q.data or "").strip().lower()
    if term:
        query = query.where(or_(func.lower(Provider.name).contains(term, autoescape=True),
                                Provider.agb.contains(term, autoescape=True)))
    if form.status.data == OPEN:
        query = query.where(Offer.status.in_(OPEN_STATUSES))
    elif form.status.data:
        query = query.where(Offer.status == form.status.data)
    if form.contract.data:
        query = query.where(Offer.contract == form.contract.data)
    if form.type.data:
        query = query.where(Provider.provider_type == form.type.data)
    if form.relation.data:
        query = query.where(Offer.relation == form.relation.data)
    if form.year.data:
        query = query.where(Offer.policy_year == int(form.year.data))
    if form.deadline_from.data:
        query = query.where(Offer.deadline >= form.deadline_from.data)
    if form.deadline_to.data:
        query = query.where(Offer.deadline <= form.deadline_to.data)
    return query


def tallied(form: OfferFilterForm) -> int | None:
    """How many offers the valid form's filters select, from the offers' tallies; None when a
    filter is set that the tallies do not count by (a name or AGB code, relation or deadline)."""
    if (form.q.data or "").strip() or form.relation.data or form.deadline_from.data \
            or form.deadline_to.data:
        return None
    statement = select(func.coalesce(func.sum(OfferTally.count), 0))
    if form.status.data == OPEN:
        statement = statement.where(OfferTally.status.in_(OPEN_STATUSES))
    elif form.status.data:
        statement = statement.where(OfferTally.status == form.status.data)
    if form.contract.data:
        statement = statement.where(OfferTally.contract == form.contract.data)
    if form.type.data:
        statement = statement.where(OfferTally.provider_type == form.type.data)
    if form.year.data:
        statement = statement.where(OfferTally.policy_year == int(form.year.data))
    return db.session.scalar(statement)


def ordered(query, sort: str, order: str):
    """Sorted on the chosen column (empty dates last either way), then by provider, contract
    and id, so a page boundary never moves between two requests. The deadline's ties go by the
    offer's number (the order they were made) instead: that order is an index's
    (ix_offers_listing, per contract year), and most offers of a campaign share one deadline."""
    key = SORT_KEYS[sort]
    key = key.desc() if order == "desc" else key.asc()
    if sort == "deadline":
        return query.order_by(key.nulls_last(), Offer.id.desc() if order == "desc" else Offer.id)
    return query.order_by(key.nulls_last(), func.lower(Provider.name), CONTRACT_ORDER, Offer.id)


def offer_rows(form: OfferFilterForm, *, first_rows: int | None = None):
    """The filtered, sorted statement over COLUMNS (the page adds its limit and offset).

    `first_rows`: only that many rows from the top are wanted (a page's end). In the default
    order (deadline, then number) they are then read per contract year, each year's first
    `first_rows` in the order of ix_offers_listing (contract year, deadline, id), and merged:
    the database reads a page's worth of rows per year instead of sorting every offer. The
    years are the year filter's (from the offers' tallies)."""
    sort, order = form.sort.data or "deadline", form.order.data or "asc"
    query = filtered(select(*COLUMNS).join(Provider, Provider.id == Offer.provider_id), form)
    if first_rows is None or (sort, order) != ("deadline", "asc"):
        return ordered(query, sort, order)
    years = [int(form.year.data)] if form.year.data else form.years
    if len(years) == 1:
        return ordered(query.where(Offer.policy_year == years[0]), sort, order)
    # Each year's rows as a subquery of its own: its order and limit hold on every database
    # (SQLite takes neither on a member of a UNION).
    merged = union_all(*(select(ordered(query.where(Offer.policy_year == year), sort, order)
                                .limit(first_rows).subquery())
                         for year in years)).subquery()
    return select(merged).order_by(merged.c.deadline.asc().nulls_last(), merged.c.id)


def offers_counted(form: OfferFilterForm) -> int:
    """How many offers the valid form's filters select: from the tallies where they count by
    every filter set, else counted."""
    total = tallied(form)
    return count_of(offer_rows(form)) if total is None else total


def filter_args(form: OfferFilterForm) -> dict[str, str]:
    """The filters as they came in, for the page links, the sort links and the export links."""
    return {name: request.args[name] for name in form.data
            if request.args.get(name, "").strip()}


def page_window(page: int, pages: int, around: int = 2) -> list[int | None]:
    """The page numbers to link: the first, the last and `around` either side of this one;
    None where numbers are left out."""
    shown = sorted({1, pages, *range(max(page - around, 1), min(page + around, pages) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 1:
            window.append(None)
        window.append(number)
    return window


@dataclass(frozen=True, slots=True)
class OfferLine:
    """One row of the overview."""

    id: int
    name: str
    agb: str
    provider_type: str
    contract: str
    relation: str
    policy_year: int
    status: str
    deadline: date | None
    issued: date | None
    overdue: bool


def _line(row, today: date) -> OfferLine:
    id_, name, agb, kind, contract, relation, year, status, deadline, issued = row[:10]
    overdue = status in OPEN_STATUSES and deadline is not None and deadline < today
    return OfferLine(id_, name, agb, kind, contract, relation, year, status, deadline,
                     local_day(issued), overdue)


@memoised
def offers():
    form = filter_form()
    if not form.validate():
        return render_template("manager/offers.html", form=form, rows=[], total=None,
                               args={}, sort="", order=""), 400
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    first = (page - 1) * PER_PAGE
    rows, total = page_of(offer_rows(form, first_rows=first + PER_PAGE), first, PER_PAGE,
                          total=lambda: offers_counted(form))
    args = filter_args(form)
    if not rows and page > 1:  # past the last page (offers withdrawn meanwhile, or a typed URL)
        return redirect(url_for("manager.offers", **args))
    pages = max(-(-total // PER_PAGE), 1)
    today = simulation_today()
    return render_template(
        "manager/offers.html", rows=[_line(row, today) for row in rows],
        found=ngettext("%(total)s aanbieding", "%(total)s aanbiedingen", total,
                       total=format_decimal(total)),
        form=form, page=page, pages=pages, window=page_window(page, pages), args=args,
        sort=form.sort.data or "deadline", order=form.order.data or "asc", total=total)


EXPORT_COLUMNS = (
    Column(_l("AGB-code"), 11), Column(_l("Zorgaanbieder"), 36),
    Column(_l("Type zorgaanbieder"), 28), Column(_l("Overeenkomst"), 40),
    Column(_l("Relatie"), 12), Column(_l("Contractjaar"), 12), Column(_l("Status"), 18),
    Column(_l("Reageren uiterlijk"), 18), Column(_l("Uitgegeven"), 18))


def offers_export(fmt: str):
    """The overview's list as it is filtered and sorted, every page of it, as a file."""
    form = filter_form()
    if not form.validate():
        return redirect(url_for("manager.offers", **request.args))  # the page says what is wrong
    rows = ((agb, name, dutch(kind), dutch(contract), label(relation), year, label(status),
             deadline, local_day(issued))
            for _id, name, agb, kind, contract, relation, year, status, deadline, issued
            in db.session.execute(offer_rows(form)))
    return export_response(fmt, f"aanbiedingen-{simulation_today().isoformat()}", _("Aanbiedingen"),
                           EXPORT_COLUMNS, rows)
