"""The account layer as an attacker tries it: no key of the code's own, sessions that end on the
server, passwords after NIST SP 800-63B, a reset link that works once, logins throttled per
account and alike for unknown addresses, two-factor that is required where it must be, every
sign-in event audited, and the headers of a logged-in answer."""
from __future__ import annotations

import re
import statistics
import time
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
import time_machine
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import select

from portal.models import AuditEntry, Notification, OutgoingMail, UserSession
from portal.operations.mail import queue_mail

PASSWORD = "geheim-wachtwoord"
NEW = "drie kopjes thee in de middag"


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def forged_cookie(app, key: str, payload: dict) -> str:
    """A session cookie as Flask signs it, with `key` instead of the portal's own."""
    forger = type("Forger", (), {"secret_key": key,
                                 "config": {**app.config, "SECRET_KEY": key,
                                            "SECRET_KEY_FALLBACKS": []}})()
    return SecureCookieSessionInterface().get_signing_serializer(forger).dumps(payload)


def actions(session, user) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "user", AuditEntry.entity_id == user.id).order_by(AuditEntry.id)))


# No built-in secret ------------------------------------------------------------------------------

def test_the_portal_refuses_to_start_without_a_key_in_one_line(tmp_path, monkeypatch):
    from flask import Flask

    from portal import MissingSecretKey, init_secret_key
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = Flask("portal", instance_path=str(tmp_path))  # an instance folder without a key file
    app.config["SECRET_KEY"] = None
    with pytest.raises(MissingSecretKey) as refused:
        init_secret_key(app)
    assert "SECRET_KEY" in str(refused.value) and "\n" not in str(refused.value)


def test_the_command_line_says_so_in_one_line_and_serves_nothing(tmp_path):
    import os
    import subprocess
    import sys
    env = {key: value for key, value in os.environ.items() if key != "SECRET_KEY"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'portal.sqlite'}"
    # run from a folder whose instance/ has no key: the installed package's own instance path
    done = subprocess.run([sys.executable, "-c", "from portal import create_app; "
                           "import flask; create_app()"], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=60)
    if "no secret key" not in done.stderr:  # a checkout whose instance/ holds a key (make demo)
        pytest.skip("this checkout's instance/ folder holds a secret key")
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1


def test_a_key_written_to_the_instance_folder_is_used(tmp_path, monkeypatch):
    from flask import Flask

    from portal import init_secret_key
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("k" * 64 + "\n")
    app = Flask("portal", instance_path=str(tmp_path))
    app.config["SECRET_KEY"] = None
    init_secret_key(app)
    assert app.config["SECRET_KEY"] == "k" * 64


def test_make_demo_writes_a_random_key_once_and_does_not_commit_it():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    makefile = (root / "Makefile").read_text()
    assert "instance/secret_key" in makefile and "secrets" in makefile
    assert "/instance/*" in (root / ".gitignore").read_text()
    assert "dev-only" not in (root / "portal" / "config.py").read_text()


@pytest.mark.parametrize("key", ["dev-only-change-me", "secret", "changeme", ""])
def test_a_cookie_forged_with_a_fixed_key_opens_nothing(app, client, make_user, key):
    admin = make_user("admin")
    cookie = forged_cookie(app, key or "x", {"_user_id": str(admin.id), "_fresh": True,
                                            "sid": "forged", "seen": int(time.time())})
    client.set_cookie("session", cookie, domain="localhost")
    assert client.get("/beheer/").status_code == 302


def test_sessions_signed_with_the_previous_key_survive_a_rotation(app, client, auth, make_user):
    manager = make_user("contract_manager")
    auth.login(manager)
    signed_before = _cookie(client)
    old = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="a-new-key-" + "n" * 40, SECRET_KEY_FALLBACKS=[old])
    try:
        assert client.get("/beheer/").status_code == 200
        app.config["SECRET_KEY_FALLBACKS"] = []
        client.set_cookie("session", signed_before, domain="localhost")
        assert client.get("/beheer/").status_code == 302  # the old key is gone for good
    finally:
        app.config.update(SECRET_KEY=old, SECRET_KEY_FALLBACKS=[])


# Sessions that end ------------------------------------------------------------------------------

def _cookie(client) -> str:
    return client.get_cookie("session", domain="localhost").value


