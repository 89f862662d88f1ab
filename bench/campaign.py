"""Benchmark: the 2023 campaign replayed by the scheduler, and one scan over 100,000 deadlines.

campaign: builds a fresh database (a new SQLite file, or the database given, emptied), loads the
demo register as it stood on --from and replays --from..--to (2023-05-01..2024-01-01: the 2024
campaign; from 2022-05-01: the 2023 and the 2024 campaigns) as `portal simulate` does (the simulated date
set day by day, one scheduler scan per day, with the simulated parties answering). Prints the
total, the counts, and where the time went per phase, with the SQL statements each ran.

bulk: one milestone's bulk issue as the worker runs it (run_batch: plan, offers, documents,
audit, inbox), on a demo register sized for about 2,500 offers.

scan: empties the database, inserts 100,000 open offers (document-less, deadlines spread over the
autumn, the providers they need) with Core inserts, then times one reminder + expiry scan on a day
with a realistic share of them in the 14-day window, and the deadline query alone.

Prints figures; asserts nothing about time. A PostgreSQL database given is emptied first.

    python bench/campaign.py [campaign|bulk|scan|all] [--providers 2500] [--database-url URL]
                             [--profile [FILE]] [--bulk-offers 2500] [--offers 100000] [--repeats 5]
"""
from __future__ import annotations

import keys  # noqa: F401  (a random SECRET_KEY for this run)
import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

#: The phases of a day (scheduler.jobs functions, replaced by timed wrappers while the bench runs).
PHASES = ("extend_contract_year", "issue_due_milestones", "expire_and_escalate", "send_reminders",
          "publish", "run_requested_batches", "deliver_mail")
LABELS = {"clock": "clock + scan state", "extend_contract_year": "extensions (1 January)",
          "issue_due_milestones": "milestones (bulk issue)",
          "answers": "simulated answers", "expire_and_escalate": "expiry + escalation",
          "send_reminders": "reminders", "publish": "publication",
          "run_requested_batches": "requested batches", "deliver_mail": "mail (queue + send)"}


