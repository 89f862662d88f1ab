"""Applications lead somewhere and bad ones are refused (issue 15, items 3 and 4): a grant issues
the offer the policy prescribes, which the new provider finds on its offers page and in its
inbox; one open application per AGB code and contract; an AGB code the insurer knows is told
what applies to it; the desired start date is checked against the simulated date."""
from __future__ import annotations

import re
from datetime import date

import pytest
from flask import g
from sqlalchemy import func, select

from contracts.errors import CaseError
from portal.extensions import db
from portal.models import Application, ContractHeld, Notification, Offer, Provider
from portal.operations.applications import assess_application, submit_application
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from portal.operations.offers import issue_offer, transition
from portal.models.documents import day_of

API = "/api/v1"
MANAGER = Actor("manager@vgz.nl", "contract_manager")
CRITERIA = ("effectievere_zorg", "onderscheidend", "meer_keuze", "bereikbaarheid")
DATA = {"organisation": "Apotheek Het Nieuwe Plein", "agb": "06900001", "kvk": "12345678",
        "provider_type": "openbare_apotheek", "city": "Almere", "contact_email": "info@plein.example",
        "contracts": ["farmaceutische_zorg"], "agb_start": date(2023, 3, 1),
        "motivations": {"bereikbaarheid": "Geen apotheek in de nieuwe wijk"}}


def set_date(day: date) -> None:
    """Move the simulation clock (the test's app context outlives its requests: forget the day)."""
    set_today(day, Actor("t", "admin"))
    g.pop("simulation_today", None)


def findings(met="bereikbaarheid") -> dict:
    return {c: {"met": c == met, "motivation": "Beoordeeld"} for c in CRITERIA}


def applications() -> int:
    return db.session.scalar(select(func.count(Application.id)))


