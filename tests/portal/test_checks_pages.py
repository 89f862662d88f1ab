"""The checks' pages for pharmacies: one form each, answered on the same page in Dutch with the
reasons citing the seed; bad input marked on its field with what was typed kept."""
import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.models import Product
from portal.operations import clock
from portal.operations import shortages as ops
from portal.operations.audit import Actor

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


def test_the_request_link_takes_over_what_the_check_was_told(pharmacist, auth):
    page = text_of(post(pharmacist, auth, "/importgeneesmiddel", situation="N", rational="y",
                        prevalence="300.000", authorisation="geen"))
    assert ('href="/zorgaanbieder/toestemmingen/nieuw?soort=toestemming&amp;'
            'prevalence_one_in=300000&amp;gstandaard_status=n"') in page
    form = text_of(pharmacist.get("/zorgaanbieder/toestemmingen/nieuw?soort=toestemming&"
                                  "prevalence_one_in=300000&gstandaard_status=n"))
    assert re.search(r'<input[^>]*id="prevalence_one_in"[^>]*value="300000"', form)


def test_a_claim_error_reads_as_a_sentence(pharmacist, auth):
    page = text_of(post(pharmacist, auth, "/importgeneesmiddel", situation="niet", rational="y",
                        authorisation="verleend", code="97095601", purchase_price="812,40",
                        material_cost="812,40", substance="tiopronine", brand="Thiola",
                        importer="Pharma Import B.V.", cost_incl_transport="850,00"))
    assert field_error(page, "code") == ("Gebruik de lokale code 97095005 of een code van "
                                         "97095551 tot en met 97095600")
    assert '<li class="error">Gebruik de lokale code' in page

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
    assert ("Uitkomst: Geen voorkeursmiddel: het goedkoopste middel en middelen die hooguit 3 % meer "
            "kosten") in page
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


@pytest.mark.parametrize("insured_from", ["15-06-2025", "2025-06-15"])  # typed, or a date picker's
def test_contribution_page_reads_dutch_dates(pharmacist, auth, insured_from):
    response = post(pharmacist, auth, "/eigen-bijdrage", year="2025", insured_from=insured_from)
    page = text_of(response)
    assert response.status_code == 200
    assert "hoogstens € 137" in page and "200 van 365" in page and insured_from in page


@pytest.mark.parametrize("insured_from, message", [
    ("15 juni 2025", "Schrijf de datum als dd-mm-jjjj"),
    ("31-06-2025", "Deze datum bestaat niet."),
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


# -- entitlement from the product register, following the shortages (seed 004) ------------------
# The demo register's levothyroxine group (portal.operations.shortages.DEMO_PRODUCTS): Teva
# € 3,15 is the preferred product from 1 January 2023; Thyrax Duotab € 3,40, Euthyrox € 3,55 and
# an import under exemption € 4,90 are not preferred.

LEVO_GROUP = "H03AA01 50 mcg tablet"
OMEPRAZOL_GROUP = "A02BC01 20 mg capsule"
TEVA, THYRAX, EUTHYROX, IMPORT = "16030001", "16030002", "16030003", "16030004"
TEVA_NAME = "Levothyroxine 50 microgram tablet Teva"
THYRAX_NAME = "Thyrax Duotab 50 microgram tablet"
EUTHYROX_NAME = "Euthyrox 50 microgram tablet"
IMPORT_NAME = "Levothyroxine 50 microgram tablet import (Duitsland)"
TEVA_PAGE = "/tekorten/levothyroxine-50-microgram-tablet-teva"
MANAGER = Actor("manager@vgz.example", "contract_manager")


@pytest.fixture
def levo(session):
    """The demo register on the simulated date Wednesday 4 October 2023; the products by Z-index."""
    ops.load_demo_products()
    clock.set_today(date(2023, 10, 4), MANAGER)
    return {p.zindex: p for p in session.scalars(select(Product))}


def from_register(client, auth, **data):
    return post(client, auth, "/aanspraak", **{"modus": "register", "group": LEVO_GROUP,
                                                "product": "", **data})


def reimbursed(page: str) -> str:
    return re.search(r"<dt>Vergoed</dt><dd>([^<]*)</dd>", page).group(1)


def product_row(page: str, name: str) -> list[str]:
    """The cells of a product's row in the answer's table."""
    row = re.search(rf"<tr><td>{re.escape(name)}</td>(.*?)</tr>", page, re.S).group(1)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                         row, re.S)]


