"""`portal policy ...`: decisions, the decision table and the diff between two years."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import ScriptInfo

from contracts.campaign import year_in_force
from contracts.cases import parse_case
from contracts.diff import diff
from contracts.engine import decide
from contracts.formatting import nl_date
from contracts.errors import CaseError
from contracts.policy import load_policy
from contracts.variants import Variant, differences, load_variant, parse
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
@click.argument("before", type=int, required=False)
@click.argument("after", type=int, required=False)
@click.option("--variant", "variant_file", type=click.Path(path_type=Path), default=None,
              help="A variant's YAML file (the policy lab): what it changes against its base.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as a JSON list.")
def diff_command(before: int | None, after: int | None, variant_file: Path | None, as_json: bool):
    """Show what changed between the policies of two contract years (e.g. 2023 2024), or what a
    variant changes against its base (--variant FILE)."""
    if variant_file is not None:
        if before is not None:
            raise click.UsageError("--variant: give the file alone, its base is in it")
        variant = read_variant(variant_file)
        found = differences(variant.parent, variant.policy)
        if as_json:
            dump([d.as_json() for d in found])
        else:
            click.echo(f"{variant.name}: wat de variant verandert tegenover {variant.base}")
            click.echo("\n".join(f"  {d.line()}" for d in found) or "  niets")
        return
    if before is None or after is None:
        raise click.UsageError("diff: two contract years (e.g. 2023 2024), or --variant FILE")
    old, new = load_policy(before), load_policy(after)
    changes = diff(old, new)
    if as_json:
        dump([c.as_json() for c in changes])
    else:
        click.echo(diff_text(old, new, changes), nl=False)


def read_variant(path: Path) -> Variant:
    """The variant in the YAML file `path`; a base named by name is the file `<name>.yaml` beside
    it. VariantError (one line naming the field) if the lab cannot use it."""
    def resolve(name: str):
        sibling = path.parent / f"{name}.yaml"
        return parse(sibling.read_text(encoding="utf-8")) if sibling.is_file() else None

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or "geen tekstbestand"
        raise CaseError("variant", f"{path}: {why}") from None
    return load_variant(text, resolve)