def test_a_cookie_copied_before_logout_opens_nothing_after_it(app, client, auth, make_user,
                                                               make_provider):
    signatory = make_user("provider_signatory", make_provider())
    auth.login(signatory)
    page = client.get("/zorgaanbieder/berichten").get_data(as_text=True)
    copied, token = _cookie(client), csrf(page)
    auth.logout()
    thief = app.test_client()
    thief.environ_base["wsgi.url_scheme"] = "https"
    thief.set_cookie("session", copied, domain="localhost")
    assert thief.get("/zorgaanbieder/aanbiedingen").status_code == 302
    answer = thief.post("/zorgaanbieder/berichten/alles-gelezen", data={"csrf_token": token})
    assert answer.status_code in (302, 400, 404, 405)
    assert "/inloggen" in answer.headers.get("Location", "/inloggen")


def test_the_session_id_is_new_at_every_login(client, auth, make_user, session):
    manager = make_user("contract_manager")
    auth.login(manager)
    with client.session_transaction() as cookie:
        first = cookie["sid"]
    auth.logout()
    auth.login(manager)
    with client.session_transaction() as cookie:
        second = cookie["sid"]
    assert first != second
    rows = session.scalars(select(UserSession).where(UserSession.user_id == manager.id)).all()
    assert len(rows) == 2 and sum(row.ended_at is None for row in rows) == 1
    assert all(first not in row.token_hash and second not in row.token_hash for row in rows)


def test_idle_sessions_end_sooner_for_the_insurers_staff(app, client, auth, make_user,
                                                         make_provider):
    manager = make_user("contract_manager")
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        auth.login(manager)
        assert client.get("/beheer/").status_code == 200
    idle = app.config["STAFF_SESSION_IDLE_MINUTES"]
    assert idle < app.config["SESSION_IDLE_MINUTES"]
    with time_machine.travel(start + timedelta(minutes=idle - 1), tick=False):
        assert client.get("/beheer/").status_code == 200  # and this request counts as activity
    with time_machine.travel(start + timedelta(minutes=2 * idle - 2), tick=False):
        assert client.get("/beheer/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=3 * idle + 1), tick=False):
        assert client.get("/beheer/").status_code == 302


def test_an_active_session_still_ends_at_its_absolute_lifetime(app, client, auth, make_user):
    manager = make_user("contract_manager")
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        auth.login(manager)
    hours = app.config["STAFF_SESSION_MAX_HOURS"]
    step = timedelta(minutes=app.config["STAFF_SESSION_IDLE_MINUTES"] - 5)
    moment = start
    while moment + step < start + timedelta(hours=hours):
        moment += step
        with time_machine.travel(moment, tick=False):
            assert client.get("/beheer/").status_code == 200
    with time_machine.travel(start + timedelta(hours=hours, minutes=1), tick=False):
        assert client.get("/beheer/").status_code == 302
        auth.login(manager)
        page = client.get("/account/").get_data(as_text=True)
    assert page.count('<td class="when">') == 1  # the old session is not listed as open


def test_log_out_everywhere_ends_the_other_sessions_and_keeps_this_one(app, client, auth,
                                                                        make_user):
    manager = make_user("contract_manager")
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    from tests.conftest import Auth
    Auth(other).login(manager)
    auth.login(manager)
    page = client.get("/account/").get_data(as_text=True)
    assert "deze sessie" in page
    client.post("/account/overal-uitloggen", data={"csrf_token": csrf(page)})
    assert client.get("/beheer/").status_code == 200
    assert other.get("/beheer/").status_code == 302


def test_deactivation_by_an_admin_ends_every_session(app, client, auth, make_user, session):
    manager = make_user("contract_manager")
    admin = make_user("admin")
    victim = app.test_client()
    victim.environ_base["wsgi.url_scheme"] = "https"
    from tests.conftest import Auth
    Auth(victim).login(manager)
    assert victim.get("/beheer/").status_code == 200
    auth.login(admin)
    page = client.get("/account/beheer/gebruikers").get_data(as_text=True)
    assert manager.email in page
    client.post(f"/account/beheer/gebruikers/{manager.id}/deactiveren",
                data={"csrf_token": csrf(page)})
    assert victim.get("/beheer/").status_code == 302
    session.refresh(manager)
    assert not manager.active and "deactivated" in actions(session, manager)
    assert Auth(app.test_client()).login(manager).status_code == 200  # the form again: refused


def test_the_admin_pages_are_for_admins_only(client, auth, make_user):
    auth.login(make_user("contract_manager"))
    assert client.get("/account/beheer/gebruikers").status_code == 403
    assert client.get("/account/beheer/aanmeldingen").status_code == 403


# Passwords ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("password, refused", [
    ("kort-wachtw", True),                       # 11 characters: "at least" 12 here
    ("qwertyuiopasdfgh", True),                  # a keyboard run
    ("aaaaaaaaaaaaaaaa", True),                  # one character repeated
    ("abcabcabcabcabc", True),                   # a short pattern repeated
    ("iloveyou2024!!!!", True),                  # a common password with digits and signs added
    ("1234567890123", True),                     # a run of digits
    ("drie kopjes thee in de middag", False),    # a sentence: long, no composition rules
    ("correct horse battery staple", False),
])
def test_passwords_are_judged_by_length_and_known_lists_not_composition(password, refused, app):
    from portal.operations.passwords import password_problem
    with app.test_request_context():
        assert (password_problem(password) is not None) is refused


