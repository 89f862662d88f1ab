"""/health and /ready, as a load balancer asks them: anonymous, never rate limited; ready only with
the database reachable and its schema at the migrations' head."""
import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp, upgrade

from portal import create_app


@pytest.fixture
def fresh(tmp_path):
    """A portal on its own, empty SQLite database (nothing created, nothing migrated)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}"})


def test_health_answers_without_a_login_or_a_database(fresh):
    response = fresh.test_client().get("/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_ready_only_at_the_head_of_the_migrations(fresh):
    client = fresh.test_client()
    empty = client.get("/ready")
    assert empty.status_code == 503
    assert empty.get_json()["database"] == "ok" and "portal db upgrade" in empty.get_json()["migrations"]
    with fresh.app_context():
        upgrade()
    ready = client.get("/ready")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json() == {"status": "ok", "database": "ok", "migrations": "head"}
    assert ready.headers["Cache-Control"] == "no-store"
    with fresh.app_context():  # one migration behind: its pages would miss a column
        scripts = ScriptDirectory(fresh.extensions["migrate"].directory)
        stamp(revision=scripts.get_revision(scripts.get_current_head()).down_revision)
    behind = client.get("/ready")
    assert behind.status_code == 503 and "head is" in behind.get_json()["migrations"]


def test_ready_says_when_the_database_cannot_be_reached(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.sqlite'}"})
    response = app.test_client().get("/ready")
    assert response.status_code == 503
    assert response.get_json()["database"].startswith("unreachable")


def test_the_probes_are_not_rate_limited(fresh):
    client = fresh.test_client()
    assert all(client.get("/health").status_code == 200 for _ in range(300))


def test_a_json_log_line_carries_the_exception():
    import json
    import logging
    import sys

    from portal.web.logs import JsonFormatter
    try:
        raise ValueError("kapot")
    except ValueError:
        record = logging.LogRecord("portal", logging.ERROR, __file__, 1, "mislukt: %s", ("x",),
                                   sys.exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["logger"], line["message"]) == ("ERROR", "portal", "mislukt: x")
    assert "ValueError: kapot" in line["exception"] and line["time"].endswith("+00:00")
