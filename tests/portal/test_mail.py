"""E-mail of the inbox messages: queued per recipient, kept in the outbox or sent to a real local
SMTP server (aiosmtpd), never twice and never lost; and the managers' outbox page."""
from __future__ import annotations

from datetime import date, datetime, timezone
from itertools import count

import pytest
from sqlalchemy import func, select

from portal.models import Notification, OutgoingMail
from portal.operations import clock
from portal.operations.audit import SYSTEM
from portal.operations.mail import FOOTER, SendResult, queue_mail, send_mail
from tests.support.statements import statements
from portal.models.documents import day_of

PORTAL = "https://portaal.test"
#: A simulated day far from the machine's own date.
DAY = date(2023, 9, 20)
keys = count(1)


@pytest.fixture
def mail_config(app, monkeypatch):
    """The outbox backend and a known portal address; restored after the test."""
    monkeypatch.setitem(app.config, "MAIL_BACKEND", "outbox")
    monkeypatch.setitem(app.config, "PORTAL_URL", PORTAL + "/")
    monkeypatch.setitem(app.config, "MAIL_FROM", "zorginkoop@vgz.example")
    return app.config


@pytest.fixture
def smtp(mail_config, smtp_server, monkeypatch):
    """The SMTP backend, pointed at the test's own SMTP server."""
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp_server.host,
                       "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": None}.items():
        monkeypatch.setitem(mail_config, key, value)
    return smtp_server


def message(session, provider=None, *, subject="Nieuw aanbod", body="Er staat een aanbod voor u klaar.",
            link="/zorgaanbieder/aanbiedingen/12", **fields):
    note = Notification(provider_id=provider.id if provider else None, key=f"test:{next(keys)}",
                        subject=subject, body=body, link=link, **fields)
    session.add(note)
    session.flush()
    return note


def mails(session, note=None) -> list[OutgoingMail]:
    query = select(OutgoingMail).order_by(OutgoingMail.id)
    if note is not None:
        query = query.where(OutgoingMail.notification_id == note.id)
    return session.scalars(query).all()




@pytest.fixture
def pharmacy(make_provider, make_user):
    """A provider whose contact address is also a staff member's (in other capitals), with an
    inactive colleague, and a second provider whose staff must not get the first one's mail."""
    provider = make_provider(contact_email="Info@Apotheek-Zoe.example")
    make_user("provider_signatory", provider, email="info@apotheek-zoe.example")
    make_user("provider_user", provider, email="jan@apotheek-zoe.example")
    old = make_user("provider_user", provider, email="oud@apotheek-zoe.example")
    old.active = False
    make_user("provider_user", make_provider(contact_email="info@ander.example"),
              email="piet@ander.example")
    return provider


# -- queueing -----------------------------------------------------------------------------------

def test_a_providers_message_is_queued_once_per_recipient_with_the_dutch_body_and_link(
        session, mail_config, pharmacy):
    clock.set_today(DAY, SYSTEM, record=False)
    note = message(session, pharmacy, body="Uw aanbod voor 2024 staat klaar.")

    assert queue_mail() == 2

    queued = mails(session, note)
    assert [m.recipient for m in queued] == ["Info@Apotheek-Zoe.example", "jan@apotheek-zoe.example"]
    for mail in queued:
        assert (mail.provider_id, mail.subject, mail.sent_at, mail.attempts) == \
            (pharmacy.id, "Nieuw aanbod", None, 0)
        assert mail.body == ("Uw aanbod voor 2024 staat klaar.\n\n"
                             f"Open in het portaal: {PORTAL}/zorgaanbieder/aanbiedingen/12\n\n"
                             f"-- \n{FOOTER}\n")
        assert day_of(mail.created_at) == DAY  # the simulated clock, not the machine's
    session.refresh(note)
    assert day_of(note.emailed_at) == DAY


def test_a_provider_without_contact_address_mails_its_staff_only(session, mail_config, make_provider,
                                                                 make_user):
    provider = make_provider(contact_email="")
    make_user("provider_user", provider, email="alleen@staf.example")
    note = message(session, provider, link=None)
    assert queue_mail() == 1
    [mail] = mails(session, note)
    assert mail.recipient == "alleen@staf.example"
    assert "Open in het portaal" not in mail.body and mail.body.endswith(FOOTER + "\n")


