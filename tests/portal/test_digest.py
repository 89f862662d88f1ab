"""The insurer's routine messages by e-mail: one digest per staff member per simulated day,
once the day is over, sent through a real local SMTP server; urgent messages still go at once;
nothing is mailed twice."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.models import Notification, OutgoingMail
from portal.operations import clock
from portal.operations.audit import Actor
from portal.operations.mail import FOOTER, SendResult, queue_mail, send_mail
from portal.operations.offers import issue_offer, transition
from portal.models.documents import day_of

PORTAL = "https://portaal.test"
MANAGER = Actor("manager@vgz.example", "contract_manager")
DAY = date(2023, 10, 2)


@pytest.fixture
def smtp(app, smtp_server, monkeypatch):
    """The SMTP backend, pointed at the test's own SMTP server."""
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp_server.host,
                       "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": None, "PORTAL_URL": PORTAL + "/",
                       "MAIL_FROM": "zorginkoop@vgz.example"}.items():
        monkeypatch.setitem(app.config, key, value)
    return smtp_server


@pytest.fixture
def staff(make_user):
    """A contract manager, an admin, an advisor (not told of offers) and a manager who left."""
    make_user("contract_manager", email="inkoper@vgz.example")
    make_user("admin", email="beheerder@vgz.example")
    make_user("adviseur", email="adviseur@vgz.example")
    make_user("contract_manager", email="vertrokken@vgz.example").active = False


def on(day: date) -> None:
    clock.set_today(day, MANAGER, record=False)


def accepted_offers(session, make_provider, n: int) -> list:
    """`n` offers issued and accepted on DAY (each acceptance tells the insurer)."""
    on(DAY)
    offers = []
    for number in range(n):
        provider = make_provider(name=f"Apotheek Digest {number}")
        offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
        transition(offer.id, "accept", Actor(f"teken{number}@apotheek.example",
                                             "provider_signatory", provider.id))
        offers.append(offer)
    session.commit()
    return offers


def content(mail) -> str:
    """The text as written (SMTP carries its lines with CRLF)."""
    return mail.get_content().replace("\r\n", "\n")


def staff_mail(smtp) -> dict[str, list]:
    received: dict[str, list] = {}
    for message in smtp.messages:
        if message["To"].endswith("@vgz.example"):
            received.setdefault(message["To"], []).append(message)
    return received


def test_acceptances_of_a_day_reach_each_manager_as_one_digest_the_day_after(
        session, smtp, staff, make_provider):
    offers = accepted_offers(session, make_provider, 3)

    queue_mail()
    send_mail()
    assert staff_mail(smtp) == {}  # the day is not over: the digest waits

    on(DAY + timedelta(days=1))
    assert send_mail().sent == 0
    queue_mail()
    assert send_mail() == SendResult(sent=2, failed=0, waiting=0)

    # the inbox still shows each message, each with its link to the offer
    notes = session.scalars(select(Notification).where(
        Notification.provider_id.is_(None), Notification.subject.startswith("Aanbod aanvaard"))
        .order_by(Notification.id)).all()
    assert [n.link.split("/")[3] for n in notes] == [str(offer.id) for offer in offers]
    received = staff_mail(smtp)
    assert sorted(received) == ["beheerder@vgz.example", "inkoper@vgz.example"]
    for _recipient, [mail] in received.items():
        assert mail["Subject"] == "Dagoverzicht 02-10-2023: 3 berichten"
        text = content(mail)
        assert "Op 02-10-2023 kwamen in het portaal 3 berichten voor VGZ binnen:" in text
        for number, note in enumerate(notes, 1):
            assert f"{number}. Aanbod aanvaard door Apotheek Digest {number - 1}:" in text
            assert f"\n   Open in het portaal: {PORTAL}{note.link}\n" in text
        assert text.count("Open in het portaal:") == 3
        assert FOOTER in " ".join(text.split())


