"""`portal worker`: runs the bulk-issue batches that managers request in the portal."""
from __future__ import annotations

import logging
import time

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..operations.batches import run_waiting

log = logging.getLogger(__name__)


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
                ran, failed = run_waiting(click.echo)
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
