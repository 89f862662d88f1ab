"""Logging in: right password only, rate-limited, CSRF-protected, secure cookies."""
import pytest


def test_login_and_logout(client, auth, make_user):
    manager = make_user("contract_manager")
    response = auth.login(manager)
    assert response.status_code == 302 and response.headers["Location"].endswith("/beheer/")
    assert client.get("/beheer/").status_code == 200
    auth.logout()
    assert client.get("/beheer/").status_code == 302


def test_a_wrong_password_says_so_in_dutch_and_logs_nobody_in(client, auth, make_user):
    manager = make_user("contract_manager")
    page = auth.login(manager, password="fout").get_data(as_text=True)
    assert "Onbekend e-mailadres of onjuist wachtwoord." in page
    assert client.get("/beheer/").status_code == 302


def test_login_without_csrf_token_is_refused(client, make_user):
    manager = make_user("contract_manager")
    response = client.post("/inloggen", data={"email": manager.email, "password": "geheim-wachtwoord"})
    assert response.status_code == 400
    assert client.get("/beheer/").status_code == 302


def test_login_is_rate_limited(client, auth, make_user, app):
    manager = make_user("contract_manager")
    token = auth.csrf()
    statuses = [client.post("/inloggen", data={"email": manager.email, "password": "fout",
                                               "csrf_token": token}).status_code for _ in range(12)]
    assert 429 in statuses and statuses[0] == 200


def test_session_cookie_is_secure_httponly_and_samesite(client, auth, make_user):
    manager = make_user("contract_manager")
    cookie = auth.login(manager).headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("role, page, status", [
    ("provider_user", "/beheer/", 403), ("provider_signatory", "/beheer/", 403),
    ("contract_manager", "/zorgaanbieder/aanbiedingen", 403)])
def test_roles_keep_to_their_side(client, auth, make_user, make_provider, role, page, status):
    user = make_user(role, make_provider() if role.startswith("provider") else None)
    auth.login(user)
    assert client.get(page).status_code == status


def test_pages_carry_security_headers(client):
    headers = client.get("/").headers
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
