"""`portal calendar`: the procurement calendar (Planning zorginkoop) of a year."""
from __future__ import annotations

import click

from contracts.ics import calendar_ics
from contracts.policy import policy_for_calendar_year
from contracts.report import calendar_text

from .policy import dump


@click.command("calendar")
@click.option("--year", type=int, default=2023, show_default=True,
              help="Calendar year of the procurement (2023 for contract year 2024).")
@click.option("--json", "as_json", is_flag=True, help="Print the milestones as a JSON list.")
@click.option("--ics", "as_ics", is_flag=True, help="Print an iCalendar file.")
def calendar_command(year: int, as_json: bool, as_ics: bool):
    """Print the milestones of the procurement calendar of a year."""
    if as_json and as_ics:
        raise click.UsageError("--json and --ics: choose one")
    policy = policy_for_calendar_year(year)
    milestones = policy.calendar()
    if as_json:
        dump([m.as_json() for m in milestones])
    elif as_ics:
        click.echo(calendar_ics(policy, milestones).decode("utf-8"), nl=False)
    else:
        click.echo(calendar_text(policy, milestones))
