"""The contribution and excess of one dispensing in the API, the CLI and the page: the same
answer as contracts.contribution, field-level errors for bad input (Dutch on the page)."""
import json

import pytest

from .test_input_hardening import refused_in_one_line, run  # noqa: F401 (fixture)
from tests.support.tokens import bearer

from .test_checks_pages import BASE, field_error, pharmacist, post, text_of  # noqa: F401 (fixture)

API = "/api/v1/checks/contribution"
#: "Yes, if the medicine is classified into a group of interchangeable medicines and the
#: purchase price is higher than the reimbursement limit." 30.00 - 22.50 = 7.50; the medicine
#: and the dispensing fee fall under the excess ("Yes, from 18 years and older."), the 7.50
#: contribution not (reading), so 22.50 + 7.50 = 30 is subject and 10 remains to charge.
CASE = {"dispensing_date": "2025-07-01", "age": 40, "interchangeable_group": True,
        "purchase_price": 30.00, "reimbursement_limit": 22.50,
        "costs": {"aflevering": 7.50}, "excess_remaining": 10}


@pytest.fixture
def headers(make_provider, make_user):
    return bearer(make_user("provider_signatory", make_provider()))


# -- API -----------------------------------------------------------------------------------------

def test_api_answers_the_contribution_and_the_excess(client, headers):
    response = client.post(API, headers=headers, json=CASE)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["contribution"]["due"], body["contribution"]["charged"],
            body["excess"]["subject"], body["excess"]["charged"], body["insured_pays"]) == (
        7.5, 7.5, 30, 10, 17.5)


def test_api_compact_pays_the_contribution(client, headers):
    # "Compact 100% of the statutory personal contribution"
    body = client.post(API, headers=headers,
                       json={**CASE, "supplementary_plan": "compact"}).get_json()
    assert (body["contribution"]["plan_pays"], body["contribution"]["insured_pays"]) == (7.5, 0)


