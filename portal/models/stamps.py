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
"""
from __future__ import annotations

from sqlalchemy import text

PROFILE_SCORES = "profile_scores"

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


def create_triggers(connection) -> None:
    """The stamps' rows and triggers for the connection's database (SQLite or PostgreSQL)."""
    connection.execute(text("INSERT INTO data_stamps (name, stamp) VALUES (:name, 'new')"),
                       {"name": PROFILE_SCORES})
    for statement in POSTGRESQL if connection.dialect.name == "postgresql" else SQLITE:
        connection.execute(text(statement))


def drop_triggers(connection) -> None:
    for statement in POSTGRESQL_DROP if connection.dialect.name == "postgresql" else SQLITE_DROP:
        connection.execute(text(statement))
