"""The campaign dashboard: signals that lead to the offers overview filtered on them, offers by
status, the next milestones, what is overdue, a chart.

A fixed number of queries whatever the number of offers: the tallies the database keeps per
contract, provider type and status, one query each for the overdue offers and applications
(their total counted in the same query), and one for the counts of the signals the tallies do
not give.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import render_template, url_for
from flask_babel import ngettext
from sqlalchemy import bindparam, func, select

from contracts.campaign import policy_in_force
from contracts.policy import Policy
from contracts.vocabulary import Contract, ProviderType, Route

from ..extensions import db
from ..fields import date_input
from ..models import Application, Notification, Offer, OfferTally, Provider, SchedulerState
from ..web import memoised, simulation_today
from .common import OPEN_APPLICATIONS, OPEN_STATUSES, STATUSES

OVERDUE_SHOWN = 25
ESCALATIONS_SHOWN = 5
MILESTONES_SHOWN = 6
#: "Near its deadline": within the first reminder's days (scheduler's 14, 3 and 0 days before).
NEAR_DAYS = 14
#: Segment colours of the chart (SVG presentation attributes, allowed by the CSP).
COLOURS = {"concept": "#9aa5ae", "aangeboden": "#2f7fc1", "tegenvoorstel": "#e0a21b",
           "in_onderhandeling": "#a65c00", "geaccepteerd": "#1d7a3a", "afgewezen": "#b3261e",
           "verlopen": "#6c4796", "ingetrokken": "#4a535c"}


@dataclass(frozen=True)
class Segment:
    status: str
    count: int
    x: float
    width: float
    colour: str


@dataclass(frozen=True)
class Bar:
    contract: str
    total: int
    y: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Chart:
    """A horizontal stacked bar per contract, in SVG user units."""

    bars: tuple[Bar, ...]
    width: int
    height: int
    bar_width: int
    legend: tuple[tuple[str, str, int, int], ...]  # status, colour, x, y


def stacked_bars(per_contract: dict[str, dict[str, int]], *, width: int = 640,
                 bar_width: int = 560, row: int = 46) -> Chart:
    """Bars scaled to the largest contract total, segments in life-cycle order."""
    largest = max((sum(c.values()) for c in per_contract.values()), default=0) or 1
    bars = []
    for n, (contract, counts) in enumerate(per_contract.items()):
        x, segments = 0.0, []
        for status in STATUSES:
            count = counts.get(status, 0)
            if count:
                size = round(count * bar_width / largest, 2)
                segments.append(Segment(status, count, round(x, 2), size, COLOURS[status]))
                x += size
        bars.append(Bar(contract, sum(counts.values()), n * row, tuple(segments)))
    per_line = 4
    legend_top = len(bars) * row + 10
    legend = tuple((status, COLOURS[status], (i % per_line) * (width // per_line),
                    legend_top + (i // per_line) * 22) for i, status in enumerate(STATUSES))
    height = legend_top + ((len(STATUSES) + per_line - 1) // per_line) * 22 + 4
    return Chart(tuple(bars), width, height, bar_width, legend)


def status_table(counts) -> tuple[list[tuple[str, str, dict[str, int]]], dict[str, dict[str, int]]]:
    """Rows (contract, provider type, counts per status) in vocabulary order, and the totals
    per contract, from the grouped query's (contract, type, status, count) rows."""
    cells: dict[tuple[str, str], dict[str, int]] = {}
    for contract, provider_type, status, count in counts:
        cells.setdefault((contract, provider_type), {})[status] = count
    order = {value: i for i, value in enumerate([*Contract, *ProviderType])}
    rows = [(contract, provider_type, cells[contract, provider_type])
            for contract, provider_type in sorted(cells, key=lambda k: (order.get(k[0], 99),
                                                                         order.get(k[1], 99)))]
    per_contract: dict[str, dict[str, int]] = {}
    for contract, _type, by_status in rows:
        totals = per_contract.setdefault(contract, {})
        for status, count in by_status.items():
            totals[status] = totals.get(status, 0) + count
    return rows, per_contract