def test_the_entitlement_page_opens_on_the_register_with_the_hand_typed_group_second(
        pharmacist, levo):
    page = text_of(pharmacist.get(f"{BASE}/aanspraak"))
    assert page.index("Groep uit het productregister") < page.index("Groep zelf invullen")
    assert 'aria-current="page">Groep uit het productregister' in page
    assert "04-10-2023" in page  # the simulated date, as Dutch readers write it
    # the groups by substance, the first chosen
    assert ('<option selected value="H03AA01 50 mcg tablet">levothyroxine 50 microgram (groep '
            'H03AA01 50 mcg tablet)</option><option value="A10BA02 500 mg tablet">metformine '
            '500 mg') in page
    free = text_of(pharmacist.get(f"{BASE}/aanspraak?modus=vrij"))
    assert 'name="rows-0-name"' in free and 'name="group"' not in free


def test_before_a_shortage_the_preferred_product_is_reimbursed(pharmacist, auth, levo):
    response = from_register(pharmacist, auth, product=THYRAX)
    page = text_of(response)
    assert response.status_code == 200
    assert "Uitkomst: Voorkeursbeleid: alleen het voorkeursmiddel" in page
    assert "<dt>Datum</dt><dd>04-10-2023</dd>" in page
    assert reimbursed(page) == TEVA_NAME
    assert "Het voorgeschreven middel</dt><dd>wordt niet vergoed" in page  # Thyrax, without MN
    assert product_row(page, TEVA_NAME) == [TEVA, "€\xa03,15", "voorkeursmiddel", "geen", "ja", "ja"]
    assert product_row(page, THYRAX_NAME) == [THYRAX, "€\xa03,40", "geen voorkeursmiddel", "geen",
                                              "ja", "nee"]
    assert product_row(page, IMPORT_NAME)[1] == "€\xa04,90"
    # seed 003, point a, cited as the free-form check cites it
    assert "alleen het voorkeursmiddel wordt vergoed" in page and "entitled" not in page
    assert "voorkeursmiddel: " not in page  # no rule id before the reason
    assert "Tekortbericht" not in page and TEVA_PAGE not in page
    assert f'<option selected value="{THYRAX}">' in page  # the choice stays


def test_medical_necessity_gives_the_prescribed_product(pharmacist, auth, levo):
    page = text_of(from_register(pharmacist, auth, product=EUTHYROX, medical_necessity="y"))
    assert "Uitkomst: Medische noodzaak: het voorgeschreven middel" in page
    assert reimbursed(page) == EUTHYROX_NAME