def test_the_managers_urgent_messages_go_at_once_to_every_active_manager_and_admin(
        session, mail_config, make_user, pharmacy):
    manager = make_user("contract_manager", email="manager@vgz.example")
    admin = make_user("admin", email="beheer@vgz.example")
    make_user("contract_manager", email="weg@vgz.example").active = False
    clock.set_today(DAY, SYSTEM, record=False)
    note = message(session, None, subject="Termijn verstreken: Tegenvoorstel beantwoorden",
                   link="/beheer/aanbiedingen/7", kind="escalatie")
    session.flush()

    queue_mail()

    queued = mails(session, note)
    recipients = {m.recipient for m in queued}
    assert {manager.email, admin.email} <= recipients
    assert "weg@vgz.example" not in recipients
    assert not recipients & {"info@apotheek-zoe.example", "jan@apotheek-zoe.example",
                             "Info@Apotheek-Zoe.example"}
    assert all(m.provider_id is None for m in queued)
    assert f"Open in het portaal: {PORTAL}/beheer/aanbiedingen/7" in queued[0].body


def test_queueing_twice_creates_nothing_twice(session, mail_config, pharmacy):
    note = message(session, pharmacy)
    assert queue_mail() == 2
    assert queue_mail() == 0
    note.emailed_at = None  # even a message marked unqueued by hand gets no second mail
    session.flush()
    assert queue_mail() == 0
    assert len(mails(session, note)) == 2
    assert session.get(Notification, note.id).emailed_at is not None


def test_queueing_thousands_of_messages_takes_a_few_queries_and_honours_the_limit(
        session, mail_config, make_provider, make_user):
    providers = [make_provider(contact_email=f"info{i}@zorg.example") for i in range(20)]
    for provider in providers:
        make_user("provider_user", provider, email=f"staf{provider.id}@zorg.example")
    make_user("contract_manager", email="manager@vgz.example")
    session.add_all(Notification(provider_id=providers[i % 20].id if i % 10 else None,
                                 kind="bericht" if i % 10 else "herinnering",
                                 key=f"bulk:{i}", subject=f"Bericht {i}", body="Tekst", link=None)
                    for i in range(1200))
    session.flush()

    assert queue_mail(limit=100) > 0
    waiting = select(func.count()).select_from(Notification).where(Notification.emailed_at.is_(None))
    assert session.scalar(waiting) == 1100

    with statements() as seen:
        queue_mail()
    assert session.scalar(waiting) == 0
    assert len(seen) < 40, len(seen)  # six per batch of 500 (and savepoints), not one per message
    per_provider = session.scalar(select(func.count()).select_from(OutgoingMail)
                                  .where(OutgoingMail.provider_id.is_not(None)))
    assert per_provider == 1080 * 2


# -- sending: the outbox ------------------------------------------------------------------------

def test_the_outbox_backend_marks_the_mails_sent_without_a_server(session, mail_config, pharmacy):
    message(session, pharmacy)
    message(session, pharmacy)
    queue_mail()

    assert send_mail(limit=3) == SendResult(sent=3, failed=0, waiting=1)
    assert send_mail() == SendResult(sent=1, failed=0, waiting=0)
    assert send_mail() == SendResult(sent=0, failed=0, waiting=0)
    for mail in mails(session):
        assert mail.transport == "outbox" and mail.sent_at is not None and mail.attempts == 1


# -- sending: SMTP ------------------------------------------------------------------------------