def test_a_password_that_is_the_users_own_address_is_refused(app):
    from portal.operations.passwords import password_problem
    with app.test_request_context():
        assert password_problem("pietje.puk.apotheek", email="pietje.puk.apotheek@example.nl")


def test_the_common_password_list_is_shipped_in_the_package():
    from portal.operations.passwords import common_passwords
    words = common_passwords()
    assert len(words) >= 10_000 and "password" in words and "iloveyou" in words


def test_changing_the_password_ends_the_other_sessions(app, client, auth, make_user, session):
    signatory = make_user("provider_signatory", None)
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    from tests.conftest import Auth
    Auth(other).login(signatory)
    auth.login(signatory)
    page = client.get("/account/wachtwoord").get_data(as_text=True)
    refused = client.post("/account/wachtwoord", data={
        "csrf_token": csrf(page), "current": PASSWORD, "password": "password1234567",
        "repeat": "password1234567"}).get_data(as_text=True)
    assert "veelgebruikte" in refused
    answer = client.post("/account/wachtwoord", data={
        "csrf_token": csrf(page), "current": PASSWORD, "password": NEW, "repeat": NEW})
    assert answer.status_code == 302
    session.refresh(signatory)
    assert signatory.check_password(NEW)
    assert other.get("/account/").status_code == 302 and client.get("/account/").status_code == 200
    assert "password_changed" in actions(session, signatory)


def test_a_wrong_current_password_changes_nothing(client, auth, make_user, session):
    user = make_user("provider_user", None)
    auth.login(user)
    page = client.get("/account/wachtwoord").get_data(as_text=True)
    answer = client.post("/account/wachtwoord", data={
        "csrf_token": csrf(page), "current": "niet-mijn-wachtwoord", "password": NEW,
        "repeat": NEW}).get_data(as_text=True)
    assert "niet uw huidige wachtwoord" in answer
    session.refresh(user)
    assert user.check_password(PASSWORD)


def test_a_reset_link_goes_to_that_user_alone_works_once_and_ends_every_session(
        app, client, make_user, make_provider, session):
    provider = make_provider()
    user = make_user("provider_user", provider)
    colleague = make_user("provider_signatory", provider)
    from tests.conftest import Auth
    other = app.test_client()
    other.environ_base["wsgi.url_scheme"] = "https"
    Auth(other).login(user)
    page = client.get("/wachtwoord-vergeten").get_data(as_text=True)
    client.post("/wachtwoord-vergeten", data={"csrf_token": csrf(page), "email": user.email.upper()})
    client.post("/wachtwoord-vergeten", data={"csrf_token": csrf(page),
                                              "email": "niemand@nergens.example"})
    message = session.scalar(select(Notification).where(Notification.user_id == user.id))
    assert message is not None and message.provider_id is None
    queue_mail()
    mails = session.scalars(select(OutgoingMail).where(
        OutgoingMail.notification_id == message.id)).all()
    assert [mail.recipient for mail in mails] == [user.email]  # not the colleague, not the inbox
    assert colleague.email not in [m.recipient for m in session.scalars(select(OutgoingMail))]
    link = message.link
    page = client.get(link).get_data(as_text=True)
    answer = client.post(link, data={"csrf_token": csrf(page), "password": NEW, "repeat": NEW})
    assert answer.status_code == 302
    assert client.get(link).status_code == 404  # once
    assert other.get("/zorgaanbieder/aanbiedingen").status_code == 302
    session.refresh(user)
    assert user.check_password(NEW)
    assert {"password_reset_requested", "password_reset"} <= set(actions(session, user))


