"""The `portal` command line, run as a user runs it: a separate process, stdin, stdout, exit status."""
import json
import subprocess
import sys
from datetime import date

import pytest
from icalendar import Calendar


def portal(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "portal", *args], input=stdin, text=True,
                          capture_output=True, timeout=60)


CASE = {"policy_year": 2024, "provider_type": "openbare_apotheek",
        "contract": "farmaceutische_zorg", "relation": "aflopend"}


def test_decide_json_prints_the_decision():
    run = portal("policy", "decide", "--json", stdin=json.dumps(CASE))
    assert run.returncode == 0, run.stderr
    decision = json.loads(run.stdout)
    assert (decision["route"], decision["deadline"], decision["negotiable"]) == (
        "aanbod", "2023-09-15", False)
    assert decision["reasons"][0].startswith("fz_aflopend_apotheken:")


def test_decide_takes_the_collective_of_the_additional_agreements():
    # "Dit addendum geldt voor de apotheekhoudenden die zich laten vertegenwoordigen door het
    # desbetreffende collectief."
    case = {**CASE, "contract": "aanvullende_afspraken", "relation": "doorlopend"}
    member = json.loads(portal("policy", "decide", "--json", stdin=json.dumps(
        {**case, "represented_by_collective": True})).stdout)
    outsider = json.loads(portal("policy", "decide", "--json", stdin=json.dumps(
        {**case, "represented_by_collective": False})).stdout)
    assert (member["route"], outsider["route"]) == ("aanbod", "geen")
    assert any(r.startswith("collectief_lid: niet in aanmerking") for r in outsider["reasons"])


def test_decide_without_json_reads_as_text_with_dutch_dates():
    run = portal("policy", "decide", stdin=json.dumps(CASE))
    assert run.returncode == 0 and "15-09-2023" in run.stdout and "reasons:" in run.stdout


@pytest.mark.parametrize("stdin, field, allowed", [
    (json.dumps({**CASE, "provider_type": "apotheek"}), "provider_type", "openbare_apotheek"),
    (json.dumps({**CASE, "contract": "zorg"}), "contract", "stoppen_met_roken"),
    (json.dumps({**CASE, "relation": "oud"}), "relation", "doorlopend"),
    (json.dumps({k: v for k, v in CASE.items() if k != "relation"}), "relation", None),
    (json.dumps({**CASE, "policy_year": 2030}), "policy_year", "2023, 2024"),
    (json.dumps({**CASE, "agb_start": "01-03-2012"}), "agb_start", None),
    (json.dumps({**CASE, "application_received": "2023-02-30"}), "application_received", None),
    (json.dumps({**CASE, "size_rank": 0}), "size_rank", None),
    (json.dumps({**CASE, "size_rank": "1"}), "size_rank", None),
    (json.dumps({**CASE, "riz_contra_indication": "nee"}), "riz_contra_indication", None),
    (json.dumps({**CASE, "represented_by_collective": "ja"}), "represented_by_collective", None),
    (json.dumps({**CASE, "sise_rank": 1}), "sise_rank", "size_rank"),
    (json.dumps({**CASE, "profile": {"improvement_agreements": "ja"}}),
     "profile.improvement_agreements", "niet_nagekomen"),
    (json.dumps({**CASE, "contract": "dieetpreparaten", "provider_type": "facilitair_bedrijf"}),
     "size_rank", None),
    ('{"policy_year": 2024,', "case", None),
    ("", "case", None),
    ("[1, 2]", "case", None),
])
def test_bad_input_is_one_line_exit_2_and_nothing_on_stdout(stdin, field, allowed):
    run = portal("policy", "decide", "--json", stdin=stdin)
    assert run.returncode == 2
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"portal: {field}:")
    if allowed:
        assert allowed in lines[0]


@pytest.mark.parametrize("args", [
    ("policy", "table", "--year", "2031"),
    ("policy", "table", "--year", "twee"),
    ("policy", "diff", "2023"),
    ("policy", "diff", "2023", "2099"),
    ("calendar", "--year", "2019"),
    ("calendar", "--json", "--ics"),
    ("calendar", "--year", "2023-05"),
    ("nonsense",),
])
def test_bad_arguments_are_one_line_exit_2(args):
    run = portal(*args)
    assert (run.returncode, run.stdout, len(run.stderr.splitlines())) == (2, "", 1), run.stderr


def test_table_lists_every_contract_and_the_rules():
    run = portal("policy", "table", "--year", "2024")
    assert run.returncode == 0
    for heading in ("Overeenkomst Farmaceutische zorg", "Addendum Module farmaceutische zorgprestaties",
                    "Addendum Farmaceutische spoedzorg", "Addendum Aanvullende afspraken",
                    "Overeenkomst Dieetpreparaten", "Overeenkomst Stoppen met roken medicatie"):
        assert f"== {heading}" in run.stdout
    assert "smr_aflopend_grootste" in run.stdout and "01-07-2023" in run.stdout


def test_diff_json_names_type_contract_field_and_both_values():
    run = portal("policy", "diff", "2023", "2024", "--json")
    assert run.returncode == 0
    changes = json.loads(run.stdout)
    assert changes and all({"provider_type", "contract", "field", "before", "after"} <= set(c)
                           for c in changes)
    assert {"provider_type": "unieke_leverancier", "contract": "farmaceutische_zorg",
            "field": "negotiable", "before": False, "after": True}.items() <= next(
        c for c in changes if c["provider_type"] == "unieke_leverancier"
        and c["contract"] == "farmaceutische_zorg" and c["field"] == "negotiable").items()


def test_diff_text_groups_by_bijlage_1_subject():
    run = portal("policy", "diff", "2023", "2024")
    assert "== Overeenkomst Stoppen met roken medicatie" in run.stdout


def test_calendar_json():
    run = portal("calendar", "--year", "2023", "--json")
    milestones = json.loads(run.stdout)
    assert all({"date", "action", "who", "via", "provider_types", "contract"} <= set(m)
               for m in milestones)
    spoed = next(m for m in milestones if m["contract"] == "spoedzorg")
    assert (spoed["date"], spoed["via"], spoed["who"]) == ("2023-10-15", "vecozo", "vgz")


def test_calendar_ics_is_a_valid_icalendar_with_every_dated_milestone():
    run = portal("calendar", "--year", "2023", "--ics")
    assert run.returncode == 0
    calendar = Calendar.from_ical(run.stdout)
    events = calendar.walk("VEVENT")
    dated = [m for m in json.loads(portal("calendar", "--year", "2023", "--json").stdout) if m["date"]]
    assert len(events) == len(dated)
    assert {e.decoded("dtstart") for e in events} >= {date(2023, 9, 15), date(2023, 11, 12)}
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_calendar_text_uses_dutch_dates():
    run = portal("calendar", "--year", "2023")
    assert "Uiterlijk 15-09-2023" in run.stdout and "Vanaf 12-11-2023" in run.stdout
