"""The provider's pages: its own offers and contracts only, answering an offer by the right
person, documents, the profile (spiegelinformatie) and the inbox."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from flask import g
from sqlalchemy import select

from portal.models import AuditEntry, NegotiationRound, Notification, Offer, ProfileScore
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from portal.operations.offers import issue_offer, transition
from tests.support.statements import statements

MANAGER = Actor("m", "contract_manager")


def set_date(day: date) -> None:
    """Move the simulation clock; the test's app context outlives requests, so forget the cached day."""
    set_today(day, Actor("t", "admin"))
    g.pop("simulation_today", None)


def offer_for(provider, contract="farmaceutische_zorg", **kw) -> Offer:
    return issue_offer(provider, contract, 2024, MANAGER, **kw)


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def answer(client, auth, offer, action, path, **fields):
    """POST an answer form as the page renders it: prefixed fields, the token, the version shown."""
    data = {f"{action}-csrf_token": auth.csrf(f"/zorgaanbieder/aanbiedingen/{offer.id}"),
            f"{action}-version": offer.version}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(f"/zorgaanbieder/aanbiedingen/{offer.id}/{path}", data=data)


def flashes(client) -> str:
    return client.get("/zorgaanbieder/aanbiedingen").get_data(as_text=True)


@pytest.fixture
def provider(make_provider):
    return make_provider(address="Oudegracht 1", postcode="3511 AB")


@pytest.fixture
def signatory(make_user, provider):
    return make_user("provider_signatory", provider)


@pytest.fixture
def user(make_user, provider):
    return make_user("provider_user", provider)


# -- the offers page ---------------------------------------------------------------------------

def test_offers_page_lists_the_organisations_offers_and_contracts(client, auth, provider, user,
                                                                 make_provider):
    offer = offer_for(provider, deadline=date(2023, 9, 29))
    other = offer_for(make_provider())
    set_date(date(2023, 9, 15))
    auth.login(user)
    html = page(client, "/zorgaanbieder/aanbiedingen")
    assert "Overeenkomst Farmaceutische zorg" in html and "status-aangeboden" in html
    assert "29-09-2023" in html and "nog 14 dagen" in html
    assert "VECOZO" in html and "Nee" in html  # channel, not negotiable
    assert f"/zorgaanbieder/aanbiedingen/{offer.id}\"" in html
    assert f"/zorgaanbieder/aanbiedingen/{other.id}\"" not in html
    # the contract held, with its term
    assert "01-01-2022" in html and "31-12-2023" in html


def test_offers_are_ordered_by_deadline(client, auth, make_provider, make_user, session):
    provider = make_provider(contracts=(("farmaceutische_zorg", date(2023, 1, 1), date(2024, 12, 31)),))
    later = offer_for(provider, "module_zorgprestaties", deadline=date(2023, 10, 15))
    sooner = Offer(provider_id=provider.id, contract="spoedzorg", policy_year=2024, relation="nieuw",
                   rule="x", negotiable=False, channel="vecozo", final_channel="vecozo",
                   deadline=date(2023, 9, 1), status="aangeboden")
    session.add(sooner)
    session.flush()
    auth.login(make_user("provider_user", provider))
    html = page(client, "/zorgaanbieder/aanbiedingen")
    assert html.index(f"/aanbiedingen/{sooner.id}\"") < html.index(f"/aanbiedingen/{later.id}\"")


def test_the_offers_page_runs_the_same_queries_for_2_or_10_offers(client, auth, make_provider,
                                                                  make_user, session):
    def statements_for(count: int) -> int:
        provider = make_provider()
        session.add_all(Offer(provider_id=provider.id, contract="farmaceutische_zorg",
                              policy_year=2014 + i, relation="aflopend", rule="fz_aflopend_apotheken",
                              negotiable=False, channel="vecozo", final_channel="vecozo",
                              deadline=date(2023, 9, 15) + timedelta(days=i), status="aangeboden")
                        for i in range(count))
        session.flush()
        auth.login(make_user("provider_user", provider))
        with statements() as seen:
            html = page(client, "/zorgaanbieder/aanbiedingen")
        assert html.count("status-aangeboden") == count
        auth.logout()
        return len(seen)

    two, ten = statements_for(2), statements_for(10)
    assert two == ten and two > 0


@pytest.mark.parametrize("role", ["provider_user", "provider_signatory"])
@pytest.mark.parametrize("path", ["/zorgaanbieder/aanbiedingen", "/zorgaanbieder/aanbiedingen/{id}",
                                  "/zorgaanbieder/profiel", "/zorgaanbieder/berichten"])
