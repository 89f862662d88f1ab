"""The checks in the JSON API: the same answers as the CLI and the pages, for provider staff, with
field-level 422s for bad input."""
import pytest

from tests.support.tokens import bearer

API = "/api/v1/checks"


@pytest.fixture
def headers(make_provider, make_user):
    return bearer(make_user("provider_signatory", make_provider()))


def test_import_claim(client, headers):
    response = client.post(f"{API}/import-claim", headers=headers, json={
        "in_g_standaard": True, "status": "F_voorwaarde", "meets_condition": False,
        "rational_pharmacotherapy": True, "prevalence_one_in": 150000, "authorisation": "geen"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["route"], body["situation"], body["prior_consent_needed"]) == (
        "toestemming_aanvragen", "1c", True)
    assert all("“" in reason for reason in body["reasons"])


def test_import_claim_errors_name_the_claim_field(client, headers):
    body = client.post(f"{API}/import-claim", headers=headers, json={
        "in_g_standaard": False, "authorisation": "verleend",
        "claim": {"code": "97095601", "material_cost": 10, "purchase_price": 10,
                  "comment": {"substance": "a", "brand": "b", "importer": "c",
                              "cost_incl_transport": 12}}}).get_json()
    assert body["route"] == "declareren_lokale_code"
    assert [e.split(":")[0] for e in body["claim_errors"]] == ["claim.code"]


@pytest.mark.parametrize("body, errors", [
    ({"in_g_standaard": True}, {"status": ["is required when the medicine is in the G-Standaard "
                                           "(allowed: F, F_voorwaarde, N)"]}),
    ({"in_g_standaard": False, "status": "F"}, {"status": ["must be null when the medicine is "
                                                           "not in the G-Standaard"]}),
    ({"in_g_standaard": False, "claim": {"code": "97095551", "material_cost": 1.001,
                                         "purchase_price": 2}},
     {"claim": {"material_cost": ["must have at most 2 decimals, got 1.001"]}}),
])
def test_bad_import_input_is_422_naming_the_field(client, headers, body, errors):
    response = client.post(f"{API}/import-claim", headers=headers, json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == errors


def test_entitlement(client, headers):
    body = client.post(f"{API}/entitlement", headers=headers, json={
        "group": [{"name": "A", "aip": 10.0}, {"name": "B", "aip": 10.3},
                  {"name": "P", "aip": 20.0, "preferred": True, "available": False}],
        "prescription": {"logistical_necessity": True}}).get_json()
    assert (body["rule"], body["reimbursed"]) == ("logistieke_noodzaak", ["A", "B"])


def test_entitlement_duplicate_name_is_named(client, headers):
    response = client.post(f"{API}/entitlement", headers=headers, json={
        "group": [{"name": "A", "aip": 1}, {"name": "A", "aip": 2}]})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]["group"]["1"]) == ["name"]


def test_dispensing_period_and_prior_consent(client, headers):
    body = client.post(f"{API}/dispensing-period", headers=headers,
                       json={"chronic": True, "months_in_use": 6, "well_adjusted": True}).get_json()
    assert (body["min_months"], body["max_months"]) == (3, 12)
    body = client.post(f"{API}/prior-consent", headers=headers,
                       json={"category": "nieuw_in_bijlage_2", "doctors_note_procedure": True}).get_json()
    assert body["prior_consent_needed"] is False
    listed = client.get(f"{API}/prior-consent", headers=headers).get_json()
    assert {"category": "epoprostenol_iv", "summary": "Epoprostenol intraveneus"} in listed


def test_personal_contribution(client, headers):
    response = client.get(f"{API}/personal-contribution?year=2025&insured_from=2025-06-15",
                          headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["days"], body["amount_eur"], body["exact_eur"], body["insured_to"]) == (
        200, 137, 136.98, "2025-12-31")


def test_personal_contribution_outside_the_year_is_422_in_the_query(client, headers):
    response = client.get(f"{API}/personal-contribution?year=2025&insured_to=2026-01-01",
                          headers=headers)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["query"]) == ["insured_to"]


def test_without_a_token_401_and_managers_403(client, make_user):
    assert client.post(f"{API}/import-claim", json={"in_g_standaard": True}).status_code == 401
    manager = bearer(make_user("contract_manager"))
    assert client.post(f"{API}/import-claim", json={"in_g_standaard": True},
                       headers=manager).status_code == 403