def test_during_a_shortage_of_the_preferred_product_the_pharmacist_chooses(pharmacist, auth,
                                                                           levo):
    ops.register_shortage({"product_id": levo[TEVA].id, "state": "niet_leverbaar",
                           "reported_by": "leverancier", "started_on": date(2023, 10, 2),
                           "expected_end": date(2023, 12, 31),
                           "alternative_ids": [levo[EUTHYROX].id]}, MANAGER)
    response = from_register(pharmacist, auth)  # prescribed by substance, no LN on it
    page = text_of(response)
    assert response.status_code == 200
    # The register makes Teva unavailable with no temporary preferred product: LN (seed 003,
    # point d), so every available product of the group may be the pharmacist's choice.
    assert "Uitkomst: Logistieke noodzaak: het middel dat de apotheker kiest" in page
    assert reimbursed(page) == f"{EUTHYROX_NAME}, {IMPORT_NAME}, {THYRAX_NAME}"
    assert "volgt uit het tekortenregister" in page
    assert "het middel dat de apotheker kiest wordt vergoed" in page and "chemist" not in page
    assert "logistieke_noodzaak" not in page
    assert product_row(page, TEVA_NAME) == [TEVA, "€\xa03,15", "voorkeursmiddel", "Niet leverbaar",
                                            "nee", "nee"]
    # the notice, in the fixed format the pharmacies were sent
    assert "<dt>Bericht</dt><dd>Nieuw tekort (versie 1, geldig vanaf 04-10-2023)</dd>" in page
    assert f"<dt>Product</dt><dd>{TEVA_NAME} (Z-index {TEVA})</dd>" in page
    assert "<dt>Status</dt><dd>Niet leverbaar</dd>" in page
    assert "<dt>Begonnen op</dt><dd>02-10-2023</dd>" in page
    assert "<dt>Verwacht einde</dt><dd>31-12-2023</dd>" in page
    assert f"<dt>Aangewezen alternatieven</dt><dd>{EUTHYROX_NAME} (Z-index {EUTHYROX})</dd>" in page
    assert f'href="{TEVA_PAGE}"' in page
    # the import under exemption is reimbursed: the route of an import during a shortage is
    # linked (seed 004 agreement 10; seed 003 "... as a replacement medicine on account of a
    # shortage of medicines"), not the rare-indication check, which would ask the 1:150,000
    link = re.search(r'<a href="([^"]+)">Controleer afleveren en declareren van het '
                     r'importgeneesmiddel bij een tekort</a>', page)
    assert link and f"{BASE}/importgeneesmiddel" not in link.group(1)
    target = html.unescape(link.group(1))
    assert target.startswith(f"{BASE}/import-bij-tekort?")
    opened = text_of(pharmacist.get(target))
    assert IMPORT_NAME in opened and 'name="prevalence"' not in opened  # no 1:150,000 asked
    for name in ("shortage", "exemption", "g_standaard"):
        assert re.search(rf'<input checked[^>]*id="{name}"|<input[^>]*id="{name}"[^>]*checked',
                         opened), name
    assert re.search(r'<input checked[^>]*value="vrijstelling"|value="vrijstelling"[^>]*checked',
                     opened)


def test_a_temporary_preferred_product_is_the_one_reimbursed_until_the_shortage_ends(
        pharmacist, auth, levo):
    shortage = ops.register_shortage({"product_id": levo[TEVA].id, "state": "niet_leverbaar",
                                      "reported_by": "leverancier",
                                      "started_on": date(2023, 10, 2)}, MANAGER)
    clock.set_today(date(2023, 10, 11), MANAGER)
    ops.update_shortage(shortage.id, {"drops_out": True,
                                      "temporary_preferred_id": levo[THYRAX].id}, MANAGER)
    page = text_of(from_register(pharmacist, auth, product=TEVA))
    assert "<dt>Datum</dt><dd>11-10-2023</dd>" in page
    assert "Uitkomst: Voorkeursbeleid: alleen het voorkeursmiddel" in page
    assert reimbursed(page) == THYRAX_NAME
    assert "Het voorgeschreven middel</dt><dd>wordt niet vergoed" in page
    assert product_row(page, THYRAX_NAME)[2] == "tijdelijk voorkeursmiddel tijdens het tekort"
    assert product_row(page, TEVA_NAME)[2:4] == [
        "vervallen uit het voorkeursbeleid wegens het tekort", "Niet leverbaar"]
    assert "<dt>Bericht</dt><dd>Wijziging tekort (versie 2, geldig vanaf 11-10-2023)</dd>" in page
    assert (f"<dt>Tijdelijk preferent product</dt><dd>{THYRAX_NAME} (Z-index {THYRAX})</dd>"
            in page)
    assert "Controleer afleveren en declareren" not in page  # the import is not reimbursed
    clock.set_today(date(2023, 10, 18), MANAGER)
    ops.end_shortage(shortage.id, {}, MANAGER)
    after = text_of(from_register(pharmacist, auth, product=TEVA))
    assert "<dt>Datum</dt><dd>18-10-2023</dd>" in after
    assert reimbursed(after) == TEVA_NAME
    assert "Het voorgeschreven middel</dt><dd>wordt vergoed" in after
    assert product_row(after, TEVA_NAME)[2:4] == ["voorkeursmiddel", "geen"]
    assert "Tekortbericht" not in after and "volgt uit het tekortenregister" not in after