def test_every_page_renders_for_both_provider_roles_without_inline_styles(
        client, auth, provider, make_user, role, path):
    offer = offer_for(provider)
    auth.login(make_user(role, provider))
    html = page(client, path.format(id=offer.id))
    assert "<h1>" in html and "style=" not in html and "<script" not in html


def test_provider_pages_need_a_provider_login(client, auth, make_user):
    assert client.get("/zorgaanbieder/profiel").status_code == 302
    auth.login(make_user("contract_manager"))
    assert client.get("/zorgaanbieder/berichten").status_code == 403


# -- another organisation's records ------------------------------------------------------------

def test_another_organisations_offer_document_and_message_answer_404(
        client, auth, provider, make_provider, make_user, session):
    theirs = make_provider()
    offer = offer_for(theirs)
    message = Notification(provider_id=theirs.id, key="x:1", subject="Herinnering", body="...")
    session.add(message)
    session.flush()
    auth.login(make_user("provider_signatory", provider))
    token = auth.csrf("/zorgaanbieder/berichten")
    assert client.get(f"/zorgaanbieder/aanbiedingen/{offer.id}").status_code == 404
    for action, path, fields in [("accept", "aanvaarden", {"confirm": "y"}),
                                 ("decline", "afwijzen", {"reason": "nee"}),
                                 ("counter", "tegenvoorstel", {"message": "meer"})]:
        data = {f"{action}-csrf_token": token, f"{action}-version": offer.version,
                **{f"{action}-{k}": v for k, v in fields.items()}}
        assert client.post(f"/zorgaanbieder/aanbiedingen/{offer.id}/{path}",
                           data=data).status_code == 404
    assert client.get(f"/zorgaanbieder/documenten/{offer.document_id}.docx").status_code == 404
    assert client.get(f"/zorgaanbieder/documenten/{offer.document_id}.pdf").status_code == 404
    assert client.post(f"/zorgaanbieder/berichten/{message.id}/gelezen",
                       data={"csrf_token": token}).status_code == 404
    assert "Herinnering" not in page(client, "/zorgaanbieder/berichten")
    session.refresh(offer)
    session.refresh(message)
    assert offer.status == "aangeboden" and message.read_at is None


def test_a_document_that_belongs_to_no_offer_of_the_organisation_answers_404(
        client, auth, provider, user, make_provider):
    mine = offer_for(provider)
    auth.login(user)
    assert client.get(f"/zorgaanbieder/documenten/{mine.document_id + 1000}.docx").status_code == 404


# -- answering an offer ------------------------------------------------------------------------

def test_the_signatory_accepts_with_confirmation(client, auth, provider, signatory, session):
    offer = offer_for(provider)
    auth.login(signatory)
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Ik ben tekenbevoegd en aanvaard dit aanbod" in html
    response = answer(client, auth, offer, "accept", "aanvaarden", confirm="y")
    assert response.status_code == 302
    session.refresh(offer)
    assert offer.status == "geaccepteerd" and offer.answered_by == signatory.email
    assert session.scalar(select(AuditEntry.to_state).where(
        AuditEntry.entity_id == offer.id, AuditEntry.action == "accept")) == "geaccepteerd"
    assert "U hebt het aanbod aanvaard." in flashes(client)


def test_accepting_without_the_confirmation_changes_nothing(client, auth, provider, signatory,
                                                            session):
    offer = offer_for(provider)
    auth.login(signatory)
    response = answer(client, auth, offer, "accept", "aanvaarden")
    assert response.status_code == 422
    assert "Bevestig dat u tekenbevoegd bent en dit aanbod aanvaardt." in response.get_data(as_text=True)
    session.refresh(offer)
    assert offer.status == "aangeboden"


def test_a_provider_user_cannot_accept(client, auth, provider, user, session):
    offer = offer_for(provider)
    auth.login(user)
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Ik ben tekenbevoegd" not in html and "Aanbod afwijzen" not in html
    response = answer(client, auth, offer, "accept", "aanvaarden", confirm="y")
    assert response.status_code == 302
    assert "alleen een tekenbevoegde mag een aanbod" in flashes(client)
    session.refresh(offer)
    assert offer.status == "aangeboden" and offer.answered_at is None


