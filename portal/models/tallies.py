"""The offers counted per contract year, contract, provider type and status, kept by the database.

The campaign dashboard shows these counts and the API's offers list gives them as its total; read
from the offers themselves they cost a count over every offer of the year, which grows with the
register (bench/scale.py). Triggers on `offers` (insert, delete, and a change of status, year,
contract or provider) and on `providers` (a change of provider type) write each change as a row
of `offer_tallies` (+1 for the cell an offer enters, -1 for the one it leaves) in the same
transaction as the change, whatever writes it: the portal's operations, the scheduler's bulk
statements, the demo's reset, or SQL typed by hand. A count is the sum of its cell's rows.

Only inserts, so no writer waits for another and none can deadlock on a shared counter row (two
bulk issues at once would, on a counter updated in place). `fold` sums the rows into one per
cell; the scheduler folds after every scan and a batch after it ran, so a reader sums a few
rows per cell whatever the number of offers.

The same statements serve migration 0014 and the tests (tests/portal/test_tallies.py).
"""
from __future__ import annotations

from sqlalchemy import text

CELL = "policy_year, contract, provider_type, status"

#: The change an offer's row makes: `{row}` is NEW or OLD, `{sign}` 1 or -1.
_CHANGE = f"""
    INSERT INTO offer_tallies ({CELL}, count)
    SELECT {{row}}.policy_year, {{row}}.contract, p.provider_type, {{row}}.status, {{sign}}
    FROM providers AS p WHERE p.id = {{row}}.provider_id;"""
ADD, TAKE = _CHANGE.format(row="NEW", sign=1), _CHANGE.format(row="OLD", sign=-1)
#: A provider's new type moves its offers from the old type's cells to the new one's.
_MOVE = f"""
    INSERT INTO offer_tallies ({CELL}, count)
    SELECT policy_year, contract, OLD.provider_type, status, -count(*)
    FROM offers WHERE provider_id = NEW.id GROUP BY policy_year, contract, status;
    INSERT INTO offer_tallies ({CELL}, count)
    SELECT policy_year, contract, NEW.provider_type, status, count(*)
    FROM offers WHERE provider_id = NEW.id GROUP BY policy_year, contract, status;"""
#: The columns whose change moves an offer to another cell.
_MOVED_WHEN = ("OLD.status IS DISTINCT FROM NEW.status OR OLD.policy_year IS DISTINCT FROM "
               "NEW.policy_year OR OLD.contract IS DISTINCT FROM NEW.contract OR "
               "OLD.provider_id IS DISTINCT FROM NEW.provider_id")

SQLITE = [
    f"CREATE TRIGGER offer_tallies_insert AFTER INSERT ON offers BEGIN {ADD} END",
    f"CREATE TRIGGER offer_tallies_delete AFTER DELETE ON offers BEGIN {TAKE} END",
    f"""CREATE TRIGGER offer_tallies_update
    AFTER UPDATE OF status, policy_year, contract, provider_id ON offers
    WHEN {_MOVED_WHEN.replace("IS DISTINCT FROM", "IS NOT")} BEGIN {TAKE} {ADD} END""",
    f"""CREATE TRIGGER offer_tallies_provider_type AFTER UPDATE OF provider_type ON providers
    WHEN OLD.provider_type IS NOT NEW.provider_type BEGIN {_MOVE} END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS offer_tallies_{name}"
               for name in ("insert", "delete", "update", "provider_type")]

POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION offer_tallies_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN {TAKE} END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN {ADD} END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER offer_tallies_insert_delete AFTER INSERT OR DELETE ON offers
    FOR EACH ROW EXECUTE FUNCTION offer_tallies_change()""",
    f"""CREATE TRIGGER offer_tallies_update
    AFTER UPDATE OF status, policy_year, contract, provider_id ON offers FOR EACH ROW
    WHEN ({_MOVED_WHEN}) EXECUTE FUNCTION offer_tallies_change()""",
    f"""CREATE OR REPLACE FUNCTION offer_tallies_provider_type() RETURNS trigger
    LANGUAGE plpgsql AS $$ BEGIN {_MOVE} RETURN NULL; END $$""",
    """CREATE TRIGGER offer_tallies_provider_type AFTER UPDATE OF provider_type ON providers
    FOR EACH ROW WHEN (OLD.provider_type IS DISTINCT FROM NEW.provider_type)
    EXECUTE FUNCTION offer_tallies_provider_type()""",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS offer_tallies_provider_type ON providers",
    "DROP TRIGGER IF EXISTS offer_tallies_update ON offers",
    "DROP TRIGGER IF EXISTS offer_tallies_insert_delete ON offers",
    "DROP FUNCTION IF EXISTS offer_tallies_provider_type()",
    "DROP FUNCTION IF EXISTS offer_tallies_change()",
]

#: The offers counted, to fill the tallies where offers exist before the triggers.
COUNT = """
    SELECT o.policy_year, o.contract, p.provider_type, o.status, count(*)
    FROM offers AS o JOIN providers AS p ON p.id = o.provider_id
    GROUP BY o.policy_year, o.contract, p.provider_type, o.status"""

#: PostgreSQL folds in one statement: the rows it deletes are the rows it sums (a change
#: committed meanwhile is neither, and waits for the next fold).
_FOLD_POSTGRESQL = f"""
    WITH folded AS (DELETE FROM offer_tallies RETURNING {CELL}, count)
    INSERT INTO offer_tallies ({CELL}, count)
    SELECT {CELL}, sum(count) FROM folded GROUP BY {CELL} HAVING sum(count) <> 0"""
#: SQLite has one writer at a time: the rows up to the highest id are summed, then deleted.
_FOLD_SQLITE = [
    f"""INSERT INTO offer_tallies ({CELL}, count)
    SELECT {CELL}, sum(count) FROM offer_tallies WHERE id <= :last GROUP BY {CELL}
    HAVING sum(count) <> 0""",
    "DELETE FROM offer_tallies WHERE id <= :last"]


def create_triggers(connection) -> None:
    """The triggers for the connection's database (SQLite or PostgreSQL), and the tallies filled
    from the offers there are."""
    for statement in POSTGRESQL if connection.dialect.name == "postgresql" else SQLITE:
        connection.execute(text(statement))
    connection.execute(text("DELETE FROM offer_tallies"))
    connection.execute(text(f"INSERT INTO offer_tallies ({CELL}, count) {COUNT}"))


def drop_triggers(connection) -> None:
    for statement in POSTGRESQL_DROP if connection.dialect.name == "postgresql" else SQLITE_DROP:
        connection.execute(text(statement))


def fold(connection) -> int:
    """Sum the tallies' rows into one per cell (none for a cell that sums to nought), in the
    connection's transaction; how many rows there were."""
    if connection.dialect.name == "postgresql":
        before = connection.execute(text("SELECT count(*) FROM offer_tallies")).scalar_one()
        connection.execute(text(_FOLD_POSTGRESQL))
        return before
    last, before = connection.execute(text("SELECT max(id), count(*) FROM offer_tallies")).one()
    if last is not None:
        for statement in _FOLD_SQLITE:
            connection.execute(text(statement), {"last": last})
    return before
