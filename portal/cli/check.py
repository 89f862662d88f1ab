"""`portal check ...`: the import-medicine and entitlement checks (seeds 000 and 003).

Each command reads its case as JSON on stdin (personal-contribution: options) and prints the
answer, as JSON with `--json`. Bad input: one line on stderr naming the field, exit status 2,
nothing on stdout. The pages and the API call the same functions.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import click

from contracts.appendix2 import check_appendix2
from contracts.contribution import check_contribution
from contracts.dispensing import (consent_categories, contribution_years, dispensing_period,
                                  personal_contribution, prior_consent)
from contracts.entitlement import check_entitlement
from contracts.errors import CaseError
from contracts.importmedicine import check_import
from portal.inputs import read_stdin


def dump(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def read_case() -> object:
    """The JSON case on stdin; numbers with a fraction read exactly (as Decimal)."""
    return read_stdin(field="case", parse_float=Decimal)


def show(answer: dict, keys: tuple[str, ...]) -> None:
    """The answer as lines: the keys, then the lists (claim errors, reasons)."""
    for key in keys:
        value = answer[key]
        if isinstance(value, bool):
            value = "ja" if value else "nee"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value) or "-"
        click.echo(f"{key:<24}{'-' if value is None else value}")
    for key in ("claim_errors", "reasons"):
        if answer.get(key):
            click.echo(f"{key}:")
            for line in answer[key]:
                click.echo(f"  - {line}")


@click.group()
def check():
    """Checks for contracted pharmacies: import-medicine claims and entitlement."""


@check.command("import-claim")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def import_claim(as_json: bool):
    """May I dispense this import medicine, and how do I declare it? (seed 000)

    \b
    stdin: {"in_g_standaard": true|false,
            "status": "F"|"F_voorwaarde"|"N"|null   (null when not in the G-Standaard),
            "meets_condition": false, "prevalence_one_in": 150000,
            "rational_pharmacotherapy": false,
            "igj_consent": "onbekend"|"verleend"|"niet_verleend",
            "equivalent_to_registered": false, "ministerial_exception": false,
            "shortage": false,
            "authorisation": "geen"|"aangevraagd"|"verleend"|"geweigerd",
            "claim": null | {"code": "97095551", "material_cost": 812.40,
                             "purchase_price": 812.40,
                             "comment": {"substance": "", "brand": "", "importer": "",
                                         "cost_incl_transport": 0}}}
    `authorisation` is the insurer's answer: its consent (toestemming) for a medicine in the
    G-Standaard (situations 1c, 1d), its authorisation (machtiging) otherwise (situation 2).
    Only `in_g_standaard` is required; `prevalence_one_in` (the disease affects 1 in N
    inhabitants) is needed where the entitlement must be judged. `igj_consent` is the IGJ's
    consent to import for this patient (the memo's third condition). An import (almost)
    equivalent to a registered medicine outside the GVS is excluded unless
    `ministerial_exception`. `shortage`: imported because of a shortage, which this memo does
    not cover: route `tekortroute`, see `portal shortages import-check`.

    \b
    stdout: {"route": "declareren_z_index"|"toestemming_aanvragen"|"machtiging_aanvragen"
                      |"declareren_lokale_code"|"niet_afleveren"|"tekortroute",
             "situation": "1a".."1d"|"2"|"2a"|"2b"|"tekort", "prior_consent_needed": bool,
             "awaiting_decision": bool, "consent_kind": "toestemming"|"machtiging"|null,
             "claim_errors": ["claim.code: ..."], "reasons": ["1a: ... (“seed sentence”)"]}
    """
    answer = check_import(read_case()).as_json()
    if as_json:
        dump(answer)
    else:
        show(answer, ("route", "situation", "prior_consent_needed", "awaiting_decision"))


@check.command("entitlement")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def entitlement_command(as_json: bool):
    """Which medicines of a group of interchangeable medicines are reimbursed? (seed 003)

    \b
    stdin: {"group": [{"name": "Omeprazol A 20 mg", "aip": 10.00,
                       "preferred": false, "available": true}, ...],
            "prescription": {"medicine": "Omeprazol A 20 mg" | null,
                             "medical_necessity": false, "logistical_necessity": false,
                             "pharmacist_choice": null}}
    `aip` is the pharmacy purchase price in the G-Standaard; `preferred` and `available`
    default to false and true. `pharmacist_choice` counts with a logistical necessity only.

    \b
    stdout: {"rule": "voorkeursmiddel"|"goedkoopste"|"medische_noodzaak"
                     |"logistieke_noodzaak"|"niet_vervangbaar",
             "reimbursed": [names], "prescribed_reimbursed": bool|null,
             "cheapest_aip": number|null, "limit_aip": number|null,
             "medicines": [{"name", "aip", "preferred", "available", "reimbursed"}],
             "reasons": [...]}
    The dispensing period and prior consent have their own commands (dispensing-period,
    prior-consent).
    """
    answer = check_entitlement(read_case()).as_json()
    if as_json:
        dump(answer)
    else:
        show(answer, ("rule", "reimbursed", "prescribed_reimbursed", "cheapest_aip", "limit_aip"))


@check.command("dispensing-period")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def dispensing_period_command(as_json: bool):
    """For how long may I dispense at once? (seed 003)

    \b
    stdin: {"medicine_kind": "overig"|"anticonceptiepil"|"antibioticum_acuut"
                             |"chemotherapie_acuut"|"benzodiazepine"|"hypnoticum"|"anxiolyticum",
            "chronic": false, "months_in_use": 0, "well_adjusted": false,
            "new_to_patient": false}
    stdout: {"case", "summary", "min_months", "max_months", "max_days", "or_else", "reasons"}
    """
    answer = dispensing_period(read_case()).as_json()
    if as_json:
        dump(answer)
    else:
        show(answer, ("case", "summary", "min_months", "max_months", "max_days", "or_else"))


@check.command("prior-consent")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option("--list", "list_only", is_flag=True, help="List the categories and stop.")
def prior_consent_command(as_json: bool, list_only: bool):
    """Does this medicine need the insurer's prior written consent? (seed 003)

    \b
    stdin: {"category": "<slug>", "doctors_note_procedure": false}
    stdout: {"category", "summary", "prior_consent_needed": bool, "reasons"}
    `portal check prior-consent --list` prints the categories (slug and description).
    """
    if list_only:
        categories = consent_categories()
        if as_json:
            dump(categories)
        else:
            for slug, summary in categories.items():
                click.echo(f"{slug:<42}{summary}")
        return
    answer = prior_consent(read_case()).as_json()
    if as_json:
        dump(answer)
    else:
        show(answer, ("category", "summary", "prior_consent_needed"))


def iso_date(field: str):
    def convert(ctx, param, value):
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CaseError(field, f"must be a date as YYYY-MM-DD, got {value!r}") from None
    return convert


@check.command("personal-contribution")
@click.option("--year", type=int, default=None,
              help="Calendar year; default the latest the seed gives a maximum for.")
@click.option("--insured-from", callback=iso_date("insured_from"),
              help="First day insured (YYYY-MM-DD); default 1 January.")
@click.option("--insured-to", callback=iso_date("insured_to"),
              help="Last day insured, inclusive (YYYY-MM-DD); default 31 December.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def personal_contribution_command(year: int, insured_from, insured_to, as_json: bool):
    """The statutory personal contribution of a (part) calendar year (seed 003).

    EUR 250 a year in 2025, pro rata for the days insured (inclusive) over the days of the
    year (366 in a leap year), rounded to whole euros; `exact_eur` is cut to cents as in
    the seed's example (from 15 June 2025: 200 days, 136.98, EUR 137).

    \b
    stdout: {"year", "insured_from", "insured_to", "days", "days_in_year", "maximum_eur",
             "amount_eur", "exact_eur", "reasons"}
    """
    year = contribution_years()[-1] if year is None else year
    answer = personal_contribution(year, insured_from, insured_to).as_json()
    if as_json:
        dump(answer)
    else:
        show(answer, ("year", "insured_from", "insured_to", "days", "amount_eur", "exact_eur"))


@check.command("contribution")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def contribution_command(as_json: bool):
    """Statutory contribution and compulsory excess of one dispensing (seed 003).

    \b
    stdin: {"dispensing_date": "2025-07-01", "age": 40 | "birth_date": "1985-03-02",
            "insured_from": null, "insured_to": null,
            "kind": "overig"|"voorkeursmiddel"|"anticonceptie_bijlage_2",
            "interchangeable_group": true, "purchase_price": 30.00,
            "reimbursement_limit": 22.50,
            "prepared_from": null | {"contribution": 4.10}
                           | {"purchase_price": 12.00, "reimbursement_limit": 9.00},
            "contribution_paid": 0, "supplementary_plan": "geen"|"compact"|"start"|"extra"
                                   |"plus"|"top"|"no_risk_1"|"no_risk_2",
            "costs": {"geneesmiddel": 30.00, "aflevering": 7.50, "begeleidingsgesprek": 0,
                      "inhalatie_instructie": 0, "medicatiebeoordeling": 0},
            "excess_remaining": 385.00 | null}
    Only `dispensing_date` and `age` (or `birth_date`) are required. The contribution is
    the purchase price above the limit, at most what remains of the year's maximum
    (personal-contribution) after `contribution_paid`. `costs.geneesmiddel` defaults to the
    purchase price. The seed gives no excess amount: `excess_remaining` is what remains this
    year; without it nothing is charged to the excess in the answer.

    \b
    stdout: {"dispensing_date", "age", "kind",
             "contribution": {"due", "source", "maximum_eur", "paid_before",
                              "remaining_before", "charged", "waived_by_cap",
                              "supplementary_plan", "plan_percent", "plan_pays",
                              "insured_pays"},
             "excess": {"applies", "remaining_before", "subject", "charged",
                        "parts": [{"part", "summary", "amount", "under_excess",
                                   "subject_to_excess", "charged_to_excess"}]},
             "insured_pays", "reasons"}
    """
    answer = check_contribution(read_case()).as_json()
    if as_json:
        dump(answer)
        return
    contribution, excess = answer["contribution"], answer["excess"]
    flat = {"age": answer["age"], "contribution_due": contribution["due"],
            "contribution_charged": contribution["charged"],
            "plan_pays": contribution["plan_pays"],
            "contribution_insured": contribution["insured_pays"],
            "excess_applies": excess["applies"], "subject_to_excess": excess["subject"],
            "charged_to_excess": excess["charged"], "insured_pays": answer["insured_pays"],
            "reasons": answer["reasons"]}
    show(flat, tuple(key for key in flat if key != "reasons"))


@check.command("appendix-2")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def appendix2_command(as_json: bool):
    """Appendix 2: prescriber, doctor's note and authorisation (seed 003).

    \b
    stdin: {"medicine": "dieetpreparaat"|"vaccin_hepatitis_dktp"|"pneumokokkenvaccin"
                        |"overig_bijlage_2"|"apotheekbereiding",
            "consent_category": "overig" (see `portal check prior-consent --list`),
            "first_prescription": true,
            "prescriber": "dietist"|"jeugdarts"|"huisarts"|"medisch_specialist"
                          |"medisch_specialist_deskundig"|"overig",
            "doctors_note_exists": false, "doctors_note_prescribers": ["huisarts"],
            "doctors_note_complete": false, "objects_to_procedure": false,
            "very_rare_condition": false, "prescriber_specialised": false,
            "designated_preparation": false, "transferred_preparation": false}
    Only `medicine` and `prescriber` are required. The preparation fields are for
    "apotheekbereiding" only; `consent_category` and the doctor's note for the others.

    \b
    stdout: {"medicine", "consent_category", "prescriber", "first_prescription",
             "allowed_prescribers": [..]|null, "prescriber_allowed": bool,
             "authorisation_needed": bool, "pharmacist_determines": bool,
             "route": "afleveren"|"artsenverklaring"|"artsenverklaring_onvolledig"
                      |"machtiging_aanvragen"|"niet_vergoed",
             "enclose": [...], "reasons": [...]}
    """
    answer = check_appendix2(read_case()).as_json()
    if as_json:
        dump(answer)
    else:
        show(answer, ("route", "prescriber_allowed", "authorisation_needed",
                      "pharmacist_determines", "enclose"))

