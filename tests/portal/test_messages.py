"""Inbox messages are written from one catalogue of templates: stored as Dutch text (what the mail
sends and a search finds) with the template's key and values, shown in the reader's language,
with links built from the portal's endpoints in a request, a job and a command alike."""
from __future__ import annotations

from datetime import date

import pytest
from flask import g
from sqlalchemy import select

from portal.models import AuditEntry, Notification, Offer
from portal.operations import messages, notifications
from portal.operations import offers as offer_ops
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from portal.operations.offers import issue_offer, offer_link, receipt_link, transition, transition_many
from portal.models.documents import day_of

MANAGER = Actor("manager@vgz.nl", "contract_manager")
DEADLINE = date(2023, 10, 27)


def signatory(provider):
    return Actor(f"tekenbevoegde@{provider.agb}", "provider_signatory", provider.id)


def inbox_of(session, offer):
    return session.scalars(select(Notification).where(Notification.key.like(f"offer:{offer.id}:%"))
                           .order_by(Notification.id)).all()


def test_an_issued_offer_is_told_in_dutch_and_keeps_its_template_and_values(session, make_provider):
    provider = make_provider()
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=DEADLINE)
    [note] = inbox_of(session, offer)
    assert (note.template, note.params) == ("offer.issue", {
        "contract": "farmaceutische_zorg", "year": 2024, "deadline": "2023-10-27"})
    assert note.subject == "Nieuw aanbod: Overeenkomst Farmaceutische zorg 2024"
    assert note.body == ("VGZ heeft u een aanbod gedaan voor de Overeenkomst Farmaceutische zorg "
                         "2024. Reageer uiterlijk op 27-10-2023.")
    assert (note.provider_id, note.link) == (provider.id, f"/zorgaanbieder/aanbiedingen/{offer.id}")


def test_the_single_and_the_bulk_step_leave_the_same_trail(session, make_provider, monkeypatch):
    agreed = []
    monkeypatch.setattr(offer_ops, "record_agreements", lambda offers: agreed.append(
        [o.id for o in offers]) or len(offers))
    set_today(date(2023, 10, 16), Actor("t", "admin"))
    one, many = make_provider(name="Apotheek Een"), make_provider(name="Apotheek Veel")
    single = issue_offer(one, "farmaceutische_zorg", 2024, MANAGER, deadline=DEADLINE)
    bulk = issue_offer(many, "farmaceutische_zorg", 2024, MANAGER, deadline=DEADLINE)
    transition(single.id, "accept", signatory(one))
    [outcome] = transition_many([(bulk.id, "accept", signatory(many), "")])
    assert outcome is bulk
    # the agreements of both acceptances, each recorded once, by the step itself
    assert agreed == [[single.id], [bulk.id]]

    def trail(offer, provider):
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "offer", AuditEntry.entity_id == offer.id).order_by(AuditEntry.id))
        notes = inbox_of(session, offer)[1:]  # after the issue's
        return ((offer.status, offer.answered_by.replace(provider.agb, "AGB"),
                 day_of(offer.answered_at)),
                [(e.action, e.from_state, e.to_state, e.actor.replace(provider.agb, "AGB"), e.reason)
                 for e in entries],
                [(n.template, n.provider_id is None, n.link.replace(str(offer.id), "ID"),
                  {**n.params, "provider": "-", "actor": n.params["actor"].replace(provider.agb, "AGB")})
                 for n in notes])

    assert trail(single, one) == trail(bulk, many)
    status, entries, notes = trail(single, one)
    assert status == ("geaccepteerd", "tekenbevoegde@AGB", date(2023, 10, 16))
    assert entries[-1] == ("accept", "aangeboden", "geaccepteerd", "tekenbevoegde@AGB", "")
    assert [(template, to_insurer, link) for template, to_insurer, link, _ in notes] == [
        ("offer.accept", True, "/beheer/aanbiedingen/ID/ontvangstbewijs.pdf"),
        ("offer.receipt", False, "/zorgaanbieder/aanbiedingen/ID/ontvangstbewijs.pdf")]
    accepted = inbox_of(session, single)[1]
    assert accepted.subject == "Aanbod aanvaard door Apotheek Een: Overeenkomst Farmaceutische zorg 2024"
    assert accepted.body.startswith(f"Aanvaard door tekenbevoegde@{one.agb} op 16-10-2023.")


