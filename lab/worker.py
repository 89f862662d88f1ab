"""`portal lab worker`: runs the comparisons managers ask for in the portal (LabRun), one at a
time, each as `portal lab compare` does, writing its progress for the portal's progress page and
its comparison for the report page."""
from __future__ import annotations

import logging
import time

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from contracts.campaign import Window
from contracts.policy import load_policy
from contracts.variants import differences
from portal.extensions import db
from portal.operations import lab as records

from .run import run_comparison

log = logging.getLogger(__name__)

#: The progress page refreshes every few seconds: a write per half second is plenty.
PROGRESS_EVERY_S = 0.5


def run_one(run_id: int) -> bool:
    """Run a claimed comparison to its end: `klaar` with the comparison, or `mislukt` with the
    error in one line. True if it is done."""
    run = db.session.get(records.LabRun, run_id)
    try:
        variant = records.checked(run.variant, run.bases)
        base = load_policy(variant.year)
        window = Window(run.start, run.end)
        seed = run.seed
        source = db.engine.url.render_as_string(hide_password=False)
        db.session.commit()  # no transaction held open while the replays run
        last = [0.0]

        def progress(done: int, total: int, what: str) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S or done == total:
                last[0] = now
                records.report_progress(run_id, done)

        comparison = run_comparison(source, base, variant.policy, seed=seed, window=window,
                                    progress=progress, differences=differences(base, variant.policy))
    except Exception as error:  # the run says it; the worker goes on with the next
        log.exception("lab run %s failed", run_id)
        records.fail(run_id, f"{type(error).__name__}: {error}")
        return False
    records.finish(run_id, comparison)
    return True


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the comparisons waiting now, then stop.")
@click.option("--interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between looks for waiting comparisons.")
@with_appcontext
def worker_command(once: bool, interval: float):
    """Run the comparisons managers ask for in the portal, one at a time, until stopped."""
    try:
        while True:
            try:
                run = records.claim_next()
            except SQLAlchemyError:
                if once:
                    raise
                log.exception("cannot read the comparisons; trying again in %s s", interval)
                db.session.rollback()
                run = None
            if run is not None:
                name, version, run_id = run.variant.name, run.variant.version, run.id
                done = run_one(run_id)
                click.echo(f"vergelijking {name} versie {version}: {'klaar' if done else 'mislukt'}")
                db.session.remove()
                continue
            db.session.remove()
            if once:
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("beleidslab-worker gestopt")
