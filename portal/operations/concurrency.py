"""Two writers of one record: the one that came second is refused, with a message, not merged."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db


@contextmanager
def second_writer_refused(refusal: Exception) -> Iterator[None]:
    """Run a write; if another transaction changed the row first (the version column's check, or
    on SQLite the write lock of a reader that is no longer current), roll back and raise
    `refusal` instead. Any other database error goes up as it is."""
    try:
        yield
    except (StaleDataError, OperationalError) as error:
        if isinstance(error, OperationalError) and "locked" not in str(error.orig):
            raise
        db.session.rollback()
        raise refusal from None
