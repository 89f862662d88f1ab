"""The database switch: the suite runs on SQLite by default and on PostgreSQL with TEST_DATABASE_URL."""
import os

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.config import normalise_database_url


def test_the_suite_uses_the_database_it_was_asked_for(db_engine):
    wanted = os.environ.get("TEST_DATABASE_URL", "").strip()
    assert db_engine.dialect.name == ("postgresql" if wanted.startswith("postgres") else "sqlite")


def test_foreign_keys_are_enforced(db_connection):
    db_connection.execute(text("CREATE TABLE parent_t (id INTEGER PRIMARY KEY)"))
    db_connection.execute(text(
        "CREATE TABLE child_t (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent_t(id))"))
    db_connection.execute(text("INSERT INTO parent_t (id) VALUES (1)"))
    db_connection.execute(text("INSERT INTO child_t (id, parent_id) VALUES (1, 1)"))
    with pytest.raises(IntegrityError):
        with db_connection.begin_nested():
            db_connection.execute(text("INSERT INTO child_t (id, parent_id) VALUES (2, 99)"))


def test_each_test_starts_clean(db_connection):
    # The table made by the test above was rolled back with its transaction.
    exists = db_connection.dialect.has_table(db_connection, "parent_t")
    assert not exists


def test_sqlite_runs_in_wal_mode(db_engine):
    if db_engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragma")
    with db_engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA temp_store")).scalar() == 2  # MEMORY


@pytest.mark.parametrize("given, expected", [
    ("postgresql://postgres@127.0.0.1:5432/test", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg3(given, expected):
    assert normalise_database_url(given) == expected
