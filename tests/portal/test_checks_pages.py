"""The checks' pages for pharmacies: one form each, answered on the same page in Dutch with the
reasons citing the seed; bad input marked on its field with what was typed kept."""
import re

import pytest

BASE = "/zorgaanbieder/controles"


@pytest.fixture
def pharmacist(client, auth, make_provider, make_user):
    auth.login(make_user("provider_user", make_provider()))
    return client


def post(client, auth, path, **data):
    return client.post(f"{BASE}{path}", data={"csrf_token": auth.csrf(f"{BASE}{path}"), **data})


def text_of(response) -> str:
    return response.get_data(as_text=True)


def field_error(page: str, field_id: str) -> str | None:
    """The error shown with a field (the macro gives it the id <field>-error)."""
    match = re.search(rf'id="{field_id}-error">([^<]*)<', page)
    return match.group(1) if match else None


@pytest.mark.parametrize("path", ["/", "/importgeneesmiddel", "/aanspraak", "/afleverperiode",
                                  "/eigen-bijdrage", "/toestemming-vooraf"])
def test_every_check_page_opens_for_a_pharmacy(pharmacist, path):
    response = pharmacist.get(f"{BASE}{path}")
    assert response.status_code == 200
    assert 'name="csrf_token"' in text_of(response) or path == "/"


@pytest.mark.parametrize("role, status", [("contract_manager", 403), ("admin", 403)])
def test_managers_do_not_get_the_pharmacy_checks(client, auth, make_user, role, status):
    auth.login(make_user(role))
    assert client.get(f"{BASE}/importgeneesmiddel").status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get(f"{BASE}/importgeneesmiddel")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_a_post_without_csrf_token_is_refused(pharmacist):
    response = pharmacist.post(f"{BASE}/importgeneesmiddel", data={"situation": "F"})
    assert response.status_code == 400


# -- import medicine ---------------------------------------------------------------------------

def test_f_without_condition_says_declare_with_the_z_index_number(pharmacist, auth):
    response = post(pharmacist, auth, "/importgeneesmiddel", situation="F", authorisation="geen")
    page = text_of(response)
    assert response.status_code == 200
    assert "Uitkomst: Afleveren en declareren met het Z-indexnummer" in page
    assert "Toestemming vooraf nodig</dt><dd>Nee" in page
    assert "Toestemming vooraf is niet nodig." in page  # the memo's sentence, cited


def test_a_rare_disease_outside_the_g_standaard_asks_for_an_authorisation(pharmacist, auth):
    page = text_of(post(pharmacist, auth, "/importgeneesmiddel", situation="niet",
                        rational="y", prevalence="200.000", authorisation="geen"))
    assert "Uitkomst: Eerst een machtiging aanvragen bij cVGZ" in page
    assert "1:150.000 inwoners" in page
    assert 'value="200.000"' in page  # what was typed is kept


def test_a_claim_line_gets_its_errors_on_its_fields(pharmacist, auth):
    response = post(pharmacist, auth, "/importgeneesmiddel", situation="niet",
                    authorisation="verleend", code="97095601", purchase_price="812,40",
                    material_cost="850,00", substance="tiopronine", brand="Thiola", importer="",
                    cost_incl_transport="850,00")
    page = text_of(response)
    assert response.status_code == 200
    assert "Uitkomst: Afleveren en declareren met een lokale code" in page
    assert "97095551 tot en met 97095600" in field_error(page, "code")
    assert "importeur" in field_error(page, "importer")
    assert "transport" in field_error(page, "material_cost")
    assert field_error(page, "substance") is None
    assert 'value="97095601"' in page and 'value="850,00"' in page


def test_a_complete_claim_line_is_in_order(pharmacist, auth):
    page = text_of(post(pharmacist, auth, "/importgeneesmiddel", situation="niet",
                        authorisation="verleend", code="97095600", purchase_price="812,40",
                        material_cost="812,40", substance="tiopronine", brand="Thiola",
                        importer="Pharma Import B.V.", cost_incl_transport="850,00"))
    assert "Declaratieregel</dt>\n    <dd>In orde" in page


