"""`portal demo load|reset|story`: the synthetic demo register, and the story the demo tells on its
date (thin over portal.demo)."""
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
@click.option("--applications/--no-applications", default=True, show_default=True,
              help="A few applications of new providers, received in the weeks before the load "
                   "date (make demo has them come in before the demo's date: `demo story`).")
@with_appcontext
def load(seed: int, providers: int, reset: bool, if_empty: bool, applications: bool):
    """Load the demo register into the database, in one transaction.

    Refuses when the database already holds providers, unless --reset.
    """
    from portal.demo import provider_count

    if not reset and (existing := provider_count()):
        if if_empty:
            click.echo(f"Demo data already present ({existing} providers): nothing loaded.")
            return
        raise click.ClickException(str(DemoDataExists(existing)))  # one line, before any bar
    _load(seed, providers, reset=reset, applications=applications)


@demo.command()
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed: the same seed gives the same register.")
@click.option("--providers", type=click.IntRange(min=MIN_PROVIDERS), default=DEFAULT_PROVIDERS,
              show_default=True, help="Number of providers (all types together).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def reset(seed: int, providers: int, yes: bool):
    """Start the demo over: delete all data (offers, documents, messages, accounts, audit log,
    ...) and load the register afresh on 01-05-2023. `make demo` then replays the campaign to
    its date and sets the story again."""
    if not yes:
        click.confirm("Alle gegevens van deze database verwijderen en de demo opnieuw laden?",
                      abort=True, err=True)
    _load(seed, providers, reset=True, applications=False)


@demo.command()
@click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
              help="Random seed of the register (the applicants' KvK numbers).")
@with_appcontext
def story(seed: int):
    """Set the demo's story on the simulated date: counter-proposals on the negotiable offers
    that wait for an answer (one already answered by the insurer), and applications of new
    providers received in the last weeks. What happened already is left alone (make demo runs
    it every time)."""
    from portal.demo import stage_story

    told = stage_story(seed)
    answered = " (1 answered by the insurer)" if told.answered else ""
    click.echo(f"Demo story on {told.day:%d-%m-%Y}: {_count(len(told.countered), 'counter-proposal')}"
               f"{answered}; {_count(told.applications, 'application')} received in the last "
               f"weeks.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _load(seed: int, providers: int, *, reset: bool, applications: bool) -> None:
    """Load the register with a progress bar, then say what was loaded and list the accounts."""
    from portal.demo import load_demo

    # The bar goes to stderr, so stdout holds only the summary. (Not `click.get_text_stream`:
    # deprecated since Click 8.5, its warning is an error under the test suite's filterwarnings.)
    with click.progressbar(length=PROGRESS_TOTAL, label="Demo laden", file=sys.stderr) as bar:
        try:
            summary = load_demo(seed=seed, providers=providers, progress=bar.update, reset=reset,
                                applications=applications)
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