def test_smtp_delivers_each_mail_with_its_headers_dutch_text_and_link(session, smtp, pharmacy):
    note = message(session, pharmacy, subject="Reactie op uw tegenvoorstel: Apotheek Zoë",
                   body="Geachte heer Noël,\n\nVGZ heeft gereageerd op uw tegenvoorstel (€ 1.250).")
    queue_mail()
    queued = mails(session, note)

    assert send_mail() == SendResult(sent=2, failed=0, waiting=0)

    assert sorted(m["To"] for m in smtp.messages) == sorted(m.recipient for m in queued)
    for received in smtp.messages:
        mail = next(m for m in queued if m.recipient == received["To"])
        assert received["Subject"] == "Reactie op uw tegenvoorstel: Apotheek Zoë"
        assert received["From"] == "zorginkoop@vgz.example"
        assert received["Message-ID"] == f"<outgoing-{mail.id}@vgz.example>"
        assert received["Date"].datetime is not None
        assert received.get_content_type() == "text/plain"
        assert received.get_content_charset() == "utf-8"
        text = received.get_content()
        assert "Geachte heer Noël," in text and "(€ 1.250)" in text
        assert f"Open in het portaal: {PORTAL}/zorgaanbieder/aanbiedingen/12" in text
        assert FOOTER in " ".join(text.split())
    assert sorted(rcpt for e in smtp.envelopes for rcpt in e.rcpt_tos) == \
        sorted(m.recipient for m in queued)
    assert {e.mail_from for e in smtp.envelopes} == {"zorginkoop@vgz.example"}
    for mail in mails(session, note):
        assert mail.transport == "smtp" and mail.sent_at is not None and mail.last_error is None


def test_a_server_that_is_down_keeps_the_mails_waiting_and_sends_each_once_when_back(
        session, smtp, pharmacy):
    message(session, pharmacy)
    message(session, pharmacy, subject="Herinnering")
    queue_mail()
    smtp.stop()

    assert send_mail() == SendResult(sent=0, failed=4, waiting=4)
    assert send_mail(limit=1) == SendResult(sent=0, failed=1, waiting=4)
    waiting = mails(session)
    assert [m.attempts for m in waiting] == [2, 1, 1, 1]
    assert all(m.sent_at is None and m.transport is None and m.last_error for m in waiting)
    assert "ConnectionRefusedError" in waiting[0].last_error

    smtp.start()
    assert send_mail() == SendResult(sent=4, failed=0, waiting=0)
    assert send_mail() == SendResult(sent=0, failed=0, waiting=0)
    assert len(smtp.messages) == 4
    assert len({m["Message-ID"] for m in smtp.messages}) == 4
    assert all(m.transport == "smtp" and m.sent_at is not None for m in mails(session))


def test_a_recipient_the_server_refuses_waits_while_the_others_go(session, smtp, pharmacy):
    note = message(session, pharmacy)
    queue_mail()
    smtp.reject.add("jan@apotheek-zoe.example")

    assert send_mail() == SendResult(sent=1, failed=1, waiting=1)

    refused, = [m for m in mails(session, note) if m.sent_at is None]
    assert refused.recipient == "jan@apotheek-zoe.example"
    assert refused.attempts == 1 and "550" in refused.last_error
    assert [m["To"] for m in smtp.messages] == ["Info@Apotheek-Zoe.example"]

    smtp.reject.clear()
    assert send_mail() == SendResult(sent=1, failed=0, waiting=0)
    assert sorted(m["To"] for m in smtp.messages) == ["Info@Apotheek-Zoe.example",
                                                       "jan@apotheek-zoe.example"]


def test_a_recipient_refused_for_good_is_given_up_after_the_limit_and_shown_so(
        session, smtp, pharmacy, app, monkeypatch, client, auth, make_user):
    monkeypatch.setitem(app.config, "MAIL_MAX_REFUSALS", 3)
    message(session, pharmacy)
    queue_mail()
    smtp.reject.add("jan@apotheek-zoe.example")
    smtp.stop()  # a server that is down first: that never counts as a refusal
    for _ in range(4):
        send_mail()
    smtp.start()
    results = [send_mail() for _ in range(4)]
    assert results == [SendResult(sent=1, failed=1, waiting=1), SendResult(failed=1, waiting=1),
                       SendResult(failed=1, waiting=0), SendResult()]
    refused, = [m for m in mails(session) if m.recipient == "jan@apotheek-zoe.example"]
    assert (refused.refusals, refused.attempts, refused.sent_at) == (3, 7, None)
    assert refused.refused_at is not None and "550" in refused.last_error
    smtp.reject.clear()  # given up means given up: nothing is sent any more
    assert send_mail() == SendResult() and len(smtp.messages) == 1
    auth.login(make_user("contract_manager", email="beheer@vgz.example"))
    page = client.get("/beheer/uitgaande-post?status=geweigerd").get_data(as_text=True)
    assert "jan@apotheek-zoe.example" in page and "geweigerd op" in page
    assert "Info@Apotheek-Zoe.example" not in page


