"""`portal scheduler run|once|status` and `portal simulate`: joined to the `portal` CLI through the
`flask.commands` entry point, so the portal itself never imports the scheduler."""
from __future__ import annotations

import json
import logging
import math
import re
import signal
import sys
import time
from datetime import date, datetime, timedelta, timezone

import click
from flask import current_app
from flask.cli import with_appcontext

from contracts.formatting import nl_date
from portal.database import make_engine
from portal.extensions import db
from portal.models import SchedulerState
from portal.operations import clock
from portal.operations.audit import Actor

from .jobs import RUNTIME, Summary, scan, simulate_days, state
from .leader import Leadership
from .simulation import AnswerModel

log = logging.getLogger(__name__)

#: The simulation's own name in the audit log.
SIMULATOR = Actor("simulatie", "system")


def answer_options(command):
    """The simulated parties' options, shared by `scheduler run` and `simulate`."""
    for option in reversed((
        click.option("--seed", type=int, default=AnswerModel.seed, show_default=True,
                     help="Random seed of the simulated answers (same seed, same campaign)."),
        click.option("--accept", type=click.FloatRange(0, 1), default=AnswerModel.accept,
                     show_default=True, help="Share of offers a simulated provider accepts."),
        click.option("--decline", type=click.FloatRange(0, 1), default=AnswerModel.decline,
                     show_default=True, help="Share it declines."),
        click.option("--negotiate", type=click.FloatRange(0, 1), default=AnswerModel.negotiate,
                     show_default=True, help="Share of negotiable offers it negotiates (the rest "
                                             "of all shares: no answer, the offer expires)."),
        click.option("--max-delay", type=click.IntRange(1, 120), default=AnswerModel.max_delay,
                     show_default=True, help="Most days a simulated provider takes to answer."),
    )):
        command = option(command)
    return command


def _model(seed, accept, decline, negotiate, max_delay) -> AnswerModel:
    return AnswerModel(seed=seed, accept=accept, decline=decline, negotiate=negotiate,
                       max_delay=max_delay)


@click.group("scheduler")
def scheduler_group():
    """The scheduler that enforces the procurement calendar (one process; others stand by)."""


def _seconds(ctx, param, value: float) -> float:
    """FloatRange lets NaN through (it compares false with either end), and a timedelta of it
    fails deep inside the scheduler."""
    if not math.isfinite(value):
        raise click.BadParameter(f"{value} is not a number of seconds")
    return value


#: Seconds between scans or tries: at least a tenth of a second, at most a day.
SECONDS = click.FloatRange(min=0.1, max=86400)


@scheduler_group.command("run")
@click.option("--interval", type=SECONDS, default=30.0, show_default=True, callback=_seconds,
              help="Seconds between scans of what is due.")
@click.option("--standby-poll", type=SECONDS, default=5.0, show_default=True, callback=_seconds,
              help="Seconds between tries to take over while another scheduler leads.")
@click.option("--simulate-answers/--no-simulate-answers", default=False, show_default=True,
              help="Let providers without a portal account answer their offers (the demo).")
@click.option("--verbose", is_flag=True,
              help="Also log APScheduler's own lines (each tick's start and end).")
