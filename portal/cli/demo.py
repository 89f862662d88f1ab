"""`portal demo load|reset|story`: the synthetic demo register, and the story the demo tells on its
date (thin over the top-level `demo` package, which is not part of the portal: it is imported
inside the commands only, so the portal never loads it otherwise)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from contracts.formatting import nl_date


def _demo_default(name: str):
    """The demo's own default `name`, read when a command runs (not when the CLI is built)."""
    def default():
        import demo
        return getattr(demo, name)
    return default


def _register_size(ctx, param, providers: int) -> int:
    from demo import MIN_PROVIDERS

    if providers < MIN_PROVIDERS:
        raise click.BadParameter(f"{providers} is less than {MIN_PROVIDERS}")
    return providers


def from_option():
    return click.option(
        "--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None,
        help="The date the register stands on, and the simulated date after the load (default: "
             "the day the latest campaign in the policy data opens). A date in an earlier year "
             "starts an earlier campaign: `--from 2022-05-01`, then `portal simulate --to "
             "2024-01-01` runs two campaigns in sequence.")


def seed_option(help_text: str):
    return click.option("--seed", type=int, default=_demo_default("DEFAULT_SEED"),
                        show_default="the demo's", help=help_text)


def providers_option():
    return click.option("--providers", type=int, default=_demo_default("DEFAULT_PROVIDERS"),
                        callback=_register_size, show_default="the demo's",
                        help="Number of providers (all types together; the demo has a minimum).")


@click.group()
def demo():
    """Demo data: a synthetic provider register with profiles, contracts and accounts."""


@demo.command()
@seed_option("Random seed: the same seed gives the same register.")
@providers_option()
@click.option("--reset", is_flag=True,
              help="Delete all data first (providers, scores, contracts, users, offers, documents, "
                   "audit log, notifications, clock, ...).")
@click.option("--if-empty", is_flag=True,
              help="Load only into an empty database; otherwise say so and succeed (make demo).")
@click.option("--applications/--no-applications", default=True, show_default=True,
              help="A few applications of new providers, received in the weeks before the load "
                   "date (make demo has them come in before the demo's date: `demo story`).")
@from_option()
@with_appcontext
def load(seed: int, providers: int, reset: bool, if_empty: bool, applications: bool, start):
    """Load the demo register into the database, as it stood on the start date, in one
    transaction.

    Refuses when the database already holds providers, unless --reset.
    """
    from demo import DemoDataExists, provider_count

    if not reset and (existing := provider_count()):
        if if_empty:
            click.echo(f"Demo data already present ({existing} providers): nothing loaded.")
            return
        raise click.ClickException(str(DemoDataExists(existing)))  # one line, before any bar
    _load(seed, providers, reset=reset, applications=applications,
          start=start.date() if start else None)


@demo.command()
@seed_option("Random seed: the same seed gives the same register.")
@providers_option()
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@from_option()
@with_appcontext
def reset(seed: int, providers: int, yes: bool, start):
    """Start the demo over: delete all data (offers, documents, messages, accounts, audit log,
    ...) and load the register afresh, by default on the day the latest campaign opens
    (01-05-2023 with the 2024 policy). `make demo` then replays the campaign to its date and
    sets the story again."""
    if not yes:
        click.confirm("Alle gegevens van deze database verwijderen en de demo opnieuw laden?",
                      abort=True, err=True)
    _load(seed, providers, reset=True, applications=False, start=start.date() if start else None)


@demo.command()
@seed_option("Random seed of the register (the applicants' KvK numbers).")
@with_appcontext
def story(seed: int):
    """Set the demo's story on the simulated date: counter-proposals on the negotiable offers
    that wait for an answer (one already answered by the insurer), and applications of new
    providers received in the last weeks. What happened already is left alone (make demo runs
    it every time)."""
    from demo import stage_story

    told = stage_story(seed)
    answered = " (1 answered by the insurer)" if told.answered else ""
    click.echo(f"Demo story on {nl_date(told.day)}: {_count(len(told.countered), 'counter-proposal')}"
               f"{answered}; {_count(told.applications, 'application')} received in the last "
               f"weeks.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _load(seed: int, providers: int, *, reset: bool, applications: bool, start=None) -> None:
    """Load the register with a progress bar, then say what was loaded and list the accounts."""
    from demo import DEMO_PASSWORD, PROGRESS_TOTAL, DemoDataExists, load_demo

    # The bar goes to stderr, so stdout holds only the summary. (Not `click.get_text_stream`:
    # deprecated since Click 8.5, its warning is an error under the test suite's filterwarnings.)
    with click.progressbar(length=PROGRESS_TOTAL, label="Demo laden", file=sys.stderr) as bar:
        try:
            summary = load_demo(seed=seed, providers=providers, progress=bar.update, reset=reset,
                                applications=applications, start=start)
        except DemoDataExists as error:
            raise click.ClickException(str(error)) from None
    types = ", ".join(f"{n} {t}" for t, n in summary.by_type.items() if n)
    click.echo(f"Loaded demo register (seed {summary.seed}) in {summary.seconds:.1f} s: "
               f"{summary.providers} providers ({types}); {summary.profile_scores} profile scores; "
               f"{summary.contracts} contracts held; {summary.applications} pending applications; "
               f"simulated date {nl_date(summary.today)}.")
    click.echo(f"Excluded by Bijlage 2 through the profile model: {len(summary.excluded)} "
               f"({', '.join(summary.excluded) or '-'}).")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    width = max(len(a.email) for a in summary.accounts)
    for account in summary.accounts:
        organisation = account.provider_name or "VGZ"
        click.echo(f"  {account.email:<{width}}  {account.role:<18}  {organisation}")
