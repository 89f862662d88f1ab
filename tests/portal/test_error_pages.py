"""A database that is busy or unreachable during a request: a clean 503, no traceback, nothing
changed."""
import pytest
from sqlalchemy.exc import OperationalError

pytestmark = pytest.mark.db


@pytest.fixture
def broken_database(app, monkeypatch):
    from portal.extensions import db

    def refuse(*_args, **_kwargs):
        raise OperationalError("SELECT 1", {}, Exception("could not connect to server: Connection refused"))

    monkeypatch.setattr(db.session, "execute", refuse)
    monkeypatch.setattr(db.session, "scalar", refuse)
    monkeypatch.setattr(db.session, "scalars", refuse)
    return db


def test_a_page_gets_a_clean_503(client, broken_database):
    response = client.get("/zorgzoeker")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "Even niet beschikbaar" in page and "Traceback" not in page and "OperationalError" not in page


def test_the_api_gets_a_json_503(client, broken_database):
    response = client.post("/api/v1/tokens", json={"email": "manager@vgz.example", "password": "x"})
    assert response.status_code == 503 and response.is_json
    assert "probeer het" in response.get_json()["message"]


# HTTP errors in the portal's layout -------------------------------------------------------------

def test_an_unknown_page_is_a_404_in_the_portals_layout(client):
    response = client.get("/bestaat-niet")
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Pagina niet gevonden" in page
    assert 'href="/zorgzoeker"' in page and "Simulatiedatum" in page  # the layout's menu and clock
    assert "Not Found" not in page and "The requested URL" not in page  # not Werkzeug's page


def test_a_page_of_another_role_is_a_403_in_the_portals_layout(client, auth, make_user,
                                                                make_provider):
    auth.login(make_user("provider_signatory", make_provider()))
    response = client.get("/beheer/")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Geen toegang" in page and "Uitloggen" in page  # the layout, with the user logged in
    assert "Forbidden" not in page and "You don't have the permission" not in page


def test_a_wrong_method_is_a_405_that_says_what_is_allowed(client):
    response = client.delete("/zorgzoeker")
    page = response.get_data(as_text=True)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert "Dit kan hier niet" in page and "Method Not Allowed" not in page


def test_the_error_pages_follow_the_users_language(client):
    page = client.get("/bestaat-niet", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in page and "Go to the home page" in page
    page = client.get("/bestaat-niet", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<html lang="nl">' in page and "Naar de startpagina" in page


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/v1/bestaat-niet", 404), ("delete", "/api/v1/providers", 405)])
def test_the_api_keeps_its_json_errors(client, method, path, status):
    response = getattr(client, method)(path)
    assert response.status_code == status and response.is_json
    body = response.get_json()
    assert body["code"] == status and body["status"] in ("Not Found", "Method Not Allowed")


@pytest.fixture
def failing_app(app):
    """A second portal with a page and an API path that raise, and exceptions handled as in
    production (the test app propagates them to the test instead)."""
    from portal import create_app
    failing = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False,
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          "SECRET_KEY": app.config["SECRET_KEY"]})

    @failing.get("/kapot")
    def broken_page():
        raise RuntimeError("secret internal detail in /srv/portal/broken.py")

    @failing.get("/api/v1/kapot")
    def broken_api():
        raise RuntimeError("secret internal detail in /srv/portal/broken.py")

    return failing


def test_a_server_error_is_a_page_without_a_traceback(failing_app, session):
    client = failing_app.test_client()
    response = client.get("/kapot")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Er ging iets mis" in page and "Simulatiedatum" in page
    for leak in ("Traceback", "RuntimeError", "secret internal detail", "broken.py"):
        assert leak not in page
    # the portal goes on answering after it
    assert client.get("/zorgzoeker").status_code == 200


def test_a_server_error_in_the_api_is_json_without_a_traceback(failing_app, session):
    response = failing_app.test_client().get("/api/v1/kapot")
    assert response.status_code == 500 and response.is_json
    assert response.get_json()["code"] == 500
    assert "secret internal detail" not in response.get_data(as_text=True)


def test_the_favicon_is_linked_and_favicon_ico_answers(client):
    page = client.get("/zorgzoeker").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert client.get("/favicon.ico").location == "/static/favicon.svg"
    for path in ("/favicon.ico", "/static/favicon.svg"):
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200 and response.mimetype == "image/svg+xml"
        assert response.get_data(as_text=True).startswith("<svg")
        response.close()
