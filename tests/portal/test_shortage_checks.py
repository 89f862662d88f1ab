"""The pharmacy's checks during a shortage on the page, in the API and the CLI (seed 004
agreements 3 and 10, seed 003): the same answers everywhere, for provider staff only; the
rare-indication import check hands an import because of a shortage to its own route; the
manager's shortage form shows agreement 4's availability questions and milestones."""
import json
import re
import subprocess
import sys

import pytest

from tests.support.tokens import bearer

IMPORT_PAGE = "/zorgaanbieder/controles/import-bij-tekort"
SUBSTITUTION_PAGE = "/zorgaanbieder/controles/vervangen-bij-tekort"
VRIJ = {"shortage": True, "ground": "vrijstelling", "rational_pharmacotherapy": True,
        "exemption": True, "doctors_order": True, "in_g_standaard": True}


@pytest.fixture
def pharmacist(client, auth, make_provider, make_user):
    auth.login(make_user("provider_user", make_provider()))
    return client


def post(client, auth, path, **data):
    return client.post(path, data={"csrf_token": auth.csrf(path), **data})


def outcome(page: str) -> str:
    match = re.search(r'<h2 id="uitkomst">Uitkomst: ([^<]*)</h2>', page)
    return match.group(1) if match else ""


# -- pages --------------------------------------------------------------------------------------

def test_an_import_under_an_exemption_during_a_shortage_is_declared_with_its_z_index(
        pharmacist, auth):
    # seed 003: "... imported into Dutch territory as a replacement medicine on account of a
    # shortage of medicines"; seed 004: "Een snellere opname in de G-standaard van
    # geneesmiddelen met een tekort waarvoor een tijdelijke toestemming voor import geldt"
    response = post(pharmacist, auth, IMPORT_PAGE, shortage="y", ground="vrijstelling",
                    rational="y", exemption="y", doctors_order="y", g_standaard="y")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Z-indexnummer" in outcome(page)
    assert "geldigheidsduur" in page  # agreement 2's open point
    assert "as a replacement medicine" not in page  # the English source only on the English page
    assert "Mijlpaal" not in outcome(page)


def test_without_a_doctors_order_the_doctors_statement_comes_first(pharmacist, auth):
    # seed 003: "... are delivered following an order placed at the initiative of a doctor"
    page = post(pharmacist, auth, IMPORT_PAGE, shortage="y", ground="vrijstelling",
                rational="y", exemption="y").get_data(as_text=True)
    assert outcome(page) == "Eerst een artsenverklaring"


def test_no_shortage_links_the_rare_indication_check(pharmacist, auth):
    page = post(pharmacist, auth, IMPORT_PAGE, rational="y").get_data(as_text=True)
    assert outcome(page).startswith("Geen tekort")
    assert 'href="/zorgaanbieder/controles/importgeneesmiddel"' in page


def test_a_shortage_without_a_ground_is_marked_on_the_ground(pharmacist, auth):
    response = post(pharmacist, auth, IMPORT_PAGE, shortage="y")
    assert response.status_code == 422
    assert "Kies de grond voor het importgeneesmiddel." in response.get_data(as_text=True)


def test_the_rare_indication_check_hands_a_shortage_import_to_its_route(pharmacist, auth):
    # seed 000: "Heeft u vragen over de import van een geneesmiddel bij leveringsproblemen, leest
    # u dan de memo ‘uitwijken naar importgeneesmiddel bij leveringsproblemen’."
    response = post(pharmacist, auth, "/zorgaanbieder/controles/importgeneesmiddel",
                    situation="niet", rational="y", shortage="y", authorisation="geen")
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # no prevalence asked
    assert outcome(page).startswith("Import bij een tekort")
    link = re.search(r'href="(/zorgaanbieder/controles/import-bij-tekort\?[^"]*)"', page)
    assert link and "rational=y" in link.group(1) and "shortage=y" in link.group(1)


def test_the_import_page_asks_the_igj_consent_and_the_exclusion(pharmacist, auth):
    page = pharmacist.get("/zorgaanbieder/controles/importgeneesmiddel").get_data(as_text=True)
    assert "individueel patiëntniveau" in page and "GVS" in page
    # "De IGJ toestemming heeft gegeven voor de import op individueel patiëntniveau."
    refused = post(pharmacist, auth, "/zorgaanbieder/controles/importgeneesmiddel",
                   situation="niet", rational="y", prevalence="200.000",
                   igj_consent="niet_verleend", authorisation="geen").get_data(as_text=True)
    assert outcome(refused).startswith("Niet afleveren")
    excluded = post(pharmacist, auth, "/zorgaanbieder/controles/importgeneesmiddel",
                    situation="F", equivalent="y", authorisation="geen").get_data(as_text=True)
    assert outcome(excluded).startswith("Niet afleveren")


