"""`portal check ...` run as a pharmacist runs it: a separate process, JSON on stdin and stdout,
one line on stderr and exit status 2 for bad input."""
import json
import subprocess
import sys

import pytest


def portal(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "portal", "check", *args], input=stdin, text=True,
                          capture_output=True, timeout=60)


def answer(*args, stdin=""):
    run = portal(*args, stdin=stdin)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


ISSUE_EXAMPLE = {"in_g_standaard": False, "status": None, "meets_condition": False,
                 "prevalence_one_in": 200000, "rational_pharmacotherapy": True,
                 "authorisation": "verleend",
                 "claim": {"code": "97095551", "material_cost": 812.40, "purchase_price": 812.40,
                           "comment": {"substance": "tiopronine", "brand": "Thiola",
                                       "importer": "Pharma Import B.V.",
                                       "cost_incl_transport": 850.00}}}


def test_import_claim_json_declares_with_a_local_code():
    out = answer("import-claim", "--json", stdin=json.dumps(ISSUE_EXAMPLE))
    assert (out["route"], out["prior_consent_needed"], out["claim_errors"]) == (
        "declareren_lokale_code", True, [])
    assert out["reasons"][1].startswith("2a:")


def test_import_claim_reads_amounts_exactly():
    # 812.41 > 812.40 by one cent: read as written, not as binary floats.
    case = json.loads(json.dumps(ISSUE_EXAMPLE))
    case["claim"]["material_cost"] = 812.41
    out = answer("import-claim", "--json", stdin=json.dumps(case))
    assert [e.split(":")[0] for e in out["claim_errors"]] == ["claim.material_cost"]


def test_import_claim_code_97095601_is_refused():
    case = json.loads(json.dumps(ISSUE_EXAMPLE))
    case["claim"]["code"] = "97095601"
    out = answer("import-claim", "--json", stdin=json.dumps(case))
    assert out["claim_errors"][0].startswith("claim.code:")


def test_after_consent_the_route_is_the_z_index_number():
    out = answer("import-claim", "--json", stdin=json.dumps(
        {"in_g_standaard": True, "status": "N", "authorisation": "verleend"}))
    assert (out["route"], out["situation"]) == ("declareren_z_index", "1d")


def test_import_claim_without_json_prints_lines():
    run = portal("import-claim", stdin=json.dumps({"in_g_standaard": True, "status": "F"}))
    assert run.returncode == 0 and "declareren_z_index" in run.stdout and "reasons:" in run.stdout


@pytest.mark.parametrize("command, stdin, field", [
    ("import-claim", '{"in_g_standaard": true}', "status"),
    ("import-claim", '{"in_g_standaard": false, "authorisation": "ja"}', "authorisation"),
    ("import-claim", '{"in_g_standaard": ', "case"),
    ("entitlement", '{"group": []}', "group"),
    ("dispensing-period", '{"medicine_kind": "pil"}', "medicine_kind"),
    ("prior-consent", '{"category": "paracetamol"}', "category"),
])
def test_bad_input_is_one_line_exit_2_nothing_on_stdout(command, stdin, field):
    run = portal(command, "--json", stdin=stdin)
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and f": {field}:" in run.stderr


def test_entitlement_json():
    out = answer("entitlement", "--json", stdin=json.dumps({
        "group": [{"name": "A", "aip": 10.00}, {"name": "B", "aip": 10.30},
                  {"name": "C", "aip": 10.31}],
        "prescription": {"medicine": "C"}}))
    assert (out["rule"], out["reimbursed"], out["prescribed_reimbursed"]) == (
        "goedkoopste", ["A", "B"], False)


def test_dispensing_period_and_prior_consent():
    out = answer("dispensing-period", "--json", stdin=json.dumps({"new_to_patient": True}))
    assert (out["case"], out["max_days"]) == ("nieuw", 15)
    out = answer("prior-consent", "--json", stdin=json.dumps({"category": "iloprost_inhalatie"}))
    assert out["prior_consent_needed"] is True
    assert "epoprostenol_iv" in answer("prior-consent", "--list", "--json")


def test_personal_contribution_from_15_june():
    out = answer("personal-contribution", "--year", "2025", "--insured-from", "2025-06-15", "--json")
    assert (out["days"], out["amount_eur"], out["exact_eur"]) == (200, 137, 136.98)


def test_personal_contribution_to_31_december_inclusive():
    out = answer("personal-contribution", "--year", "2025", "--insured-from", "2025-12-31",
                 "--insured-to", "2025-12-31", "--json")
    assert (out["days"], out["amount_eur"]) == (1, 1)


@pytest.mark.parametrize("args, field", [
    (("--year", "2024"), "year"),
    (("--insured-from", "15-06-2025"), "insured_from"),
    (("--insured-to", "2026-01-01"), "insured_to"),
])
def test_personal_contribution_bad_input(args, field):
    run = portal("personal-contribution", *args, "--json")
    assert run.returncode == 2 and run.stdout == "" and f": {field}:" in run.stderr