def test_a_server_that_refuses_the_login_keeps_the_mails_waiting(session, smtp, pharmacy,
                                                                 monkeypatch, app):
    message(session, pharmacy)
    queue_mail()
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "zorginkoop")  # the server offers no AUTH
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "geheim")

    assert send_mail() == SendResult(sent=0, failed=2, waiting=2)
    assert smtp.messages == []
    assert all(m.attempts == 1 and "SMTPNotSupportedError" in m.last_error for m in mails(session))


def test_smtp_honours_the_limit_oldest_first(session, smtp, pharmacy):
    message(session, pharmacy)
    queue_mail()
    first = mails(session)[0]
    assert send_mail(limit=1) == SendResult(sent=1, failed=0, waiting=1)
    assert [m["Message-ID"] for m in smtp.messages] == [f"<outgoing-{first.id}@vgz.example>"]


# -- the outbox page ----------------------------------------------------------------------------

NOON = datetime(2023, 9, 15, 12, 0, tzinfo=timezone.utc)


def add_mails(session, note, n, *, sent=False, start=0):
    session.add_all(OutgoingMail(notification_id=note.id, recipient=f"ontvanger{start + i}@zorg.example",
                                 subject=f"Onderwerp {start + i}", body=f"Bericht met ë nummer {start + i}",
                                 created_at=NOON, attempts=1 if sent else 2,
                                 sent_at=NOON.replace(day=16) if sent else None,
                                 transport="outbox" if sent else None,
                                 last_error=None if sent else "ConnectionRefusedError: weg")
                    for i in range(n))
    session.flush()


@pytest.fixture
def manager(auth, make_user):
    auth.login(make_user("contract_manager"))


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_the_outbox_page_lists_the_mail_newest_first_with_dutch_dates(session, client, manager,
                                                                       pharmacy):
    note = message(session, pharmacy)
    add_mails(session, note, 2, sent=True)
    add_mails(session, note, 1, start=2)
    html = page(client, "/beheer/uitgaande-post")
    assert "Uitgaande post" in html and "Wachtend op verzending: 1" in html
    assert html.index("ontvanger2@") < html.index("ontvanger1@") < html.index("ontvanger0@")
    assert "15-09-2023" in html and "16-09-2023" in html and "2023-09-15" not in html
    assert "<details><summary>Onderwerp 0</summary><pre>Bericht met ë nummer 0</pre></details>" in html
    assert "ConnectionRefusedError: weg" in html and "outbox" in html


def test_the_outbox_page_filters_by_status_and_pages_by_50(session, client, manager, pharmacy):
    note = message(session, pharmacy)
    add_mails(session, note, 3, sent=True)
    add_mails(session, note, 52, start=3)

    waiting = page(client, "/beheer/uitgaande-post?status=wachtend")
    assert "55 e-mails" not in waiting and "52 e-mails gevonden." in waiting
    assert "ontvanger0@" not in waiting and waiting.count("<details>") == 50
    assert "pagina=2" in waiting and "status=wachtend" in waiting
    second = page(client, "/beheer/uitgaande-post?status=wachtend&pagina=2")
    assert second.count("<details>") == 2 and "ontvanger3@" in second and "ontvanger4@" in second

    sent = page(client, "/beheer/uitgaande-post?status=verzonden")
    assert "3 e-mails gevonden." in sent and sent.count("<details>") == 3
    assert "ontvanger3@" not in sent and "Wachtend op verzending: 52" in sent

    everything = page(client, "/beheer/uitgaande-post?status=iets")
    assert "55 e-mails gevonden." in everything
    assert client.get("/beheer/uitgaande-post?pagina=9").status_code == 302