@pytest.mark.parametrize("data, field, message", [
    ({}, "situation", "Kies hoe het geneesmiddel in de G-Standaard staat."),
    ({"situation": "niet", "rational": "y"}, "prevalence", "Vul in hoe zeldzaam de aandoening is"),
    ({"situation": "niet", "prevalence": "veel"}, "prevalence", "Vul een heel getal in"),
    ({"situation": "F", "code": "12345678", "purchase_price": "12.50"}, "purchase_price",
     "Schrijf het bedrag als 812,40"),
    ({"situation": "F", "substance": "x"}, "code", "Vul dit in voor de declaratieregel."),
])
def test_bad_input_is_marked_in_dutch_on_its_field(pharmacist, auth, data, field, message):
    response = post(pharmacist, auth, "/importgeneesmiddel", **{"authorisation": "geen", **data})
    page = text_of(response)
    assert response.status_code == 422
    assert message in page
    assert "Uitkomst" not in page


def test_the_request_link_appears_only_where_the_consent_pages_exist(app, pharmacist, auth):
    page = text_of(post(pharmacist, auth, "/importgeneesmiddel", situation="N", rational="y",
                        prevalence="300000", authorisation="geen"))
    assert "Uitkomst: Eerst toestemming aanvragen bij cVGZ" in page
    exists = "consent.new_request" in {rule.endpoint for rule in app.url_map.iter_rules()}
    assert ("soort=toestemming" in page) is exists


# -- entitlement, period, contribution, consent ------------------------------------------------

def rows(*medicines):
    data = {}
    for i, (name, aip, *flags) in enumerate(medicines):
        data[f"rows-{i}-name"], data[f"rows-{i}-aip"] = name, aip
        for flag in flags:
            data[f"rows-{i}-{flag}"] = "y"
    return data


def test_entitlement_page_applies_the_three_percent_rule(pharmacist, auth):
    page = text_of(post(pharmacist, auth, "/aanspraak", medicine="C",
                        **rows(("A", "10,00"), ("B", "10,30"), ("C", "10,31"))))
    assert "Uitkomst: Geen voorkeursmiddel: het goedkoopste middel en middelen die hooguit 3 % meer kosten" in page
    assert "Vergoed</dt><dd>A, B</dd>" in page
    assert "wordt niet vergoed" in page


def test_entitlement_page_marks_a_medicine_outside_the_group(pharmacist, auth):
    response = post(pharmacist, auth, "/aanspraak", medicine="Z", medical_necessity="y",
                    **rows(("A", "10,00", "preferred")))
    assert response.status_code == 422
    assert "staat" in field_error(text_of(response), "medicine")


def test_entitlement_page_needs_one_medicine(pharmacist, auth):
    response = post(pharmacist, auth, "/aanspraak")
    assert response.status_code == 422
    assert "Vul ten minste één middel van de groep in." in text_of(response)


def test_dispensing_page(pharmacist, auth):
    page = text_of(post(pharmacist, auth, "/afleverperiode", medicine_kind="benzodiazepine",
                        chronic="y", months_in_use="8", well_adjusted="y"))
    assert "Hoogstens</dt>\n    <dd>1 maand" in page


def test_contribution_page_reads_dutch_dates(pharmacist, auth):
    response = post(pharmacist, auth, "/eigen-bijdrage", year="2025", insured_from="15-06-2025")
    page = text_of(response)
    assert response.status_code == 200
    assert "hoogstens € 137" in page and "200 van 365" in page and "15-06-2025" in page


@pytest.mark.parametrize("insured_from, message", [
    ("2025-06-15", "Schrijf de datum als dd-mm-jjjj"),
    ("15-06-2024", "Deze datum ligt niet in het gekozen kalenderjaar."),
])
def test_contribution_page_refuses_bad_dates_keeping_them(pharmacist, auth, insured_from, message):
    response = post(pharmacist, auth, "/eigen-bijdrage", year="2025", insured_from=insured_from)
    assert response.status_code == 422
    assert message in text_of(response) and f'value="{insured_from}"' in text_of(response)


def test_consent_page(pharmacist, auth):
    page = text_of(post(pharmacist, auth, "/toestemming-vooraf", category="epoprostenol_iv"))
    assert "Uitkomst: toestemming vooraf nodig" in page
    page = text_of(post(pharmacist, auth, "/toestemming-vooraf", category="esketamine_neusspray"))
    assert "Uitkomst: geen toestemming vooraf nodig" in page