class Meter:
    """Wall time and SQL statements per phase; phases nest (the inner one is not counted twice)."""

    def __init__(self, engine):
        self.seconds: dict[str, float] = defaultdict(float)
        self.statements: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []
        from sqlalchemy import event

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_args):
            if self.stack:
                self.statements[self.stack[-1]] += 1

    @contextmanager
    def phase(self, name: str):
        outer = self.stack[-1] if self.stack else None
        self.stack.append(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            spent = time.perf_counter() - start
            self.stack.pop()
            self.seconds[name] += spent
            if outer is not None:
                self.seconds[outer] -= spent

    def wrap(self, name: str, function):
        def timed(*args, **kwargs):
            with self.phase(name):
                return function(*args, **kwargs)
        return timed


class TimedAnswers:
    """The simulated parties, timed as a phase of their own."""

    def __init__(self, model, meter: Meter):
        self.model, self.meter = model, meter

    def answer(self, day: date):
        with self.meter.phase("answers"):
            return self.model.answer(day)


def make_app(url: str | None):
    from flask_migrate import upgrade

    from portal import create_app

    url = url or f"sqlite:///{tempfile.mkdtemp()}/campaign.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "MAIL_BACKEND": "outbox"})
    with app.app_context():
        upgrade()
    return app


def campaign(args) -> None:
    import scheduler.jobs as jobs
    from demo import load_demo
    from portal.extensions import db
    from portal.operations import clock
    from scheduler.cli import SIMULATOR
    from scheduler.simulation import AnswerModel

    app = make_app(args.database_url)
    first, last = date.fromisoformat(args.start), date.fromisoformat(args.end)
    with app.app_context():
        start = time.perf_counter()
        load_demo(providers=args.providers, reset=True, start=first)
        loaded = time.perf_counter() - start

        meter = Meter(db.engine)
        originals = {name: getattr(jobs, name) for name in PHASES}
        for name in PHASES:
            setattr(jobs, name, meter.wrap(name, originals[name]))
        answers = TimedAnswers(AnswerModel(), meter)
        profiler = cProfile.Profile() if args.profile else None
        days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        total = jobs.Summary()
        try:
            start, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            for day in days:  # as `portal simulate` does (scheduler/cli.py simulate)
                with meter.phase("clock"):
                    clock.set_today(day, SIMULATOR, record=False)
                    db.session.commit()
                    total.add(jobs.scan(answers=answers, by="simulate"))
            with meter.phase("clock"):
                clock.set_today(last, SIMULATOR, f"simulatie van {first:%d-%m-%Y} tot en met "
                                                 f"{last:%d-%m-%Y}")
                db.session.commit()
            if profiler:
                profiler.disable()
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        finally:
            for name, function in originals.items():
                setattr(jobs, name, function)
        counts = _campaign_counts()

    print(f"campaign bench: {args.providers} providers, {first} .. {last} ({len(days)} days) on "
          f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, {os.cpu_count()} cores")
    print(f"  demo register loaded     {loaded:8.2f} s (not in the figures below)")
    print(f"  replay                   {seconds:8.2f} s wall, {cpu:.2f} s CPU of this process")
    print("  " + "  ".join(f"{k} {v}" for k, v in total.as_json().items()))
    print(f"  countered {total.countered}  agreed {total.agreed}  mails_sent {total.mails_sent}  "
          f"batches_run {total.batches_run}")
    print("  " + "  ".join(f"{k} {v}" for k, v in counts.items()))
    print(f"  {'phase':<26} {'seconds':>8} {'share':>6} {'SQL statements':>15}")
    for name in ("clock", "extend_contract_year", "issue_due_milestones", "answers", "expire_and_escalate",
                 "send_reminders", "publish", "run_requested_batches", "deliver_mail"):
        print(f"  {LABELS[name]:<26} {meter.seconds[name]:8.2f} "
              f"{meter.seconds[name] / seconds * 100:5.1f}% {meter.statements[name]:15,}")
    if profiler:
        _report(profiler, args.profile)


def _campaign_counts() -> dict:
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import AuditEntry, DocumentVersion, Notification, Offer, OutgoingMail

    def count(model):
        return db.session.scalar(select(func.count()).select_from(model))

    counts = {"offers": count(Offer), "documents": count(DocumentVersion),
              "audit": count(AuditEntry), "notifications": count(Notification),
              "mails": count(OutgoingMail)}
    counts["offers_without_document"] = db.session.scalar(
        select(func.count()).select_from(Offer).where(Offer.document_id.is_(None)))
    db.session.rollback()
    return counts


def _report(profiler: cProfile.Profile, target: str) -> None:
    if target and target != "-":
        profiler.dump_stats(target)
        print(f"  profile written to {target} (python -m pstats {target})")
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(40)
    print(out.getvalue())


# -- one milestone's bulk issue -------------------------------------------------------------------

def bulk_bench(args) -> None:
    """The worker's run of one milestone batch (plan, offers, documents, audit, inbox), on a
    register large enough for about `--bulk-offers` offers."""
    import portal.operations.batches as batches
    from contracts.campaign import latest_policy
    from demo import load_demo
    from portal.extensions import db
    from portal.operations import clock
    from portal.operations.audit import SYSTEM

    app = make_app(args.database_url)
    with app.app_context():
        # 2,500 demo providers give 1,335 offers at fz_aflopend_aanbod
        providers = max(args.providers, round(args.bulk_offers * 2500 / 1335))
        load_demo(providers=providers, reset=True)
        policy = latest_policy()
        clock.set_today(policy.milestones[args.milestone].date, SYSTEM, record=False)
        batch = batches.request_batch(args.milestone, SYSTEM, policy.year)
        db.session.commit()
        meter = Meter(db.engine)
        plan = batches.plan
        batches.plan = meter.wrap("plan", plan)
        cpu = time.process_time()
        try:
            with meter.phase("run"):
                done = batches.run_batch(batch.id)
        finally:
            batches.plan = plan
        cpu = time.process_time() - cpu
        offers, seconds = done.total, meter.seconds["run"] + meter.seconds["plan"]
    print(f"bulk issue bench: milestone {args.milestone}, {providers:,} providers, "
          f"{offers:,} offers with their DOCX, on "
          f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, {os.cpu_count()} cores")
    print(f"  run_batch                {seconds:8.2f} s   {seconds / offers * 1000:6.2f} ms/offer, "
          f"{seconds / offers * 2500:6.2f} s per 2,500; SQL statements "
          f"{meter.statements['run'] + meter.statements['plan']:,}")
    print(f"  CPU of this process      {cpu:8.2f} s   (the wall time less waiting for the disk, "
          f"the database server and other processes)")
    print(f"  of which the plan        {meter.seconds['plan']:8.2f} s")


# -- the scan over 100,000 open deadlines --------------------------------------------------------

def scan_bench(args) -> None:
    from sqlalchemy import delete, func, insert, select

    from contracts.vocabulary import Contract
    from demo import delete_all_data
    from portal.extensions import db
    from portal.models import Notification, Offer, Provider
    from portal.operations.deadlines import open_deadlines
    from scheduler.jobs import DEFAULT_OFFSETS, expire_and_escalate, send_reminders

    app = make_app(args.database_url)
    day = date(2023, 10, 2)  # a Monday; deadlines run from it to the end of the year
    spread = (date(2023, 12, 31) - day).days + 1
    contracts = [c.value for c in Contract]
    providers = -(-args.offers // len(contracts))
    statuses = ["aangeboden"] * 8 + ["in_onderhandeling", "tegenvoorstel"]
    with app.app_context():
        delete_all_data()
        db.session.commit()
        start = time.perf_counter()
        now = datetime(2023, 9, 1, 9, tzinfo=timezone.utc)
        for lo in range(0, providers, 5000):
            db.session.execute(insert(Provider), [
                dict(agb=f"9{n:07d}", name=f"Apotheek Bench {n}", provider_type="openbare_apotheek",
                     address=f"Dorpsstraat {n}", postcode="1234 AB", city="Utrecht", region="",
                     kvk="", contact_email=f"apotheek{n}@bench.example", size_rank=None,
                     riz_contra_indication=False, improvement_agreements="geen")
                for n in range(lo, min(lo + 5000, providers))])
        ids = db.session.scalars(select(Provider.id).order_by(Provider.id)).all()
        rows = []
        for n in range(args.offers):
            rows.append(dict(provider_id=ids[n // len(contracts)],
                             contract=contracts[n % len(contracts)], policy_year=2024,
                             relation="aflopend", rule="bench", negotiable=True,
                             channel="vecozo", final_channel="vecozo",
                             deadline=day + timedelta(days=(n * 7919) % spread),
                             status=statuses[n % len(statuses)], version=2, document_id=None,
                             batch=None, issued_at=now))
            if len(rows) == 10_000:
                db.session.execute(insert(Offer), rows)
                rows = []
        if rows:
            db.session.execute(insert(Offer), rows)
        db.session.commit()
        inserted = time.perf_counter() - start

        window = day + timedelta(days=DEFAULT_OFFSETS[0])
        found = db.session.scalar(select(func.count()).select_from(Offer)
                                  .where(Offer.deadline.between(day, window)))
        query_times, expiry_query_times, scans, repeats = [], [], [], []
        reminders = expired = 0
        profiler = cProfile.Profile() if args.profile else None
        for n in range(args.repeats):
            # every run a first scan of the day: the reminders of the day are not there yet
            db.session.execute(delete(Notification))
            db.session.commit()
            if profiler and n == 0:
                profiler.enable()
            start = time.perf_counter()
            reminders = send_reminders(day).reminders_sent
            expired = expire_and_escalate(day, day).expired
            db.session.commit()
            scans.append(time.perf_counter() - start)
            if profiler and n == 0:
                profiler.disable()
            start = time.perf_counter()  # the same scan again: everything done already
            send_reminders(day)
            expire_and_escalate(day, day)
            db.session.commit()
            repeats.append(time.perf_counter() - start)
            start = time.perf_counter()
            listed = len(list(open_deadlines(due_from=day, due_to=window)))
            query_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            len(list(open_deadlines(due_to=day - timedelta(days=1))))
            expiry_query_times.append(time.perf_counter() - start)
            db.session.rollback()

    print(f"scan bench: {args.offers:,} open offers ({providers:,} providers) with deadlines "
          f"{day} .. 2023-12-31, on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, "
          f"{os.cpu_count()} cores; median of {args.repeats}")
    print(f"  rows inserted            {inserted:8.2f} s (not in the figures below)")
    print(f"  in the 14-day window     {found:8,} offers; {reminders:,} reminders inserted, "
          f"{expired} expired")
    print(f"  scan (reminders+expiry)  {statistics.median(scans):8.3f} s   first scan of the day")
    print(f"  same scan again          {statistics.median(repeats):8.3f} s   nothing new")
    print(f"  window query alone       {statistics.median(query_times):8.3f} s   "
          f"{listed:,} deadlines")
    print(f"  expiry query alone       {statistics.median(expiry_query_times):8.3f} s")
    if profiler:
        _report(profiler, args.profile)  # the first scan of the first run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("which", nargs="?", choices=("campaign", "bulk", "scan", "all"),
                        default="all")
    parser.add_argument("--database-url", help="a database URL (default: a new SQLite file); "
                                               "it is emptied first")
    parser.add_argument("--providers", type=int, default=2500)
    parser.add_argument("--from", dest="start", default="2023-05-01")
    parser.add_argument("--to", dest="end", default="2024-01-01")
    parser.add_argument("--profile", nargs="?", const="-", default=None,
                        help="cProfile the replay; print the top 40, and write to FILE if given")
    parser.add_argument("--bulk-offers", type=int, default=2500,
                        help="offers of the bulk bench (the register is sized for it)")
    parser.add_argument("--milestone", default="fz_aflopend_aanbod", help="of the bulk bench")
    parser.add_argument("--offers", type=int, default=100_000, help="open offers of the scan bench")
    parser.add_argument("--repeats", type=int, default=5, help="runs of the scan bench")
    args = parser.parse_args()
    if args.which in ("campaign", "all"):
        campaign(args)
    if args.which in ("bulk", "all"):
        bulk_bench(args)
    if args.which in ("scan", "all"):
        scan_bench(args)


if __name__ == "__main__":
    main()