def test_the_outbox_page_runs_as_many_queries_for_110_mails_as_for_51(session, client, manager,
                                                                       pharmacy, pages_made_anew):
    # both lists longer than a page, so both need their count (a last page needs none)
    note = message(session, pharmacy)
    add_mails(session, note, 51)
    page(client, "/beheer/uitgaande-post")  # both counted requests follow one (tests.support.statements)
    with statements() as few:
        page(client, "/beheer/uitgaande-post")
    add_mails(session, note, 59, start=51)
    with statements() as many:
        html = page(client, "/beheer/uitgaande-post")
    assert html.count("<details>") == 50
    assert len(few) == len(many)


def test_an_outbox_on_one_page_needs_no_count(session, client, manager, pharmacy,
                                              pages_made_anew):
    note = message(session, pharmacy)
    add_mails(session, note, 2)
    page(client, "/beheer/uitgaande-post")
    with statements() as run:
        html = page(client, "/beheer/uitgaande-post")
    assert html.count("<details>") == 2
    # the page and the count of the waiting mail; no count of the list
    assert len([s for s in run if "FROM outgoing_mail" in s]) == 2


@pytest.mark.parametrize("role", ["provider_user", "provider_signatory"])
def test_providers_may_not_read_the_outbox(client, auth, make_user, pharmacy, role):
    assert client.get("/beheer/uitgaande-post").status_code == 302  # to the login page
    auth.login(make_user(role, pharmacy))
    assert client.get("/beheer/uitgaande-post").status_code == 403


def test_the_outbox_searches_recipient_subject_and_body_and_keeps_status_and_query(
        session, client, manager, pharmacy):
    note = message(session, pharmacy)
    session.add_all([
        OutgoingMail(notification_id=note.id, recipient="inkoper@vgz.example", attempts=0,
                     subject="Dagoverzicht 02-10-2023: 2 berichten", body="1. Aanbod aanvaard"),
        OutgoingMail(notification_id=note.id, recipient="info@delinde.example", attempts=1,
                     subject="Nieuw aanbod", body="Voor Apotheek ZOË in Utrecht", sent_at=NOON),
        OutgoingMail(notification_id=note.id, recipient="jan@elders.example", attempts=0,
                     subject="Herinnering", body="Reageer uiterlijk op 11-11-2023")])
    session.flush()

    assert "1 e-mail gevonden." in page(client, "/beheer/uitgaande-post?q=INKOPER%40vgz")
    by_subject = page(client, "/beheer/uitgaande-post?q=dagoverzicht")
    assert "1 e-mail gevonden." in by_subject and "inkoper@vgz.example" in by_subject
    by_body = page(client, "/beheer/uitgaande-post?q=apotheek+zo")
    assert "info@delinde.example" in by_body and "jan@elders.example" not in by_body
    assert 'name="q" value="apotheek zo"' in by_body
    assert page(client, "/beheer/uitgaande-post?q=uiterlijk&status=verzonden").count("<details>") == 0
    waiting = page(client, "/beheer/uitgaande-post?q=uiterlijk&status=wachtend")
    assert "1 e-mail gevonden." in waiting and '<input type="hidden" name="status" value="wachtend">' in waiting
    assert 'href="/beheer/uitgaande-post?status=verzonden&amp;q=uiterlijk"' in waiting


def test_the_outbox_shows_an_invitation_link_whole_but_never_its_secret(session, client, manager,
                                                                         pharmacy):
    note = message(session, pharmacy)
    secret = "eyJ1IjoxMn0.ZzYxQw.Geheim-Deel_123"
    session.add(OutgoingMail(
        notification_id=note.id, recipient="nieuw@apotheek.example", attempts=0,
        subject="Uw account voor het Zorginkoopportaal van VGZ",
        body=f"Kies uw wachtwoord.\n\nOpen in het portaal: {PORTAL}/wachtwoord-instellen/{secret}\n"))
    session.flush()

    html = page(client, "/beheer/uitgaande-post")
    assert secret not in html
    assert (f"Open in het portaal: {PORTAL}/wachtwoord-instellen/[geheim: alleen in de e-mail zelf]"
            in html)
    # nor can a search tell the secret, a character at a time
    for part in (secret[:5], "instellen/eyJ", "Kies uw"):
        assert "0 e-mails gevonden." in page(client, f"/beheer/uitgaande-post?q={part}"), part
    assert "1 e-mail gevonden." in page(client, "/beheer/uitgaande-post?q=nieuw%40apotheek")
