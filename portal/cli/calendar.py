"""`portal calendar`: the procurement calendar (Planning zorginkoop) of a year."""
from __future__ import annotations

import click

from contracts.campaign import policy_in_force
from contracts.ics import calendar_ics
from contracts.policy import policy_for_calendar_year
from contracts.report import calendar_text

from .policy import dump, simulated_today


@click.command("calendar")
@click.option("--year", type=int, default=None,
              help="Calendar year of the procurement (2023 for contract year 2024); default the "
                   "campaign in force on the simulated date.")
@click.option("--json", "as_json", is_flag=True, help="Print the milestones as a JSON list.")
@click.option("--ics", "as_ics", is_flag=True, help="Print an iCalendar file.")
def calendar_command(year: int | None, as_json: bool, as_ics: bool):
    """Print the milestones of the procurement calendar of a year."""
    if as_json and as_ics:
        raise click.UsageError("--json and --ics: choose one")
    policy = (policy_in_force(simulated_today()) if year is None
              else policy_for_calendar_year(year))
    milestones = policy.calendar()
    if as_json:
        dump([m.as_json() for m in milestones])
    elif as_ics:
        click.echo(calendar_ics(policy, milestones).decode("utf-8"), nl=False)
    else:
        click.echo(calendar_text(policy, milestones))
