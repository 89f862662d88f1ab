"""The contract manager's pages: for managers only, CSRF on every POST, and each page doing what
it says through the operations (bulk issue, assessment, negotiation, the simulation date)."""
from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from types import SimpleNamespace

import pytest
from flask import g
from flask_sqlalchemy.session import Session as FlaskSession
from markupsafe import escape
from sqlalchemy import func, select

from contracts.policy import load_policy
from portal.cli.worker import run_waiting, worker
from portal.extensions import db
from portal.models import (Application, AuditEntry, DocumentVersion, IssueBatch, NegotiationRound,
                           Offer, ProfileScore, Provider, SimulationClock)
from portal.operations.applications import submit_application
from portal.operations.audit import Actor
from portal.operations.batches import request_batch
from portal.operations.clock import set_today
from portal.operations.offers import issue_offer, transition
from tests.support.statements import statements

MANAGER = Actor("manager@vgz.nl", "contract_manager")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ENDING = (("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),)
APPLICATION = {"organisation": "Apotheek Nieuw Begin", "agb": "06123456", "kvk": "12345678",
               "provider_type": "openbare_apotheek", "city": "Zwolle",
               "contact_email": "info@nieuw.example", "contracts": ["farmaceutische_zorg"],
               "motivations": {"bereikbaarheid": "Geen apotheek binnen 10 km"}}
CRITERIA = ("effectievere_zorg", "onderscheidend", "meer_keuze", "bereikbaarheid")


class JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the engine itself and ignores `bind`: this one keeps to
    the test's connection, so a view's commit only releases a savepoint."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        return bind if bind is not None else self.bind


def set_date(day: date) -> None:
    """Move the simulation date as a finished request would (the test shares one app context
    with its requests, so the per-request cache of the date is cleared by hand)."""
    set_today(day, MANAGER)
    db.session.commit()
    g.pop("simulation_today", None)


def token(auth) -> str:
    return auth.csrf("/beheer/simulatiedatum")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def manager(session, auth, make_user):
    user = make_user("contract_manager")
    session.commit()  # a view that rolls back its own work keeps the account
    auth.login(user)
    return user


@pytest.fixture
def world(session, make_provider):
    """One of everything a manager's page shows: a provider with an offer, an application with
    an attachment, a requested batch."""
    # a collective represents it: the Aanvullende afspraken can be offered to it
    provider = make_provider(collective="Apothekerscollectief Utrecht")
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    application = submit_application(APPLICATION, [("vergunning.pdf", PDF)], received_on=date(2023, 6, 1),
                                     policy_year=2024)
    batch = request_batch("module_doorlopend_aanbod", MANAGER, policy_year=2024)
    session.commit()  # as an earlier request would have: a view's rollback keeps it
    return SimpleNamespace(provider=provider.id, offer=offer.id, application=application.id,
                           attachment=application.attachments[0].id, batch=batch.id)


PAGES = ["/beheer/", "/beheer/zorgaanbieders", "/beheer/zorgaanbieders?q=apotheek&type=openbare_apotheek",
         "/beheer/zorgaanbieders/{provider}", "/beheer/zorgaanbieders/import",
         "/beheer/aanbiedingen/uitgeven", "/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod",
         "/beheer/batches/{batch}", "/beheer/aanvragen", "/beheer/aanvragen/{application}",
         "/beheer/aanvragen/{application}/bijlagen/{attachment}", "/beheer/onderhandelingen",
         "/beheer/aanbiedingen/{offer}", "/beheer/aanbiedingen/{offer}/document", "/beheer/simulatiedatum",
         "/beheer/aanbiedingen", "/beheer/aanbiedingen?status=open&contract=farmaceutische_zorg",
         "/beheer/aanbiedingen/export.csv", "/beheer/aanbiedingen/export.xlsx",
         "/beheer/zorgaanbieders/export.csv", "/beheer/zorgaanbieders/export.xlsx",
         "/beheer/aanvragen/export.csv", "/beheer/aanvragen/export.xlsx",
         "/beheer/uitgaande-post/export.csv", "/beheer/uitgaande-post/export.xlsx"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_is_for_managers_only(client, auth, make_user, make_provider, world, page):
    path = page.format(**vars(world))
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/inloggen" in anonymous.headers["Location"]
    auth.login(make_user("provider_signatory", make_provider()))
    assert client.get(path).status_code == 403
    auth.logout()
    auth.login(make_user("contract_manager"))
    response = client.get(path)
    assert response.status_code == 200
    if response.mimetype == "text/html":
        html = response.get_data(as_text=True)
        # The CSP allows no inline styles or scripts: the pages use none.
        assert " style=" not in html and "<script" not in html
        assert 'lang="nl"' in html and "Simulatiedatum" in html
    else:
        assert response.headers["Content-Disposition"].startswith("attachment")


def test_an_admin_may_use_the_pages_too(client, auth, make_user):
    auth.login(make_user("admin"))
    assert client.get("/beheer/onderhandelingen").status_code == 200


def snapshot(world):
    application = db.session.get(Application, world.application)
    offer = db.session.get(Offer, world.offer)
    db.session.refresh(application)
    db.session.refresh(offer)
    return (count(Provider), count(Offer), count(IssueBatch), count(AuditEntry), count(ProfileScore),
            count(NegotiationRound), count(SimulationClock), application.status, offer.status)


REGISTER_CSV = b"agb;naam;type;plaats\n12345678;A;openbare_apotheek;Ede\n"
POSTS = [
    ("/beheer/zorgaanbieders/import", {"kind": "zorgaanbieders",
                                       "file": (BytesIO(REGISTER_CSV), "r.csv")}),
    ("/beheer/zorgaanbieders/{provider}/aanbieden", {"contract": "aanvullende_afspraken"}),
    ("/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod", {}),
    ("/beheer/aanvragen/{application}", {"granted": "nee", "motivation": "Nee",
                                         **{f"met_{c}": "nee" for c in CRITERIA},
                                         **{f"motivation_{c}": "Niet aangetoond" for c in CRITERIA}}),
    ("/beheer/aanbiedingen/{offer}/acties/withdraw", {"withdraw-reason": "Fout in tarief"}),
    ("/beheer/simulatiedatum", {"day": "15-09-2023", "reason": "test"}),
]


@pytest.mark.parametrize("path, data", POSTS)
def test_every_post_without_csrf_token_is_refused_and_changes_nothing(client, manager, world, path, data):
    before = snapshot(world)
    response = client.post(path.format(**vars(world)), data=data)
    assert response.status_code == 400
    assert snapshot(world) == before


@pytest.mark.parametrize("path, data", POSTS[1:])
def test_the_same_posts_with_a_token_do_change_something(client, auth, manager, world, path, data):
    # The CSRF test above is meaningful only if these posts change something when allowed.
    before = snapshot(world)
    response = client.post(path.format(**vars(world)), data={**data, "csrf_token": token(auth)})
    assert response.status_code == 302
    assert snapshot(world) != before


# -- dashboard -----------------------------------------------------------------------------------



def add_offers(session, make_provider, n):
    statuses = ("aangeboden", "tegenvoorstel", "geaccepteerd", "afgewezen", "in_onderhandeling", "verlopen")
    for i in range(n):
        provider = make_provider(provider_type=("openbare_apotheek", "apotheekhoudende_huisarts")[i % 2])
        session.add(Offer(provider_id=provider.id, contract=("farmaceutische_zorg", "spoedzorg")[i % 2],
                          policy_year=2024, relation="aflopend", rule="fz_aflopend_apotheken",
                          negotiable=False, channel="vecozo", final_channel="vecozo",
                          status=statuses[i % len(statuses)], deadline=date(2023, 4, 1)))
    session.flush()


def test_the_dashboard_runs_as_many_queries_for_12_offers_as_for_2(client, manager, session, make_provider,
                                                                   pages_made_anew):
    add_offers(session, make_provider, 2)
    client.get("/beheer/")  # both counted requests follow one (tests.support.statements)
    with statements() as few:
        first = client.get("/beheer/")
    add_offers(session, make_provider, 10)
    with statements() as many:
        second = client.get("/beheer/")
    assert first.status_code == second.status_code == 200
    assert len(few) == len(many)
    html = second.get_data(as_text=True)
    assert "<svg" in html and "<rect" in html  # the chart
    # 12 offers in all, and the open ones are past their deadline (01-04-2023 < 01-05-2023).
    assert re.search(r"<tfoot>.*<th class=\"num\">12</th></tr></tfoot>", html, re.S)
    assert "Openstaande aanbiedingen na de reactietermijn (7)" in html  # 2 + 5 of the 10


def test_the_dashboard_shows_the_next_milestones_with_days_left(client, manager, session):
    set_date(date(2023, 9, 1))
    html = client.get("/beheer/").get_data(as_text=True)
    assert "15-09-2023" in html and "<td class=\"num\">14</td>" in html
    assert "01-06-2023" not in html  # passed milestones are not "next"


def test_the_dashboard_tells_two_lines_of_one_day_action_and_contract_apart(client, manager, session):
    set_date(date(2023, 10, 1))
    html = client.get("/beheer/").get_data(as_text=True)
    milestones = html.split('id="h-milestones"')[1].split("</table>")[0]
    # seed 002, "Overeenkomst Dieetpreparaten": "Uiterlijk 15 oktober 2023 Aanbieden overeenkomst
    # VGZ VECOZO" in the planning of "de reeds gecontracteerde, grootste facilitaire bedrijven
    # (2)" and in that of "de reeds gecontracteerde, overige zorgaanbieders"
    assert "voor: reeds gecontracteerde, grootste facilitaire bedrijven" in milestones
    assert "voor: reeds gecontracteerde, overige zorgaanbieders (niet grootste 2)" in milestones
    listed = client.get("/beheer/aanbiedingen/uitgeven").get_data(as_text=True)
    assert "voor: reeds gecontracteerde, grootste zorgaanbieders" in listed


def test_the_dashboard_lists_an_overdue_application(client, manager, session):
    submit_application(APPLICATION, [], received_on=date(2023, 3, 1), policy_year=2024)  # due 01-04-2023
    html = client.get("/beheer/").get_data(as_text=True)
    assert "Aanvragen na de antwoordtermijn (1)" in html and "Apotheek Nieuw Begin" in html


# -- register ------------------------------------------------------------------------------------

def test_the_register_searches_filters_and_pages(client, manager, make_provider):
    for n in range(55):
        make_provider(city="Nijmegen" if n % 5 else "Tiel", region="Gelderland")
    make_provider(name="Apotheek Zuid", provider_type="apotheekhoudende_huisarts", region="Limburg")
    page = client.get("/beheer/zorgaanbieders").get_data(as_text=True)
    assert "56 zorgaanbieders gevonden." in page and "Pagina 1 van 2" in page
    assert page.count("/beheer/zorgaanbieders/") >= 50
    with statements() as seen:
        tiel = client.get("/beheer/zorgaanbieders?q=tiel").get_data(as_text=True)
    assert "11 zorgaanbieders gevonden." in tiel
    assert len([s for s in seen if "FROM providers" in s]) == 1  # one query for the page
    assert "1 zorgaanbieder gevonden." in client.get(
        "/beheer/zorgaanbieders?type=apotheekhoudende_huisarts&region=limburg").get_data(as_text=True)


def test_a_provider_page_shows_its_profile_history_and_offers(client, manager, session, make_provider):
    providers = [make_provider() for _ in range(4)]
    for year in (2021, 2022, 2023):
        for n, provider in enumerate(providers):
            level = 80 - 10 * n - (year - 2021) * 5 * (n == 0)
            session.add(ProfileScore(provider_id=provider.id, year=year, kwaliteit=level,
                                     klantbeleving=level, kosten=level))
    session.flush()
    offer = issue_offer(providers[0], "farmaceutische_zorg", 2024, MANAGER)
    html = client.get(f"/beheer/zorgaanbieders/{providers[0].id}").get_data(as_text=True)
    for year in ("2021", "2022", "2023"):
        assert f"<td>{year}</td>" in html
    assert "Trend per onderdeel" in html and "dalend" in html  # scores fell 5 a year
    assert f"/beheer/aanbiedingen/{offer.id}" in html


def test_one_offer_for_an_excluded_provider_needs_a_reason(client, auth, manager, session, make_provider):
    provider = make_provider(riz_contra_indication=True)
    session.commit()
    page = client.get(f"/beheer/zorgaanbieders/{provider.id}").get_data(as_text=True)
    assert 'name="override_reason"' in page and "minimumeis" in page
    url = f"/beheer/zorgaanbieders/{provider.id}/aanbieden"
    refused = client.post(url, data={"contract": "farmaceutische_zorg", "csrf_token": token(auth)})
    assert refused.status_code == 200
    assert "Geef de reden waarom u toch een aanbod doet." in refused.get_data(as_text=True)
    assert count(Offer) == 0
    done = client.post(url, data={"contract": "farmaceutische_zorg", "deadline": "01-10-2023",
                                  "override_reason": "RIZ-melding onderzocht en weerlegd",
                                  "csrf_token": token(auth)})
    offer = session.scalar(select(Offer))
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/beheer/aanbiedingen/{offer.id}")
    assert (offer.status, offer.deadline) == ("aangeboden", date(2023, 10, 1))
    assert "RIZ-melding onderzocht" in session.scalar(select(AuditEntry.reason).where(
        AuditEntry.entity == "offer", AuditEntry.action == "create"))


def test_a_provider_that_is_not_excluded_gets_no_override_field(client, manager, make_provider):
    provider = make_provider()
    page = client.get(f"/beheer/zorgaanbieders/{provider.id}").get_data(as_text=True)
    assert 'name="contract"' in page and 'name="override_reason"' not in page


def test_the_import_page_stores_a_good_file(client, auth, manager, session):
    content = ("\ufeffagb;naam;type;adres;postcode;plaats;regio;kvk;agb_startdatum;email\r\n"
               "12340001;Apotheek Noord;openbare apotheek;Markt 1;1234ab;Ede;Gelderland;12345678;01-02-2020;"
               "a@b.nl\r\n"
               ).encode("utf-8")
    response = client.post("/beheer/zorgaanbieders/import", data={
        "kind": "zorgaanbieders", "file": (BytesIO(content), "register.csv"), "csrf_token": token(auth)})
    assert response.status_code == 302
    provider = session.scalar(select(Provider).where(Provider.agb == "12340001"))
    assert (provider.provider_type, provider.postcode, provider.agb_start) == (
        "openbare_apotheek", "1234 AB", date(2020, 2, 1))
    assert "1 rijen geïmporteerd" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_import_page_reports_errors_per_row_and_stores_nothing(client, auth, manager, session):
    content = ("agb;jaar;kwaliteit;klantbeleving;kosten\n"
               "99999999;2023;70,5;60;50\n"
               "abc;2023;101;60;50\n").encode("utf-8")
    response = client.post("/beheer/zorgaanbieders/import", data={
        "kind": "profielscores", "file": (BytesIO(content), "scores.csv"), "csrf_token": token(auth)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Niets geïmporteerd" in html
    assert re.search(r'<td class="num">2</td><td>agb</td><td>Er is geen zorgaanbieder', html)
    assert re.search(r'<td class="num">3</td><td>kwaliteit</td><td>Een score ligt tussen 0 en 100', html)
    assert count(ProfileScore) == 0


# -- bulk issue ----------------------------------------------------------------------------------

def test_the_milestone_list_shows_only_milestones_that_issue_offers(client, manager):
    html = client.get("/beheer/aanbiedingen/uitgeven").get_data(as_text=True)
    assert "/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod" in html
    assert "/beheer/aanbiedingen/uitgeven/publicatie_zorgzoeker" not in html
    assert client.get("/beheer/aanbiedingen/uitgeven/publicatie_zorgzoeker").status_code == 404
    assert client.get("/beheer/aanbiedingen/uitgeven/bestaat_niet").status_code == 404


def test_the_preview_lists_the_proposed_and_the_excluded_with_their_ground(client, manager, make_provider):
    proposed = make_provider(contracts=ENDING, name="Apotheek Voorgesteld")
    excluded = make_provider(contracts=ENDING, name="Apotheek Uitgesloten", riz_contra_indication=True)
    html = client.get("/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod").get_data(as_text=True)
    proposed_part, excluded_part = html.split('id="h-excluded"')[0], html.split('id="h-excluded"')[1]
    assert proposed.name in proposed_part and excluded.name not in proposed_part
    assert excluded.name in excluded_part and "minimumeis" in excluded_part
    assert str(escape(load_policy(2024).minimum_requirement["summary"])) in excluded_part
    assert "Voorgestelde aanbiedingen (1)" in html and "Uitgesloten zorgaanbieders (1)" in html


def test_a_batch_requested_twice_is_one_batch_and_runs_once(client, auth, manager, session, make_provider):
    providers = [make_provider(contracts=ENDING) for _ in range(3)]
    session.commit()
    url = "/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod"
    first = client.post(url, data={"csrf_token": token(auth)})
    second = client.post(url, data={"csrf_token": token(auth)})
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert count(IssueBatch) == 1 and count(Offer) == 0  # the request only records the batch
    waiting = client.get(first.headers["Location"])
    assert '<meta http-equiv="refresh" content="2">' in waiting.get_data(as_text=True)
    assert waiting.headers["Refresh"] == "2"

    lines = []
    assert run_waiting(lines.append) == (1, 0)
    assert {o.provider_id for o in session.scalars(select(Offer))} == {p.id for p in providers}
    batch_id = int(first.headers["Location"].rsplit("/", 1)[1])
    assert lines == [f"batch {batch_id} 2024:fz_aflopend_aanbod: klaar, 3/3 (0 uitgesloten)"]
    done = client.get(first.headers["Location"]).get_data(as_text=True)
    assert '<progress id="progress" value="3" max="3">' in done
    assert "Klaar: 3 van 3 aanbiedingen uitgegeven." in done
    assert "http-equiv" not in done  # finished: no more refreshing

    # Requested and run again: nothing is issued twice.
    documents = count(DocumentVersion)
    again = client.post(url, data={"csrf_token": token(auth)})
    assert again.headers["Location"] == first.headers["Location"]
    assert run_waiting(lines.append) == (1, 0)
    assert (count(Offer), count(DocumentVersion), count(IssueBatch)) == (3, documents, 1)
    assert run_waiting(lines.append) == (0, 0)


def test_the_worker_command_runs_waiting_batches_once(app, session, make_provider):
    make_provider(contracts=ENDING)
    batch_id = request_batch("fz_aflopend_aanbod", MANAGER, policy_year=2024).id
    session.commit()
    result = app.test_cli_runner().invoke(worker, ["--once"])
    assert result.exit_code == 0, result.output
    assert "klaar, 1/1" in result.output
    assert db.session.get(IssueBatch, batch_id).status == "klaar" and count(Offer) == 1
    again = app.test_cli_runner().invoke(worker, ["--once"])
    assert again.exit_code == 0 and "geen wachtende batches" in again.output


# -- applications --------------------------------------------------------------------------------

def test_the_queue_is_ordered_by_answer_date_with_the_overdue_marked(client, manager, session):
    for agb, name, received in (("06123451", "Apotheek Later", date(2023, 6, 10)),
                                ("06123452", "Apotheek Vroeg", date(2023, 5, 1)),
                                ("06123453", "Apotheek Midden", date(2023, 5, 20))):
        submit_application({**APPLICATION, "organisation": name, "agb": agb}, [], received_on=received,
                           policy_year=2024)
    set_date(date(2023, 6, 15))
    html = client.get("/beheer/aanvragen").get_data(as_text=True)
    positions = [html.index(name) for name in ("Apotheek Vroeg", "Apotheek Midden", "Apotheek Later")]
    assert positions == sorted(positions)
    assert html.count('class="overdue"') == 1 and "te laat: 14 dagen" in html  # due 01-06-2023


def assessment(auth, granted="ja", leave_out=None, **extra):
    data = {"csrf_token": token(auth), "granted": granted,
            "motivation": "Lost een bereikbaarheidsprobleem op"}
    for criterion in CRITERIA:
        if criterion != leave_out:  # no choice made: met yes/no left open
            data[f"met_{criterion}"] = "ja" if criterion == "bereikbaarheid" else "nee"
        data[f"motivation_{criterion}"] = "Beoordeeld aan de hand van de stukken"
    return {**data, **extra}


def test_an_incomplete_assessment_is_refused_and_nothing_is_saved(client, auth, manager, session):
    application = submit_application(APPLICATION, [], received_on=date(2023, 6, 1), policy_year=2024)
    session.commit()
    url = f"/beheer/aanvragen/{application.id}"
    response = client.post(url, data=assessment(auth, **{"motivation_onderscheidend": " "}))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Motiveer uw oordeel over dit criterium." in html
    assert 'id="motivation_onderscheidend-error"' in html  # on the field it concerns
    missing = client.post(url, data=assessment(auth, leave_out="meer_keuze")).get_data(as_text=True)
    assert "Kies of aan dit criterium is voldaan." in missing and 'id="met_meer_keuze-error"' in missing
    unconfirmed = client.post(url, data=assessment(auth, met_meer_keuze="ja")).get_data(as_text=True)
    assert "economisch bestaansrecht is bevestigd" in unconfirmed
    db.session.refresh(application)
    assert (application.status, application.assessment, application.answered_on) == ("ontvangen", None, None)
    assert count(Provider) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.action == "answer")) == 0


def test_a_complete_assessment_answers_the_application(client, auth, manager, session):
    application = submit_application(APPLICATION, [("vergunning.pdf", PDF)], received_on=date(2023, 6, 1),
                                     policy_year=2024)
    set_date(date(2023, 6, 20))
    page = client.get(f"/beheer/aanvragen/{application.id}").get_data(as_text=True)
    assert "Economisch bestaansrecht bevestigd" in page and "vergunning.pdf" in page
    assert "Geen apotheek binnen 10 km" in page  # the applicant's motivation, beside the criterion
    response = client.post(f"/beheer/aanvragen/{application.id}",
                           data=assessment(auth, met_meer_keuze="ja", confirmed_meer_keuze="y"))
    assert response.status_code == 302
    db.session.refresh(application)
    assert (application.status, application.answered_on) == ("toegekend", date(2023, 6, 20))
    meer_keuze = next(f for f in application.assessment["findings"] if f["criterion"] == "meer_keuze")
    assert meer_keuze["confirmed"] == ["economisch_bestaansrecht"]
    assert session.scalar(select(Provider.name).where(Provider.agb == "06123456")) == "Apotheek Nieuw Begin"
    after = client.get(f"/beheer/aanvragen/{application.id}").get_data(as_text=True)
    assert "Beantwoord op 20-06-2023" in after and 'name="granted"' not in after


def test_an_attachment_downloads_as_the_pdf_it_was(client, manager, world):
    response = client.get(f"/beheer/aanvragen/{world.application}/bijlagen/{world.attachment}")
    assert response.data == PDF and response.mimetype == "application/pdf"
    other = f"/beheer/aanvragen/{world.application + 1}/bijlagen/{world.attachment}"
    assert client.get(other).status_code == 404


# -- negotiations --------------------------------------------------------------------------------

@pytest.fixture
def countered(session, make_provider):
    """A negotiable offer with the provider's counter-proposal awaiting the insurer."""
    provider = make_provider(provider_type="internetapotheek_voorkeur", name="Internetapotheek Snel")
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    transition(offer.id, "counter", Actor("staff@snel", "provider_user", provider.id),
               reason="Tarief per regel 7,60", changes=[{"code": "VGZ-T01", "amount": "7.60"}])
    session.commit()
    return offer


def test_the_negotiations_list_shows_offers_awaiting_an_answer(client, manager, countered, make_provider):
    quiet = issue_offer(make_provider(), "farmaceutische_zorg", 2024, MANAGER)
    html = client.get("/beheer/onderhandelingen").get_data(as_text=True)
    assert f"/beheer/aanbiedingen/{countered.id}" in html and f"/beheer/aanbiedingen/{quiet.id}\"" not in html


def test_a_manager_answers_a_counter_proposal(client, auth, manager, countered, session):
    page = client.get(f"/beheer/aanbiedingen/{countered.id}").get_data(as_text=True)
    assert "Tarief per regel 7,60" in page and "€\xa07,60" in page  # Babel's non-breaking space
    assert "/acties/respond" in page and "/acties/record" not in page  # negotiable: no recording
    response = client.post(f"/beheer/aanbiedingen/{countered.id}/acties/respond",
                           data={"respond-reason": "Wij bieden 7,50", "respond-version": countered.version,
                                 "csrf_token": token(auth)})
    assert response.status_code == 302
    db.session.refresh(countered)
    assert countered.status == "in_onderhandeling"
    assert [r.message for r in countered.rounds] == ["Tarief per regel 7,60", "Wij bieden 7,50"]
    assert "Wij bieden 7,50" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_action_without_its_reason_or_on_a_stale_page_changes_nothing(client, auth, manager, countered):
    url = f"/beheer/aanbiedingen/{countered.id}/acties/withdraw"
    missing = client.post(url, data={"withdraw-reason": "", "withdraw-version": countered.version,
                                     "csrf_token": token(auth)})
    assert missing.status_code == 200
    assert "deze actie vraagt om een bericht of reden" in missing.get_data(as_text=True)
    stale = client.post(url, data={"withdraw-reason": "Fout", "withdraw-version": countered.version - 1,
                                   "csrf_token": token(auth)}, follow_redirects=True)
    assert "intussen door iemand anders gewijzigd" in stale.get_data(as_text=True)
    db.session.refresh(countered)
    assert countered.status == "tegenvoorstel"


def test_a_non_negotiable_offer_is_recorded_with_a_reason(client, auth, manager, world):
    url = f"/beheer/aanbiedingen/{world.offer}/acties/record"
    response = client.post(url, data={"record-reason": "Akkoord per brief", "csrf_token": token(auth)})
    assert response.status_code == 302
    assert db.session.get(Offer, world.offer).status == "geaccepteerd"
    refused = client.post(url, data={"record-reason": "Nog eens", "csrf_token": token(auth)},
                          follow_redirects=True)
    assert "niet mogelijk" in refused.get_data(as_text=True)


# -- simulation date -----------------------------------------------------------------------------

def test_the_simulation_date_set_shows_on_the_next_page(client, auth, manager, session):
    response = client.post("/beheer/simulatiedatum", data={"day": "15-09-2023", "reason": "demo",
                                                           "csrf_token": token(auth)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Simulatiedatum: <strong>15-09-2023</strong>" in page
    assert "De simulatiedatum is nu 15-09-2023." in page
    assert session.scalar(select(AuditEntry.reason).where(AuditEntry.entity == "simulation_clock")) == "demo"


@pytest.mark.parametrize("day, message", [("31-02-2023", "Deze datum bestaat niet."),
                                           ("15 september", "Schrijf de datum als dd-mm-jjjj")])
def test_a_bad_simulation_date_is_refused_in_dutch(client, auth, manager, session, day, message):
    response = client.post("/beheer/simulatiedatum", data={"day": day, "csrf_token": token(auth)})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(SimulationClock) == 0


def test_a_page_past_the_end_of_the_register_goes_back_to_the_first(client, manager, make_provider):
    make_provider(city="Tiel")
    response = client.get("/beheer/zorgaanbieders?q=tiel&page=9")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/beheer/zorgaanbieders?q=tiel")


def test_the_additional_agreements_show_their_themes_from_seed_001(client, auth, manager, world, session):
    # "Hierover maken we afspraken met zorgaanbieders. Het gaat dan over het doelmatig voorschrijven
    # van geneesmiddelen, de prijs en gepast gebruik." (seed 001): the addendum's themes, on the
    # manager's page of such an offer only, each with its sentence; the hospital's parts apart.
    from html import unescape

    from contracts.documents.context import content
    provider = session.get(Provider, world.provider)
    addendum = issue_offer(provider, "aanvullende_afspraken", 2024, MANAGER)
    session.commit()
    page = unescape(client.get(f"/beheer/aanbiedingen/{addendum.id}").get_data(as_text=True))
    assert "Thema's van het addendum" in page
    for theme in content()["themes"]:
        assert theme["title"] in page and theme["seed"] in page
    assert "Commissie Beoordeling Add-on Geneesmiddelen" in page  # left out, with its reason
    other = unescape(client.get(f"/beheer/aanbiedingen/{world.offer}").get_data(as_text=True))
    assert "Thema's van het addendum" not in other
