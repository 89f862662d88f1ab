"""`portal shortages ...`: the weekly preference file and the register of shortages (seed 004).

Bad input (a week that is not an ISO week, an --out that cannot be written) gets one line on
stderr, exit status 2 and nothing on stdout; the portal group maps the domain's CaseError and
the OSError of a path to that.
"""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext

from contracts.shortageimport import check_shortage_import
from contracts.shortages import parse_week, term, write_csv
from contracts.substitution import check_substitution
from portal.inputs import read_stdin


@click.group()
def shortages():
    """Medicine shortages: notices and the weekly preference file."""


@shortages.command("preference-file")
@click.option("--week", required=True, metavar="YYYY-Www",
              help="The ISO week, e.g. 2023-W40: the status on its Monday.")
@click.option("--out", required=True, metavar="FILE",
              help="Where to write the CSV (`-`: standard output).")
@with_appcontext
def preference_file(week: str, out: str):
    """Write the weekly preference file: every product's preference status on the Monday of
    WEEK and what changed since the week before, as `;`-separated UTF-8 CSV with BOM
    (agreement 5d, phase 1)."""
    from portal.operations.shortages import preference_file as lines_for

    week = week.strip()
    parse_week(week)  # a bad week is refused before anything is read or written
    lines = lines_for(week)
    data = write_csv(lines)
    changed = sum(1 for line in lines if line.changed)
    if out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    with open(out, "wb") as handle:  # a missing or read-only folder: the group's one line
        handle.write(data)
    click.echo(f"{out}: week {week}, {len(lines)} products, {changed} changed since the week before")


@shortages.command("list")
@click.option("--all", "everything", is_flag=True, help="Also the shortages that have ended.")
@with_appcontext
def list_shortages(everything: bool):
    """List the registered shortages, open ones first."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Shortage

    query = select(Shortage).order_by(Shortage.state == "opgelost", Shortage.started_on.desc())
    if not everything:
        query = query.where(Shortage.state != "opgelost")
    for shortage in db.session.scalars(query):
        end = shortage.ended_on or shortage.expected_end
        click.echo(f"{shortage.id:>5}  {shortage.product.zindex}  {term(shortage.state):<16}"
                   f"{shortage.started_on.isoformat()}  {end.isoformat() if end else '-':<10}  "
                   f"v{shortage.current_version}  {shortage.product.name}")


@shortages.command("demo-products")
@with_appcontext
def demo_products():
    """Add the demo product register (omeprazol, metformine, levothyroxine); safe to run twice."""
    from portal.extensions import db
    from portal.operations.shortages import load_demo_products

    added = load_demo_products()
    db.session.commit()
    click.echo(f"{added} products added")


def _answer(answer: dict, as_json: bool, keys: tuple[str, ...]) -> None:
    if as_json:
        click.echo(json.dumps(answer, ensure_ascii=False, indent=2))
        return
    for key in keys:
        value = answer[key]
        click.echo(f"{key:<16}{('ja' if value else 'nee') if isinstance(value, bool) else value}")
    for key in ("reasons", "open_points"):
        click.echo(f"{key}:")
        for line in answer[key]:
            click.echo(f"  - {line}")


@shortages.command("import-check")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def import_check(as_json: bool):
    """May I dispense an import medicine that replaces one in short supply? (seed 004, 003)

    \b
    stdin: {"shortage": true, "ground": "vrijstelling"|"cbg_vergunning",
            "rational_pharmacotherapy": true,
            "exemption": true, "doctors_order": true,            (vrijstelling)
            "not_available_in_nl": true, "available_in_eu": true, (cbg_vergunning)
            "in_g_standaard": true,
            "equivalent_to_registered": false, "ministerial_exception": false}
    Only `shortage` is required, and `ground` with a shortage. Not the rare-indication import
    (`portal check import-claim`): no prevalence is asked.

    \b
    stdout: {"route": "declareren_z_index"|"declaratie_navragen"|"eerst_vrijstelling"
                      |"eerst_artsenverklaring"|"niet_afleveren"|"zeldzame_indicatie",
             "entitled": bool, "reasons": [...], "open_points": [...]}
    """
    _answer(check_shortage_import(read_stdin(field="case")).as_json(), as_json,
            ("route", "entitled"))


@shortages.command("substitution")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def substitution_check(as_json: bool):
    """May I, the pharmacist, replace a medicine during a shortage? (seed 004 agreement 3)

    \b
    stdin: {"shortage": true, "national": true, "same_substance": false,
            "local_agreement": true}
    stdout: {"route": "geen_tekort"|"wisselen_zelfde_stof"|"voorschrijver_raadplegen"
                      |"substitueren_lokale_afspraak",
             "may_substitute": bool, "reasons": [...], "open_points": [...]}
    """
    _answer(check_substitution(read_stdin(field="case")).as_json(), as_json,
            ("route", "may_substitute"))
