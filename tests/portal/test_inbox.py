"""Both inboxes (the provider's messages, the managers' meldingen): every message leads to what
it is about and opening it marks it read; search; "Alles als gelezen markeren" for the own
organisation only, audited once; 50 a page."""
from __future__ import annotations

import re
from itertools import count

import pytest
from sqlalchemy import func, select

from portal.models import AuditEntry, Notification
from portal.operations.notifications import portal_path

keys = count(1)
PROVIDER_INBOX, MANAGER_INBOX = "/zorgaanbieder/berichten", "/beheer/meldingen"


def message(session, provider=None, *, subject="Nieuw aanbod", body="Er staat een aanbod klaar.",
            link=None, **fields) -> Notification:
    note = Notification(provider_id=provider.id if provider else None, key=f"inbox:{next(keys)}",
                        subject=subject, body=body, link=link, **fields)
    session.add(note)
    session.flush()
    return note


def page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def post(client, auth, path, inbox):
    return client.post(path, data={"csrf_token": auth.csrf(inbox)})


def read_entries(session, action) -> list[AuditEntry]:
    return session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()


@pytest.fixture
def pharmacy(make_provider):
    return make_provider(name="Apotheek De Linde")


@pytest.fixture
def other(make_provider):
    return make_provider(name="Apotheek Elders")


@pytest.fixture
def pharmacist(auth, make_user, pharmacy):
    user = make_user("provider_user", pharmacy)
    auth.login(user)
    return user


@pytest.fixture
def manager(auth, make_user):
    user = make_user("contract_manager")
    auth.login(user)
    return user


# -- which links an inbox may follow ------------------------------------------------------------

@pytest.mark.parametrize("link", ["/zorgaanbieder/aanbiedingen/12", "/beheer/aanvragen/3?x=1",
                                  "/zorgzoeker"])
def test_a_path_inside_the_portal_may_be_followed(link):
    assert portal_path(link) == link


@pytest.mark.parametrize("link", [None, "", "https://elders.example/", "//elders.example/x",
                                  "/\\elders.example", "javascript:alert(1)", "beheer/aanvragen",
                                  "/ /elders", "/wachtwoord-instellen/abc.DEF-123",
                                  "/wachtwoord-herstellen/abc.DEF-123"])
def test_an_address_off_the_portal_or_an_account_secret_is_never_followed(link):
    assert portal_path(link) is None


# -- the provider's inbox -----------------------------------------------------------------------

def test_a_providers_message_opens_its_offer_and_is_then_read(client, auth, session, pharmacy,
                                                              pharmacist):
    note = message(session, pharmacy, link="/zorgaanbieder/aanbiedingen/12")
    html = page(client, PROVIDER_INBOX)
    form = re.search(rf'<form method="post" action="{PROVIDER_INBOX}/{note.id}/openen"[^>]*>\s*'
                     r'<input type="hidden" name="csrf_token" value="[^"]+">'
                     r'<button type="submit" class="button">Bekijken</button>', html)
    assert form, html

    response = post(client, auth, f"{PROVIDER_INBOX}/{note.id}/openen", PROVIDER_INBOX)

    assert response.status_code == 302
    assert response.headers["Location"] == "/zorgaanbieder/aanbiedingen/12"
    session.refresh(note)
    assert note.read_at is not None
    [entry] = read_entries(session, "read")
    assert (entry.entity, entry.entity_id, entry.actor) == ("notification", note.id, pharmacist.email)
    post(client, auth, f"{PROVIDER_INBOX}/{note.id}/openen", PROVIDER_INBOX)
    assert len(read_entries(session, "read")) == 1  # read once, audited once


def test_a_message_leading_off_the_portal_or_to_a_secret_shows_no_link_and_opens_the_inbox(
        client, auth, session, pharmacy, pharmacist):
    away = message(session, pharmacy, link="https://elders.example/phishing")
    invitation = message(session, pharmacy, subject="Uw account",
                         link="/wachtwoord-instellen/geheim.TOKEN-123")
    html = page(client, PROVIDER_INBOX)
    assert "elders.example" not in html and "geheim.TOKEN-123" not in html
    assert f"{away.id}/openen" not in html and f"{invitation.id}/openen" not in html

    for note in (away, invitation):
        response = post(client, auth, f"{PROVIDER_INBOX}/{note.id}/openen", PROVIDER_INBOX)
        assert response.headers["Location"] == PROVIDER_INBOX
        session.refresh(note)
        assert note.read_at is not None


