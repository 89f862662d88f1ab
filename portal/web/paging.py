"""One page of a list and the number of rows it has, for the lists of the pages and the API.

Two statements, not one with `count(*) OVER ()`: a window count makes the database produce every
row the filters select, with every column shown, and sort them all, before it keeps one page, so
the page costs in proportion to the table (bench/scale.py measured the register 3.8 times and
the mail 4.3 times slower at ten times the rows). Apart, the page is the first rows of the order
(an index in that order serves them without reading the rest), and the count reads only what the
filters need. The last page (fewer rows than a page) gives its total without a count.
"""
from __future__ import annotations

from sqlalchemy import func

from ..extensions import db

#: The largest OFFSET every database takes (PostgreSQL's integer); a page past it is empty.
MAX_OFFSET = 2**31 - 1


def count_of(query) -> int:
    """The number of rows `query` selects, counted over its own FROM and WHERE."""
    return db.session.scalar(query.with_only_columns(func.count(), maintain_column_froms=True)
                             .order_by(None))


def page_of(query, first: int, size: int, *, total=None, unique: bool = False) -> tuple[list, int]:
    """The rows `first` to `first + size` of the ordered `query`, and how many rows it has in all
    (`total()`, if given, counts them another way, where the last page does not tell). `unique`:
    the ORM's unique rows, as eager loads of collections ask."""
    rows = []
    if first <= MAX_OFFSET:
        result = db.session.execute(query.offset(first).limit(size))
        rows = (result.unique() if unique else result).all()
    if rows and len(rows) < size or not rows and first == 0:
        return rows, first + len(rows)
    return rows, count_of(query) if total is None else total()