@dataclass(frozen=True)
class ContractGroup:
    """The status table's rows of one contract: its totals per status, and a row per provider type."""

    contract: str
    rows: tuple[tuple[str, dict[str, int]], ...]
    totals: dict[str, int]


def contract_groups(rows, per_contract) -> list[ContractGroup]:
    """The status table's rows grouped under their contract (a header row each), so the table
    needs no contract column and fits the page."""
    groups: dict[str, list] = {}
    for contract, provider_type, counts in rows:
        groups.setdefault(contract, []).append((provider_type, counts))
    return [ContractGroup(contract, tuple(lines), per_contract[contract])
            for contract, lines in groups.items()]


@dataclass(frozen=True)
class Signal:
    """Something on the campaign that asks for a manager's attention, and where to see it."""

    text: str
    link: str
    urgent: bool = False


def signals(totals: dict[str, int], overdue: int, near: int, to_assess: int,
            today: date, year: int) -> list[Signal]:
    """The signals with a count above nought, each leading to the list filtered on what it
    counts (the offers of the dashboard's contract `year`; the applications' queue)."""
    def offers(**filters) -> str:
        return url_for("manager.offers", year=year, **filters)

    countered, negotiating, expired = (totals.get(s, 0) for s in
                                       ("tegenvoorstel", "in_onderhandeling", "verlopen"))
    yesterday, soon = today - timedelta(days=1), today + timedelta(days=NEAR_DAYS)
    candidates = [
        (overdue, ngettext("%(num)s openstaande aanbieding is over de reactietermijn",
                           "%(num)s openstaande aanbiedingen zijn over de reactietermijn", overdue),
         offers(status="open", deadline_to=date_input(yesterday)), True),
        (countered, ngettext("%(num)s tegenvoorstel wacht op uw antwoord",
                             "%(num)s tegenvoorstellen wachten op uw antwoord", countered),
         offers(status="tegenvoorstel"), True),
        (to_assess, ngettext("%(num)s aanvraag te beoordelen", "%(num)s aanvragen te beoordelen",
                             to_assess),
         url_for("manager.applications"), False),
        (near, ngettext("%(num)s aanbieding moet binnen %(days)s dagen beantwoord zijn",
                        "%(num)s aanbiedingen moeten binnen %(days)s dagen beantwoord zijn",
                        near, days=NEAR_DAYS),
         offers(status="open", deadline_from=date_input(today), deadline_to=date_input(soon)), False),
        (negotiating, ngettext("%(num)s aanbieding in onderhandeling",
                               "%(num)s aanbiedingen in onderhandeling", negotiating),
         offers(status="in_onderhandeling"), False),
        (expired, ngettext("%(num)s aanbieding verlopen", "%(num)s aanbiedingen verlopen", expired),
         offers(status="verlopen"), False),
    ]
    return [Signal(text, link, urgent) for count, text, link, urgent in candidates if count]


def upcoming_milestones(policy: Policy, today: date, limit: int = MILESTONES_SHOWN):
    """The next dated milestones of the policy's calendar from `today` on, whether they issue
    offers, and the group of providers they are for (`Policy.group_of`)."""
    issuing = {r.milestone for r in policy.rules.values() if r.route is Route.AANBOD}
    return [(m, m.id in issuing, policy.group_of(m)) for m in policy.calendar()
            if m.date is not None and m.date >= today][:limit]


# The dashboard's statements, built once (building one costs about as much CPU as running it);
# the contract year in force is their parameter `year`.
#: The counts per contract, provider type and status, as the database keeps them (a few rows per
#: cell whatever the number of offers: portal/models/tallies.py).
STATUS_COUNTS = (
    select(OfferTally.contract, OfferTally.provider_type, OfferTally.status,
           func.sum(OfferTally.count))
    .where(OfferTally.policy_year == bindparam("year"))
    .group_by(OfferTally.contract, OfferTally.provider_type, OfferTally.status)
    .having(func.sum(OfferTally.count) > 0))
# Columns, not entities: a row costs a fraction of an ORM entity.
OVERDUE_OFFERS = (
    select(Offer.id, Offer.contract, Offer.status, Offer.deadline, Provider.name, Provider.agb,
           func.count().over().label("total"))
    .join(Provider, Provider.id == Offer.provider_id)
    .where(Offer.policy_year == bindparam("year"), Offer.status.in_(OPEN_STATUSES),
           Offer.deadline < bindparam("today"))
    .order_by(Offer.deadline, Offer.id).limit(OVERDUE_SHOWN))