def test_choosing_a_group_lists_only_its_products(pharmacist, auth, levo):
    response = post(pharmacist, auth, "/aanspraak", modus="register", group=OMEPRAZOL_GROUP,
                    product=TEVA, stap="groep")
    page = text_of(response)
    assert response.status_code == 200 and "Uitkomst" not in page
    assert f'<option selected value="{OMEPRAZOL_GROUP}">' in page
    product_select = re.search(r'<select id="product".*?</select>', page, re.S).group(0)
    assert "Omeprazol 20 mg maagsapresistente capsule Teva" in product_select
    assert "Losec MUPS 20 mg tablet" in product_select
    assert "Levothyroxine" not in product_select and "Metformine" not in product_select
    levo_page = text_of(pharmacist.get(f"{BASE}/aanspraak?groep={LEVO_GROUP}"))
    assert "Omeprazol" not in re.search(r'<select id="product".*?</select>', levo_page,
                                        re.S).group(0)


@pytest.mark.parametrize("data, field, message", [
    ({"group": "B01AA07 1 mg tablet"}, "group", "Deze groep staat niet in het register"),
    ({"product": "99999999"}, "product", "Dit middel staat niet in het register"),
    ({"product": "16010001"}, "product", "Dit middel hoort niet bij de gekozen groep"),
    ({"medical_necessity": "y"}, "product", "Kies bij medische noodzaak het voorgeschreven middel"),
])
def test_bad_register_input_is_marked_on_its_field_and_kept(pharmacist, auth, levo, data, field,
                                                            message):
    response = from_register(pharmacist, auth, **data)
    page = text_of(response)
    assert response.status_code == 422
    assert message in (field_error(page, field) or "")
    assert "Uitkomst" not in page
    if data.get("product") == "16010001":  # a product of another group: both choices kept
        assert f'<option selected value="{LEVO_GROUP}">' in page
        assert '<option selected value="16010001">' in page


def test_an_unknown_group_is_refused_at_the_first_step_too(pharmacist, auth, levo):
    response = post(pharmacist, auth, "/aanspraak", modus="register", group="bestaat niet",
                    stap="groep")
    assert response.status_code == 422
    assert "Deze groep staat niet in het register" in field_error(text_of(response), "group")


def test_an_empty_register_points_to_the_hand_typed_group(pharmacist):
    page = text_of(pharmacist.get(f"{BASE}/aanspraak"))
    assert "Het productregister heeft nog geen middelen." in page
    assert f'href="{BASE}/aanspraak?modus=vrij"' in page


def test_the_register_check_gives_every_pharmacy_the_same_and_others_nothing(
        client, auth, make_provider, make_user, levo):
    answers = []
    for _ in range(2):  # users of two organisations: the register is the same for both
        auth.login(make_user("provider_user", make_provider()))
        answers.append(reimbursed(text_of(from_register(client, auth))))
        auth.logout()
    assert answers == [TEVA_NAME, TEVA_NAME]
    assert client.get(f"{BASE}/aanspraak").status_code == 302
    anonymous = client.post(f"{BASE}/aanspraak", data={"csrf_token": auth.csrf(),
                                                       "modus": "register", "group": LEVO_GROUP})
    assert anonymous.status_code == 302 and "/inloggen" in anonymous.headers["Location"]
    auth.login(make_user("contract_manager"))
    assert client.get(f"{BASE}/aanspraak").status_code == 403
    refused = client.post(f"{BASE}/aanspraak", data={"csrf_token": auth.csrf("/"),
                                                     "modus": "register", "group": LEVO_GROUP})
    assert refused.status_code == 403