@pytest.mark.parametrize("data, route", [
    ({"shortage": "y", "national": "y", "local_agreement": "y"},
     "Vervangen volgens de lokale afspraak met de voorschrijver"),
    ({"shortage": "y", "national": "y"}, "Overleg met de voorschrijver"),
    ({"national": "y", "local_agreement": "y"}, "Geen tekort: niet vervangen op grond van de leidraad"),
])
def test_the_substitution_page(pharmacist, auth, data, route):
    # "... zodat apothekers recepten kunnen aanpassen als een middel wegens een tekort niet
    # beschikbaar is." / "... dat dit **alleen** geldt bij tekorten."
    page = post(pharmacist, auth, SUBSTITUTION_PAGE, **data).get_data(as_text=True)
    assert outcome(page) == route
    assert "niet toereikend" in page  # the legal framework, always said


@pytest.mark.parametrize("path", [IMPORT_PAGE, SUBSTITUTION_PAGE])
def test_the_checks_are_for_provider_staff(client, auth, make_user, path):
    assert client.get(path).status_code == 302
    auth.login(make_user("contract_manager"))
    assert client.get(path).status_code == 403


def test_a_post_without_its_csrf_token_is_refused(pharmacist):
    assert pharmacist.post(SUBSTITUTION_PAGE, data={"shortage": "y"}).status_code in (400, 422)


# -- the manager's form: agreement 4 -------------------------------------------------------------

def test_the_shortage_form_shows_the_procurement_guidelines_questions_and_milestones(
        client, auth, make_user):
    # "Het voorkomen van ongewenste effecten van de inkoop op de beschikbaarheid van
    # geneesmiddelen, zoals verschraling van de markt of toename van het risico op tekorten."
    auth.login(make_user("contract_manager"))
    page = client.get("/beheer/tekorten/nieuw").get_data(as_text=True)
    assert "Leidt deze keuze tot verschraling van de markt?" in page
    assert "Opgestelde concept inkoopleidraad (2025)" in page
    assert "nog niet bereikt" in page  # the simulated date is before 2025


# -- API ----------------------------------------------------------------------------------------

@pytest.fixture
def headers(make_provider, make_user):
    return bearer(make_user("provider_signatory", make_provider()))


def test_the_api_answers_as_the_page(client, headers):
    body = client.post("/api/v1/shortages/import-check", json=VRIJ, headers=headers)
    assert body.status_code == 200
    assert body.json["route"] == "declareren_z_index" and body.json["entitled"] is True
    assert body.json["open_points"]
    sub = client.post("/api/v1/shortages/substitution", json={"shortage": True,
                                                                "same_substance": True},
                      headers=headers)
    assert sub.status_code == 200 and sub.json["route"] == "wisselen_zelfde_stof"


@pytest.mark.parametrize("path, body, field", [
    ("/api/v1/shortages/import-check", {"shortage": True}, "ground"),
    ("/api/v1/shortages/import-check", {"shortage": True, "ground": "x"}, "ground"),
    ("/api/v1/shortages/substitution", {"shortage": True, "landelijk": True}, "landelijk"),
])
def test_bad_api_input_is_422_naming_the_field(client, headers, path, body, field):
    response = client.post(path, json=body, headers=headers)
    assert response.status_code == 422
    assert field in json.dumps(response.json)


def test_the_rare_indication_api_check_says_tekortroute(client, headers):
    response = client.post("/api/v1/checks/import-claim", headers=headers,
                           json={"in_g_standaard": False, "rational_pharmacotherapy": True,
                                 "shortage": True, "igj_consent": "onbekend"})
    assert response.status_code == 200 and response.json["route"] == "tekortroute"


def test_the_api_checks_are_for_provider_staff(client, make_user):
    manager = bearer(make_user("contract_manager"))
    assert client.post("/api/v1/shortages/import-check", json=VRIJ,
                       headers=manager).status_code == 403


# -- CLI ----------------------------------------------------------------------------------------

def portal(*args, stdin=""):
    return subprocess.run([sys.executable, "-m", "portal", "shortages", *args], input=stdin,
                          text=True, capture_output=True, timeout=60)


def test_the_cli_answers_as_the_api():
    run = portal("import-check", "--json", stdin=json.dumps(VRIJ))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["route"] == "declareren_z_index"
    lines = portal("substitution", stdin='{"shortage": true, "national": true}')
    assert lines.returncode == 0 and "voorschrijver_raadplegen" in lines.stdout


@pytest.mark.parametrize("command, stdin, field", [
    ("import-check", '{"shortage": true}', "ground"),
    ("substitution", '{"shortage": "ja"}', "shortage"),
    ("import-check", '{"shortage": ', "case"),
])
def test_bad_cli_input_is_one_line_and_exit_2(command, stdin, field):
    run = portal(command, stdin=stdin)
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and field in run.stderr