def test_a_reset_link_lapses(app, client, make_user, session):
    user = make_user("provider_user", None)
    from portal.operations.accounts import request_password_reset
    with app.test_request_context():
        request_password_reset(user.email)
    session.commit()
    link = session.scalar(select(Notification.link).where(Notification.user_id == user.id))
    minutes = app.config["PASSWORD_RESET_MINUTES"]
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=minutes + 1)):
        assert client.get(link).status_code == 404


# Logging in --------------------------------------------------------------------------------------

def _login_seconds(client, email: str, password: str) -> float:
    token = csrf(client.get("/inloggen").get_data(as_text=True))
    started = time.perf_counter()
    client.post("/inloggen", data={"email": email, "password": password, "csrf_token": token})
    return time.perf_counter() - started


def test_an_unknown_address_costs_as_much_time_as_a_known_one(app, client, make_user):
    """Compared with each other in one run, not timed against a figure."""
    users = [make_user("provider_user", None) for _ in range(5)]
    app.config["LOGIN_RATE_LIMIT"], limit = "1000 per minute", app.config["LOGIN_RATE_LIMIT"]
    try:
        known = [_login_seconds(client, user.email, "fout-wachtwoord") for user in users]
        unknown = [_login_seconds(client, f"niemand{n}@nergens.example", "fout-wachtwoord")
                   for n in range(5)]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = limit
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.5 < ratio < 2, (known, unknown)


def test_guesses_from_many_addresses_are_throttled_per_account(app, client, make_user, session):
    manager = make_user("contract_manager")
    free = app.config["LOGIN_FREE_FAILURES"]
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        for n in range(free):
            client.environ_base["REMOTE_ADDR"] = f"10.0.0.{n + 1}"
            token = csrf(client.get("/inloggen").get_data(as_text=True))
            client.post("/inloggen", data={"email": manager.email, "password": f"gok {n}",
                                           "csrf_token": token})
        client.environ_base["REMOTE_ADDR"] = "10.0.1.1"
        token = csrf(client.get("/inloggen").get_data(as_text=True))
        page = client.post("/inloggen", data={"email": manager.email, "password": PASSWORD,
                                              "csrf_token": token}).get_data(as_text=True)
        assert "Te veel mislukte pogingen" in page  # even the right password waits
    longest = app.config["LOGIN_MAX_WAIT_SECONDS"]
    with time_machine.travel(start + timedelta(seconds=longest + 1), tick=False):
        token = csrf(client.get("/inloggen").get_data(as_text=True))
        answer = client.post("/inloggen", data={"email": manager.email, "password": PASSWORD,
                                                "csrf_token": token})
        assert answer.status_code == 302  # the real user is not locked out for long
    assert actions(session, manager).count("login_failed") >= free


def test_an_unknown_address_is_throttled_alike(app, client):
    from portal.operations.accounts import login_wait, record_failure
    with app.test_request_context():
        for _ in range(app.config["LOGIN_FREE_FAILURES"]):
            record_failure("niemand@nergens.example")
        assert login_wait("NIEMAND@nergens.example") > 0


def test_every_sign_in_event_is_audited_and_shown_to_admins(client, auth, make_user, session):
    manager = make_user("contract_manager")
    auth.login(manager, password="fout")
    auth.login(manager)
    auth.logout()
    assert actions(session, manager)[-3:] == ["login_failed", "login", "logout"]
    auth.login(make_user("admin"))
    page = client.get(f"/account/beheer/aanmeldingen?q={manager.email}").get_data(as_text=True)
    assert "inloggen mislukt" in page and "uitgelogd" in page


# Two-factor --------------------------------------------------------------------------------------

