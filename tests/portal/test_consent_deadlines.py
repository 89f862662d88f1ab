"""A request's answer deadline: in the open deadlines for the advisors, reminded and escalated by
the scheduler's scan; and the pharmacy told of the decision by e-mail through a real SMTP server."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Notification, OutgoingMail
from portal.operations import clock
from portal.operations.consent import decide_request
from portal.operations.deadlines import audience_of_key, open_deadlines
from portal.operations.mail import queue_mail, send_mail

from .test_consent import ADVISOR, MONDAY, pharmacy, submitted  # noqa: F401 (fixtures)

DUE = date(2025, 3, 17)  # ten working days after MONDAY


def consent_deadlines(**window):
    return [d for d in open_deadlines(**window) if d.entity == "consent_request"]


def test_an_open_request_is_an_open_deadline_of_the_advisors(session, submitted, pharmacy):
    row = submitted()
    [deadline] = [d for d in consent_deadlines() if d.entity_id == row.id]
    assert (deadline.kind, deadline.party, deadline.due, deadline.provider_id) == \
        ("toestemmingsaanvraag", "vgz", DUE, pharmacy.id)
    assert deadline.audience == "adviseur" and deadline.recipient_roles == ("adviseur", "admin")
    assert deadline.link(for_provider=False) == f"/beheer/toestemmingen/{row.id}"
    assert deadline.link(for_provider=True) == f"/zorgaanbieder/toestemmingen/{row.id}"
    assert f"TM-{row.id:06d}" in deadline.subject and "Apotheek De Linde" in deadline.subject
    assert [d.entity_id for d in consent_deadlines(provider_id=pharmacy.id)] == [row.id]
    assert consent_deadlines(due_from=date(2025, 3, 18)) == []
    decide_request(row.id, ADVISOR, granted=True)
    assert consent_deadlines() == []  # decided: nothing open any more


def test_the_audience_is_read_back_from_the_notification_keys(session, submitted):
    row = submitted()
    [deadline] = consent_deadlines()
    assert audience_of_key(f"herinnering:{deadline.key}:3") == "adviseur"
    assert audience_of_key(f"escalatie:{deadline.key}") == "adviseur"
    assert audience_of_key(f"consent_request:{row.id}:besluit") == "adviseur"
    assert audience_of_key("herinnering:offer:12:aanbod:2023-10-27:3") == "inkoop"
    assert audience_of_key("verlopen:2023-10-28") == "inkoop"


@pytest.fixture
def scan_on(session):
    from scheduler.jobs import scan

    def run(day: date):
        clock.set_today(day, ADVISOR, record=False)
        db.session.commit()
        return scan(mail=False)
    return run


def test_the_scheduler_reminds_before_the_deadline_and_escalates_after_it(session, submitted,
                                                                          scan_on):
    row = submitted()
    deadline_key = f"consent_request:{row.id}:toestemmingsaanvraag:{DUE.isoformat()}"
    scan_on(date(2025, 3, 14))  # three days before
    reminder = session.scalar(select(Notification).where(
        Notification.key == f"herinnering:{deadline_key}:3"))
    assert reminder is not None and reminder.kind == "herinnering"
    assert reminder.provider_id is None  # the insurer's move: not the pharmacy's inbox
    assert reminder.link == f"/beheer/toestemmingen/{row.id}"
    assert "17-03-2025" in reminder.subject
    scan_on(date(2025, 3, 18))  # the day after the deadline
    escalation = session.scalar(select(Notification).where(
        Notification.key == f"escalatie:{deadline_key}"))
    assert escalation is not None and escalation.kind == "escalatie"
    assert escalation.link == f"/beheer/toestemmingen/{row.id}" and "17-03-2025" in escalation.body
    scan_on(date(2025, 3, 18))  # a second scan sends nothing twice
    assert len(session.scalars(select(Notification.id).where(
        Notification.key.like(f"%{deadline_key}%"))).all()) == 2


def test_the_advisors_queue_shows_the_reminders_and_escalations(session, client, auth, make_user,
                                                                submitted, scan_on):
    row = submitted()
    scan_on(date(2025, 3, 18))
    auth.login(make_user("adviseur"))
    page = client.get("/beheer/toestemmingen").get_data(as_text=True)
    assert "Termijn verstreken" in page and f"/beheer/toestemmingen/{row.id}" in page
    assert "te laat: 1 dag<" in page and "1 dagen" not in page  # one day, in the singular


def test_a_request_decided_in_time_is_neither_reminded_nor_escalated(session, submitted, scan_on):
    row = submitted()
    decide_request(row.id, ADVISOR, granted=False, reason="Alternatief beschikbaar")
    session.commit()
    scan_on(date(2025, 3, 14))
    scan_on(date(2025, 3, 18))
    assert session.scalars(select(Notification.key).where(
        Notification.key.like(f"%consent_request:{row.id}:%"))).all() == \
        [f"consent_request:{row.id}:besluit"]


# -- the pharmacy's e-mail ------------------------------------------------------------------------

PORTAL = "https://portaal.test"


@pytest.fixture
def smtp(app, smtp_server, monkeypatch):
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp_server.host,
                       "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": None, "PORTAL_URL": PORTAL + "/",
                       "MAIL_FROM": "zorginkoop@vgz.example"}.items():
        monkeypatch.setitem(app.config, key, value)
    return smtp_server


def test_the_pharmacy_gets_the_decision_by_email_in_dutch_with_a_link(session, smtp, submitted,
                                                                     make_user, pharmacy):
    make_user("provider_signatory", pharmacy, email="apotheker@delinde.example")
    row = submitted()
    decide_request(row.id, ADVISOR, granted=False, reason="Er is een geregistreerd alternatief.",
                   decided_on=date(2025, 3, 6))
    session.commit()
    queue_mail()
    result = send_mail()
    assert result.sent == 2 and result.failed == 0
    recipients = sorted(r for envelope in smtp.envelopes for r in envelope.rcpt_tos)
    assert recipients == ["apotheker@delinde.example", "info@delinde.example"]
    message = smtp.messages[0]
    assert message["Subject"] == f"Toestemming geweigerd: TM-{row.id:06d} cholic acid"
    body = message.get_content()
    assert "is op 06-03-2025 geweigerd door VGZ" in body
    assert "Reden: Er is een geregistreerd alternatief." in body
    assert f"Open in het portaal: {PORTAL}/zorgaanbieder/toestemmingen/{row.id}" in body
    assert session.scalars(select(OutgoingMail.sent_at.is_not(None))).all() == [True, True]


def test_the_reminder_of_a_request_is_mailed_to_the_advisors_not_the_managers(
        session, smtp, submitted, make_user, scan_on):
    make_user("adviseur", None, email="adviseur@vgz.example")
    make_user("contract_manager", None, email="inkoper@vgz.example")
    row = submitted()
    scan_on(date(2025, 3, 14))  # three days before the deadline
    session.commit()
    queue_mail()
    assert send_mail().failed == 0
    reminders = [m for m in smtp.messages if m["Subject"].startswith("Herinnering")]
    assert len(reminders) == 1 and f"TM-{row.id:06d}" in reminders[0].get_content()
    assert reminders[0]["To"] == "adviseur@vgz.example"


def test_the_pharmacys_feed_lists_its_request_and_the_campaign_feed_does_not(
        session, client, submitted, pharmacy):
    from icalendar import Calendar

    from portal.feeds import feed_token
    row = submitted()
    session.commit()
    own = Calendar.from_ical(client.get(f"/agenda/{feed_token(pharmacy.id)}.ics").data)
    [event] = [e for e in own.walk("VEVENT") if f"TM-{row.id:06d}" in str(e["summary"])]
    assert event["dtstart"].dt == DUE
    assert str(event["url"]).endswith(f"/zorgaanbieder/toestemmingen/{row.id}")
    campaign = Calendar.from_ical(client.get(f"/agenda/{feed_token(None)}.ics").data)
    assert not [e for e in campaign.walk("VEVENT") if e["dtstart"].dt == DUE]