def test_a_second_run_and_a_message_reset_by_hand_send_nothing_new(session, smtp, staff,
                                                                   make_provider):
    accepted_offers(session, make_provider, 2)
    on(DAY + timedelta(days=1))
    queue_mail()
    send_mail()
    before = len(smtp.messages)

    assert queue_mail() == 0
    assert send_mail() == SendResult()
    session.execute(Notification.__table__.update().where(Notification.provider_id.is_(None))
                    .values(emailed_at=None))  # as a restart that lost its claim would
    session.commit()
    assert queue_mail() == 0
    on(DAY + timedelta(days=2))
    assert queue_mail() == 0 and send_mail() == SendResult()
    assert len(smtp.messages) == before
    assert session.scalar(select(func.count(OutgoingMail.id))
                          .where(OutgoingMail.subject.startswith("Dagoverzicht"))) == 2


def test_urgent_messages_go_at_once_and_are_not_in_the_digest(session, smtp, staff, make_provider):
    accepted_offers(session, make_provider, 1)
    session.add(Notification(provider_id=None, kind="escalatie", key="escalatie:test",
                             subject="Termijn verstreken: Tegenvoorstel beantwoorden",
                             body="De zet is aan VGZ.", link="/beheer/aanbiedingen/1"))
    session.commit()

    queue_mail()
    send_mail()

    received = staff_mail(smtp)
    assert sorted(received) == ["beheerder@vgz.example", "inkoper@vgz.example"]
    assert {m["Subject"] for mails in received.values() for m in mails} == {
        "Termijn verstreken: Tegenvoorstel beantwoorden"}
    on(DAY + timedelta(days=1))
    queue_mail()
    send_mail()
    digests = [m for m in smtp.messages if m["Subject"].startswith("Dagoverzicht")]
    assert len(digests) == 2
    assert all("Termijn verstreken" not in content(m) for m in digests)
    assert all(m["Subject"] == "Dagoverzicht 02-10-2023: 1 bericht" for m in digests)


def test_each_day_has_its_own_digest_and_a_day_of_many_messages_is_one_mail(session, smtp, staff):
    for day, n in ((DAY, 620), (DAY + timedelta(days=1), 2)):  # more than a batch of 500
        on(day)
        session.add_all(Notification(provider_id=None, kind="bericht", key=f"digest:{day}:{i}",
                                     subject=f"Nieuwe aanvraag {i}", body="Ontvangen.",
                                     link=f"/beheer/aanvragen/{i}") for i in range(n))
        session.flush()
    session.commit()
    on(DAY + timedelta(days=2))

    assert queue_mail() == 4

    digests = session.scalars(select(OutgoingMail).where(OutgoingMail.recipient == "inkoper@vgz.example")
                              .order_by(OutgoingMail.id)).all()
    assert [m.subject for m in digests] == ["Dagoverzicht 02-10-2023: 620 berichten",
                                            "Dagoverzicht 03-10-2023: 2 berichten"]
    assert digests[0].body.count("Open in het portaal:") == 620
    assert f"{PORTAL}/beheer/aanvragen/619\n" in digests[0].body
    assert {day_of(m.created_at) for m in digests} == {DAY + timedelta(days=2)}  # simulated


def test_a_message_for_a_day_already_digested_comes_in_a_second_digest(session, smtp, staff,
                                                                        make_provider):
    accepted_offers(session, make_provider, 1)
    on(DAY + timedelta(days=1))
    queue_mail()
    on(DAY)  # the clock moved back: a new acceptance on a day already digested
    accepted_offers_later = accepted_offers(session, make_provider, 1)
    on(DAY + timedelta(days=1))
    queue_mail()
    send_mail()

    to_manager = [m for m in smtp.messages if m["To"] == "inkoper@vgz.example"]
    assert [m["Subject"] for m in to_manager] == ["Dagoverzicht 02-10-2023: 1 bericht"] * 2
    later = f"/beheer/aanbiedingen/{accepted_offers_later[0].id}"
    assert later in content(to_manager[1]) and later not in content(to_manager[0])