def field_errors(html: str, field_id: str) -> list[str]:
    return re.findall(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', html)


def preview_section(html: str) -> str:
    return html[html.index('class="preview"'):]


def form(auth, **changes) -> dict:
    """The application form as the browser posts it (a new open pharmacy)."""
    data = {"csrf_token": auth.csrf("/aanvragen"), "organisation": DATA["organisation"],
            "agb": DATA["agb"], "kvk": DATA["kvk"], "provider_type": "openbare_apotheek",
            "address": "Marktplein 1", "postcode": "1300 AB", "city": "Almere",
            "agb_start": "01-03-2023", "contact_email": DATA["contact_email"],
            "contracts": ["farmaceutische_zorg"], "start_date": "01-01-2024",
            "motivations-bereikbaarheid": "Geen apotheek in de nieuwe wijk", "step": "controleren"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assessment_form(auth) -> dict:
    data = {"csrf_token": auth.csrf("/beheer/simulatiedatum"), "granted": "ja",
            "motivation": "Lost een bereikbaarheidsprobleem op"}
    for criterion in CRITERIA:
        data[f"met_{criterion}"] = "ja" if criterion == "bereikbaarheid" else "nee"
        data[f"motivation_{criterion}"] = "Beoordeeld aan de hand van de stukken"
    return data


def api_body(**changes) -> dict:
    body = {"organisation": DATA["organisation"], "agb": DATA["agb"], "kvk": DATA["kvk"],
            "provider_type": "openbare_apotheek", "city": "Almere",
            "contact_email": DATA["contact_email"], "contracts": ["farmaceutische_zorg"],
            "agb_start": "2023-03-01", "start_date": "2024-01-01"}
    body.update(changes)
    return body


# -- a grant leads to the offer ------------------------------------------------------------------

def test_a_grant_issues_the_offer_which_the_provider_finds_on_its_pages_and_in_its_inbox(
        client, auth, session, make_user):
    set_date(date(2023, 6, 1))
    sent = client.post("/aanvragen", data=form(auth, step="versturen"))
    assert sent.status_code == 302
    application = session.scalars(select(Application)).one()

    manager = make_user("contract_manager")
    auth.login(manager)
    set_date(date(2023, 6, 20))
    answered = client.post(f"/beheer/aanvragen/{application.id}", data=assessment_form(auth))
    assert answered.status_code == 302
    provider = session.scalar(select(Provider).where(Provider.agb == DATA["agb"]))
    offer = session.scalars(select(Offer).where(Offer.provider_id == provider.id)).one()
    # fz_nieuw_aanvraag: "A granted application leads to the offer contracted providers of the
    # same type get: not negotiable, concluded in VECOZO"; issued on the day of the grant, to be
    # answered within 6 weeks of its issue (the policy's acceptance reading): 01-08-2023.
    assert (offer.contract, offer.policy_year, offer.status, offer.negotiable, offer.channel) == (
        "farmaceutische_zorg", 2024, "aangeboden", False, "vecozo")
    assert day_of(offer.issued_at) == date(2023, 6, 20) and offer.deadline == date(2023, 8, 1)

    page = client.get(f"/beheer/aanvragen/{application.id}")
    html = page.get_data(as_text=True)
    assert "het aanbod is uitgebracht" in html  # the flash of the grant
    assert f'href="/beheer/aanbiedingen/{offer.id}"' in html
    assert "Aanbod uitbrengen" not in html  # nothing left to issue
    auth.logout()

    auth.login(make_user("provider_signatory", provider))
    offers_page = client.get("/zorgaanbieder/aanbiedingen").get_data(as_text=True)
    assert f"/zorgaanbieder/aanbiedingen/{offer.id}" in offers_page
    inbox = client.get("/zorgaanbieder/berichten").get_data(as_text=True)
    assert "Nieuw aanbod: Overeenkomst Farmaceutische zorg 2024" in inbox
    assert "Uw aanvraag is toegekend" in inbox
    links = session.scalars(select(Notification.link).where(
        Notification.provider_id == provider.id, Notification.key.not_like("user:%:invite"))).all()
    assert links and set(links) == {f"/zorgaanbieder/aanbiedingen/{offer.id}"}
    assert client.get(f"/zorgaanbieder/aanbiedingen/{offer.id}").status_code == 200


def test_a_grant_for_two_contracts_issues_both_offers_and_the_answer_leads_to_them(session):
    application = submit_application({**DATA, "contracts": ["farmaceutische_zorg", "dieetpreparaten"]},
                                     [], received_on=date(2023, 6, 1), policy_year=2024)
    assess_application(application.id, MANAGER, granted=True, motivation="Bereikbaarheid",
                       findings=findings(), answered_on=date(2023, 6, 20), policy_year=2024)
    offers = session.scalars(select(Offer).where(Offer.provider_id == application.provider_id)).all()
    # dieet_apotheken_nieuw: "Desbetreffende zorgaanbieders ontvangen van ons een
    # niet-onderhandelbaar contractaanbod in VECOZO."
    assert sorted((o.contract, o.rule, o.negotiable) for o in offers) == [
        ("dieetpreparaten", "dieet_apotheken_nieuw", False),
        ("farmaceutische_zorg", "fz_nieuw_aanvraag", False)]
    answer = session.scalar(select(Notification).where(Notification.key.endswith(":answer")))
    assert answer.link == "/zorgaanbieder/aanbiedingen"
    assert "Overeenkomst Dieetpreparaten" in answer.body and "dieetpreparaten" not in answer.body


def test_a_refusal_issues_no_offer(session):
    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=2024)
    assess_application(application.id, MANAGER, granted=False, motivation="Geen criterium voldaan",
                       findings=findings(met=None), answered_on=date(2023, 6, 20), policy_year=2024)
    assert session.scalar(select(func.count(Offer.id))) == 0


def test_a_grant_without_its_offer_gets_one_button_to_issue_it(client, auth, session, make_user,
                                                                 monkeypatch):
    """When the policy makes no offer on the day of the grant (here: made to refuse), the grant
    stands and the application page offers the one button that issues it later."""
    import portal.operations.applications as operations

    def no_offer_yet(*args, **kwargs):
        raise CaseError("contract", "the policy makes no offer here yet")

    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=2024)
    monkeypatch.setattr(operations, "issue_offer", no_offer_yet)
    assess_application(application.id, MANAGER, granted=True, motivation="Bereikbaarheid",
                       findings=findings(), answered_on=date(2023, 6, 20), policy_year=2024)
    monkeypatch.undo()
    assert application.status == "toegekend" and session.scalar(select(func.count(Offer.id))) == 0

    auth.login(make_user("contract_manager"))
    url = f"/beheer/aanvragen/{application.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Nog geen aanbod voor: Overeenkomst Farmaceutische zorg." in html
    assert html.count('value="aanbieden"') == 1
    token = auth.csrf(url)
    assert client.post(url, data={"step": "aanbieden"}).status_code == 400  # no token: nothing
    assert session.scalar(select(func.count(Offer.id))) == 0
    assert client.post(url, data={"step": "aanbieden", "csrf_token": token}).status_code == 302
    offer = session.scalars(select(Offer)).one()
    assert (offer.provider_id, offer.contract, offer.status) == (
        application.provider_id, "farmaceutische_zorg", "aangeboden")
    html = client.get(url).get_data(as_text=True)
    assert "Het aanbod is uitgebracht." in html and 'value="aanbieden"' not in html
    assert f'href="/beheer/aanbiedingen/{offer.id}"' in html


