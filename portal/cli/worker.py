"""`portal worker`: runs the bulk-issue batches that managers request in the portal."""
from __future__ import annotations

import logging
import time

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..operations.batches import next_waiting, run_batch

log = logging.getLogger(__name__)


def run_waiting(echo=click.echo) -> tuple[int, int]:
    """Run every waiting batch, oldest first, until none waits: (batches run, batches failed).

    A failed batch is marked `mislukt` by run_batch and left for a manager to request again; the
    worker goes on with the next one.
    """
    ran = failed = 0
    tried: set[int] = set()
    while (batch := next_waiting()) is not None:
        batch_id, key = batch.id, batch.key
        if batch_id in tried:  # it failed before it could be marked: leave it for the next look
            break
        tried.add(batch_id)
        try:
            done = run_batch(batch_id)
        except Exception as error:  # run_batch has recorded it on the batch; keep serving
            db.session.rollback()
            failed += 1
            log.exception("batch %s (%s) failed", batch_id, key)
            echo(f"batch {batch_id} {key}: mislukt: {type(error).__name__}: {error}")
        else:
            ran += 1
            echo(f"batch {batch_id} {key}: {done.status}, {done.done}/{done.total} "
                 f"({done.excluded} uitgesloten)")
        finally:
            db.session.expire_all()  # read the next batch, and its offers, fresh
    return ran, failed


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the batches waiting now, then stop.")
@click.option("--interval", type=click.FloatRange(min=0.05), default=1.0, show_default=True,
              help="Seconds between looks for waiting batches.")
@with_appcontext
def worker(once: bool, interval: float):
    """Run the bulk issues of offers that managers request (one batch at a time, until stopped).

    Each batch commits its progress as it goes, so the portal's progress page can follow it;
    a batch run again issues nothing twice.
    """
    try:
        while True:
            try:
                ran, failed = run_waiting()
            except SQLAlchemyError:
                if once:
                    raise
                log.exception("cannot read the batches; trying again in %s s", interval)
                ran = failed = 0
            db.session.remove()  # end the transaction, so the next look sees new requests
            if once:
                if failed:
                    raise click.ClickException(f"{failed} batch(es) failed")
                if not ran:
                    click.echo("geen wachtende batches")
                return
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("worker gestopt")
