"""The Appendix 2 check (prescriber, doctor's note, authorisation) in the API, the CLI and the
page: the same answer as contracts.appendix2, field-level errors for bad input (Dutch on the
page), and the request link where authorisation is needed."""
import json

import pytest

from tests.support.tokens import bearer

from .test_checks_pages import BASE, field_error, pharmacist, post, text_of  # noqa: F401 (fixture)
from .test_input_hardening import refused_in_one_line, run  # noqa: F401 (fixture)

API = "/api/v1/checks/appendix-2"
PAGE = "/bijlage-2"
#: "for a pneumococcal vaccine, the first prescription for each indication may only be issued by
#: a medical specialist."
PNEUMO_GP = {"medicine": "pneumokokkenvaccin", "prescriber": "huisarts"}
#: "The reimbursement of certain chemist's preparations, designated by us, is subject to our
#: written authorisation before you receive the care."
DESIGNATED = {"medicine": "apotheekbereiding", "prescriber": "huisarts",
              "designated_preparation": True}


@pytest.fixture
def headers(make_provider, make_user):
    return bearer(make_user("provider_user", make_provider()))


# -- API -----------------------------------------------------------------------------------------

def test_api_a_gp_may_not_issue_the_first_pneumococcal_prescription(client, headers):
    response = client.post(API, headers=headers, json=PNEUMO_GP)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["prescriber_allowed"], body["route"], body["allowed_prescribers"]) == (
        False, "niet_vergoed", ["medisch_specialist"])


def test_api_a_designated_preparation_needs_authorisation_and_a_report(client, headers):
    body = client.post(API, headers=headers, json=DESIGNATED).get_json()
    assert (body["authorisation_needed"], body["route"]) == (True, "machtiging_aanvragen")
    assert any("behandelplan" in item for item in body["enclose"])


@pytest.mark.parametrize("body, errors", [
    ({"medicine": "vaccin", "prescriber": "huisarts"},
     {"medicine": ["unknown value 'vaccin' (allowed: dieetpreparaat, vaccin_hepatitis_dktp, "
                   "pneumokokkenvaccin, overig_bijlage_2, apotheekbereiding)"]}),
    ({"medicine": "dieetpreparaat"}, {"prescriber": ["Missing data for required field."]}),
    ({**PNEUMO_GP, "objects_to_procedure": True},
     {"objects_to_procedure": ["needs a doctor's note procedure for the medicine "
                               "(doctors_note_exists)"]}),
])
def test_api_bad_input_is_422_naming_the_field(client, headers, body, errors):
    response = client.post(API, headers=headers, json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == errors


def test_api_is_for_provider_staff(client, make_user):
    assert client.post(API, json=PNEUMO_GP).status_code == 401
    assert client.post(API, json=PNEUMO_GP,
                       headers=bearer(make_user("contract_manager"))).status_code == 403


# -- CLI -----------------------------------------------------------------------------------------

def test_cli_json_is_the_api_answer(run, client, headers):
    result = run("check", "appendix-2", "--json", stdin=json.dumps(DESIGNATED).encode())
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == client.post(API, headers=headers, json=DESIGNATED).get_json()


def test_cli_lines_without_json(run):
    result = run("check", "appendix-2", stdin=json.dumps(PNEUMO_GP).encode())
    assert result.exit_code == 0 and "niet_vergoed" in result.stdout and "reasons:" in result.stdout


@pytest.mark.parametrize("stdin, field", [
    ('{"medicine": "dieetpreparaat"}', "prescriber"),
    ('{"medicine": "overig_bijlage_2", "prescriber": "huisarts", "consent_category": "x"}',
     "consent_category"),
    ('{"medicine": ', "case"),
])
def test_cli_bad_input_is_one_line_exit_2(run, stdin, field):
    assert refused_in_one_line(run("check", "appendix-2", "--json", stdin=stdin.encode()),
                               f"{field}:")


# -- page ----------------------------------------------------------------------------------------

def test_the_page_opens_and_is_in_the_index_and_the_tabs(pharmacist):
    page = text_of(pharmacist.get(f"{BASE}{PAGE}"))
    assert 'name="csrf_token"' in page and 'aria-current="page">Bijlage 2</a>' in page
    assert f'href="{BASE}{PAGE}"' in text_of(pharmacist.get(f"{BASE}/"))
    assert f'href="{BASE}{PAGE}"' in text_of(pharmacist.get(f"{BASE}/afleverperiode"))


def test_the_page_shows_the_prescriber_rule(pharmacist, auth):
    page = text_of(post(pharmacist, auth, PAGE, medicine="pneumokokkenvaccin",
                        prescriber="huisarts", consent_category="overig"))
    assert "Uitkomst: Niet vergoed: deze voorschrijver mag het eerste recept niet uitschrijven" \
        in page
    assert "Eerste recept door</dt><dd>Medisch specialist</dd>" in page


def test_a_doctors_note_naming_the_gp_lets_the_pharmacist_decide(pharmacist, auth):
    # "The first prescription per indication may then also be issued by the other care
    # provider(s) mentioned in the doctor's note."
    page = text_of(post(pharmacist, auth, PAGE, medicine="overig_bijlage_2", prescriber="huisarts",
                        consent_category="overig", doctors_note_exists="y",
                        doctors_note_prescribers="huisarts", doctors_note_complete="y"))
    assert "Uitkomst: Afleveren volgens de artsenverklaring en de apothekersinstructie" in page


def test_where_authorisation_is_needed_the_request_link_shows(app, pharmacist, auth):
    page = text_of(post(pharmacist, auth, PAGE, consent_category="overig", **{
        k: "y" if v is True else v for k, v in DESIGNATED.items()}))
    assert "Uitkomst: Eerst schriftelijke machtiging van de zorgverzekeraar aanvragen" in page
    assert "Het voorgestelde behandelplan" in page
    exists = "consent.new_request" in {rule.endpoint for rule in app.url_map.iter_rules()}
    assert ("soort=toestemming" in page) is exists
    page = text_of(post(pharmacist, auth, PAGE, medicine="pneumokokkenvaccin",
                        prescriber="medisch_specialist", consent_category="overig"))
    assert "soort=toestemming" not in page


@pytest.mark.parametrize("data, field, message", [
    ({"objects_to_procedure": "y"}, "objects_to_procedure",
     "Dit kan alleen als er een artsenverklaring voor het middel bestaat."),
    ({"designated_preparation": "y"}, "designated_preparation",
     "Dit geldt alleen voor een apotheekbereiding."),
    ({"prescriber_specialised": "y"}, "prescriber_specialised",
     "Dit geldt alleen bij een zeer zeldzame aandoening."),
    ({"prescriber": "tandarts"}, "prescriber", "Ongeldige keuze."),
    ({"medicine": "apotheekbereiding", "very_rare_condition": "y"}, "very_rare_condition",
     "Dit geldt niet voor een apotheekbereiding (geen middel uit Bijlage 2)."),
    ({"medicine": "apotheekbereiding", "consent_category": "epoprostenol_iv"}, "consent_category",
     "Dit geldt niet voor een apotheekbereiding (geen middel uit Bijlage 2)."),
])
def test_a_bad_field_gets_a_message_on_it(pharmacist, auth, data, field, message):
    fields = {"medicine": "overig_bijlage_2", "prescriber": "huisarts",
              "consent_category": "overig", **data}
    response = post(pharmacist, auth, PAGE, **fields)
    page = text_of(response)
    assert response.status_code == 422
    assert message in page and "Uitkomst" not in page