def test_the_application_page_no_longer_says_the_receipt_date_is_unknown(client, auth, session,
                                                                        make_user):
    application = submit_application(DATA, [], received_on=date(2023, 4, 3), policy_year=2024)
    auth.login(make_user("contract_manager"))
    html = client.get(f"/beheer/aanvragen/{application.id}").get_data(as_text=True)
    assert "03-04-2023" in html and "Uiterlijk 1 maand na ontvangen aanvraag" in html
    assert "nog onbekend" not in html
    api = client.get(f"{API}/applications/{application.id}",
                     headers={"Authorization": f"Bearer {token_for(client, make_user)}"})
    assert api.get_json()["offers"] == []


def token_for(client, make_user) -> str:
    user = make_user("contract_manager", email="api-manager@vgz.example")
    response = client.post(f"{API}/tokens", json={"email": user.email, "password": "geheim-wachtwoord",
                                                  "name": "test"})
    return response.get_json()["token"]


def test_the_api_grant_answers_with_the_offers_it_issued(client, session, make_user):
    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=2024)
    headers = {"Authorization": f"Bearer {token_for(client, make_user)}"}
    body = {"granted": True, "motivation": "Bereikbaarheid", "findings": findings()}
    answer = client.post(f"{API}/applications/{application.id}/assessment", json=body, headers=headers)
    assert answer.status_code == 200
    offer = session.scalars(select(Offer)).one()
    assert answer.get_json()["offers"] == [{"id": offer.id, "contract": "farmaceutische_zorg",
                                            "status": "aangeboden",
                                            "deadline": offer.deadline.isoformat()}]


# -- one open application per AGB code and contract --------------------------------------------

def test_a_second_application_while_one_is_open_is_refused_on_the_form(client, auth, session):
    set_date(date(2023, 6, 1))
    submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=2024)
    checked = client.post("/aanvragen", data=form(auth))
    html = checked.get_data(as_text=True)
    assert checked.status_code == 422
    assert field_errors(html, "contracts") == [
        "Voor deze AGB-code is al een aanvraag voor de Overeenkomst Farmaceutische zorg in "
        "behandeling (ontvangen op 01-06-2023). Wacht eerst ons antwoord daarop af: u hoort "
        "uiterlijk 01-07-2023 van ons."]
    assert "U kunt deze overeenkomst aanvragen." not in preview_section(html)
    assert 'value="versturen"' not in html
    sent = client.post("/aanvragen", data=form(auth, step="versturen"))
    assert sent.status_code == 422 and applications() == 1