def test_a_declined_offer_records_no_agreement(session, make_provider, monkeypatch):
    agreed = []
    monkeypatch.setattr(offer_ops, "record_agreements", agreed.append)
    provider = make_provider()
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=DEADLINE)
    transition_many([(offer.id, "decline", signatory(provider), "Te laag tarief")])
    assert agreed == [] and session.get(Offer, offer.id).status == "afgewezen"
    assert inbox_of(session, offer)[-1].body == "Reden: Te laag tarief"


def test_the_inbox_shows_each_message_in_the_readers_language(client, auth, session, make_provider,
                                                              make_user):
    provider = make_provider()
    issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=DEADLINE)
    notifications.notify(provider_id=provider.id, key="los:1", subject="Los bericht",
                         body="Geschreven als tekst op 01-10-2023.")
    session.commit()
    auth.login(make_user("provider_user", provider))
    dutch = client.get("/zorgaanbieder/berichten").get_data(as_text=True)
    assert "Reageer uiterlijk op 27-10-2023." in dutch
    assert "Geschreven als tekst op 01-10-2023." in dutch  # no template: as stored
    response = client.post("/taal", data={"lang": "en", "next": "/zorgaanbieder/berichten",
                                          "csrf_token": auth.csrf("/zorgaanbieder/berichten")})
    assert response.status_code == 302
    english = client.get("/zorgaanbieder/berichten").get_data(as_text=True)
    assert "Oct 27, 2023" in english and "27-10-2023" not in english
    assert "Geschreven als tekst op 01-10-2023." in english
    # what is stored, mailed and searched stays Dutch
    assert session.scalar(select(Notification.body).where(Notification.template == "offer.issue")
                          ).endswith("Reageer uiterlijk op 27-10-2023.")


def test_a_message_whose_values_no_longer_fit_its_template_shows_its_stored_text(app):
    stored = Notification(key="oud:1", subject="Opgeslagen", body="Zoals geschreven",
                          template="offer.issue", params={"contract": "farmaceutische_zorg"})
    with app.test_request_context("/zorgaanbieder/berichten"):
        assert messages.shown(stored) == messages.Shown("Opgeslagen", "Zoals geschreven")
        stored.template = "bestaat.niet"
        assert messages.shown(stored) == messages.Shown("Opgeslagen", "Zoals geschreven")
        stored.template, stored.params = "offer.expire", {"contract": "spoedzorg", "year": 2024}
        assert messages.shown(stored).subject == "Aanbod verlopen: Addendum Farmaceutische spoedzorg 2024"


def test_every_template_renders_its_values_and_leaves_out_a_paragraph_without_them(app):
    sample = {"contract": "dieetpreparaten", "contracts": ["farmaceutische_zorg", "spoedzorg"],
              "offers": [{"provider": "Apotheek A", "contract": "spoedzorg", "year": 2024,
                          "deadline": "2023-10-27"}],
              **{name: "2023-09-15" for name in messages.DATES}}
    with app.app_context():
        for key in messages.TEMPLATES:
            names = messages.placeholders(key)
            values = {**{n: sample.get(n, f"<{n}>") for n in names},
                      **{n: 2 for n in messages.counts(key)}}
            subject, body = messages.dutch_text(key, values)
            assert subject and body and "%(" not in subject + body, key
            assert all(f"<{n}>" in subject + body for n in names
                       if n not in sample and n not in messages.counts(key)), key
        subject, body = messages.dutch_text("offer.issue", {"contract": "dieetpreparaten", "year": 2024})
        assert body == "VGZ heeft u een aanbod gedaan voor de Overeenkomst Dieetpreparaten 2024."
        _, body = messages.dutch_text("application.granted", {
            "received": "2023-06-01", "contracts": ["farmaceutische_zorg", "spoedzorg"],
            "motivation": "Lost een knelpunt op."})
        assert body == ("Aanvraag van 01-06-2023 voor Overeenkomst Farmaceutische zorg, "
                        "Addendum Farmaceutische spoedzorg: toegekend. Lost een knelpunt op.")


