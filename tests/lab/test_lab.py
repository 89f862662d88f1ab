"""The policy lab (lab/, contracts.lab): replays on copies of the register that leave the live
database as it was, and the lab's own checks of itself (issue 19):

- comparing a policy with itself shows no difference;
- a variant that only renames its title shows no difference;
- a variant with two lowest years instead of three excludes at least everyone the base excludes.

The register is the demo's (2,500 providers), loaded in a database of this module's own (the
replays read it from processes of their own, so it must be committed). The replays run a
shorter window than the full campaign (the 15 September offers and their answer terms).
"""
import hashlib
import io
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, inspect, select, table, text

from contracts.policy import load_policy
from contracts.variants import load_variant
from lab.run import Window, run_comparison
from portal.config import normalise_database_url
from tests.support.databases import own_database  # noqa: F401  (fixture)

PORTAL = Path(sys.executable).with_name("portal")
WINDOW = Window(date(2023, 9, 14), date(2023, 11, 15))
TWO_YEARS = {"variant": "twee-jaren", "base": 2024,
             "exclusion_grounds": {"bijlage2_fz": {"consecutive_lowest_years": 2}}}

pytestmark = pytest.mark.db


def portal(url, *args, check=True):
    return subprocess.run([str(PORTAL), *args], capture_output=True, text=True, check=check,
                          env={**os.environ, "DATABASE_URL": url})


@pytest.fixture(scope="module")
def register(own_database):  # noqa: F811
    portal(own_database, "demo", "load", "--no-applications", "--from", "2023-05-01")
    return own_database


@pytest.fixture(scope="module")
def with_itself(register):
    return run_comparison(register, load_policy(2024), load_policy(2024), window=WINDOW)


def fingerprint(url: str) -> dict[str, str]:
    """Every table of the database, as a hash of its rows in key order."""
    engine = create_engine(normalise_database_url(url))
    found = {}
    with engine.connect() as connection:
        for name in sorted(inspect(connection).get_table_names()):
            rows = connection.execute(select(text("*")).select_from(table(name))).all()
            found[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    engine.dispose()
    return found


def test_a_policy_compared_with_itself_shows_no_difference(with_itself):
    assert with_itself["changed_providers"] == []
    left, right = with_itself["base"], with_itself["variant"]
    assert {k: v for k, v in left.items() if k != "policy"} == {
        k: v for k, v in right.items() if k != "policy"}
    assert all(v in (0, "0.00") for v in with_itself["delta"].values())
    # and it did replay a campaign: the 15 September offers went out and were answered
    assert left["offers"]["issued"] > 1000 and left["answers"]["accepted"] > 500
    assert sum(week["offers_issued"] for week in left["workload_by_week"].values()) >= \
        left["offers"]["issued"]


def test_a_variant_that_only_renames_its_title_shows_no_difference(register, with_itself):
    renamed = load_variant({"variant": "andere-titel", "base": 2024, "title": "Een andere titel"})
    compared = run_comparison(register, load_policy(2024), renamed.policy, window=WINDOW)
    assert compared["changed_providers"] == []
    assert compared["variant"]["policy"]["title"] == "Een andere titel"
    for key in ("offers", "refusals", "exclusions", "answers", "workload_by_week", "spend_eur"):
        assert compared["variant"][key] == with_itself["base"][key], key


def test_two_lowest_years_exclude_at_least_everyone_three_do(register, with_itself):
    two = load_variant(TWO_YEARS)
    compared = run_comparison(register, load_policy(2024), two.policy, window=WINDOW)

    def excluded(side):
        return {(c["agb"], c["contract"]) for c in compared["changed_providers"]
                if c[side]["exclusion"]}

    base_total = compared["base"]["exclusions"]["total"]
    assert base_total == with_itself["base"]["exclusions"]["total"] > 0
    assert compared["variant"]["exclusions"]["total"] > base_total
    assert excluded("base") <= excluded("variant")  # none excluded by the base is let in
    newly = [c for c in compared["changed_providers"] if c["variant"]["exclusion"]
             and not c["base"]["exclusion"]]
    assert len(newly) == compared["variant"]["exclusions"]["total"] - base_total
    for change in newly:  # each with the reasons of both decisions
        assert any("bijlage2_fz" in reason for reason in change["variant"]["reasons"])
        assert change["base"]["route"] == "aanbod" and change["base"]["reasons"]


def test_the_cli_compares_and_leaves_the_live_database_as_it_was(register, tmp_path):
    variant = tmp_path / "twee-jaren.yaml"
    variant.write_text(json.dumps(TWO_YEARS))  # JSON is YAML
    before = fingerprint(register)
    run = portal(register, "lab", "compare", "--policy", "2024", "--variant", str(variant),
                 "--from", "2023-09-14", "--to", "2023-10-31", "--json",
                 "--csv", str(tmp_path / "lab.csv"), "--xlsx", str(tmp_path / "lab.xlsx"))
    assert fingerprint(register) == before
    comparison = json.loads(run.stdout)
    for side in ("base", "variant"):
        assert {"offers", "exclusions", "answers", "workload_by_week", "spend_eur"} <= set(comparison[side])
    assert comparison["changed_providers"]
    assert [d["field"] for d in comparison["differences"]] == [
        "exclusion_grounds.bijlage2_fz.consecutive_lowest_years"]
    assert "Vergelijken" in run.stderr  # the progress bar
    csv = (tmp_path / "lab.csv").read_bytes()
    assert csv.startswith("\ufefftabel;onderwerp;basis;variant;verschil".encode())
    assert f"Overzicht;uitsluitingen;{comparison['base']['exclusions']['total']};" \
           f"{comparison['variant']['exclusions']['total']}".encode() in csv
    book = load_workbook(io.BytesIO((tmp_path / "lab.xlsx").read_bytes()), read_only=True)
    assert "Werklast per week" in book.sheetnames
    changed = list(book["Zorgaanbieders met een andere u"].iter_rows(values_only=True))
    assert len(changed) == len(comparison["changed_providers"]) + 1


BAD = [
    (["--policy", "2024", "--variant", "{missing}"], "variant"),
    (["--policy", "1999", "--variant", "{good}"], "policy_year"),
    (["--policy", "2023", "--variant", "{good}"], "variant"),
    (["--policy", "2024", "--variant", "{unknown_rule}"], "rules.fz_bestaat_niet"),
    (["--policy", "2024", "--variant", "{outside}"], "milestones.fz_aflopend_aanbod.date"),
    (["--policy", "2024", "--variant", "{good}", "--from", "2023-10-01", "--to", "2023-09-01"], "to"),
    (["--policy", "2024"], "--variant"),
]


@pytest.mark.parametrize("args, field", BAD)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, field):
    files = {"missing": tmp_path / "nergens.yaml", "good": tmp_path / "good.yaml",
             "unknown_rule": tmp_path / "unknown.yaml", "outside": tmp_path / "outside.yaml"}
    files["good"].write_text("variant: goed\nbase: 2024\n")
    files["unknown_rule"].write_text("variant: u\nbase: 2024\nrules: {fz_bestaat_niet: {negotiable: true}}\n")
    files["outside"].write_text("variant: o\nbase: 2024\nmilestones: {fz_aflopend_aanbod: {date: 2024-09-01}}\n")
    database = f"sqlite:///{tmp_path / 'leeg.sqlite'}"
    run = portal(database, "lab", "compare", *[a.format(**files) for a in args], check=False)
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and field in run.stderr
    assert not (tmp_path / "leeg.sqlite").exists() or (tmp_path / "leeg.sqlite").stat().st_size == 0