def test_declining_needs_a_reason_and_then_declines(client, auth, provider, signatory, session):
    offer = offer_for(provider)
    auth.login(signatory)
    refused = answer(client, auth, offer, "decline", "afwijzen", reason="  ")
    assert refused.status_code == 422
    assert "Geef de reden waarom u het aanbod afwijst." in refused.get_data(as_text=True)
    session.refresh(offer)
    assert offer.status == "aangeboden"
    assert answer(client, auth, offer, "decline", "afwijzen",
                  reason="Wij stoppen per 2024").status_code == 302
    session.refresh(offer)
    assert offer.status == "afgewezen"
    assert session.scalar(select(AuditEntry.reason).where(
        AuditEntry.entity_id == offer.id, AuditEntry.action == "decline")) == "Wij stoppen per 2024"


def test_an_answer_to_an_offer_that_changed_meanwhile_is_refused(client, auth, make_provider,
                                                                 make_user, session):
    provider = make_provider(provider_type="internetapotheek_voorkeur")
    offer = offer_for(provider)
    shown = offer.version
    colleague = Actor("collega", "provider_user", provider.id)
    transition(offer.id, "counter", colleague, reason="Tarief 7,60 graag")  # meanwhile
    auth.login(make_user("provider_signatory", provider))
    data = {"decline-csrf_token": auth.csrf("/zorgaanbieder/aanbiedingen"),
            "decline-version": shown, "decline-reason": "Te laag"}
    assert client.post(f"/zorgaanbieder/aanbiedingen/{offer.id}/afwijzen", data=data).status_code == 302
    assert "Het aanbod is intussen gewijzigd" in flashes(client)
    session.refresh(offer)
    assert offer.status == "tegenvoorstel"


@pytest.mark.parametrize("action, path, fields", [
    ("accept", "aanvaarden", {"confirm": "y"}),
    ("decline", "afwijzen", {"reason": "nee"}),
    ("counter", "tegenvoorstel", {"message": "meer", "lines-0-code": "X", "lines-0-amount": "7,50"})])
def test_answers_without_a_csrf_token_are_refused(client, auth, make_provider, make_user, session,
                                                  action, path, fields):
    provider = make_provider(provider_type="internetapotheek_voorkeur")
    offer = offer_for(provider)
    auth.login(make_user("provider_signatory", provider))
    data = {f"{action}-version": offer.version, **{f"{action}-{k}": v for k, v in fields.items()}}
    assert client.post(f"/zorgaanbieder/aanbiedingen/{offer.id}/{path}", data=data).status_code == 400
    session.refresh(offer)
    assert offer.status == "aangeboden" and offer.rounds == []


def test_the_counter_proposal_flow_on_a_negotiable_offer(client, auth, make_provider, make_user,
                                                         session):
    provider = make_provider(provider_type="internetapotheek_voorkeur")
    offer = offer_for(provider)
    assert offer.negotiable
    auth.login(make_user("provider_user", provider))
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Tegenvoorstel doen" in html and "Ja" in html

    bad = answer(client, auth, offer, "counter", "tegenvoorstel", message="Hoger tarief",
                 **{"lines-0-code": "VGZ-T01", "lines-0-amount": "7.5.0"})
    assert bad.status_code == 422
    assert "Schrijf het bedrag als 7,50" in bad.get_data(as_text=True)
    assert session.scalars(select(NegotiationRound)).all() == []

    # a code that is not among the offer's tariffs: the line is marked, what was typed stays
    unknown = answer(client, auth, offer, "counter", "tegenvoorstel", message="Nieuwe regel graag",
                     **{"lines-0-code": "VGZ-T01", "lines-0-amount": "7,50",
                        "lines-1-code": "XX-999", "lines-1-amount": "3,00"})
    unknown_html = unknown.get_data(as_text=True)
    assert unknown.status_code == 422
    assert "Deze code staat niet in de tarieven van dit aanbod." in unknown_html
    assert 'value="XX-999"' in unknown_html and "Nieuwe regel graag" in unknown_html
    assert session.scalars(select(NegotiationRound)).all() == []

    good = answer(client, auth, offer, "counter", "tegenvoorstel", message="Hoger tarief per regel",
                  **{"lines-0-code": "VGZ-T01", "lines-0-amount": "7,50",
                     "lines-2-code": "VGZ-T02", "lines-2-amount": "6,1"})
    assert good.status_code == 302
    session.refresh(offer)
    assert offer.status == "tegenvoorstel"
    (first,) = offer.rounds
    assert (first.party, first.message) == ("zorgaanbieder", "Hoger tarief per regel")
    assert first.changes == [{"code": "VGZ-T01", "amount": "7.50", "note": ""},
                             {"code": "VGZ-T02", "amount": "6.10", "note": ""}]

    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Uw tegenvoorstel is verstuurd." in html
    assert "€\xa07,50" in html and "€\xa06,10" in html  # Babel's non-breaking space
    assert "Tegenvoorstel doen" not in html  # the insurer's turn now

    transition(offer.id, "respond", MANAGER, reason="Wij bieden 7,45")
    session.refresh(offer)
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Wij bieden 7,45" in html and "Tegenvoorstel doen" in html
    assert answer(client, auth, offer, "counter", "tegenvoorstel",
                  message="Akkoord met 7,45").status_code == 302
    session.refresh(offer)
    assert [r.number for r in offer.rounds] == [1, 2, 3] and offer.status == "tegenvoorstel"


