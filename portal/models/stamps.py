"""A stamp per kind of data the portal keeps worked out in memory, changed by the database
whenever that data changes.

The profile groups of a pharmacy depend on every pharmacy's scores (a group is a share of the
ranks: seed 003), so `portal.operations.providers.profile_history` scores them all once and
keeps the result. Reading every score each time to see whether they changed cost a profile page
eight times more at ten times the register (bench/scale.py); the stamp is one row to read.

Triggers on `profile_scores` (insert, update, delete) and on `providers` (a new AGB code, which
the history is keyed by) set the stamp to a new random value in the same transaction as the
change, whatever writes it. Random, not counted: a transaction that changed scores, worked out
their history and then rolled back leaves a stamp no committed state will have again, where a
counter would come back to the same number with other scores.

A writer of scores holds the stamp's row until it commits, so two writers of scores take turns
(the register's import and the demo's load, never pages). On PostgreSQL the stamp changes once a
statement, on SQLite (no statement triggers) once a row.

The stamp `records` changes whenever any of the records the pages show changes (every table but
those of `UNSTAMPED`), so a page kept in memory under it is served without reading a row
(portal.web.memo). It is read with the session's user, in the same round trip. On PostgreSQL its
triggers are deferred to the commit and change it once per transaction, so writers hold its row
only while they commit, not while they work: two bulk-issue workers or a scan and an answer do
not take turns. (A test's transaction never commits: the test fixtures set the constraints
IMMEDIATE, and the stamp then changes once a statement.) On SQLite, where one writer works at a
time anyway, it changes once a row.
"""
from __future__ import annotations

from sqlalchemy import select, text

from .providers import DataStamp

PROFILE_SCORES = "profile_scores"
RECORDS = "records"

#: The tables whose changes leave the `records` stamp as it is, each with the reason: no page
#: kept in memory shows them, and they are written by requests that only read or log in, or
#: continuously. A table not named here changes the stamp (tests/portal/test_records_stamp.py makes
#: every new table choose).
UNSTAMPED = {
    "user_sessions": "written at each login and logout",
    "recovery_codes": "two-factor codes, on no kept page",
    "api_tokens": "their last use is written by API reads",
    "login_throttle": "written by failed logins",
    "rate_limit_counts": "written by the rate limiter's counts",
    "audit_log": "written with the records it audits, and at logins; on no kept page",
    "offer_tallies": "follows `offers` by triggers; folded by the scheduler without a change",
    "data_stamps": "the stamps themselves",
    "scheduler_leases": "the schedulers' heartbeats",
    "apscheduler_jobs": "the scheduler's job store, written at every run of a job",
    "lab_runs": "a comparison's progress, written every half second; on no kept page",
}

_SET_SQLITE = (f"UPDATE data_stamps SET stamp = lower(hex(randomblob(16))) "
               f"WHERE name = '{PROFILE_SCORES}';")