@answer_options
@with_appcontext
def run(interval, standby_poll, simulate_answers, verbose, **answer_options_):
    """Run the scheduler until stopped: APScheduler (blocking, UTC) with its job store in the
    portal's database and one periodic job that does what falls due for the simulated date."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    configure_logging(verbose)
    app = current_app._get_current_object()
    leadership = Leadership(db.engine, lease_seconds=max(3 * interval, 10.0))
    stopping = {"now": False}

    def stop(*_):
        stopping["now"] = True
        if RUNTIME.get("scheduler") is not None and RUNTIME["scheduler"].running:
            RUNTIME["scheduler"].shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    db.session.remove()
    writer_engine()
    # the job store reads and writes on an engine of its own, so it never waits behind a scan
    jobstore_engine = make_engine(db.engine.url.render_as_string(hide_password=False),
                                  pool_pre_ping=True)
    try:
        while not stopping["now"]:
            if not leadership.acquire():
                click.echo(f"scheduler {leadership.holder}: een andere planner is actief; stand-by",
                           err=True)
                while not stopping["now"] and not leadership.acquire():
                    time.sleep(standby_poll)
                if stopping["now"]:
                    break
            click.echo(f"scheduler {leadership.holder}: actief (elke {interval:g} s)", err=True)
            scheduler = BlockingScheduler(
                jobstores={"default": SQLAlchemyJobStore(engine=jobstore_engine,
                                                         tablename="apscheduler_jobs")},
                executors={"default": ThreadPoolExecutor(1)},
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
                timezone=timezone.utc)
            RUNTIME.update(app=app, leadership=leadership, scheduler=scheduler,
                           answers=_model(**answer_options_) if simulate_answers else None)
            # one periodic scan, starting now: on start it catches up what was missed
            scheduler.add_job("scheduler.jobs:tick", "interval", seconds=interval, id="tick",
                              name="what is due now", replace_existing=True,
                              next_run_time=datetime.now(timezone.utc))
            scheduler.start()  # blocks until shutdown (a signal, or the lead was lost)
    finally:
        leadership.release()
        RUNTIME.clear()
        jobstore_engine.dispose()
        click.echo("scheduler gestopt", err=True)


@scheduler_group.command("once")
@click.option("--simulate-answers/--no-simulate-answers", default=False, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print what the scan did as JSON.")
@answer_options
@with_appcontext
def once(simulate_answers, as_json, **answer_options_):
    """One scan of what is due now (catching up since the last), without APScheduler: for cron,
    for tests, and for a look at what the scheduler would do."""
    writer_engine()
    summary = scan(answers=_model(**answer_options_) if simulate_answers else None, by="once")
    click.echo(json.dumps(summary.as_json()) if as_json else _describe(summary))


@scheduler_group.command("status")
@with_appcontext
def status():
    """How far the scheduler has worked through the calendar, and when it last scanned."""
    current = state()
    click.echo(json.dumps({
        "simulated_date": clock.today().isoformat(),
        "processed_through": current.processed_through.isoformat() if current.processed_through else None,
        "last_scan_at": current.last_scan_at.isoformat() if current.last_scan_at else None,
        "last_scan_by": current.last_scan_by,
        "last_summary": current.last_summary,
    }, indent=2))
    db.session.rollback()


def configure_logging(verbose: bool) -> None:
    """What the scheduler did at INFO on the console; APScheduler's own lines ("Running job",
    "executed successfully", every tick) only with --verbose, its warnings and errors always."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.INFO if verbose else logging.WARNING)


def writer_engine() -> None:
    """The scheduler writes: on SQLite its transactions begin IMMEDIATE (portal/database.py)."""
    db.session.remove()
    db.engine.update_execution_options(sqlite_begin="IMMEDIATE")


STEP = re.compile(r"^(\d+)([dw])$")
#: The days a simulation may run through: deadlines and reminders are reckoned days and months
#: on from them, so they keep a margin from the ends of the calendar Python can hold (years 1
#: and 9999).
MARGIN = timedelta(days=10 * 366)
FIRST_DAY, LAST_DAY = date.min + MARGIN, date.max - MARGIN


def _step(value: str) -> int:
    match = STEP.match(value.strip())
    if not match or int(match.group(1)) < 1:
        raise click.UsageError(f"--step: {value!r} is not a step like 1d or 1w")
    return int(match.group(1)) * (7 if match.group(2) == "w" else 1)


def _day(ctx, param, value: datetime | None) -> date | None:
    """--from and --to as dates, between FIRST_DAY and LAST_DAY."""
    if value is None:
        return None
    if not FIRST_DAY <= value.date() <= LAST_DAY:
        raise click.BadParameter(f"{value.date()} is not between {FIRST_DAY} and {LAST_DAY}")
    return value.date()