def test_policy_diff_says_what_a_variant_changes(tmp_path):
    variant = tmp_path / "twee-jaren.yaml"
    variant.write_text(json.dumps(TWO_YEARS))
    run = portal(f"sqlite:///{tmp_path / 'x.sqlite'}", "policy", "diff", "--variant", str(variant))
    assert run.stdout.splitlines()[1].endswith(
        "achtereenvolgende jaren in de laagst scorende groep: 3 → 2")
    listed = json.loads(portal(f"sqlite:///{tmp_path / 'x.sqlite'}", "policy", "diff", "--variant",
                               str(variant), "--json").stdout)
    assert [d["before"] for d in listed] == ["3"] and [d["after"] for d in listed] == ["2"]


def test_the_portal_worker_runs_a_comparison_asked_for_in_the_portal(register):
    """What a manager asks for in the portal (a LabRun) is run by `portal lab worker`: done, with
    its progress at the end and the comparison on the run; a run the lab cannot use fails in one
    line and the worker goes on. Only the lab's own records change."""
    from portal import create_app
    from portal.extensions import db
    from portal.models import LabRun, PolicyVariant
    from portal.operations import lab as records
    from portal.operations.audit import Actor

    manager = Actor("manager@vgz.example", "contract_manager")
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(register),
                      "SECRET_KEY": "lab-worker-test-" * 4})
    with app.app_context():
        row = records.save_variant(TWO_YEARS, manager)
        run = records.request_run(row, manager, start=date(2023, 9, 14), end=date(2023, 10, 31))
        broken = PolicyVariant(name="kapot", version=1, year=2024, base="2024", title="Kapot",
                               text="variant: kapot\nbase: 2024\nrules: {bestaat_niet: {negotiable: true}}\n",
                               saved_by=manager.name)
        db.session.add(broken)
        db.session.flush()
        failing = LabRun(variant_id=broken.id, bases={}, seed=1, start=date(2023, 9, 14), end=date(2023, 9, 20),
                         total=14, requested_by=manager.name)
        db.session.add(failing)
        db.session.commit()
        run_id, failing_id = run.id, failing.id
        db.session.remove()  # its connection back in the pool before the pool is closed
        db.engine.dispose()
    before = fingerprint(register)
    worker = portal(register, "lab", "worker", "--once")
    assert "vergelijking twee-jaren versie 1: klaar" in worker.stdout
    assert "vergelijking kapot versie 1: mislukt" in worker.stdout
    after = fingerprint(register)
    assert {name for name in before if before[name] != after[name]} == {"lab_runs", "audit_log"}
    with app.app_context():
        done, failed = db.session.get(LabRun, run_id), db.session.get(LabRun, failing_id)
        assert (done.status, done.done, done.total) == ("klaar", 2 * 48, 2 * 48)
        comparison = done.comparison
        assert (comparison["start"], comparison["end"], comparison["seed"]) == ("2023-09-14", "2023-10-31", 1)
        assert comparison["variant"]["exclusions"]["total"] > comparison["base"]["exclusions"]["total"]
        assert [d["field"] for d in comparison["differences"]] == [
            "exclusion_grounds.bijlage2_fz.consecutive_lowest_years"]
        assert failed.status == "mislukt" and "bestaat_niet" in failed.error
        assert len(failed.error.splitlines()) == 1 and failed.comparison is None
        db.session.remove()
        db.engine.dispose()
