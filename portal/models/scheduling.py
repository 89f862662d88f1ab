"""What the scheduler keeps: how far it has worked through the calendar, who leads, and the mail
it sends."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, Float, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .documents import simulated_now


class SchedulerState(db.Model):
    """One row: the last simulated day the scheduler has processed, and its last run."""

    __tablename__ = "scheduler_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Every day up to and including this one has been processed (catch-up starts the day after).
    processed_through: Mapped[date | None] = mapped_column(Date)
    #: Wall-clock time of the last scan, and who ran it (host:pid).
    last_scan_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_scan_by: Mapped[str | None] = mapped_column(String(200))
    #: The counts of the last scan that did something (see scheduler.jobs.Summary).
    last_summary: Mapped[dict | None] = mapped_column(JSON)


class SchedulerLease(db.Model):
    """Leadership on SQLite: the process holding an unexpired lease runs the jobs, others stand by.

    (On PostgreSQL an advisory lock does this, and it ends with the process's connection.)
    """

    __tablename__ = "scheduler_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class OutgoingMail(db.Model):
    """One e-mail of an inbox message to one recipient, or one recipient's daily digest of the
    insurer's routine messages; sent once, kept (the development outbox). Its times are on the
    simulated clock, as the messages it carries (operators find the real time in the log)."""

    __tablename__ = "outgoing_mail"
    __table_args__ = (UniqueConstraint("notification_id", "recipient",
                                       name="uq_outgoing_mail_notification_recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The message it carries; for a digest, the first message it lists (so a digest is unique
    #: per recipient like every mail, and made once).
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"),
                                                 index=True)
    #: The provider the mail concerns (None: to the contract managers), for the outbox's filter.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    recipient: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)
    #: When the SMTP server accepted it (or the outbox took it); None while it waits.
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    #: "smtp" or "outbox".
    transport: Mapped[str | None] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    #: Times the server refused this mail for good (5xx for its recipient or content); after
    #: MAIL_MAX_REFUSALS it is given up (`refused_at`). A server that is down never counts.
    refusals: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    refused_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RateLimitCount(db.Model):
    """One rate limit's count in its current window, shared by every web process and instance of
    the portal (the limiter's storage where no Redis is given: portal.web.ratelimits)."""

    __tablename__ = "rate_limit_counts"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    #: When the window ends, in seconds since the epoch (the limiter's own clock: wall time).
    expires_at: Mapped[float] = mapped_column(Float, index=True)


class ApschedulerJob(db.Model):
    """APScheduler's SQLAlchemy job store table, created by the migrations like every other table
    (the job store then finds it and never creates it itself)."""

    __tablename__ = "apscheduler_jobs"

    id: Mapped[str] = mapped_column(String(191), primary_key=True)
    next_run_time: Mapped[float | None] = mapped_column(Float(25), index=True)
    job_state: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
