"""Who runs the jobs: one scheduler process leads, any other stands by.

On PostgreSQL the leader holds a session-level advisory lock on a connection of its own; the lock
ends with that connection, so a killed leader frees it at once. SQLite has no such lock: a lease
row (`scheduler_leases`) with an expiry time, renewed by every tick, is taken over only once it
has expired.
"""
from __future__ import annotations

import logging
import os
import socket
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from portal.models import SchedulerLease

log = logging.getLogger(__name__)

#: The advisory lock's key: any 64-bit number no other part of the portal uses.
ADVISORY_KEY = 0x5A4F5247  # "ZORG"
LEASE = "scheduler"


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Leadership:
    """Try to lead (`acquire`), keep leading (`renew`), stop leading (`release`)."""

    def __init__(self, engine: Engine, *, lease_seconds: float = 30.0, holder: str | None = None):
        self.engine = engine
        self.lease = timedelta(seconds=lease_seconds)
        self.holder = holder or holder_name()
        self._connection: Connection | None = None
        self.leading = False

    @property
    def advisory(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def acquire(self) -> bool:
        """Become the leader if no one else is; True when this process leads now."""
        if self.leading:
            return self.renew()
        if self.advisory:
            connection = self.engine.connect()
            got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
            connection.commit()
            if got:
                self._connection = connection
            else:
                connection.close()
            self.leading = bool(got)
        else:
            self.leading = self._take_lease()
        if self.leading:
            log.info("scheduler %s leads", self.holder)
        return self.leading

    def renew(self) -> bool:
        """Still the leader? On SQLite this extends the lease; False when it was lost."""
        if not self.leading:
            return False
        if self.advisory:
            try:  # a reconnected connection would answer, but without the lock: ask for the lock
                held = self._connection.execute(text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' "
                    "AND pid = pg_backend_pid() AND classid = 0 AND objid = :k AND granted)"),
                    {"k": ADVISORY_KEY}).scalar()
                self._connection.commit()
            except Exception:  # the connection (and with it the lock) is gone
                held = False
            if not held:
                log.warning("scheduler %s lost its advisory lock", self.holder)
                self.leading = False
                self._connection.close()
                self._connection = None
            return self.leading
        with self.engine.begin() as connection:
            renewed = connection.execute(update(SchedulerLease).where(
                SchedulerLease.name == LEASE, SchedulerLease.holder == self.holder)
                .values(expires_at=_now() + self.lease)).rowcount
        self.leading = renewed == 1
        if not self.leading:
            log.warning("scheduler %s lost its lease", self.holder)
        return self.leading

    def release(self) -> None:
        if not self.leading:
            if self._connection is not None:
                self._connection.close()
                self._connection = None
            return
        self.leading = False
        if self.advisory:
            if self._connection is None:
                return
            try:
                self._connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
                self._connection.commit()
            finally:
                self._connection.close()
                self._connection = None
            return
        with self.engine.begin() as connection:
            connection.execute(delete(SchedulerLease).where(SchedulerLease.name == LEASE,
                                                            SchedulerLease.holder == self.holder))

    def _take_lease(self) -> bool:
        now = _now()
        with self.engine.begin() as connection:
            # take an expired lease (or renew our own) in one statement ...
            taken = connection.execute(update(SchedulerLease).where(
                SchedulerLease.name == LEASE,
                (SchedulerLease.holder == self.holder) | (SchedulerLease.expires_at < now))
                .values(holder=self.holder, expires_at=now + self.lease)).rowcount
            if taken:
                return True
            if connection.execute(select(SchedulerLease.name).where(SchedulerLease.name == LEASE)).first():
                return False
        try:  # ... or create it: of two processes doing so at once, one insert wins
            with self.engine.begin() as connection:
                connection.execute(insert(SchedulerLease).values(
                    name=LEASE, holder=self.holder, expires_at=now + self.lease))
            return True
        except IntegrityError:
            return False


def _now() -> datetime:
    return datetime.now(timezone.utc)