def test_a_second_application_while_one_is_open_is_refused_by_the_api(client, session):
    assert client.post(f"{API}/applications", json=api_body()).status_code == 201
    again = client.post(f"{API}/applications",
                        json=api_body(contracts=["dieetpreparaten", "farmaceutische_zorg"]))
    assert again.status_code == 409
    assert list(again.get_json()["errors"]["json"]) == ["contracts"]
    assert applications() == 1
    preview = client.get(f"{API}/applications/preview?provider_type=openbare_apotheek"
                         f"&contracts=farmaceutische_zorg,dieetpreparaten&agb={DATA['agb']}")
    lines = {line["contract"]: line for line in preview.get_json()}
    assert lines["farmaceutische_zorg"]["eligible"] is False
    assert lines["farmaceutische_zorg"]["open_application"]["received_on"] == "2023-05-01"
    assert lines["dieetpreparaten"]["eligible"] is True
    assert lines["dieetpreparaten"]["open_application"] is None


# -- an AGB code the insurer knows is told what applies ------------------------------------------

@pytest.fixture
def known(session, make_provider):
    """A pharmacy whose agreement ends this year (the 15-09-2023 offer still to come), one that
    accepted its 2024 offer, and one whose agreement runs to the end of 2025."""
    ending = make_provider(name="Apotheek De Linde")
    accepted = make_provider(name="Apotheek Het Anker")
    offer = issue_offer(accepted, "farmaceutische_zorg", 2024, MANAGER)
    transition(offer.id, "accept", Actor("signatory@anker", "provider_signatory", accepted.id))
    running = make_provider(name="Apotheek De Brug", contracts=(
        ("farmaceutische_zorg", date(2022, 1, 1), date(2025, 12, 31)),))
    set_date(date(2023, 6, 1))
    return ending, accepted, running


@pytest.mark.parametrize("which, told", [
    (0, "Apotheek De Linde heeft een Overeenkomst Farmaceutische zorg die loopt tot 31-12-2023. "
        "VGZ biedt uiterlijk 15-09-2023 een overeenkomst voor 2024 aan in het portaal; u hoeft "
        "niets aan te vragen."),
    (1, "Apotheek Het Anker heeft het aanbod voor de Overeenkomst Farmaceutische zorg 2024 "
        "aanvaard; u hoeft niets aan te vragen."),
    (2, "Apotheek De Brug heeft al een Overeenkomst Farmaceutische zorg die loopt tot 31-12-2025; "
        "u hoeft niets aan te vragen."),
])
def test_a_contracted_agb_code_is_told_what_applies_instead(client, auth, session, known, which, told):
    provider = known[which]
    checked = client.post("/aanvragen", data=form(auth, agb=provider.agb))
    html = checked.get_data(as_text=True)
    section = preview_section(html)
    assert told in section
    assert "U kunt deze overeenkomst aanvragen." not in section and 'value="versturen"' not in html
    assert field_errors(html, "agb") and checked.status_code == 422
    sent = client.post("/aanvragen", data=form(auth, agb=provider.agb, step="versturen"))
    assert sent.status_code == 422 and applications() == 0


def test_the_api_preview_tells_a_known_agb_code_what_applies(client, known):
    ending, accepted, running = known
    situations = {}
    for provider in known:
        [line] = client.get(f"{API}/applications/preview?provider_type=openbare_apotheek"
                            f"&contracts=farmaceutische_zorg&agb={provider.agb}").get_json()
        assert line["eligible"] is False
        situations[provider.name] = line["known"]
    assert situations[ending.name] == {"provider": ending.name, "situation": "aanbod_volgt",
                                       "agreement_end": "2023-12-31", "offer_by": "2023-09-15",
                                       "answer_by": None}
    assert situations[accepted.name]["situation"] == "aanvaard"
    assert (situations[running.name]["situation"], situations[running.name]["agreement_end"]) == (
        "lopend", "2025-12-31")
    assert client.post(f"{API}/applications", json=api_body(agb=ending.agb)).status_code == 422


