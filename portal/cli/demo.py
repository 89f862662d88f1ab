"""`portal demo load`: fill the database with the synthetic demo register (thin over portal.demo)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from portal.demo import (DEFAULT_PROVIDERS, DEFAULT_SEED, DEMO_PASSWORD, MIN_PROVIDERS,
                         PROGRESS_TOTAL, DemoDataExists)


@click.group()
def demo():
    """Demo data: a synthetic provider register with profiles, contracts and accounts."""


@demo.command()
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same register.")
@click.option("--providers", type=click.IntRange(min=MIN_PROVIDERS), default=DEFAULT_PROVIDERS,
              show_default=True, help="Number of providers (all types together).")
@click.option("--reset", is_flag=True,
              help="Delete all data first (providers, scores, contracts, users, offers, documents, "
                   "audit log, notifications, clock, ...).")
@click.option("--if-empty", is_flag=True,
              help="Load only into an empty database; otherwise say so and succeed (make demo).")
@with_appcontext
def load(seed: int, providers: int, reset: bool, if_empty: bool):
    """Load the demo register into the database, in one transaction.

    Refuses when the database already holds providers, unless --reset.
    """
    from portal.demo import load_demo, provider_count

    if not reset and (existing := provider_count()):
        if if_empty:
            click.echo(f"Demo data already present ({existing} providers): nothing loaded.")
            return
        raise click.ClickException(str(DemoDataExists(existing)))  # one line, before any bar
    # The bar goes to stderr, so stdout holds only the summary. (Not `click.get_text_stream`:
    # deprecated since Click 8.5, its warning is an error under the test suite's filterwarnings.)
    with click.progressbar(length=PROGRESS_TOTAL, label="Demo laden", file=sys.stderr) as bar:
        try:
            summary = load_demo(seed=seed, providers=providers, progress=bar.update, reset=reset)
        except DemoDataExists as error:
            raise click.ClickException(str(error)) from None
    types = ", ".join(f"{n} {t}" for t, n in summary.by_type.items() if n)
    click.echo(f"Loaded demo register (seed {summary.seed}) in {summary.seconds:.1f} s: "
               f"{summary.providers} providers ({types}); {summary.profile_scores} profile scores; "
               f"{summary.contracts} contracts held; {summary.applications} pending applications; "
               f"simulated date {summary.today:%d-%m-%Y}.")
    click.echo(f"Excluded by Bijlage 2 through the profile model: {len(summary.excluded)} "
               f"({', '.join(summary.excluded) or '-'}).")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    width = max(len(a.email) for a in summary.accounts)
    for account in summary.accounts:
        organisation = account.provider_name or "VGZ"
        click.echo(f"  {account.email:<{width}}  {account.role:<18}  {organisation}")