def test_a_kept_stored_text_is_the_text_of_its_own_values(app):
    """A scan's thousands of reminders share a few texts, each rendered once (stored_message):
    whatever was kept, every message gets the text and the stored values of its own values."""
    about = {"contract": "spoedzorg", "year": 2024}
    cases = [  # (template, values): each differs from the one before in one value or its kind
        ("deadline.reminder", {"task": "Aanbod beantwoorden", "about": about,
                               "action": "Aanbod beantwoorden", "deadline": date(2023, 10, 27),
                               "days": 3}),
        ("deadline.reminder", {"task": "Aanbod beantwoorden", "about": about,
                               "action": "Aanbod beantwoorden", "deadline": date(2023, 10, 27),
                               "days": 1}),
        ("deadline.reminder", {"task": "Aanbod beantwoorden", "about": about,
                               "action": "Aanbod beantwoorden", "deadline": date(2023, 10, 28),
                               "days": 1}),
        ("deadline.reminder", {"task": "Aanbod beantwoorden", "about": {**about, "year": 2025},
                               "action": "Aanbod beantwoorden", "deadline": date(2023, 10, 28),
                               "days": 1}),
        ("deadline.reminder_today", {"task": "Aanbod beantwoorden", "about": about,
                                     "action": "Aanbod beantwoorden",
                                     "deadline": date(2023, 10, 28), "days": None}),
        ("offer.issue", {"contract": "spoedzorg", "year": 2024}),
        ("offer.issue", {"contract": ["spoedzorg"], "year": 2024}),
        ("offer.issue", {"contract": "spoedzorg", "year": 1}),
        ("offer.issue", {"contract": "spoedzorg", "year": True}),  # equal to 1 in a dict
    ]
    with app.app_context():
        for _ in range(2):  # rendered, then kept
            for key, values in cases:
                stored = messages.stored_params(values)
                assert messages.stored_message(key, values) == (stored,
                                                                *messages.dutch_text(key, stored))
        # a date and its ISO text are stored alike, so they share a text
        same = {**cases[0][1], "deadline": "2023-10-27"}
        assert messages.stored_message(cases[0][0], same) == messages.stored_message(*cases[0])
        with pytest.raises(TypeError):  # what the JSON column could not store is refused
            messages.stored_message("offer.issue", {"contract": object(), "year": 2024})


def test_links_are_built_from_endpoints_in_a_request_and_outside_one(app):
    with app.app_context():  # a scheduler job, a CLI command
        outside = (offer_link(7, True), offer_link(7, False), receipt_link(7, True))
    with app.test_request_context("/beheer/aanbiedingen", base_url="https://portaal.test/sub"):
        inside = (offer_link(7, True), offer_link(7, False), receipt_link(7, True))
    assert outside == inside == ("/zorgaanbieder/aanbiedingen/7", "/beheer/aanbiedingen/7",
                                 "/zorgaanbieder/aanbiedingen/7/ontvangstbewijs.pdf")


def test_a_batch_keeps_each_messages_values_and_a_text_message_has_none(session, make_provider):
    provider = make_provider()
    rows = [dict(provider_id=provider.id, key=f"batch:{n}", template="offer.expire",
                 params={"contract": "farmaceutische_zorg", "year": 2024}) for n in range(3)]
    rows.append(dict(provider_id=provider.id, key="batch:tekst", subject="Tekst", body="Alleen tekst"))
    assert notifications.notify_many(rows) == 4
    assert notifications.notify_many(rows) == 0  # the keys are there: nothing twice
    stored = {n.key: n for n in session.scalars(select(Notification).where(
        Notification.key.like("batch:%")))}
    assert {stored[f"batch:{n}"].subject for n in range(3)} == {
        "Aanbod verlopen: Overeenkomst Farmaceutische zorg 2024"}
    assert stored["batch:0"].params == {"contract": "farmaceutische_zorg", "year": 2024}
    assert (stored["batch:tekst"].template, stored["batch:tekst"].params) == (None, None)
    assert session.scalar(select(Notification.id).where(Notification.key == "batch:tekst",
                                                        Notification.params.is_(None)))


