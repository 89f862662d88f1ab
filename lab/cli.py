"""`portal lab compare`: replay a campaign under a base policy and a variant, and compare them.
Joined to the `portal` CLI through the `flask.commands` entry point, as the scheduler is."""
from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import click
from flask.cli import with_appcontext

from contracts.campaign import Window
from contracts.errors import CaseError
from contracts.formatting import euro, nl_date
from contracts.lab import ANSWERS, outcome_words, tables
from contracts.policy import load_policy
from contracts.variants import differences
from contracts.vocabulary import Contract, dutch
from portal.cli.policy import read_variant
from portal.exports import tables_csv, tables_xlsx
from portal.extensions import db

from .run import run_comparison
from .worker import worker_command


@click.group("lab")
def lab_group():
    """The policy lab: what would a variant of the policy have done to a campaign?"""


lab_group.add_command(worker_command)


@lab_group.command("compare")
@click.option("--policy", "year", type=int, required=True,
              help="The contract year whose campaign is replayed, under its own policy (the base).")
@click.option("--variant", "variant_file", type=click.Path(path_type=Path), required=True,
              help="The variant's YAML file (base: a year, or another variant beside it).")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Seed of the simulated answers, the same for both replays.")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="First day (default: the day the campaign opens).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Last day (default: 31 January of the contract year).")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
@click.option("--csv", "csv_file", type=click.Path(path_type=Path), default=None,
              help="Also write the comparison as CSV (as Dutch Excel opens it).")
@click.option("--xlsx", "xlsx_file", type=click.Path(path_type=Path), default=None,
              help="Also write the comparison as an Excel workbook.")
@with_appcontext
def compare_command(year, variant_file, seed, start, end, as_json, csv_file, xlsx_file):
    """Replay the campaign of --policy on a copy of the register under its own policy and under
    the variant, both at once, with the same seed; print what differs. The live database is
    only read."""
    base = load_policy(year)
    variant = read_variant(variant_file)
    if variant.year != year:
        raise CaseError("variant", f"{variant.name} is een variant van {variant.year}, "
                                   f"niet van {year}")
    window = Window.checked(base, start.date() if start else None, end.date() if end else None)
    source = db.engine.url.render_as_string(hide_password=False)
    with click.progressbar(length=2 * window.days, label="Vergelijken", file=sys.stderr,
                           show_pos=True) as bar:
        def progress(done, total, what):
            bar.update(done - bar.pos, what)

        comparison = run_comparison(source, base, variant.policy, seed=seed, window=window,
                                    progress=progress,
                                    differences=differences(base, variant.policy))
    if csv_file:
        csv_file.write_bytes(tables_csv(tables(comparison)))
    if xlsx_file:
        xlsx_file.write_bytes(tables_xlsx(tables(comparison)))
    if as_json:
        click.echo(json.dumps(comparison, ensure_ascii=False))
    else:
        click.echo(describe(comparison))


def describe(comparison: dict) -> str:
    """The comparison as a few lines of text."""
    base, variant, delta = comparison["base"], comparison["variant"], comparison["delta"]
    lines = [f"Beleidslab: {base['policy']['title']} tegenover {variant['policy']['title']}",
             f"Campagne {nl_date(date.fromisoformat(comparison['start']))} t/m "
             f"{nl_date(date.fromisoformat(comparison['end']))}, "
             f"seed {comparison['seed']} ({comparison['timing']['replays_s']} s)", ""]
    if comparison["differences"]:
        lines.append("Wat de variant verandert:")
        lines += [f"  {d['subject']}: {d['before']} → {d['after']}" for d in comparison["differences"]]
        lines.append("")
    lines.append(f"  {'':<28}{'basis':>16}{'variant':>16}{'verschil':>16}")

    def row(label, left, right, change):
        lines.append(f"  {label:<28}{left:>16}{right:>16}{change:>16}")

    for label, key in (("aanbiedingen", "offers"), ("weigeringen", "refusals"),
                       ("uitsluitingen", "exclusions")):
        row(label, base[key]["total"], variant[key]["total"], f"{delta[key]:+d}")
    row("aanvraag via de website", base["offers"]["on_application"],
        variant["offers"]["on_application"], f"{delta['on_application']:+d}")
    for kind, label in zip(ANSWERS, ("aanvaard", "afgewezen", "na onderhandeling",
                                     "verlopen", "open"), strict=True):
        row(label, base["answers"][kind], variant["answers"][kind], f"{delta[kind]:+d}")
    change = Decimal(delta["spend_eur"])
    lines.append(f"  {'tariefuitgaven (gesimuleerd)':<26}")
    row("", euro(base["spend_eur"]["total"]), euro(variant["spend_eur"]["total"]),
        ("+" if change > 0 else "") + euro(change))
    lines.append("")
    lines.append(f"Zorgaanbieders met een andere uitkomst: {len(comparison['changed_providers'])}")
    for change in comparison["changed_providers"][:20]:
        lines.append(f"  {change['agb']} {change['name']} ({dutch(Contract(change['contract']))}): "
                     f"{outcome_words(change['base'])} → {outcome_words(change['variant'])}")
    if len(comparison["changed_providers"]) > 20:
        lines.append(f"  … en {len(comparison['changed_providers']) - 20} meer (--json, --csv)")
    return "\n".join(lines)