def test_a_known_agb_code_without_an_agreement_is_sent_to_its_signatory(client, auth, session,
                                                                       make_provider):
    provider = make_provider(name="Apotheek Zonder Contract", contracts=())
    html = client.post("/aanvragen", data=form(auth, agb=provider.agb, contracts=["dieetpreparaten"])
                       ).get_data(as_text=True)
    assert ("Deze AGB-code hoort bij Apotheek Zonder Contract, die al bekend is bij VGZ. De "
            "tekenbevoegde logt in op het portaal.") in preview_section(html)
    assert session.scalar(select(func.count(ContractHeld.id)).where(
        ContractHeld.provider_id == provider.id)) == 0


# -- dates against the simulated date -----------------------------------------------------------

@pytest.mark.parametrize("start", ["01-01-2020", "31-12-2023", "01-01-2025"])
def test_a_start_outside_the_contract_year_is_refused_on_the_form(client, auth, session, start):
    set_date(date(2023, 6, 1))
    response = client.post("/aanvragen", data=form(auth, start_date=start, step="versturen"))
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "start_date") == [
        "Kies een ingangsdatum van 01-01-2024 tot en met 31-12-2024: u vraagt een overeenkomst "
        "voor 2024 aan, en een overeenkomst gaat niet in het verleden in."]
    assert applications() == 0


def test_in_the_contract_year_the_start_is_not_before_the_simulated_date(client, auth, session):
    set_date(date(2024, 3, 15))
    response = client.post("/aanvragen", data=form(auth, start_date="01-03-2024", step="versturen"))
    assert field_errors(response.get_data(as_text=True), "start_date") == [
        "Kies een ingangsdatum van 15-03-2024 tot en met 31-12-2024: u vraagt een overeenkomst "
        "voor 2024 aan, en een overeenkomst gaat niet in het verleden in."]
    assert applications() == 0
    sent = client.post("/aanvragen", data=form(auth, start_date="15-03-2024", step="versturen"))
    assert sent.status_code == 302
    assert session.scalars(select(Application)).one().start_date == date(2024, 3, 15)


def test_a_start_before_the_agb_code_starts_is_refused(client, auth, session):
    set_date(date(2023, 10, 1))
    response = client.post("/aanvragen", data=form(
        auth, provider_type="facilitair_bedrijf", contracts=["dieetpreparaten"],
        agb_start="01-02-2024", start_date="01-01-2024", step="versturen"))
    assert field_errors(response.get_data(as_text=True), "start_date") == [
        "De overeenkomst kan niet ingaan voordat uw AGB-code ingaat. Kies een datum van "
        "01-02-2024 tot en met 31-12-2024."]
    assert applications() == 0


def test_after_the_contract_year_no_application_for_it_is_taken(client, auth, session):
    set_date(date(2025, 1, 6))
    response = client.post("/aanvragen", data=form(auth, start_date="06-01-2025", step="versturen"))
    assert field_errors(response.get_data(as_text=True), "start_date") == [
        "Aanvragen voor een overeenkomst in 2024 zijn niet meer mogelijk."]
    assert applications() == 0


@pytest.mark.parametrize("changes", [{"start_date": "2020-01-01"}, {"start_date": "2025-01-01"},
                                     {"agb_start": "2024-03-01", "start_date": "2024-02-01"}])
def test_the_api_refuses_a_start_outside_the_window_naming_the_field(client, session, changes):
    response = client.post(f"{API}/applications", json=api_body(**changes))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["start_date"]
    assert applications() == 0


def test_the_api_takes_the_first_allowed_day_when_no_start_is_given(client, session):
    set_date(date(2024, 3, 15))
    response = client.post(f"{API}/applications", json=api_body(start_date=None))
    assert response.status_code == 201
    assert session.get(Application, response.get_json()["id"]).start_date == date(2024, 3, 15)