def test_a_message_written_in_bulk_is_stored_as_the_orm_stores_it(session, make_provider):
    """notify_many converts each distinct value once and writes with the driver (SQLite's
    executemany, PostgreSQL's arrays): the columns hold what the ORM would have written."""
    from datetime import datetime, timezone
    from sqlalchemy import text
    provider = make_provider()
    moment = datetime(2023, 10, 2, 9, 30, 5, 123456, tzinfo=timezone.utc)
    session.add(Notification(provider_id=provider.id, key="orm:1", kind="bericht", subject="s",
                             body="b", template="offer.issue", created_at=moment,
                             params={"contract": "spoedzorg", "year": 2024}))
    session.flush()
    assert notifications.notify_many([
        dict(provider_id=provider.id, key="bulk:1", template="offer.issue", created_at=moment,
             params={"contract": "spoedzorg", "year": 2024}),
        dict(provider_id=provider.id, key="bulk:2", subject="Tekst", body="b", created_at=moment),
    ]) == 2
    raw = {key: (created, params) for key, created, params in session.execute(text(
        "SELECT key, created_at, params FROM notifications WHERE key IN ('orm:1', 'bulk:1', "
        "'bulk:2')"))}
    assert raw["bulk:1"] == raw["orm:1"]
    assert raw["bulk:2"] == (raw["orm:1"][0], None)


def test_a_message_needs_a_template_or_a_subject(session):
    with pytest.raises(ValueError):
        notifications.notify(key="leeg:1", body="zonder onderwerp")


def test_an_application_received_leads_the_managers_to_it(client, auth, session, make_user):
    from portal.operations.applications import submit_application
    application = submit_application(
        {"organisation": "Apotheek Nieuw Begin", "agb": "06123456", "kvk": "12345678",
         "provider_type": "openbare_apotheek", "city": "Zwolle", "contact_email": "info@nieuw.example",
         "contracts": ["farmaceutische_zorg"], "motivations": {"bereikbaarheid": "Geen apotheek"}},
        [], received_on=date(2023, 6, 1), policy_year=2024)
    session.commit()
    note = session.scalar(select(Notification).where(
        Notification.key == f"application:{application.id}:received"))
    assert note.subject == "Nieuwe aanvraag: Apotheek Nieuw Begin"
    assert note.body == "Aanvraag ontvangen op 01-06-2023; reactie uiterlijk 01-07-2023."
    auth.login(make_user("contract_manager"))
    g.pop("simulation_today", None)
    assert client.get(note.link).status_code == 200


def test_an_acceptance_single_or_in_bulk_is_an_agreement_once(session, make_provider):
    from portal.models import ContractHeld
    one, many, declines = make_provider(), make_provider(), make_provider()
    offers = [issue_offer(p, "farmaceutische_zorg", 2024, MANAGER, deadline=DEADLINE)
              for p in (one, many, declines)]
    transition(offers[0].id, "accept", signatory(one))
    transition_many([(offers[1].id, "accept", signatory(many), ""),
                     (offers[2].id, "decline", signatory(declines), "Nee")])

    def agreements(provider):
        return [(c.start.year, c.contract) for c in session.scalars(select(ContractHeld).where(
            ContractHeld.provider_id == provider.id).order_by(ContractHeld.start))]

    # the factory's agreement that ends in 2023, then the accepted offer's from 2024 on
    assert agreements(one) == agreements(many) == [(2022, "farmaceutische_zorg"),
                                                   (2024, "farmaceutische_zorg")]
    assert agreements(declines) == [(2022, "farmaceutische_zorg")]
