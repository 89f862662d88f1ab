"""Stored contract documents: every rendered version, with its hash and what it was made from."""
from __future__ import annotations

import hashlib
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String, UniqueConstraint, column, select, table
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db


def utcnow() -> datetime:
    """The wall clock: for what operators and the security checks need (sessions, tokens,
    heartbeats, sign-in limits), never for a business fact."""
    return datetime.now(timezone.utc)


#: Where the insurer's day runs: a business moment's date is its date here.
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def on_simulated_day(day: date) -> datetime:
    """The moment (UTC) of `day` at the wall clock's time of day in Amsterdam. Combined with
    the UTC time of day instead, a moment made between 22:00 and 24:00 UTC would fall on the
    next day where every page reads it (Amsterdam, UTC+1 or +2)."""
    local = datetime.now(AMSTERDAM)
    return datetime.combine(day, local.time(), tzinfo=AMSTERDAM).astimezone(timezone.utc)


def day_of(moment: datetime) -> date:
    """The business day of a moment: its date in Amsterdam, the inverse of `on_simulated_day`
    (a moment without a zone, as SQLite hands it back, is UTC). Its UTC date is the day before
    for a moment made between midnight and 01:00 or 02:00 in Amsterdam."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone(AMSTERDAM).date()


_CLOCK = table("simulation_clock", column("id"), column("today"))
_TODAY = select(_CLOCK.c.today).where(_CLOCK.c.id == 1)


def simulated_now(context) -> datetime:
    """The column default of every business timestamp (created, received, sent, audited): the
    simulated date at the wall clock's time of day (on_simulated_day), as
    `portal.operations.clock.now()` gives it,
    so a replayed 2023 campaign reads as 2023 in documents, rounds, audit, batches, inbox and
    outbox. Without a simulated date yet, the wall clock.

    The date is read once per transaction on the statement's own connection (a flush of 2,500
    rows asks once), and kept in the connection's `info` with the transaction it was read in;
    `portal.operations.clock.set_today` forgets it when it moves the clock.
    """
    connection = context.connection
    transaction = connection.get_transaction()
    cached = connection.info.get("simulated_today")
    if cached is not None and cached[0] is transaction:
        return on_simulated_day(cached[1])
    day = connection.scalar(_TODAY)
    if day is None:  # no simulated date yet (asked again next time: it may be set in this transaction)
        return datetime.now(timezone.utc)
    if isinstance(day, str):  # SQLite, read through a lightweight table without types
        day = date.fromisoformat(day)
    connection.info["simulated_today"] = (transaction, day)
    return on_simulated_day(day)


def forget_simulated_today(connection) -> None:
    """Called when the clock moves inside a transaction, so the next default reads it again."""
    connection.info.pop("simulated_today", None)


class DocumentVersion(db.Model):
    """One rendered version of one contract document. Rows are never changed, only added."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_key", "version", name="uq_document_versions_key_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Which document this is a version of: contract, policy year and provider AGB code.
    document_key: Mapped[str] = mapped_column(String(80), index=True)
    #: 1, 2, ... per document_key; printed in the document's footer.
    version: Mapped[int] = mapped_column(Integer)
    contract: Mapped[str] = mapped_column(String(40))
    policy_year: Mapped[int] = mapped_column(Integer)
    provider_agb: Mapped[str] = mapped_column(String(8), index=True)
    provider_name: Mapped[str] = mapped_column(String(200))
    #: The document's reference as printed in its footer.
    reference: Mapped[str] = mapped_column(String(80))
    filename: Mapped[str] = mapped_column(String(160))
    #: SHA-256 of `content`, hex; `portal documents verify` rechecks it.
    sha256: Mapped[str] = mapped_column(String(64))
    #: SHA-256 of the template the document was rendered from.
    template_sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    #: The .docx file itself.
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    #: The rendering context: the facts the document was made from.
    context: Mapped[dict] = mapped_column(JSON)
    author: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)

    @property
    def intact(self) -> bool:
        """Whether the stored bytes still have the stored hash."""
        return hashlib.sha256(self.content).hexdigest() == self.sha256