@pytest.fixture
def two_factor_required(app):
    roles = app.config["TWO_FACTOR_REQUIRED_ROLES"]
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ("contract_manager", "admin", "adviseur")
    yield
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = roles


def _password(client, user):
    token = csrf(client.get("/inloggen").get_data(as_text=True))
    return client.post("/inloggen", data={"email": user.email, "password": PASSWORD,
                                          "csrf_token": token})


def _enrol(client, user) -> tuple[str, list[str]]:
    """Log in for the first time: password, then the app is set up; returns secret and codes."""
    assert _password(client, user).headers["Location"].endswith("/inloggen/code")
    page = client.get("/inloggen/code", follow_redirects=True).get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert "data:image/svg+xml;base64," in page  # the QR code
    done = client.post("/inloggen/tweestapsverificatie", data={
        "csrf_token": csrf(page), "code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r"<code>([a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4})</code>", done)
    return secret, codes


def test_a_manager_must_set_up_two_factor_before_the_portal_opens(app, client, make_user, session,
                                                                  two_factor_required):
    manager = make_user("contract_manager")
    _password(client, manager)
    assert client.get("/beheer/").status_code == 302  # the password alone opens nothing
    secret, codes = _enrol(client, manager)
    assert len(codes) == 10
    assert client.get("/beheer/").status_code == 200
    session.refresh(manager)
    assert manager.two_factor and "2fa_enrolled" in actions(session, manager)
    stored = " ".join(session.scalars(select(__import__("portal.models", fromlist=["x"])
                                             .RecoveryCode.code_hash)))
    assert not any(code in stored or code.replace("-", "") in stored for code in codes)


def test_the_second_login_asks_the_code_and_takes_each_code_once(app, client, auth, make_user,
                                                                 session, two_factor_required):
    manager = make_user("contract_manager")
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        secret, codes = _enrol(client, manager)
        auth.logout()
        _password(client, manager)
        page = client.get("/inloggen/code").get_data(as_text=True)
        wrong = client.post("/inloggen/code", data={"csrf_token": csrf(page), "code": "000000"})
        assert "klopt niet" in wrong.get_data(as_text=True)
        reused = client.post("/inloggen/code", data={"csrf_token": csrf(page),
                                                     "code": pyotp.TOTP(secret).now()})
        assert "klopt niet" in reused.get_data(as_text=True)  # the enrolment's code, used
    with time_machine.travel(start + timedelta(seconds=60), tick=False):
        answer = client.post("/inloggen/code", data={"csrf_token": csrf(page),
                                                     "code": pyotp.TOTP(secret).now()})
        assert answer.status_code == 302 and client.get("/beheer/").status_code == 200
        auth.logout()
        _password(client, manager)
        page = client.get("/inloggen/code").get_data(as_text=True)
        recovered = client.post("/inloggen/code", data={"csrf_token": csrf(page),
                                                        "code": codes[0].upper()})
        assert recovered.status_code == 302 and client.get("/beheer/").status_code == 200
        auth.logout()
        _password(client, manager)
        page = client.get("/inloggen/code").get_data(as_text=True)
        again = client.post("/inloggen/code", data={"csrf_token": csrf(page), "code": codes[0]})
        assert "klopt niet" in again.get_data(as_text=True)
    assert {"2fa_used", "2fa_failed", "recovery_code_used"} <= set(actions(session, manager))


def test_a_signatory_is_offered_two_factor_and_may_turn_it_off(app, client, auth, make_user,
                                                              make_provider, session,
                                                              two_factor_required):
    signatory = make_user("provider_signatory", make_provider())
    assert _password(client, signatory).status_code == 302
    page = client.get("/account/").get_data(as_text=True)
    assert "Tweestapsverificatie aanzetten" in page
    page = client.get("/inloggen/tweestapsverificatie").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    client.post("/inloggen/tweestapsverificatie", data={"csrf_token": csrf(page),
                                                        "code": pyotp.TOTP(secret).now()})
    session.refresh(signatory)
    assert signatory.two_factor
    page = client.get("/account/").get_data(as_text=True)
    client.post("/account/tweestapsverificatie/uit", data={"csrf_token": csrf(page)})
    session.refresh(signatory)
    assert not signatory.two_factor


def test_a_manager_cannot_turn_required_two_factor_off(app, client, make_user, session,
                                                       two_factor_required):
    manager = make_user("contract_manager")
    _enrol(client, manager)
    page = client.get("/account/").get_data(as_text=True)
    client.post("/account/tweestapsverificatie/uit", data={"csrf_token": csrf(page)})
    session.refresh(manager)
    assert manager.two_factor


def test_the_pending_second_factor_lapses(app, client, make_user, two_factor_required):
    manager = make_user("contract_manager")
    start = datetime.now(timezone.utc)
    with time_machine.travel(start, tick=False):
        _enrol(client, manager)
    from tests.conftest import Auth
    Auth(client).logout()
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        _password(client, manager)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert client.get("/inloggen/code").headers["Location"].endswith("/inloggen")


# Headers -----------------------------------------------------------------------------------------

def test_logged_in_answers_are_not_stored_and_say_no_server_version(client, auth, make_user):
    anonymous = client.get("/zorgzoeker")
    assert "no-store" not in anonymous.headers.get("Cache-Control", "")
    auth.login(make_user("contract_manager"))
    page = client.get("/beheer/", base_url="https://localhost")
    assert page.request.scheme == "https" and page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "camera=()" in page.headers["Permissions-Policy"]
    assert page.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert client.get("/api/v1/openapi.json").headers["Cache-Control"] == "no-store"


def test_no_hsts_over_plain_http(app):
    plain = app.test_client()
    assert "Strict-Transport-Security" not in plain.get("/zorgzoeker").headers


# The API's token request is a login too ----------------------------------------------------------

def test_a_token_request_for_a_two_factor_account_needs_its_code(app, client, make_user,
                                                                two_factor_required):
    manager = make_user("contract_manager")
    body = {"email": manager.email, "password": PASSWORD}
    refused = client.post("/api/v1/tokens", json=body)
    assert refused.status_code == 401 and "code" in refused.get_json()["errors"]["json"]
    secret, _codes = _enrol(client, manager)
    assert client.post("/api/v1/tokens", json=body).status_code == 401
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the enrolment used this step's code
    assert client.post("/api/v1/tokens", json={**body, "code": code}).status_code == 201


def test_a_throttled_token_request_says_when_to_try_again(app, client, make_user):
    user = make_user("provider_user", None)
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert client.post("/api/v1/tokens", json={"email": user.email,
                                                   "password": "fout"}).status_code == 401
    answer = client.post("/api/v1/tokens", json={"email": user.email, "password": PASSWORD})
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0


# Behind a proxy ----------------------------------------------------------------------------------

def test_trusted_proxies_give_the_clients_address_to_the_limits_and_the_audit(app, session,
                                                                              make_user):
    """With TRUSTED_PROXIES=1 the address the proxy passes on is the client's: the failure is
    audited with it, and the login limit counts per real client, not per proxy. (A second app;
    the `session` fixture binds its database session to the test's connection too.)"""
    from portal import create_app
    from portal.extensions import limiter
    behind = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://",
                         "SECRET_KEY": app.config["SECRET_KEY"], "TRUSTED_PROXIES": 1,
                         "LOGIN_RATE_LIMIT": "2 per minute", "WTF_CSRF_ENABLED": False})
    user = make_user("provider_user", None)
    limiter.reset()
    client = behind.test_client()

    def attempt(address):
        return client.post("/inloggen", headers={"X-Forwarded-For": address}, data={
            "email": user.email, "password": "fout"}).status_code

    # two clients behind one proxy: each has a limit of its own
    statuses = [attempt("203.0.113.7") for _ in range(3)] + [attempt("198.51.100.9")]
    assert statuses == [200, 200, 429, 200]
    reasons = session.scalars(select(AuditEntry.reason).where(
        AuditEntry.entity_id == user.id, AuditEntry.action == "login_failed")).all()
    assert any("203.0.113.7" in reason for reason in reasons)


def test_the_development_server_names_no_version(app):
    """`portal run` (make demo) answers with Werkzeug's server, which named its own and Python's
    version in every Server header."""
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    import portal.cli  # noqa: F401  (the command line sets the development server's name)
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/inloggen",
                                    timeout=10) as answer:
            names = answer.headers.get_all("Server")
    finally:
        server.shutdown()
    assert names == ["zorginkoop-portal"]
