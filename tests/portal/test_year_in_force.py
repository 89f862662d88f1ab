"""The pages, the API and the command line work for the contract year in force on the simulated
date (contracts.campaign), and say the contract year of each thing they show (issue 16, items 1
and 2). The 2023 campaign runs in calendar year 2022, the 2024 one in 2023 (Bijlage 1: "Planning
zorginkoop 2024" dates its milestones in 2023)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from flask import g
from sqlalchemy import select

from portal.cli.calendar import calendar_command
from portal.cli.policy import policy as policy_group
from portal.extensions import db
from portal.models import Application, IssueBatch, Offer, Provider
from portal.operations.applications import submit_application
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from tests.portal.test_offers_overview import manager  # noqa: F401  (the fixture)
from tests.support.tokens import bearer

API = "/api/v1"
MANAGER = Actor("manager@vgz.nl", "contract_manager")
#: During the 2023 campaign, during the 2024 one (before its zorgzoeker publication), after it.
CAMPAIGN_2023, CAMPAIGN_2024, PUBLISHED_2024 = date(2022, 6, 1), date(2023, 6, 1), date(2023, 11, 20)


def set_date(day: date) -> None:
    """Move the simulation date as a finished request would (the test shares one app context
    with its requests, so the per-request cache of the date is cleared by hand)."""
    set_today(day, MANAGER)
    db.session.commit()
    g.pop("simulation_today", None)


def offer(provider: Provider, year: int, status: str, contract: str = "farmaceutische_zorg") -> Offer:
    row = Offer(provider_id=provider.id, contract=contract, policy_year=year, relation="aflopend",
                rule="test", negotiable=True, channel="vecozo", final_channel="vecozo",
                status=status, deadline=date(year - 1, 10, 27))
    db.session.add(row)
    db.session.flush()
    return row


@pytest.fixture
def offers(session, make_provider):
    """Two providers: Apotheek Twee with a counter-proposal and an accepted offer of 2023, Apotheek
    Een with a counter-proposal and an accepted offer of 2024."""
    one, two = make_provider(name="Apotheek Een"), make_provider(name="Apotheek Twee")
    made = {"2024": offer(one, 2024, "tegenvoorstel"),
            "2024 accepted": offer(one, 2024, "geaccepteerd", "spoedzorg"),
            "2023": offer(two, 2023, "tegenvoorstel"),
            "2023 accepted": offer(two, 2023, "geaccepteerd", "spoedzorg")}
    session.commit()
    return made




def text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return re.sub(r"\s+", " ", response.get_data(as_text=True))


# -- the manager's pages ---------------------------------------------------------------------------

@pytest.mark.parametrize("day, year, other", [(CAMPAIGN_2023, 2023, 2024), (CAMPAIGN_2024, 2024, 2023)])
def test_the_dashboard_follows_the_campaign_of_the_simulated_date(client, manager, offers, day, year,
                                                                   other):
    set_date(day)
    page = text(client, "/beheer/")
    assert f"Dashboard zorginkoop {year}" in page and f"Alle aanbiedingen {year}" in page
    # one counter-proposal of each year: the signal counts the year in force's only
    assert "1 tegenvoorstel wacht op uw antwoord" in page
    assert f"/beheer/aanbiedingen?year={year}&amp;status=tegenvoorstel" in page
    assert f"year={other}" not in page


def test_the_overview_filters_on_the_years_there_are_offers_of(client, manager, offers):
    set_date(CAMPAIGN_2024)
    page = text(client, "/beheer/aanbiedingen")
    years = re.findall(r'<option[^>]* value="(\d{4})"', page)
    assert years == ["2024", "2023"]
    listed = text(client, "/beheer/aanbiedingen?year=2023")
    assert "Apotheek Twee" in listed and "Apotheek Een" not in listed
    assert text(client, "/beheer/aanbiedingen?year=2023").count(">2023</td>") == 2


def test_the_year_filter_offers_the_year_in_force_before_its_first_offer(client, manager, session,
                                                                         make_provider):
    offer(make_provider(), 2024, "aangeboden")
    session.commit()
    set_date(CAMPAIGN_2023)
    page = text(client, "/beheer/aanbiedingen?year=2023")  # the dashboard's link, no offer yet
    assert re.findall(r'<option[^>]* value="(\d{4})"', page) == ["2024", "2023"]
    assert "0 aanbiedingen" in page


def test_the_milestones_are_the_calendar_of_the_campaign_in_force(client, manager):
    set_date(CAMPAIGN_2023)
    page = text(client, "/beheer/aanbiedingen/uitgeven")
    assert "planning zorginkoop 2022 waarop VGZ aanbiedingen doet voor contractjaar 2023" in page
    set_date(CAMPAIGN_2024)
    assert "planning zorginkoop 2023 waarop VGZ aanbiedingen doet voor contractjaar 2024" in text(
        client, "/beheer/aanbiedingen/uitgeven")


def test_the_register_says_what_the_policy_in_force_does_and_each_offers_year(client, manager, offers):
    provider_id = offers["2023"].provider_id
    set_date(CAMPAIGN_2023)
    page = text(client, f"/beheer/zorgaanbieders/{provider_id}")
    assert "Wat het beleid 2023 doet" in page
    assert page.count("<td>2023</td>") == 2  # its two offers, each with its contract year
    set_date(CAMPAIGN_2024)
    assert "Wat het beleid 2024 doet" in text(client, f"/beheer/zorgaanbieders/{provider_id}")


def test_an_application_is_assessed_for_the_year_it_applies_for(client, manager, session):
    set_date(CAMPAIGN_2023)
    application = submit_application(
        {"organisation": "Apotheek Vroeg", "agb": "06900077", "kvk": "12345678",
         "provider_type": "openbare_apotheek", "city": "Almere", "contact_email": "a@vroeg.example",
         "contracts": ["farmaceutische_zorg"], "start_date": date(2023, 1, 1)},
        [], received_on=CAMPAIGN_2023, policy_year=2023)
    session.commit()
    set_date(CAMPAIGN_2024)  # assessed later: still the 2023 contract it asked for
    page = text(client, f"/beheer/aanvragen/{application.id}")
    assert "Contractjaar</dt><dd>2023</dd>" in page
    assert "<td>2023</td>" in text(client, "/beheer/aanvragen")


# -- the public pages ------------------------------------------------------------------------------

def test_the_zorgzoeker_shows_the_published_year_and_says_which(client, offers):
    set_date(date(2022, 12, 1))  # the 2023 contracts are published from 12-11-2022
    page = text(client, "/zorgzoeker")
    assert "Zorgaanbieders met een overeenkomst voor 2023." in page
    assert "Apotheek Twee" in page and "Apotheek Een" not in page
    set_date(CAMPAIGN_2024)
    page = text(client, "/zorgzoeker")
    assert "Vanaf 12-11-2023 vindt u hier de zorgaanbieders met een overeenkomst voor 2024." in page
    assert "Apotheek" not in page.split("<h1>")[1].split("</main>")[0]
    set_date(PUBLISHED_2024)
    page = text(client, "/zorgzoeker")
    assert "Zorgaanbieders met een overeenkomst voor 2024." in page
    assert "Apotheek Een" in page and "Apotheek Twee" not in page


def test_the_application_form_is_for_the_year_in_force(client, session):
    set_date(CAMPAIGN_2023)
    assert "inkoopbeleid 2023" in text(client, "/aanvragen")
    assert "Zorginkoop farmaceutische zorg 2023" in text(client, "/")
    set_date(CAMPAIGN_2024)
    assert "inkoopbeleid 2024" in text(client, "/aanvragen")


# -- the API -----------------------------------------------------------------------------------------

@pytest.fixture
def headers(session, make_user):
    user = make_user("contract_manager")
    session.commit()
    return bearer(user)


def test_the_offers_are_filtered_on_their_contract_year(client, offers, headers):
    answer = client.get(f"{API}/offers?policy_year=2023", headers=headers)
    assert answer.status_code == 200
    assert {o["id"] for o in answer.get_json()} == {offers["2023"].id, offers["2023 accepted"].id}
    assert {o["policy_year"] for o in client.get(f"{API}/offers", headers=headers).get_json()} == {
        2023, 2024}


@pytest.mark.parametrize("value", ["2031", "twee", "2024.5", ""])
def test_a_bad_contract_year_is_a_field_error(client, offers, headers, value):
    answer = client.get(f"{API}/offers?policy_year={value}", headers=headers)
    assert answer.status_code == 422
    assert list(answer.get_json()["errors"]["query"]) == ["policy_year"]


def test_the_batches_and_the_applications_are_filtered_on_their_contract_year(client, session,
                                                                              headers):
    for year in (2023, 2024):
        db.session.add(IssueBatch(key=f"{year}:fz_aflopend_aanbod", policy_year=year,
                                  milestone="fz_aflopend_aanbod", requested_by="m@vgz.example"))
    for n, start in enumerate((date(2023, 1, 1), date(2024, 3, 1))):
        db.session.add(Application(organisation=f"Apotheek {n}", agb=f"0690010{n}", kvk="12345678",
                                   provider_type="openbare_apotheek", city="Ede",
                                   contact_email="a@b.example", contracts=["farmaceutische_zorg"],
                                   start_date=start, received_on=date(2022, 6, 1),
                                   answer_due=date(2022, 7, 1)))
    session.commit()
    batches = client.get(f"{API}/batches?policy_year=2024", headers=headers).get_json()
    assert [b["policy_year"] for b in batches] == [2024]
    applications = client.get(f"{API}/applications?policy_year=2023", headers=headers).get_json()
    assert [(a["organisation"], a["policy_year"]) for a in applications] == [("Apotheek 0", 2023)]
    everything = client.get(f"{API}/applications", headers=headers).get_json()
    assert sorted(a["policy_year"] for a in everything) == [2023, 2024]


def test_an_application_through_the_api_is_for_the_year_in_force(client, session):
    set_date(CAMPAIGN_2023)
    body = {"organisation": "Apotheek Api", "agb": "06900088", "kvk": "87654321",
            "provider_type": "openbare_apotheek", "city": "Zwolle",
            "contact_email": "info@api.example", "contracts": ["farmaceutische_zorg"],
            "start_date": "2023-01-01"}
    answer = client.post(f"{API}/applications", json=body)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["policy_year"] == 2023
    refused = client.post(f"{API}/applications", json={**body, "agb": "06900089",
                                                       "start_date": "2024-01-01"})
    assert refused.status_code == 422 and "start_date" in refused.get_json()["errors"]["json"]
    preview = client.get(f"{API}/applications/preview?provider_type=openbare_apotheek"
                         "&contracts=farmaceutische_zorg")
    assert preview.status_code == 200
    assert db.session.scalar(select(Application.start_date)) == date(2023, 1, 1)


# -- the command line --------------------------------------------------------------------------------

def test_the_calendar_and_the_decision_table_default_to_the_year_in_force(app, session):
    set_date(CAMPAIGN_2023)
    runner = app.test_cli_runner()
    calendar = runner.invoke(calendar_command, ["--json"])
    assert calendar.exit_code == 0, calendar.output
    assert {m["date"][:4] for m in __import__("json").loads(calendar.output) if m["date"]} == {"2022"}
    table = runner.invoke(policy_group, ["table"])
    assert table.exit_code == 0 and "2022" in table.output and "-2023" not in table.output
    set_date(CAMPAIGN_2024)
    later = runner.invoke(calendar_command, [])
    assert "Uiterlijk 15-09-2023" in later.output


def test_the_openapi_document_says_which_lists_filter_on_the_contract_year(client):
    document = client.get(f"{API}/openapi.json").get_json()
    for path in ("/offers", "/batches", "/applications"):
        [parameter] = [p for p in document["paths"][API + path]["get"]["parameters"]
                       if p["name"] == "policy_year"]
        assert parameter["in"] == "query" and parameter["schema"]["enum"] == [2023, 2024]
    for schema in ("Offer", "Batch", "Application", "Receipt"):
        assert document["components"]["schemas"][schema]["properties"]["policy_year"]["type"] == "integer"
    assert document["components"]["schemas"]["Offer"]["properties"]["deadline"]["format"] == "date"
    assert "in force" in document["components"]["schemas"]["Issue"]["properties"]["policy_year"][
        "description"]


def test_the_campaign_feed_is_the_calendar_of_the_campaign_in_force(client, session):
    from portal.feeds import feed_token

    set_date(CAMPAIGN_2023)
    feed = client.get(f"/agenda/{feed_token(None)}.ics").get_data(as_text=True)
    assert "campagne 2023 (planning 2022)" in feed and "DTSTART;VALUE=DATE:2022" in feed
    assert "DTSTART;VALUE=DATE:2023" not in feed
