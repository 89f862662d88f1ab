"""The limiter's counts in the portal's own database (RATELIMIT_STORAGE_URI=portal+database://,
the default): one count per limit and window for every web process and instance, where no Redis
is given. A fixed window, as Flask-Limiter's default strategy: the first hit of a window sets its
end, every hit adds one in a single statement (an upsert), so two processes never lose a count.

Counts are written on a connection of their own, committed at once: a refused login that rolls
back its request still counts. On PostgreSQL that is a connection to the portal's database. SQLite
has one writer at a time and a POST takes the write lock when it begins, so a second connection
to the same file would wait for the request that waits for it: on SQLite the counts live in a file
of their own beside the database (`<database>-ratelimits`), shared by every process of the host
(SQLite is a one-host database anyway).
"""
from __future__ import annotations

import random
import time

from limits.storage import Storage
from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from ..models import RateLimitCount

TABLE = RateLimitCount.__table__


_SQLITE_ENGINES: dict[str, object] = {}


def _engine():
    """The portal's engine on PostgreSQL; on SQLite the engine of the counts' own file."""
    from ..extensions import db

    main = db.engine
    if main.dialect.name != "sqlite":
        return main
    key = str(main.url)
    if key not in _SQLITE_ENGINES:
        from sqlalchemy import create_engine
        from sqlalchemy.pool import StaticPool

        from ..database import configure_sqlite
        database = main.url.database
        if not database or database == ":memory:":  # one process: one connection, shared
            engine = create_engine("sqlite://", poolclass=StaticPool,
                                   connect_args={"check_same_thread": False})
        else:
            engine = create_engine(main.url.set(database=f"{database}-ratelimits"))
        configure_sqlite(engine)
        TABLE.create(engine, checkfirst=True)
        _SQLITE_ENGINES[key] = engine
    return _SQLITE_ENGINES[key]


class DatabaseStorage(Storage):
    STORAGE_SCHEME = ["portal+database"]

    @property
    def base_exceptions(self):
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        engine = _engine()
        now = time.time()
        dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
        insert = dialect.insert(TABLE).values(key=key, count=amount, expires_at=now + expiry)
        running = TABLE.c.expires_at > now
        upsert = insert.on_conflict_do_update(index_elements=[TABLE.c.key], set_={
            "count": case((running, TABLE.c.count + amount), else_=amount),
            "expires_at": case((running, TABLE.c.expires_at), else_=now + expiry)},
        ).returning(TABLE.c.count)
        with engine.begin() as connection:
            if random.random() < 0.01:  # now and then, the windows long ended (other clients')
                connection.execute(delete(TABLE).where(TABLE.c.expires_at < now - 3600))
            return connection.execute(upsert).scalar_one()

    def get(self, key: str) -> int:
        with _engine().connect() as connection:
            count = connection.execute(select(TABLE.c.count).where(
                TABLE.c.key == key, TABLE.c.expires_at > time.time())).scalar()
        return count or 0

    def get_expiry(self, key: str) -> float:
        with _engine().connect() as connection:
            expires = connection.execute(select(TABLE.c.expires_at).where(
                TABLE.c.key == key)).scalar()
        return expires if expires is not None and expires > time.time() else time.time()

    def check(self) -> bool:
        try:
            with _engine().connect() as connection:
                connection.execute(select(func.count()).select_from(TABLE).where(TABLE.c.key == ""))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with _engine().begin() as connection:
            return connection.execute(delete(TABLE)).rowcount

    def clear(self, key: str) -> None:
        with _engine().begin() as connection:
            connection.execute(delete(TABLE).where(TABLE.c.key == key))
