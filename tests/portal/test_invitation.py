"""A granted applicant gets its first account by mail: a signatory without a usable password and a
link that sets one, once, within its term; nobody else can read the link's secret."""
import re
from datetime import date, datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from portal.models import AuditEntry, Notification, User
from portal.operations.applications import assess_application, submit_application
from portal.operations.audit import Actor
from portal.operations.mail import queue_mail, send_mail

MANAGER = Actor("manager@vgz.nl", "contract_manager")
DATA = {"organisation": "Apotheek Nieuw Begin", "agb": "06123456", "kvk": "12345678",
        "provider_type": "openbare_apotheek", "city": "Zwolle",
        "contact_email": "Info@Nieuw-Begin.example", "contracts": ["farmaceutische_zorg"],
        "motivations": {"bereikbaarheid": "Geen apotheek binnen 10 km"}}
FINDINGS = {c: {"met": c == "bereikbaarheid", "motivation": "Beoordeeld"}
            for c in ("effectievere_zorg", "onderscheidend", "meer_keuze", "bereikbaarheid")}
PASSWORD = "een lange zin als wachtwoord"


def grant(session):
    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=2024)
    assess_application(application.id, MANAGER, granted=True, motivation="Bereikbaarheid",
                       findings=FINDINGS, answered_on=date(2023, 6, 20), policy_year=2024)
    session.commit()
    user = session.scalar(select(User).where(User.email == "Info@Nieuw-Begin.example"))
    invite = session.scalar(select(Notification).where(Notification.key == f"user:{user.id}:invite"))
    return user, invite


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def choose(client, link, password=PASSWORD, repeat=PASSWORD):
    page = client.get(link)
    assert page.status_code == 200
    return client.post(link, data={"password": password, "repeat": repeat,
                                   "csrf_token": csrf(page.get_data(as_text=True))})


def test_a_grant_invites_the_contact_address_as_signatory(session):
    user, invite = grant(session)
    assert (user.role, user.provider.agb, user.active) == ("provider_signatory", "06123456", True)
    assert invite.provider_id == user.provider_id
    assert invite.link.startswith("/wachtwoord-instellen/") and "14 dagen" in invite.body
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.entity == "user",
                                                          AuditEntry.entity_id == user.id)) == "invite"


def test_the_link_sets_the_password_logs_in_and_works_once(session, client, auth):
    user, invite = grant(session)
    assert client.post("/inloggen", data={"email": user.email, "password": PASSWORD,
                                          "csrf_token": auth.csrf()}).status_code == 200  # not yet
    done = choose(client, invite.link)
    assert done.status_code == 302 and done.headers["Location"].endswith("/zorgaanbieder/aanbiedingen")
    assert client.get("/zorgaanbieder/aanbiedingen").status_code == 200  # logged in
    assert client.get(invite.link).status_code == 404  # used: the link is spent
    auth.logout()
    assert auth.login(user, PASSWORD).status_code == 302
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.entity == "user", AuditEntry.action == "password_set")) == "password_set"


@pytest.mark.parametrize("password, repeat, message", [
    ("kort", "kort", "ten minste 12 tekens"),
    (PASSWORD, PASSWORD + "!", "niet gelijk"),
])
def test_a_bad_password_is_refused_in_dutch_and_the_link_stays_valid(session, client, password,
                                                                     repeat, message):
    user, invite = grant(session)
    before = user.password_hash
    page = choose(client, invite.link, password, repeat)
    assert page.status_code == 200 and message in page.get_data(as_text=True)
    session.refresh(user)
    assert user.password_hash == before
    assert client.get(invite.link).status_code == 200


def test_the_link_lapses_after_its_term(session, client):
    _user, invite = grant(session)
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=15), tick=False):
        assert client.get(invite.link).status_code == 404


def test_the_invitation_is_mailed_with_its_link_and_the_outbox_hides_the_secret(
        session, client, auth, make_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "PORTAL_URL", "https://portaal.test")
    user, invite = grant(session)
    queue_mail()
    send_mail()
    from portal.models import OutgoingMail
    mail = session.scalar(select(OutgoingMail).where(OutgoingMail.notification_id == invite.id))
    assert mail.recipient == "Info@Nieuw-Begin.example"
    assert f"https://portaal.test{invite.link}" in mail.body
    auth.login(make_user("contract_manager"))
    outbox = client.get("/beheer/uitgaande-post").get_data(as_text=True)
    token = invite.link.rsplit("/", 1)[1]
    assert "/wachtwoord-instellen/[geheim: alleen in de e-mail zelf]" in outbox and token not in outbox


def test_an_address_that_has_an_account_gets_no_second_one(session, make_user, make_provider):
    from portal.operations.accounts import invite_signatory
    provider = make_provider()
    existing = make_user("provider_user", provider)
    assert invite_signatory(provider, existing.email.upper(), MANAGER) is None
