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