@pytest.mark.parametrize("body, errors", [
    ({**CASE, "dispensing_date": "2024-07-01"},
     {"dispensing_date": ["the seed gives no maximum for 2024 (allowed: 2025)"]}),
    ({**CASE, "dispensing_date": "01-07-2025"}, {"dispensing_date": ["Not a valid date."]}),
    ({key: value for key, value in CASE.items() if key != "age"},
     {"age": ["is required (or birth_date)"]}),
    ({**CASE, "costs": {"aflevering": 7.555}},
     {"costs": {"aflevering": ["must have at most 2 decimals, got 7.555"]}}),
    ({**CASE, "kind": "pil"}, {"kind": ["unknown value 'pil' (allowed: overig, voorkeursmiddel, "
                                        "anticonceptie_bijlage_2)"]}),
])
def test_api_bad_input_is_422_naming_the_field(client, headers, body, errors):
    response = client.post(API, headers=headers, json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == errors


def test_api_is_for_provider_staff(client, make_user):
    assert client.post(API, json=CASE).status_code == 401
    assert client.post(API, json=CASE,
                       headers=bearer(make_user("contract_manager"))).status_code == 403


# -- CLI -----------------------------------------------------------------------------------------

def test_cli_json_is_the_api_answer(run, client, headers):
    result = run("check", "contribution", "--json", stdin=json.dumps(CASE).encode())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == client.post(API, headers=headers, json=CASE).get_json()


def test_cli_lines_without_json_and_exact_amounts(run):
    # read as Decimal: 0.3 - 0.1 is 0.2 under the excess, not 0.19999999999999998
    result = run("check", "contribution", stdin=json.dumps({
        "dispensing_date": "2025-07-01", "age": 40, "prepared_from": {"contribution": 0.1},
        "costs": {"geneesmiddel": 0.3}, "contribution_paid": 0.2}).encode())
    assert result.exit_code == 0, result.stderr
    assert "contribution_charged    0.1\n" in result.stdout and "reasons:" in result.stdout
    assert "subject_to_excess       0.2\n" in result.stdout


@pytest.mark.parametrize("stdin, field", [
    ('{"dispensing_date": "2025-07-01"}', "age"),
    ('{"dispensing_date": "2025-13-01", "age": 3}', "dispensing_date"),
    ('{"dispensing_date": "2025-07-01", "age": 30, "supplementary_plan": "goud"}',
     "supplementary_plan"),
    ('{"dispensing_date": ', "case"),
])
def test_cli_bad_input_is_one_line_exit_2(run, stdin, field):
    assert refused_in_one_line(run("check", "contribution", "--json", stdin=stdin.encode()),
                               f"{field}:")


# -- page ----------------------------------------------------------------------------------------

PAGE = "/eigen-bijdrage/aflevering"


def test_the_page_opens_and_is_linked(pharmacist):
    page = text_of(pharmacist.get(f"{BASE}{PAGE}"))
    assert 'name="csrf_token"' in page and 'name="cost_aflevering"' in page
    assert f"{BASE}{PAGE}" in text_of(pharmacist.get(f"{BASE}/"))
    assert f"{BASE}{PAGE}" in text_of(pharmacist.get(f"{BASE}/eigen-bijdrage"))


def test_the_page_shows_the_answer(pharmacist, auth):
    response = post(pharmacist, auth, PAGE, dispensing_date="01-07-2025", age="40",
                    interchangeable_group="y", purchase_price="30,00",
                    reimbursement_limit="22,50", cost_aflevering="7,50", excess_remaining="10",
                    supplementary_plan="geen", kind="overig")
    page = text_of(response).replace("\xa0", " ")  # the euro filter keeps € with its amount
    assert response.status_code == 200, page
    assert "Uitkomst: eigen bijdrage € 7,50, eigen risico € 10,00" in page
    assert "De verzekerde betaalt in totaal</dt><dd>€ 17,50" in page
    assert "01-07-2025" in page


@pytest.mark.parametrize("data, field, message", [
    ({"dispensing_date": "01-07-2024", "age": "40"}, "dispensing_date",
     "Voor dit jaar geeft de regeling geen maximum; kies een datum in 2025."),
    ({"dispensing_date": "01-07-2025"}, "age", "Vul de leeftijd of de geboortedatum in."),
    ({"dispensing_date": "01-07-2025", "age": "40", "interchangeable_group": "y",
      "purchase_price": "30"}, "reimbursement_limit", "Vul dit in voor een middel in een groep."),
    ({"dispensing_date": "01-07-2025", "age": "40", "cost_aflevering": "7.5.0"},
     "cost_aflevering", "Schrijf het bedrag als 812,40 (komma voor de centen)."),
    ({"dispensing_date": "01-07-2025", "age": "40", "insured_to": "30-06-2025"},
     "dispensing_date", "De afleverdatum ligt niet in de verzekerde periode."),
    ({"dispensing_date": "01-07-2025", "age": "40", "birth_date": "01-01-1980"}, "age",
     "Vul de leeftijd of de geboortedatum in, niet allebei."),
    ({"dispensing_date": "01-07-2025", "birth_date": "01-01-2026"}, "birth_date",
     "De geboortedatum ligt na de afleverdatum."),
    ({"dispensing_date": "01-07-2025", "age": "40", "reimbursement_limit": "22,50"},
     "reimbursement_limit",
     "Alleen een middel in een groep onderling vervangbare middelen heeft een vergoedingslimiet."),
    ({"dispensing_date": "01-07-2025", "age": "40", "prepared_contribution": "2,00",
      "prepared_price": "9,00"}, "prepared_price",
     "Vul de eigen bijdrage van het middel in, of de inkoopprijs en limiet, niet allebei."),
    ({"dispensing_date": "01-07-2025", "age": "40", "prepared_price": "9,00"}, "prepared_limit",
     "Vul ook dit bedrag in."),
])
def test_a_bad_field_gets_a_dutch_message(pharmacist, auth, data, field, message):
    response = post(pharmacist, auth, PAGE, kind="overig", supplementary_plan="geen", **data)
    assert response.status_code == 422
    assert field_error(text_of(response), field) == message