SQLITE = [
    *(f"""CREATE TRIGGER data_stamps_profile_scores_{event.lower()} AFTER {event} ON profile_scores
    BEGIN {_SET_SQLITE} END""" for event in ("INSERT", "UPDATE", "DELETE")),
    f"""CREATE TRIGGER data_stamps_providers_agb AFTER UPDATE OF agb ON providers
    WHEN OLD.agb IS NOT NEW.agb BEGIN {_SET_SQLITE} END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS data_stamps_{name}"
               for name in ("profile_scores_insert", "profile_scores_update",
                            "profile_scores_delete", "providers_agb")]

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION data_stamps_profile_scores() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN
      UPDATE data_stamps SET stamp = md5(random()::text || clock_timestamp()::text)
      WHERE name = '{PROFILE_SCORES}';
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER data_stamps_profile_scores AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
    ON profile_scores FOR EACH STATEMENT EXECUTE FUNCTION data_stamps_profile_scores()""",
    """CREATE TRIGGER data_stamps_providers_agb AFTER UPDATE OF agb ON providers
    FOR EACH STATEMENT EXECUTE FUNCTION data_stamps_profile_scores()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS data_stamps_providers_agb ON providers",
    "DROP TRIGGER IF EXISTS data_stamps_profile_scores ON profile_scores",
    "DROP FUNCTION IF EXISTS data_stamps_profile_scores()",
]


def records_stamp():
    """The `records` stamp as a scalar subquery, for a statement that reads the user anyway
    (portal.web.session.SESSION_USER, portal.operations.tokens.TOKEN_USER)."""
    return select(DataStamp.stamp).where(DataStamp.name == RECORDS).scalar_subquery()


def _records_sqlite(table: str) -> list[str]:
    set_stamp = f"UPDATE data_stamps SET stamp = lower(hex(randomblob(16))) WHERE name = '{RECORDS}';"
    return [f"""CREATE TRIGGER data_stamps_records_{table}_{event.lower()} AFTER {event}
    ON {table} BEGIN {set_stamp} END""" for event in ("INSERT", "UPDATE", "DELETE")]


def _records_sqlite_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS data_stamps_records_{table}_{event}"
            for event in ("insert", "update", "delete")]


#: Once per transaction (deferred: at its commit), or once a statement where the constraints are
#: IMMEDIATE: the mark is the statement's start, and at the commit every deferred call shares
#: the COMMIT's. A transaction-local setting, so nothing is left behind.
RECORDS_POSTGRESQL_FUNCTION = f"""CREATE OR REPLACE FUNCTION data_stamps_records() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE mark text := statement_timestamp()::text;
    BEGIN
      IF current_setting('portal.records_stamped', true) IS DISTINCT FROM mark THEN
        PERFORM set_config('portal.records_stamped', mark, true);
        UPDATE data_stamps SET stamp = md5(random()::text || clock_timestamp()::text)
        WHERE name = '{RECORDS}';
      END IF;
      RETURN NULL;
    END $$"""


def _records_postgresql(table: str) -> list[str]:
    return [f"""CREATE CONSTRAINT TRIGGER data_stamps_records AFTER INSERT OR UPDATE OR DELETE
    ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION data_stamps_records()""",
            f"""CREATE TRIGGER data_stamps_records_truncate AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION data_stamps_records()"""]


def _records_postgresql_drop(table: str) -> list[str]:
    return [f"DROP TRIGGER IF EXISTS data_stamps_records ON {table}",
            f"DROP TRIGGER IF EXISTS data_stamps_records_truncate ON {table}"]


def create_records_triggers(connection, tables: list[str]) -> None:
    """The `records` stamp's row and its triggers on `tables` (a migration names the tables of
    its own schema, so a later migration that adds a table adds its triggers)."""
    connection.execute(text("INSERT INTO data_stamps (name, stamp) VALUES (:name, 'new')"),
                       {"name": RECORDS})
    add_records_triggers(connection, tables)


def add_records_triggers(connection, tables: list[str]) -> None:
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        connection.execute(text(RECORDS_POSTGRESQL_FUNCTION))
    for table in tables:
        for statement in _records_postgresql(table) if postgresql else _records_sqlite(table):
            connection.execute(text(statement))


def drop_records_triggers(connection, tables: list[str]) -> None:
    postgresql = connection.dialect.name == "postgresql"
    for table in tables:
        for statement in (_records_postgresql_drop(table) if postgresql
                          else _records_sqlite_drop(table)):
            connection.execute(text(statement))
    if postgresql:
        connection.execute(text("DROP FUNCTION IF EXISTS data_stamps_records()"))
    connection.execute(text("DELETE FROM data_stamps WHERE name = :name"), {"name": RECORDS})


def create_triggers(connection) -> None:
    """The stamps' rows and triggers for the connection's database (SQLite or PostgreSQL)."""
    connection.execute(text("INSERT INTO data_stamps (name, stamp) VALUES (:name, 'new')"),
                       {"name": PROFILE_SCORES})
    for statement in POSTGRESQL if connection.dialect.name == "postgresql" else SQLITE:
        connection.execute(text(statement))


def drop_triggers(connection) -> None:
    for statement in POSTGRESQL_DROP if connection.dialect.name == "postgresql" else SQLITE_DROP:
        connection.execute(text(statement))
