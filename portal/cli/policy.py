"""`portal policy ...`: decisions, the decision table and the diff between two years."""
from __future__ import annotations

import json
from datetime import date

import click
from flask import current_app
from flask.cli import ScriptInfo

from contracts.campaign import year_in_force
from contracts.cases import parse_case
from contracts.diff import diff
from contracts.engine import decide
from contracts.formatting import nl_date
from contracts.policy import load_policy
from contracts.report import decision_table, diff_text
from portal.inputs import read_stdin


def dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def simulated_today() -> date:
    """The portal's simulated date, for a default that follows it: the portal is loaded (and its
    database read) only when a command asks, so that a year given outright needs neither."""
    from portal.operations.clock import today

    if not current_app:
        context = click.get_current_context()
        context.with_resource(context.ensure_object(ScriptInfo).load_app().app_context())
    return today()


@click.group()
def policy():
    """The procurement policy of a contract year (seed 002) and decisions under it."""


@policy.command("decide")
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
def decide_command(as_json: bool):
    """Read one case as JSON on stdin and print the policy's decision for it."""
    decision = decide(parse_case(read_stdin(field="case")))
    if as_json:
        dump(decision.as_json())
        return
    out = decision.as_json()
    for key in ("route", "document", "negotiable", "channel", "final_channel", "deadline",
                "exclusion"):
        value = out[key]
        if key == "deadline" and decision.deadline:
            value = nl_date(decision.deadline)
        click.echo(f"{key:<14}{'-' if value is None else value}")
    click.echo("reasons:")
    for reason in decision.reasons:
        click.echo(f"  - {reason}")


@policy.command()
@click.option("--year", type=int, default=None,
              help="Contract year; default the year in force on the simulated date.")
def table(year: int | None):
    """Print the whole decision table of a contract year."""
    if year is None:
        year = year_in_force(simulated_today())
    click.echo(decision_table(load_policy(year)))


@policy.command("diff")
@click.argument("before", type=int)
@click.argument("after", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as a JSON list.")
def diff_command(before: int, after: int, as_json: bool):
    """Show what changed between the policies of two contract years (e.g. 2023 2024)."""
    old, new = load_policy(before), load_policy(after)
    changes = diff(old, new)
    if as_json:
        dump([c.as_json() for c in changes])
    else:
        click.echo(diff_text(old, new, changes), nl=False)