def test_opening_needs_the_csrf_token_and_the_own_organisation(client, auth, session, pharmacy,
                                                               other, pharmacist):
    mine = message(session, pharmacy, link="/zorgaanbieder/aanbiedingen/1")
    theirs = message(session, other, link="/zorgaanbieder/aanbiedingen/2")
    assert client.post(f"{PROVIDER_INBOX}/{mine.id}/openen").status_code == 400
    assert post(client, auth, f"{PROVIDER_INBOX}/{theirs.id}/openen", PROVIDER_INBOX).status_code == 404
    session.refresh(mine)
    session.refresh(theirs)
    assert mine.read_at is None and theirs.read_at is None
    assert read_entries(session, "read") == []


def test_the_provider_searches_subject_and_body_case_insensitively_and_keeps_the_query(
        client, session, pharmacy, other, pharmacist):
    message(session, pharmacy, subject="Nieuw aanbod: Dieetpreparaten 2024", body="Reageer tijdig.")
    message(session, pharmacy, subject="Herinnering", body="Uw aanbod voor DIEETPREPARATEN verloopt.")
    message(session, pharmacy, subject="Aanbod verlopen", body="Farmaceutische zorg 2024")
    message(session, other, subject="Dieetpreparaten bij een ander", body="-")

    html = page(client, f"{PROVIDER_INBOX}?q=dieetPREPARATEN")

    assert "2 berichten gevonden." in html
    assert "Nieuw aanbod: Dieetpreparaten 2024" in html and "Herinnering" in html
    assert "Aanbod verlopen" not in html and "bij een ander" not in html
    assert 'name="q" value="dieetPREPARATEN"' in html
    assert "1 bericht gevonden." in page(client, f"{PROVIDER_INBOX}?q=verlopen%20")
    nothing = page(client, f"{PROVIDER_INBOX}?q=100%25")  # % is a character, not a wildcard
    assert "0 berichten gevonden." in nothing and "Geen berichten gevonden met “100%”." in nothing


def test_mark_all_read_marks_the_own_organisations_messages_once_and_audits_once(
        client, auth, session, pharmacy, other, pharmacist):
    mine = [message(session, pharmacy, subject=f"Bericht {n}") for n in range(3)]
    theirs = message(session, other, subject="Van een ander")
    insurer = message(session, None, subject="Voor VGZ")
    assert "Alles als gelezen markeren" in page(client, PROVIDER_INBOX)

    response = post(client, auth, f"{PROVIDER_INBOX}/alles-gelezen", PROVIDER_INBOX)

    assert response.status_code == 302
    for note in (*mine, theirs, insurer):
        session.refresh(note)
    assert all(note.read_at is not None for note in mine)
    assert theirs.read_at is None and insurer.read_at is None
    [entry] = read_entries(session, "read_all")
    assert (entry.entity, entry.entity_id, entry.actor) == ("inbox", pharmacy.id, pharmacist.email)
    html = page(client, PROVIDER_INBOX)
    assert "3 berichten zijn als gelezen gemarkeerd." in html
    assert "Alles als gelezen markeren" not in html and "0 ongelezen." in html

    post(client, auth, f"{PROVIDER_INBOX}/alles-gelezen", PROVIDER_INBOX)
    assert "Er waren geen ongelezen berichten." in page(client, PROVIDER_INBOX)
    assert len(read_entries(session, "read_all")) == 1


def test_mark_all_read_needs_the_csrf_token(client, session, pharmacy, pharmacist):
    note = message(session, pharmacy)
    assert client.post(f"{PROVIDER_INBOX}/alles-gelezen").status_code == 400
    session.refresh(note)
    assert note.read_at is None


def test_the_provider_inbox_pages_by_50_with_the_query_kept(client, session, pharmacy, pharmacist):
    session.add_all(Notification(provider_id=pharmacy.id, key=f"inbox:page:{n}",
                                 subject=f"Bericht nummer {n:03d}", body="tekst") for n in range(51))
    session.flush()

    first = page(client, f"{PROVIDER_INBOX}?q=nummer")
    assert "51 berichten gevonden." in first and "51 ongelezen." in first
    assert first.count('<li class="unread">') == 50
    assert "Pagina 1 van 2" in first and "Bericht nummer 050" in first
    assert f'href="{PROVIDER_INBOX}?q=nummer&amp;pagina=2"' in first
    second = page(client, f"{PROVIDER_INBOX}?q=nummer&pagina=2")
    assert second.count('<li class="unread">') == 1 and "Bericht nummer 000" in second
    assert client.get(f"{PROVIDER_INBOX}?pagina=7").status_code == 302


def test_one_message_is_counted_in_the_singular(client, session, pharmacy, pharmacist):
    message(session, pharmacy)
    html = page(client, PROVIDER_INBOX)
    assert "1 bericht." in html and "1 ongelezen." in html


