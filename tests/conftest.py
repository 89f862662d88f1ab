"""Shared fixtures: the test database (SQLite by default, PostgreSQL with TEST_DATABASE_URL)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from portal.database import make_engine

# The portal refuses to start without a secret key; the processes the tests start (CLI, worker,
# scheduler, the browser journeys' server) inherit this random one. Never a fixed value.
os.environ.setdefault("SECRET_KEY", __import__("secrets").token_hex(32))

# Shared machines are noisy: no per-example deadline; CI runs more examples, derandomised.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, max_examples=300, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "default")

#: TEST_WALL_CLOCK=2026-12-05T23:30:00+00:00 runs every test with the machine's clock starting at
#: that moment (and ticking on): a business moment is the simulated day at Amsterdam's time of
#: day, so the hours when Amsterdam's date is not UTC's (23:00-24:00 UTC in winter, 22:00-24:00
#: in summer) are where a moment read as a UTC date falls on the day before. README `clock`.
WALL_CLOCK = os.environ.get("TEST_WALL_CLOCK")


@pytest.fixture(autouse=WALL_CLOCK is not None)
def wall_clock():
    """The machine's clock at TEST_WALL_CLOCK for the test (only when it is set)."""
    import time_machine
    from datetime import datetime
    with time_machine.travel(datetime.fromisoformat(WALL_CLOCK), tick=True):
        yield


SEED_002 = Path(__file__).parent / "data" / "seed_002.txt"
#: The seeds as the project received them, beside the repository (../shared/seeds). The tests read
#: the copies in tests/data; these originals prove the copies unchanged.
SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def shared_seed(filename: str) -> Path:
    """The original of a seed; the test is skipped when the seeds are not beside the repository,
    and fails instead where they must be (REQUIRE_SEEDS, which .ci/run sets)."""
    path = SHARED_SEEDS / filename
    if not path.exists():
        if os.environ.get("REQUIRE_SEEDS"):
            pytest.fail(f"{path} is missing: the seeds must be beside the repository here (REQUIRE_SEEDS)")
        pytest.skip(f"{path} not beside the repository")
    return path


def normalised(text: str) -> str:
    """Whitespace collapsed, as the policy data quotes the seed."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="session")
def seed_002() -> str:
    """Seed 002 (the 2024 procurement policy), whitespace normalised."""
    return normalised(SEED_002.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """TEST_DATABASE_URL when set (PostgreSQL in CI), else a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def db_engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db_connection(db_engine):
    """A connection inside a transaction that is rolled back after the test: nothing persists."""
    connection = db_engine.connect()
    transaction = connection.begin()
    yield connection
    transaction.rollback()
    connection.close()


@pytest.fixture(scope="session")
def app(database_url):
    """The portal on the test database, migrated to head from a clean schema."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from portal import create_app
    from portal.extensions import db

    # Two-factor login is required of no role here, so the suite's logins stay one form; the
    # tests of two-factor (tests/portal/test_account_security.py) require it where they test it.
    # The limiter counts in memory here: the database storage writes on a connection of its own,
    # which the test's rolled-back transaction would block on SQLite (tests/portal/test_ratelimits.py
    # tests that storage on a database of its own).
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                      "TWO_FACTOR_REQUIRED_ROLES": (), "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def session(app):
    """The app's session inside a transaction that is rolled back after the test.

    Flask-SQLAlchemy's Session.get_bind ignores the `bind` option and takes the engine, so the
    session class here binds to the test's connection; commits (the views and the API commit)
    release a savepoint, and the test's transaction is rolled back at the end.
    """
    from flask_sqlalchemy.session import Session

    from portal.extensions import db

    class BoundSession(Session):
        def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
            return bind if bind is not None else self.bind

    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        if connection.dialect.name == "postgresql":
            # The records' stamp changes at a commit (deferred triggers: portal/models/stamps.py),
            # and this transaction never commits: its triggers fire at each statement instead.
            connection.exec_driver_sql("SET CONSTRAINTS ALL IMMEDIATE")
        original = db.session
        db.session = db._make_scoped_session({"class_": BoundSession, "bind": connection,
                                              "join_transaction_mode": "create_savepoint"})
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def forget_kept_pages():
    """No page kept by one test is served in another: the tests' records come and go with
    their transactions, so a stamp may come back (portal.web.memo)."""
    from portal.web import page_memo

    page_memo.clear()
    yield
    page_memo.clear()


@pytest.fixture
def pages_made_anew(app, monkeypatch):
    """The memo of pages off: a test of a page's own statements sees them at every request, as
    the page runs them after any change of the records (a kept page runs none)."""
    monkeypatch.setitem(app.extensions, "page_memo", False)


@pytest.fixture
def make_provider(session):
    """A factory of registered providers with sensible defaults (an open pharmacy in Utrecht
    whose Overeenkomst Farmaceutische zorg ends this year)."""
    from datetime import date
    from itertools import count

    from portal.models import ContractHeld, Provider

    numbers = count(1)

    def make(*, contracts=(("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),), **fields):
        n = next(numbers)
        values = {"agb": f"9{n:07d}", "name": f"Apotheek Test {n}", "provider_type": "openbare_apotheek",
                  "city": "Utrecht", "kvk": f"7{n:07d}", **fields}
        provider = Provider(**values)
        session.add(provider)
        session.flush()
        for contract, start, end in contracts:
            session.add(ContractHeld(provider_id=provider.id, contract=contract, start=start, end=end))
        session.flush()
        session.refresh(provider)
        return provider

    return make


@pytest.fixture
def client(app, session):
    """A browser on the portal, over HTTPS as the secure cookies want (login limits reset)."""
    from portal.extensions import limiter

    limiter.reset()
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    return client


@pytest.fixture
def make_user(session):
    """A factory of users: make_user("provider_signatory", provider) or make_user("contract_manager")."""
    from itertools import count

    from portal.models import User

    numbers = count(1)

    def make(role="contract_manager", provider=None, *, password="geheim-wachtwoord", email=None):
        n = next(numbers)
        user = User(email=email or f"{role}{n}@test.example", name=f"Test {role} {n}", role=role,
                    provider_id=provider.id if provider else None)
        user.set_password(password)
        session.add(user)
        session.flush()
        return user

    return make


class Auth:
    """Logs a test browser in and out through the real form, CSRF token included."""

    def __init__(self, client):
        self.client = client

    def csrf(self, path="/inloggen") -> str:
        import re
        page = self.client.get(path).get_data(as_text=True)
        return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)

    def login(self, user, password="geheim-wachtwoord"):
        return self.client.post("/inloggen", data={"email": user.email, "password": password,
                                                   "csrf_token": self.csrf()})

    def logout(self):
        return self.client.post("/uitloggen", data={"csrf_token": self.csrf("/")})


@pytest.fixture
def auth(client):
    return Auth(client)
from tests.support.smtp import smtp_server  # noqa: E402,F401