def test_a_counter_proposal_on_a_non_negotiable_offer_is_refused(client, auth, provider, user,
                                                                 session):
    offer = offer_for(provider)
    auth.login(user)
    assert "Tegenvoorstel doen" not in page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    response = answer(client, auth, offer, "counter", "tegenvoorstel", message="Meer graag")
    assert response.status_code == 302
    assert "Over dit aanbod kan niet worden onderhandeld." in flashes(client)
    session.refresh(offer)
    assert offer.status == "aangeboden" and offer.rounds == []


def test_the_offer_page_says_what_the_policy_says(client, auth, provider, user):
    offer = offer_for(provider)
    auth.login(user)
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Nieuwe overeenkomst, niet-onderhandelbaar aanbod in VECOZO" in html
    assert "Over dit aanbod wordt niet onderhandeld." in html
    assert f"/zorgaanbieder/documenten/{offer.document_id}.docx" in html
    assert f"/zorgaanbieder/documenten/{offer.document_id}.pdf" in html


# -- documents ---------------------------------------------------------------------------------

def test_the_word_document_downloads_as_an_attachment(client, auth, provider, user, session):
    offer = offer_for(provider)
    auth.login(user)
    response = client.get(f"/zorgaanbieder/documenten/{offer.document_id}.docx")
    assert response.status_code == 200
    assert response.data == offer.document.content and response.data.startswith(b"PK")
    assert response.headers["Content-Disposition"] == f"attachment; filename={offer.document.filename}"


def test_without_libreoffice_the_pdf_link_explains_why_and_offers_the_docx(
        client, auth, provider, user, monkeypatch):
    monkeypatch.setenv("ZORGINKOOP_SOFFICE", "/nergens/soffice")
    offer = offer_for(provider)
    auth.login(user)
    response = client.get(f"/zorgaanbieder/documenten/{offer.document_id}.pdf")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "PDF is niet beschikbaar" in html and "/nergens/soffice" in html
    assert f"/zorgaanbieder/documenten/{offer.document_id}.docx" in html