def _refused_start(start: date) -> str | None:
    """Why a simulation may not begin on `start`, or None. It may begin on the simulated date or
    later, or on a day already processed (a replay, which does nothing twice); not on a day
    before the register's date that was never processed: the register was not built as it stood
    then (load it from that day: `portal demo load --reset --from`)."""
    today, current = clock.today(), db.session.get(SchedulerState, 1)
    processed = current.processed_through if current else None
    if start >= today or (processed is not None and start <= processed):
        return None
    return (f"--from {start}: het register staat al op {nl_date(today)} en de dagen ervoor zijn "
            f"nooit gesimuleerd; laad het register vanaf die dag "
            f"(portal demo load --reset --from {start})")


@click.command("simulate")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None, callback=_day,
              help="First day (default: the simulated date now). Not before the simulated date, "
                   "unless that period was simulated already (a replay does nothing twice).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), required=True, callback=_day,
              help="Last day.")
@click.option("--step", default="1d", show_default=True, help="Move the clock by this much (1d, 1w).")
@click.option("--answers/--no-answers", default=True, show_default=True,
              help="Let providers without a portal account answer their offers.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@answer_options
@with_appcontext
def simulate(start, end, step, answers, as_json, **answer_options_):
    """Move the simulated date day by day and do what falls due, as the scheduler would: each
    day works for the campaign in force on it (contracts.campaign), so a period across a new
    year runs one campaign after the other, on the agreements the first concluded.

    Running the same period again does nothing new: every step is done once.
    """
    days = _step(step)
    if start is None:
        start = clock.today()
        if start > end:
            click.echo(f"De simulatiedatum ({nl_date(start)}) ligt al na {nl_date(end)}: niets te doen.",
                       err=True)
            click.echo(json.dumps(Summary().as_json()) if as_json else "")
            return
    if start > end:
        raise click.UsageError(f"--from {start} is after --to {end}")
    refused = _refused_start(start)
    if refused:
        raise click.UsageError(refused)
    model = _model(**answer_options_) if answers else None
    writer_engine()
    moments = [start + timedelta(days=n) for n in range(0, (end - start).days + 1, days)]
    if moments[-1] != end:
        moments.append(end)
    began = time.perf_counter()
    with click.progressbar(moments, label="Simuleren", file=sys.stderr,
                           item_show_func=lambda d: nl_date(d)) as bar:
        total = simulate_days(bar, model, SIMULATOR, by="simulate")
    clock.set_today(end, SIMULATOR, f"simulatie van {nl_date(start)} tot en met {nl_date(end)}")
    db.session.commit()
    if as_json:
        click.echo(json.dumps(total.as_json()))
    else:
        click.echo(f"Gesimuleerd: {nl_date(start)} t/m {nl_date(end)} "
                   f"({time.perf_counter() - began:.1f} s)\n{_describe(total)}")


def _describe(summary: Summary) -> str:
    return "\n".join(f"  {label:<28} {value}" for label, value in (
        ("aanbiedingen uitgegeven", summary.offers_issued),
        ("  per contractjaar", ", ".join(f"{year}: {count}" for year, count
                                         in sorted(summary.offers_per_year.items())) or "-"),
        ("overeenkomsten verlengd", summary.extended),
        ("bekendmakingen", summary.announced),
        ("herinneringen verstuurd", summary.reminders_sent),
        ("escalaties", summary.escalations),
        ("verlopen", summary.expired),
        ("aanvaard", summary.accepted),
        ("afgewezen", summary.declined),
        ("tegenvoorstellen", summary.countered),
        ("overeenstemming", summary.agreed),
        ("e-mails verzonden", summary.mails_sent),
        ("in de zorgzoeker", summary.published),
    ))
