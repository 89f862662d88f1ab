"""API tokens: random, kept as their SHA-256 only, named, listed without their secret, revoked one
at a time (the owner their own, an admin anyone's), expiring in real days, audited; through the
API, the command line and the account pages."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.models import ApiToken, AuditEntry
from portal.operations import tokens as ops
from portal.operations.audit import Actor
from tests.support.tokens import bearer, issue_secret

from .test_api import quick_password_hashes  # noqa: F401 (autouse fixture)

API = "/api/v1"
PASSWORD = "geheim-wachtwoord"


def me(client, secret: str):
    return client.get(f"{API}/me", headers={"Authorization": f"Bearer {secret}"})


def issue(client, user, **body):
    response = client.post(f"{API}/tokens", json={"email": user.email, "password": PASSWORD,
                                                   **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def later(monkeypatch, **delta):
    """Real time moved on by `delta` (tokens expire in real days, not simulated ones)."""
    moment = ops.now() + timedelta(**delta)
    monkeypatch.setattr(ops, "now", lambda: moment)
    return moment


def audit(session, action: str) -> list[AuditEntry]:
    return list(session.scalars(select(AuditEntry).where(AuditEntry.entity == "api_token",
                                                         AuditEntry.action == action)))


# -- the token itself -----------------------------------------------------------------------------

def test_a_token_is_random_named_and_works(client, session, make_user):
    manager = make_user("contract_manager")
    first = issue(client, manager, name="Koppeling apotheeksysteem", days=7)
    second = issue(client, manager)
    assert first["token"].startswith("zk_") and len(first["token"]) >= 40
    assert first["token"] != second["token"]
    assert (first["name"], first["days"], first["token_type"]) == ("Koppeling apotheeksysteem",
                                                                   7, "Bearer")
    assert second["name"] == "API"
    assert first["expires_at"].endswith("+00:00")
    for issued in (first, second):
        assert me(client, issued["token"]).get_json()["email"] == manager.email
    assert me(client, first["token"][:-1] + "x").status_code == 401


def test_only_the_hash_is_stored_and_nothing_of_the_password(client, session, make_user):
    manager = make_user("contract_manager")
    issued = issue(client, manager)
    secret = issued["token"]
    row = session.get(ApiToken, issued["id"])
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(row.prefix) and len(row.prefix) < 16
    stored = [str(getattr(row, c.key)) for c in ApiToken.__table__.columns]
    stored += [f"{e.actor} {e.reason} {e.from_state} {e.to_state}"
               for e in session.scalars(select(AuditEntry))]
    assert not any(secret in value or secret[len(row.prefix):] in value for value in stored)
    # Not a signed payload carrying the user or the password hash: random characters only.
    assert re.fullmatch(r"zk_[A-Za-z0-9_-]{43}", secret)
    password_hash = manager.password_hash
    assert not any(password_hash[i:i + 8] in secret for i in range(len(password_hash) - 7))


def test_revoking_one_token_leaves_the_other_working(client, session, make_user):
    manager = make_user("contract_manager")
    kept, revoked = issue(client, manager, name="blijft"), issue(client, manager, name="weg")
    response = client.delete(f"{API}/tokens/{revoked['id']}",
                             headers={"Authorization": f"Bearer {kept['token']}"})
    assert response.status_code == 204
    refused = me(client, revoked["token"])
    assert refused.status_code == 401 and refused.get_json()["message"] == "token revoked"
    assert "invalid_token" in refused.headers["WWW-Authenticate"]
    assert me(client, kept["token"]).status_code == 200
    # Revoking it again changes nothing.
    again = client.delete(f"{API}/tokens/{revoked['id']}",
                          headers={"Authorization": f"Bearer {kept['token']}"})
    assert again.status_code == 204 and len(audit(session, "token_revoked")) == 1


def test_a_token_can_revoke_itself(client, session, make_user):
    manager = make_user("contract_manager")
    issued = issue(client, manager)
    headers = {"Authorization": f"Bearer {issued['token']}"}
    assert client.delete(f"{API}/tokens/{issued['id']}", headers=headers).status_code == 204
    assert client.get(f"{API}/tokens", headers=headers).status_code == 401


def test_a_token_expires_after_its_days_and_stays_listed_as_expired(client, session, make_user,
                                                                    monkeypatch):
    manager = make_user("contract_manager")
    short, long = issue(client, manager, days=1), issue(client, manager, days=30)
    assert me(client, short["token"]).status_code == 200
    later(monkeypatch, days=1, seconds=1)
    expired = me(client, short["token"])
    assert expired.status_code == 401 and expired.get_json()["message"] == "token expired"
    listed = client.get(f"{API}/tokens", headers={"Authorization": f"Bearer {long['token']}"})
    assert {t["id"]: t["status"] for t in listed.get_json()} == {short["id"]: "verlopen",
                                                                long["id"]: "actief"}


def test_an_inactive_users_tokens_are_refused(client, session, make_user):
    manager = make_user("contract_manager")
    headers = bearer(manager)
    manager.active = False
    session.commit()
    response = client.get(f"{API}/me", headers=headers)
    assert response.status_code == 401 and response.get_json()["message"] == "account inactive"


def test_the_last_use_is_noted_at_most_once_a_minute(client, session, make_user, monkeypatch):
    manager = make_user("contract_manager")
    issued = issue(client, manager)
    row = session.get(ApiToken, issued["id"])
    assert row.last_used_at is None
    assert me(client, issued["token"]).status_code == 200
    session.refresh(row)
    first = ops.aware(row.last_used_at)
    assert first is not None
    later(monkeypatch, seconds=30)
    assert me(client, issued["token"]).status_code == 200
    session.refresh(row)
    assert ops.aware(row.last_used_at) == first  # no write for this request
    moved = later(monkeypatch, seconds=61)
    assert me(client, issued["token"]).status_code == 200
    session.refresh(row)
    assert abs(ops.aware(row.last_used_at) - moved) < timedelta(seconds=1)


def test_a_change_that_is_refused_still_notes_the_use(client, session, make_user):
    """The use is committed before the request goes on: a 422 rolls back only its own work."""
    manager = make_user("contract_manager")
    issued = issue(client, manager)
    response = client.post(f"{API}/offers", json={"provider_id": "x"},
                           headers={"Authorization": f"Bearer {issued['token']}"})
    assert response.status_code == 422
    assert session.get(ApiToken, issued["id"]).last_used_at is not None


def test_a_bad_name_or_number_of_days_is_422(client, session, make_user):
    manager = make_user("contract_manager")
    for body, field in (({"name": "   "}, "name"), ({"name": "x" * 101}, "name"),
                        ({"name": "bel\x07"}, "name"), ({"days": 0}, "days"),
                        ({"days": 366}, "days")):
        response = client.post(f"{API}/tokens", json={"email": manager.email,
                                                       "password": PASSWORD, **body})
        assert response.status_code == 422, body
        assert field in response.get_json()["errors"]["json"], body
    assert session.scalars(select(ApiToken)).all() == []


def test_a_wrong_password_gets_no_token(client, session, make_user):
    manager = make_user("contract_manager")
    response = client.post(f"{API}/tokens", json={"email": manager.email, "password": "fout"})
    assert response.status_code == 401 and "token" not in response.get_json()
    assert session.scalars(select(ApiToken)).all() == []


# -- listing and revoking -------------------------------------------------------------------------

def test_the_list_is_the_callers_own_and_holds_no_secret(client, session, make_user,
                                                         make_provider):
    manager, other = make_user("contract_manager"), make_user("provider_user", make_provider())
    mine = [issue(client, manager, name=f"token {n}") for n in range(2)]
    theirs = issue(client, other)
    response = client.get(f"{API}/tokens", headers={"Authorization": f"Bearer {mine[0]['token']}"})
    assert response.status_code == 200
    listed = response.get_json()
    assert [t["id"] for t in listed] == [mine[1]["id"], mine[0]["id"]]  # newest first
    assert set(listed[0]) == {"id", "name", "prefix", "status", "created_at", "expires_at",
                              "last_used_at", "revoked_at"}
    body = response.get_data(as_text=True)
    for issued in (*mine, theirs):
        assert issued["token"] not in body and issued["token"][11:] not in body
    assert theirs["token"][:11] not in body  # nothing of another user's either


def test_a_provider_cannot_revoke_another_users_token_an_admin_can(client, session, make_user,
                                                                   make_provider):
    pharmacy = make_provider()
    owner, colleague = (make_user("provider_signatory", pharmacy),
                        make_user("provider_user", pharmacy))
    admin, manager = make_user("admin"), make_user("contract_manager")
    target = issue(client, owner)
    for intruder in (colleague, manager):
        refused = client.delete(f"{API}/tokens/{target['id']}", headers=bearer(intruder))
        assert refused.status_code == 404 and refused.get_json()["code"] == 404
    assert client.delete(f"{API}/tokens/999999", headers=bearer(owner)).status_code == 404
    assert me(client, target["token"]).status_code == 200
    assert client.delete(f"{API}/tokens/{target['id']}", headers=bearer(admin)).status_code == 204
    assert me(client, target["token"]).status_code == 401
    row = session.get(ApiToken, target["id"])
    assert row.revoked_at is not None and row.revoked_by == admin.email


def test_issuing_and_revoking_are_audited(client, session, make_user):
    manager = make_user("contract_manager")
    issued = issue(client, manager, name="Rapportage")
    client.delete(f"{API}/tokens/{issued['id']}",
                  headers={"Authorization": f"Bearer {issued['token']}"})
    (made,), (ended,) = audit(session, "token_issued"), audit(session, "token_revoked")
    assert (made.entity_id, made.actor, made.to_state) == (issued["id"], manager.email, "actief")
    assert "Rapportage" in made.reason
    assert (ended.entity_id, ended.from_state, ended.to_state) == (issued["id"], "actief",
                                                                    "ingetrokken")


def test_the_openapi_document_describes_the_token_operations(client):
    spec = client.get(f"{API}/openapi.json").get_json()
    listing = spec["paths"][f"{API}/tokens"]["get"]
    revoke = spec["paths"][f"{API}/tokens/{{token_id}}"]["delete"]
    assert {"200", "401", "403"} <= set(listing["responses"])
    assert {"204", "401", "403", "404"} <= set(revoke["responses"])
    assert listing["security"] == revoke["security"] == [{"bearerAuth": []}]
    assert "security" not in spec["paths"][f"{API}/tokens"]["post"]


# -- the command line -----------------------------------------------------------------------------

def test_the_cli_issues_lists_and_revokes(app, client, session, make_user):
    from portal.cli.api import api

    manager = make_user("contract_manager")
    runner = app.test_cli_runner()
    made = runner.invoke(api, ["token", "--email", manager.email.upper(), "--name", "Nachtelijke "
                               "export", "--days", "2"])
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    assert me(client, secret).get_json()["email"] == manager.email
    row = session.scalar(select(ApiToken).where(ApiToken.user_id == manager.id))
    assert row.name == "Nachtelijke export"
    assert ops.expires_at(row) - ops.aware(row.created_at) == timedelta(days=2)
    listed = runner.invoke(api, ["tokens", "--email", manager.email])
    assert listed.exit_code == 0 and row.prefix in listed.output and secret not in listed.output
    assert "Nachtelijke export" in listed.output and "actief" in listed.output
    revoked = runner.invoke(api, ["revoke", "--id", str(row.id)])
    assert revoked.exit_code == 0, revoked.output
    assert me(client, secret).status_code == 401
    assert audit(session, "token_revoked")[0].actor == "portal-cli"


@pytest.mark.parametrize("args", [
    ["token", "--email", "niemand@example.org"],
    ["token", "--email", "{email}", "--days", "366"],
    ["token", "--email", "{email}", "--name", "   "],
    ["tokens", "--email", "niemand@example.org"],
    ["revoke", "--id", "999999"],
    ["revoke", "--id", "x"],
])
def test_bad_cli_input_is_one_line_and_exit_2(app, session, make_user, args):
    from portal.cli import cli

    manager = make_user("contract_manager")
    session.commit()
    result = app.test_cli_runner().invoke(cli, ["api", *(a.format(email=manager.email)
                                                         for a in args)])
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1


# -- the account pages ----------------------------------------------------------------------------

CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def csrf(page: str) -> str:
    return CSRF.search(page).group(1)


def test_a_user_makes_a_token_on_the_account_page_and_sees_it_once(client, auth, session,
                                                                    make_user, make_provider):
    user = make_user("provider_signatory", make_provider())
    auth.login(user)
    page = client.get("/account/tokens")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "U hebt nog geen tokens." in html
    made = client.post("/account/tokens", data={"name": "Apotheeksysteem", "days": "10",
                                                 "csrf_token": csrf(html)})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    shown = made.get_data(as_text=True)
    secret = re.search(r"<code>(zk_[A-Za-z0-9_-]{43})</code>", shown).group(1)
    assert "u ziet hem maar één keer" in shown
    assert me(client, secret).get_json()["email"] == user.email
    with client.session_transaction() as cookie:  # not in a flash: that travels in the cookie
        assert "_flashes" not in cookie
    assert secret not in client.get("/account/tokens").get_data(as_text=True)  # once
    row = session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    listed = client.get("/account/tokens").get_data(as_text=True)
    assert row.prefix in listed and "Apotheeksysteem" in listed
    # The prefix identifies the token on the page; its id is only in the revoke form's action.
    cells = re.findall(r"<td>(.*?)</td>", listed, re.S)
    assert str(row.id) not in [cell.strip() for cell in cells]
    assert re.search(r"\d\d-\d\d-\d{4}", listed)


def test_a_bad_form_is_shown_again_with_its_error(client, auth, session, make_user):
    auth.login(make_user("contract_manager"))
    html = client.get("/account/tokens").get_data(as_text=True)
    refused = client.post("/account/tokens", data={"name": " ", "days": "400",
                                                   "csrf_token": csrf(html)})
    assert refused.status_code == 422
    assert "zk_" not in refused.get_data(as_text=True)
    assert session.scalars(select(ApiToken)).all() == []


def test_a_user_revokes_their_own_token_on_the_page_not_anothers(client, auth, session,
                                                                  make_user):
    user, other = make_user("contract_manager"), make_user("contract_manager")
    mine, theirs = issue_secret(user), issue_secret(other)
    (my_row,) = ops.tokens_of(user)
    (their_row,) = ops.tokens_of(other)
    auth.login(user)
    token = csrf(client.get("/account/tokens").get_data(as_text=True))
    assert client.post(f"/account/tokens/{their_row.id}/intrekken",
                       data={"csrf_token": token}).status_code == 404
    assert me(client, theirs).status_code == 200
    done = client.post(f"/account/tokens/{my_row.id}/intrekken", data={"csrf_token": token})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/tokens")
    assert me(client, mine).status_code == 401
    html = client.get("/account/tokens").get_data(as_text=True)
    assert "is ingetrokken" in html and "ingetrokken</span>" in html
    assert f"/account/tokens/{my_row.id}/intrekken" not in html  # nothing left to revoke


def test_the_admin_page_lists_every_users_working_tokens_and_revokes(client, auth, session,
                                                                     make_user, make_provider,
                                                                     monkeypatch):
    owner = make_user("provider_user", make_provider())
    working = issue_secret(owner, name="werkt")
    revoked, expiring = issue_secret(owner, name="weg"), issue_secret(owner, days=1, name="verloopt")
    rows = {t.name: t for t in ops.tokens_of(owner)}
    ops.revoke_token(rows["weg"], Actor.of(owner))
    session.commit()
    for role in ("contract_manager", "provider_user"):
        auth.login(make_user(role, make_provider() if role == "provider_user" else None))
        assert client.get("/account/beheer/tokens").status_code == 403
        auth.logout()
    auth.login(make_user("admin"))
    real_now = ops.now
    later(monkeypatch, days=2)
    html = client.get("/account/beheer/tokens").get_data(as_text=True)
    assert owner.email in html and rows["werkt"].prefix in html
    assert rows["weg"].prefix not in html and rows["verloopt"].prefix not in html
    assert working not in html and revoked not in html and expiring not in html
    monkeypatch.setattr(ops, "now", real_now)
    done = client.post(f"/account/beheer/tokens/{rows['werkt'].id}/intrekken",
                       data={"csrf_token": csrf(html)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/account/beheer/tokens")
    assert me(client, working).status_code == 401


def test_account_pages_need_a_login(client):
    assert client.get("/account/tokens").status_code == 302
    assert client.get("/account/beheer/tokens").status_code == 302