# -- the managers' inbox ------------------------------------------------------------------------

def test_a_managers_message_opens_what_it_is_about_and_is_then_read(client, auth, session,
                                                                    manager):
    note = message(session, None, subject="Aanbod aanvaard", link="/beheer/aanbiedingen/7")
    html = page(client, MANAGER_INBOX)
    assert re.search(rf'action="{MANAGER_INBOX}/{note.id}/openen"[^>]*>\s*'
                     r'<input type="hidden" name="csrf_token" value="[^"]+">\s*'
                     r'<button type="submit" class="link">Bekijken</button>', html), html
    assert "ongelezen" in html

    response = post(client, auth, f"{MANAGER_INBOX}/{note.id}/openen", MANAGER_INBOX)

    assert response.headers["Location"] == "/beheer/aanbiedingen/7"
    session.refresh(note)
    assert note.read_at is not None
    assert [e.entity_id for e in read_entries(session, "read")] == [note.id]


def test_a_manager_cannot_open_a_providers_message(client, auth, session, pharmacy, manager):
    theirs = message(session, pharmacy, link="/zorgaanbieder/aanbiedingen/2")
    assert post(client, auth, f"{MANAGER_INBOX}/{theirs.id}/openen", MANAGER_INBOX).status_code == 404
    session.refresh(theirs)
    assert theirs.read_at is None


def test_mark_all_read_for_the_insurer_leaves_the_providers_messages_alone(
        client, auth, session, pharmacy, manager):
    insurer = [message(session, None, subject=f"Melding {n}", kind=kind)
               for n, kind in enumerate(("bericht", "escalatie"))]
    providers = message(session, pharmacy)
    personal = message(session, None, subject="Uw wachtwoord", user_id=manager.id)

    post(client, auth, f"{MANAGER_INBOX}/alles-gelezen", MANAGER_INBOX)

    for note in (*insurer, providers, personal):
        session.refresh(note)
    assert all(note.read_at is not None for note in insurer)
    assert providers.read_at is None and personal.read_at is None
    [entry] = read_entries(session, "read_all")
    assert (entry.entity, entry.entity_id) == ("inbox", 0)
    assert "2 meldingen zijn als gelezen gemarkeerd." in page(client, MANAGER_INBOX)


def test_the_managers_search_keeps_the_kind_and_the_query(client, session, manager):
    message(session, None, subject="Aanbod aanvaard door Apotheek Zoë", kind="bericht")
    message(session, None, subject="Termijn verstreken", body="Apotheek ZOË reageerde niet",
            kind="escalatie")
    message(session, None, subject="Nieuwe aanvraag", body="Apotheek Noord", kind="bericht")

    html = page(client, f"{MANAGER_INBOX}?q=apotheek+zo")
    assert "2 meldingen gevonden." in html and "Nieuwe aanvraag" not in html
    assert 'name="q" value="apotheek zo"' in html
    assert "Escalaties (1)" in html and "Berichten (1)" in html
    kind = page(client, f"{MANAGER_INBOX}?q=apotheek+zo&soort=escalatie")
    assert "1 melding gevonden." in kind and "Termijn verstreken" in kind
    assert '<input type="hidden" name="soort" value="escalatie">' in kind


def test_the_managers_inbox_pages_by_50(client, session, manager):
    session.add_all(Notification(provider_id=None, key=f"inbox:mgr:{n}", kind="bericht",
                                 subject=f"Melding {n:03d}", body="tekst") for n in range(53))
    session.flush()
    first = page(client, MANAGER_INBOX)
    assert "53 meldingen gevonden." in first and first.count("<details>") == 50
    assert "Pagina 1 van 2" in first
    second = page(client, f"{MANAGER_INBOX}?pagina=2")
    assert second.count("<details>") == 3 and "Melding 000" in second


@pytest.mark.parametrize("role", ["adviseur", "provider_user"])
def test_only_managers_open_or_mark_the_insurers_messages(client, auth, session, make_user,
                                                         pharmacy, role):
    note = message(session, None, link="/beheer/aanbiedingen/7")
    auth.login(make_user(role, pharmacy if role.startswith("provider") else None))
    token = auth.csrf("/beheer/toestemmingen" if role == "adviseur" else PROVIDER_INBOX)
    for path in (f"{MANAGER_INBOX}/{note.id}/openen", f"{MANAGER_INBOX}/alles-gelezen"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403
    session.refresh(note)
    assert note.read_at is None
    assert session.scalar(select(func.count(AuditEntry.id))
                          .where(AuditEntry.entity.in_(("inbox", "notification")))) == 0
