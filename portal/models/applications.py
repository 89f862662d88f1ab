"""Applications of new providers, their attachments, and bulk-issue batches."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .documents import simulated_now
from .providers import Provider


class Application(db.Model):
    """A request for a contract through the website form, and its assessment and answer."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The registered provider, once known (a new organisation is registered on a grant).
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    organisation: Mapped[str] = mapped_column(String(200))
    agb: Mapped[str] = mapped_column(String(8), index=True)
    kvk: Mapped[str] = mapped_column(String(8))
    provider_type: Mapped[str] = mapped_column(String(40))
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100))
    agb_start: Mapped[date | None] = mapped_column(Date)
    contact_email: Mapped[str] = mapped_column(String(200))
    #: Contract slugs applied for.
    contracts: Mapped[list] = mapped_column(JSON)
    start_date: Mapped[date] = mapped_column(Date)
    #: The applicant's motivation per criterion id.
    motivations: Mapped[dict] = mapped_column(JSON, default=dict)
    received_on: Mapped[date] = mapped_column(Date, index=True)
    #: "Uiterlijk 1 maand na ontvangen aanvraag" (calendar month, clamped to the month's end).
    answer_due: Mapped[date] = mapped_column(Date, index=True)
    #: ontvangen, in_beoordeling, toegekend, afgewezen.
    status: Mapped[str] = mapped_column(String(20), index=True, default="ontvangen")
    #: The manager's findings per criterion (contracts.newproviders.record_assessment).
    assessment: Mapped[dict | None] = mapped_column(JSON)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)

    provider: Mapped[Provider | None] = relationship()
    attachments: Mapped[list["Attachment"]] = relationship(back_populates="application")


class Attachment(db.Model):
    """A PDF sent with an application (checked by content, limited in size)."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"),
                                                index=True)
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))

    application: Mapped[Application] = relationship(back_populates="attachments")


class IssueBatch(db.Model):
    """A bulk issue of offers for a calendar milestone, run by a worker outside the request."""

    __tablename__ = "issue_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: e.g. "2024:fz_aflopend_aanbod": running the same batch twice issues nothing twice.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    policy_year: Mapped[int] = mapped_column(Integer)
    milestone: Mapped[str] = mapped_column(String(60))
    #: wachtend, bezig, klaar, mislukt.
    status: Mapped[str] = mapped_column(String(20), default="wachtend")
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    excluded: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The running worker's last sign of life (its claim, then every chunk it commits): a batch
    #: `bezig` without one for BATCH_STALE_SECONDS lost its worker and is taken up again.
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
