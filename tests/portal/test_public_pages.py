"""The public pages: the application form of a new provider (check, then send) and the zorgzoeker."""
from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from flask import g
from sqlalchemy import func, select

from portal.models import Application, Attachment, Offer
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from tests.support.statements import statements

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def set_date(day: date) -> None:
    """Move the simulation clock; the test's app context outlives requests, so forget the cached day."""
    set_today(day, Actor("t", "admin"))
    g.pop("simulation_today", None)


def applications(session) -> int:
    return session.scalar(select(func.count(Application.id)))


def form(auth, **changes) -> dict:
    """A complete, valid application of a new open pharmacy, as the browser posts it."""
    data = {"csrf_token": auth.csrf("/aanvragen"), "organisation": "Apotheek De Nieuwe Hof",
            "agb": "06123456", "kvk": "81234567", "provider_type": "openbare_apotheek",
            "address": "Hofstraat 12", "postcode": "8011ab", "city": "Zwolle",
            "agb_start": "2023-03-01", "contact_email": "info@nieuwehof.example",
            "contracts": ["farmaceutische_zorg"], "start_date": "01-01-2024",
            "motivations-bereikbaarheid": "Geen apotheek binnen tien kilometer",
            "motivations-effectievere_zorg": "", "motivations-onderscheidend": "",
            "motivations-meer_keuze": "", "step": "controleren"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def field_errors(html: str, field_id: str) -> list[str]:
    """The error messages shown beside one field."""
    return re.findall(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', html)


# -- the application form ----------------------------------------------------------------------

def test_the_form_asks_everything_with_a_motivation_per_criterion(client):
    response = client.get("/aanvragen")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for label in ("Naam van de organisatie", "AGB-code", "KvK-nummer", "Type zorgaanbieder",
                  "Postcode", "Startdatum van de AGB-code", "E-mailadres voor contact",
                  "Gewenste ingangsdatum", "Bijlagen (PDF)"):
        assert label in html
    assert '<option value="facilitair_bedrijf">facilitair bedrijf</option>' in html
    assert 'value="farmaceutische_zorg"' in html and 'value="dieetpreparaten"' in html
    for summary in ("De (nieuwe) apotheek voorziet verzekerden van effectievere zorg",
                    "Het zorgaanbod is onderscheidend op kwaliteit, klantbeleving en/of kosten",
                    "Meer keuzemogelijkheden, mits economisch bestaansrecht",
                    "De (nieuwe) apotheek lost een bereikbaarheidsprobleem op"):
        assert summary in html
    assert 'enctype="multipart/form-data"' in html and "multiple" in html
    assert "kies ze opnieuw voordat u verstuurt" in html
    assert "style=" not in html and "<script" not in html


def test_a_bad_agb_code_is_told_beside_the_field_and_nothing_is_stored(client, auth, session):
    response = client.post("/aanvragen", data=form(auth, agb="0612345", step="versturen"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "agb") == ["Een AGB-code bestaat uit precies 8 cijfers."]
    assert field_errors(html, "kvk") == []
    assert 'value="Apotheek De Nieuwe Hof"' in html  # what was typed stays
    assert applications(session) == 0


@pytest.mark.parametrize("changes, field_id, message", [
    ({"kvk": "1234567a"}, "kvk", "Een KvK-nummer bestaat uit precies 8 cijfers."),
    ({"postcode": "80111"}, "postcode", "Schrijf de postcode als 1234 AB."),
    ({"agb_start": "31-02-2023"}, "agb_start", "Deze datum bestaat niet."),
    ({"agb_start": "1 maart 2023"}, "agb_start", "Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 15-09-2023."),
    ({"contact_email": "geen-adres"}, "contact_email", "Dit is geen geldig e-mailadres."),
    ({"provider_type": ""}, "provider_type", "Kies het type zorgaanbieder."),
    ({"organisation": "  "}, "organisation", "Vul de naam van uw organisatie in."),
])
def test_bad_input_gets_a_dutch_message_beside_its_field(client, auth, session, changes, field_id,
                                                         message):
    html = client.post("/aanvragen", data=form(auth, step="versturen", **changes)).get_data(as_text=True)
    assert field_errors(html, field_id) == [message]
    assert applications(session) == 0


def test_no_contract_chosen_is_refused(client, auth, session):
    response = client.post("/aanvragen", data=form(auth, contracts=None, step="versturen"))
    assert response.status_code == 422
    assert "Kies ten minste één overeenkomst." in response.get_data(as_text=True)
    assert applications(session) == 0


def test_the_check_tells_a_facility_company_with_an_old_agb_start_it_is_not_eligible(
        client, auth, session):
    data = form(auth, provider_type="facilitair_bedrijf", agb_start="15-06-2020",
                contracts=["dieetpreparaten"], organisation="Dieet BV")
    html = client.post("/aanvragen", data=data).get_data(as_text=True)
    section = html[html.index('class="preview"'):]
    assert "Overeenkomst Dieetpreparaten" in section
    assert "U komt niet in aanmerking voor deze overeenkomst." in section
    assert "AGB-startdatum 15-06-2020 ligt voor 01-01-2024" in section
    assert 'value="versturen"' not in html  # nothing to send
    assert 'value="Dieet BV"' in html and 'value="15-06-2020"' in html
    # sending it anyway is refused beside the contracts, and stores nothing
    sent = client.post("/aanvragen", data={**data, "step": "versturen"})
    assert sent.status_code == 422
    assert "Voor deze keuze kunt u geen aanvraag doen" in sent.get_data(as_text=True)
    assert applications(session) == 0


def test_the_check_of_an_eligible_application_names_the_criteria_and_keeps_the_input(
        client, auth, session):
    response = client.post("/aanvragen", data={
        **form(auth), "attachments": [(BytesIO(PDF), "ondernemingsplan.pdf")]},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    section = html[html.index('class="preview"'):]
    assert "U kunt deze overeenkomst aanvragen." in section
    assert "De (nieuwe) apotheek lost een bereikbaarheidsprobleem op" in section
    assert 'name="step" type="submit" value="versturen"' in html or 'value="versturen"' in html
    assert 'value="8011 AB"' in html  # normalised, kept
    assert "Geen apotheek binnen tien kilometer</textarea>" in html
    assert re.search(r'value="farmaceutische_zorg"[^>]*checked|checked[^>]*value="farmaceutische_zorg"', html)
    assert "Gecontroleerd: ondernemingsplan.pdf" in html
    assert applications(session) == 0  # checking stores nothing


def test_a_valid_application_is_stored_and_answered_within_a_month(client, auth, session):
    set_date(date(2023, 6, 15))
    response = client.post("/aanvragen", data={
        **form(auth, step="versturen"), "attachments": [(BytesIO(PDF), "ondernemingsplan.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].endswith("/aanvragen/ontvangen")
    application = session.scalars(select(Application)).one()
    assert (application.agb, application.postcode, application.contracts) == (
        "06123456", "8011 AB", ["farmaceutische_zorg"])
    assert (application.received_on, application.answer_due) == (date(2023, 6, 15), date(2023, 7, 15))
    assert application.motivations == {"bereikbaarheid": "Geen apotheek binnen tien kilometer"}
    assert application.start_date == date(2024, 1, 1) and application.agb_start == date(2023, 3, 1)
    (attachment,) = session.scalars(select(Attachment)).all()
    assert (attachment.filename, attachment.content) == ("ondernemingsplan.pdf", PDF)
    html = client.get("/aanvragen/ontvangen").get_data(as_text=True)
    assert "Aanvraag ontvangen" in html and "15-07-2023" in html and "Apotheek De Nieuwe Hof" in html


def test_a_non_pdf_attachment_is_refused(client, auth, session):
    response = client.post("/aanvragen", data={
        **form(auth, step="versturen"),
        "attachments": [(BytesIO(PDF), "goed.pdf"), (BytesIO(b"MZ\x90\x00 not a pdf"), "virus.pdf")]},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_errors(html, "attachments") == [
        "virus.pdf is geen PDF-bestand. Stuur alleen PDF-bestanden mee."]
    assert applications(session) == 0 and session.scalar(select(func.count(Attachment.id))) == 0


def test_an_attachment_over_the_limit_is_refused(client, auth, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 64 * 1024)
    # Under 500 kB: werkzeug's test client spools a larger body to a file it never closes.
    big = PDF[:-6] + b"0" * (64 * 1024) + b"%%EOF\n"
    response = client.post("/aanvragen", data={
        **form(auth, step="versturen"), "attachments": [(BytesIO(big), "groot.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "attachments") == ["groot.pdf is groter dan 64 kB."]
    assert applications(session) == 0


def test_an_application_without_a_csrf_token_is_refused(client, auth, session):
    data = form(auth, step="versturen")
    del data["csrf_token"]
    assert client.post("/aanvragen", data=data).status_code == 400
    assert applications(session) == 0


def test_the_confirmation_page_needs_an_application_just_sent(client):
    response = client.get("/aanvragen/ontvangen")
    assert response.status_code == 404
    assert "Geen aanvraag gevonden" in response.get_data(as_text=True)


# -- the zorgzoeker ----------------------------------------------------------------------------

def contracted(session, make_provider, n, *, city="Utrecht", provider_type="openbare_apotheek",
               contract="farmaceutische_zorg", status="geaccepteerd", year=2024):
    """n providers with an offer in `status` (rows made directly: the zorgzoeker only reads them)."""
    providers = [make_provider(city=city, provider_type=provider_type) for _ in range(n)]
    session.add_all(Offer(provider_id=p.id, contract=contract, policy_year=year, relation="aflopend",
                          rule="r", negotiable=False, channel="vecozo", final_channel="vecozo",
                          status=status) for p in providers)
    session.flush()
    return providers


def test_the_zorgzoeker_opens_on_12_november_2023(client, session, make_provider):
    (shown,) = contracted(session, make_provider, 1)
    set_date(date(2023, 11, 11))
    html = client.get("/zorgzoeker").get_data(as_text=True)
    assert "Vanaf 12-11-2023 vindt u hier de zorgaanbieders" in html
    assert shown.name not in html
    set_date(date(2023, 11, 12))
    html = client.get("/zorgzoeker").get_data(as_text=True)
    assert "Vanaf 12-11-2023" not in html and shown.name in html
    assert "<td>Overeenkomst Farmaceutische zorg</td>" in html


def test_the_zorgzoeker_lists_only_accepted_offers_of_2024(client, session, make_provider):
    (accepted,) = contracted(session, make_provider, 1)
    (offered,) = contracted(session, make_provider, 1, status="aangeboden")
    (old,) = contracted(session, make_provider, 1, year=2023)
    set_date(date(2023, 12, 1))
    html = client.get("/zorgzoeker").get_data(as_text=True)
    assert accepted.name in html and offered.name not in html and old.name not in html
    assert "1 zorgaanbieder gevonden" in html


def test_the_zorgzoeker_searches_by_city_type_and_contract(client, session, make_provider):
    (utrecht,) = contracted(session, make_provider, 1, city="Utrecht")
    (zwolle,) = contracted(session, make_provider, 1, city="Zwolle")
    (gp,) = contracted(session, make_provider, 1, city="Zwolle", provider_type="apotheekhoudende_huisarts")
    (diet,) = contracted(session, make_provider, 1, city="Zwolle", contract="dieetpreparaten",
                         provider_type="facilitair_bedrijf")
    set_date(date(2023, 12, 1))

    def names(query: str) -> set[str]:
        html = client.get(f"/zorgzoeker?{query}").get_data(as_text=True)
        return {p.name for p in (utrecht, zwolle, gp, diet) if f"<td>{p.name}</td>" in html}

    assert names("plaats=zwol") == {zwolle.name, gp.name, diet.name}
    assert names("plaats=ZWOLLE&type=apotheekhoudende_huisarts") == {gp.name}
    assert names("overeenkomst=dieetpreparaten") == {diet.name}
    assert names("plaats=%25") == set()  # a wildcard is searched for as text
    assert names("type=onzin") == {utrecht.name, zwolle.name, gp.name, diet.name}  # ignored...
    assert "Ongeldige keuze." in client.get("/zorgzoeker?type=onzin").get_data(as_text=True)  # said


def test_the_zorgzoeker_counts_providers_once_listing_their_contracts(client, session, make_provider):
    """A provider with three contracts is one result (not three rows), its contracts in the
    vocabulary's order, whichever contract is searched for."""
    (both,) = contracted(session, make_provider, 1, contract="dieetpreparaten", city="Zwolle")
    for contract in ("farmaceutische_zorg", "stoppen_met_roken"):
        session.add(Offer(provider_id=both.id, contract=contract, policy_year=2024,
                          relation="aflopend", rule="r", negotiable=False, channel="vecozo",
                          final_channel="vecozo", status="geaccepteerd"))
    (other,) = contracted(session, make_provider, 1, city="Zwolle")
    session.flush()
    set_date(date(2023, 12, 1))
    listed = ("<td>Overeenkomst Farmaceutische zorg, Overeenkomst Dieetpreparaten, "
              "Overeenkomst Stoppen met roken medicatie</td>")
    html = client.get("/zorgzoeker?plaats=Zwolle").get_data(as_text=True)
    assert "2 zorgaanbieders gevonden" in html and html.count("<tr><td>") == 2
    assert html.count(f"<td>{both.name}</td>") == 1 and listed in html
    html = client.get("/zorgzoeker?overeenkomst=dieetpreparaten").get_data(as_text=True)
    assert "1 zorgaanbieder gevonden" in html and listed in html and other.name not in html


def test_the_zorgzoeker_pages_by_50_with_one_query_per_page(client, session, make_provider):
    contracted(session, make_provider, 53)
    set_date(date(2023, 12, 1))
    with statements() as seen:
        first = client.get("/zorgzoeker").get_data(as_text=True)
    on_first = [s for s in seen if re.search(r"\b(FROM|JOIN) offers\b", s)]
    with statements() as seen:
        second = client.get("/zorgzoeker?pagina=2").get_data(as_text=True)
    on_second = [s for s in seen if re.search(r"\b(FROM|JOIN) offers\b", s)]
    assert first.count("<tr><td>") == 50 and second.count("<tr><td>") == 3
    assert "53 zorgaanbieders gevonden" in first and "pagina 1 van 2" in first and "pagina=2" in first
    assert len(on_first) == 1 and len(on_second) == 1
