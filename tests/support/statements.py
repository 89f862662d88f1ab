"""Counting the SQL statements that code runs, as production runs them.

A page that only read ends with COMMIT (portal.web.reads_end_in_commit), which expires what the
test's session holds, the logged-in user included (the test's app context keeps it on `g`): the
request after it loads the user again. A test that compares two requests makes one first, so
both counted requests start alike."""
from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event

#: The savepoints of the tests' own transaction: conftest's `session` binds each test to one
#: transaction, so a page's COMMIT (which runs no statement in production) releases a savepoint.
HARNESS = re.compile(r"\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", re.IGNORECASE)


@contextmanager
def statements():
    """The statements run inside the block, in order, without the test harness's savepoints."""
    from portal.extensions import db

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not HARNESS.match(statement):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