def test_the_pdf_is_converted_from_the_stored_document(client, auth, provider, user, monkeypatch):
    from contracts import pdf

    converted = []
    monkeypatch.setattr(pdf, "pdf_available", lambda: (True, ""))
    monkeypatch.setattr(pdf, "convert_to_pdf",
                        lambda docx, **kw: converted.append(docx) or b"%PDF-1.4\n%%EOF")
    offer = offer_for(provider)
    auth.login(user)
    response = client.get(f"/zorgaanbieder/documenten/{offer.document_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == b"%PDF-1.4\n%%EOF" and converted == [offer.document.content]
    expected = offer.document.filename.rsplit(".", 1)[0] + ".pdf"
    assert response.headers["Content-Disposition"] == f"attachment; filename={expected}"


# -- profile -----------------------------------------------------------------------------------

def scored_pharmacies(make_provider, session, n=12):
    """n pharmacies with three profile years; the first one a middling one that improves."""
    pharmacies = [make_provider() for _ in range(n)]
    for i, pharmacy in enumerate(pharmacies):
        for year in (2021, 2022, 2023):
            base = 40 + i * 4 if i else 30 + (year - 2021) * 12
            session.add(ProfileScore(provider_id=pharmacy.id, year=year, kwaliteit=base,
                                     klantbeleving=min(base + 3, 100), kosten=max(base - 2, 0)))
    session.flush()
    return pharmacies


def test_the_profile_shows_group_scores_trend_distribution_and_the_way_up(
        client, auth, make_provider, make_user, session):
    from portal.operations.providers import profile_history

    pharmacies = scored_pharmacies(make_provider, session)
    mine = pharmacies[0]
    auth.login(make_user("provider_user", mine))
    html = page(client, "/zorgaanbieder/profiel")
    history = profile_history(2024)
    profile = history.of(mine.agb)[2023]
    step = history.next_group(mine.agb, 2023)
    assert (profile.group, step.group) == ("twee_sterren", "drie_sterren")
    assert "Spiegelinformatie" in html and "Kwaliteit" in html and "Klantbeleving" in html
    assert {"2021", "2022", "2023"} <= set(re.findall(r"<th scope=\"row\">(\d{4})</th>", html))
    assert f"plaats {profile.rank} van 12 apotheken" in html
    # a chart per part, own band highlighted and labelled
    assert html.count("<svg") == 3 and html.count("Uw apotheek") == 3
    assert html.count('class="bar own"') == 3
    counts = history.band_counts(2023, "kwaliteit")
    band = profile.band["kwaliteit"]
    assert re.search(rf"Deel {band}: {counts[band - 1]} apothe(ek|ken)</title>", html)
    # trend: the pharmacy climbed from the bottom towards the middle
    assert "stijgend" in html
    # what moves it up: the points needed, formatted the Dutch way
    needed = f"{step.points_needed:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    assert "Wat brengt u een groep hoger?" in html and f"{needed} punten meer nodig" in html
    assert "style=" not in html


def test_the_top_pharmacy_is_told_it_is_in_the_top_group(client, auth, make_provider, make_user,
                                                         session):
    pharmacies = scored_pharmacies(make_provider, session)
    auth.login(make_user("provider_user", pharmacies[-1]))
    assert "in de hoogste groep" in page(client, "/zorgaanbieder/profiel")


def test_a_provider_type_without_a_profile_is_told_so(client, auth, make_provider, make_user):
    company = make_provider(provider_type="facilitair_bedrijf", contracts=())
    auth.login(make_user("provider_user", company))
    html = page(client, "/zorgaanbieder/profiel")
    assert "Voor een facilitair bedrijf stellen wij geen apotheekprofiel op" in html
    assert "<svg" not in html


def test_a_pharmacy_without_scores_is_told_so(client, auth, provider, user):
    auth.login(user)
    assert "Wij hebben nog geen profielscores van uw apotheek." in page(client, "/zorgaanbieder/profiel")


# -- messages ----------------------------------------------------------------------------------

def test_the_inbox_lists_newest_first_unread_bold_and_marks_read(client, auth, provider, user,
                                                                 session):
    now = datetime.now(timezone.utc)
    old = Notification(provider_id=provider.id, key="t:old", subject="Oud bericht", body="a",
                       created_at=now - timedelta(days=2), read_at=now - timedelta(days=1))
    new = Notification(provider_id=provider.id, key="t:new", subject="Nieuw aanbod", body="b",
                       created_at=now)
    managers = Notification(provider_id=None, key="t:mgr", subject="Voor beheer", body="c")
    session.add_all([old, new, managers])
    session.flush()
    auth.login(user)
    html = page(client, "/zorgaanbieder/berichten")
    assert html.index("Nieuw aanbod") < html.index("Oud bericht")
    assert "Voor beheer" not in html
    assert re.search(r'<li class="unread">\s*<p class="meta">[^<]*<span[^>]*>ongelezen</span></p>\s*'
                     r'<h2 class="subject">Nieuw aanbod', html)
    assert f"/zorgaanbieder/berichten/{old.id}/gelezen" not in html
    assert '<span class="badge">1' in html
    response = client.post(f"/zorgaanbieder/berichten/{new.id}/gelezen",
                           data={"csrf_token": auth.csrf("/zorgaanbieder/berichten")})
    assert response.status_code == 302
    session.refresh(new)
    assert new.read_at is not None
    html = page(client, "/zorgaanbieder/berichten")
    assert "Het bericht is als gelezen gemarkeerd." in html and 'class="unread"' not in html


def test_marking_read_without_a_csrf_token_is_refused(client, auth, provider, user, session):
    message = Notification(provider_id=provider.id, key="t:csrf", subject="Bericht", body="b")
    session.add(message)
    session.flush()
    auth.login(user)
    assert client.post(f"/zorgaanbieder/berichten/{message.id}/gelezen").status_code == 400
    session.refresh(message)
    assert message.read_at is None