OVERDUE_APPLICATIONS = (
    select(Application.id, Application.organisation, Application.received_on,
           Application.answer_due, func.count().over().label("total"))
    .where(Application.status.in_(OPEN_APPLICATIONS), Application.answer_due < bindparam("today"))
    .order_by(Application.answer_due, Application.id).limit(OVERDUE_SHOWN))
#: The signals' counts the tallies do not give, and the scheduler's progress, in one statement.
SIGNALS_AND_SCHEDULER = select(
    select(func.count(Offer.id))
    .where(Offer.policy_year == bindparam("year"), Offer.status.in_(OPEN_STATUSES),
           Offer.deadline >= bindparam("today"), Offer.deadline <= bindparam("soon"))
    .scalar_subquery().label("near"),
    select(func.count(Application.id)).where(Application.status.in_(OPEN_APPLICATIONS))
    .scalar_subquery().label("to_assess"),
    *(select(column).where(SchedulerState.id == 1).scalar_subquery().label(column.key)
      for column in (SchedulerState.processed_through, SchedulerState.last_scan_at,
                     SchedulerState.last_summary)))
ESCALATIONS = (
    select(Notification.subject, Notification.link)
    .where(Notification.provider_id.is_(None), Notification.kind == "escalatie")
    .order_by(Notification.id.desc()).limit(ESCALATIONS_SHOWN))


@memoised
def dashboard():
    """The campaign of the contract year in force on the simulated date."""
    today = simulation_today()
    policy = policy_in_force(today)
    year = policy.year
    tallies = tuple(db.session.execute(STATUS_COUNTS, {"year": year}).all())
    overdue_offers = tuple(db.session.execute(OVERDUE_OFFERS, {"today": today, "year": year}))
    overdue_applications = tuple(db.session.execute(OVERDUE_APPLICATIONS, {"today": today}))
    escalations = tuple(db.session.execute(ESCALATIONS))
    counts = db.session.execute(SIGNALS_AND_SCHEDULER, {
        "today": today, "soon": today + timedelta(days=NEAR_DAYS), "year": year}).one()
    scheduler = scheduler_status(counts, today)

    rows, per_contract = status_table(tallies)
    totals = {status: sum(c.get(status, 0) for c in per_contract.values()) for status in STATUSES}
    overdue_offer_count = overdue_offers[0].total if overdue_offers else 0
    return render_template(
        "manager/dashboard.html",
        groups=contract_groups(rows, per_contract),
        # A column per status that occurs: all eight do not fit a 1,280 px window (the chart's
        # legend names them all).
        statuses=[status for status in STATUSES if totals[status]],
        totals=totals, year=year, calendar_year=policy.calendar_year,
        signals=signals(totals, overdue_offer_count, counts.near, counts.to_assess, today, year),
        scheduler=scheduler, escalations=escalations,
        chart=stacked_bars(per_contract), milestones=upcoming_milestones(policy, today),
        overdue_offers=overdue_offers, overdue_offer_count=overdue_offer_count,
        overdue_link=url_for("manager.offers", year=year, status="open",
                             deadline_to=date_input(today - timedelta(days=1))),
        overdue_applications=overdue_applications,
        overdue_application_count=overdue_applications[0].total if overdue_applications else 0)


@dataclass(frozen=True)
class SchedulerStatus:
    """What the dashboard says about the scheduler: how far it got, and whether it keeps up."""

    processed_through: object
    last_scan_at: object
    behind_days: int | None   # days between the simulated date and the last day processed
    last_summary: dict | None


def scheduler_status(state, today) -> SchedulerStatus:
    """`state`: anything with the scheduler row's processed_through, last_scan_at and
    last_summary (the row itself, or the dashboard's statement)."""
    if state is None or state.processed_through is None:
        return SchedulerStatus(None, None, None, None)
    return SchedulerStatus(state.processed_through, state.last_scan_at,
                           max((today - state.processed_through).days, 0), state.last_summary)
