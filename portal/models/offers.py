"""Offers and their negotiation rounds, the audit log, notifications and the simulation clock."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .documents import DocumentVersion, simulated_now, utcnow
from .providers import Provider


class Offer(db.Model):
    """What the insurer offers one provider for one contract in one policy year."""

    __tablename__ = "offers"
    __table_args__ = (UniqueConstraint("provider_id", "contract", "policy_year",
                                       name="uq_offers_provider_contract_year"),
                      # The scheduler's scan asks for open offers by deadline window.
                      Index("ix_offers_status_deadline", "status", "deadline"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    contract: Mapped[str] = mapped_column(String(40), index=True)
    policy_year: Mapped[int] = mapped_column(Integer)
    relation: Mapped[str] = mapped_column(String(20))
    #: The policy rule the offer follows (contracts/policies/<year>.yaml).
    rule: Mapped[str] = mapped_column(String(80))
    negotiable: Mapped[bool] = mapped_column(Boolean)
    channel: Mapped[str] = mapped_column(String(20))
    final_channel: Mapped[str] = mapped_column(String(20))
    #: By when the provider must answer (acceptance deadline).
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    #: A slug of contracts.offers.OfferStatus.
    status: Mapped[str] = mapped_column(String(20), index=True, default="concept")
    #: Optimistic lock: every change bumps it, so a stale writer fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))
    batch: Mapped[str | None] = mapped_column(String(80), index=True)
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answered_by: Mapped[str | None] = mapped_column(String(200))

    __mapper_args__ = {"version_id_col": version}

    provider: Mapped[Provider] = relationship()
    document: Mapped[DocumentVersion | None] = relationship()
    rounds: Mapped[list["NegotiationRound"]] = relationship(back_populates="offer",
                                                            order_by="NegotiationRound.number")


#: The offers lists' order (newest year first, then by deadline): their first page is the first
#: rows of this index.
Index("ix_offers_listing", Offer.policy_year.desc(), Offer.deadline, Offer.id)


class OfferTally(db.Model):
    """A change of how many offers one cell holds (a contract year, contract, provider type and
    status): a count is the sum of its cell's rows. Written by the database's triggers and folded
    by `portal.models.tallies.fold`, never written by the portal itself."""

    __tablename__ = "offer_tallies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    policy_year: Mapped[int] = mapped_column(Integer, index=True)
    contract: Mapped[str] = mapped_column(String(40))
    provider_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    count: Mapped[int] = mapped_column(Integer)


class NegotiationRound(db.Model):
    """One message of a negotiation: a counter-proposal or the insurer's answer."""

    __tablename__ = "negotiation_rounds"
    __table_args__ = (UniqueConstraint("offer_id", "number", name="uq_negotiation_rounds_offer_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: "zorgaanbieder" or "vgz".
    party: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    #: Changed tariff lines: [{"code", "amount", "note"}].
    changes: Mapped[list] = mapped_column(JSON, default=list)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("document_versions.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)

    offer: Mapped[Offer] = relationship(back_populates="rounds")


class AuditEntry(db.Model):
    """Who did what to which record, when, from which state to which, and why. Append-only."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now, index=True)
    actor: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str | None] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text, default="")


class Notification(db.Model):
    """A message in a provider's or the managers' inbox (and by e-mail, through the scheduler)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The provider it is for; None: for the contract managers.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    #: A personal message (a password reset link): e-mailed to this user alone and shown in no
    #: inbox. None for the messages of an organisation's or the insurer's inbox.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: Unique per message, so a reminder goes out once across restarts and schedulers.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    #: bericht (a step of an offer or application), herinnering, escalatie, publicatie.
    kind: Mapped[str] = mapped_column(String(20), default="bericht", index=True)
    #: Where in the portal the message leads (a path, e.g. /aanbod/12); the e-mail links to it.
    link: Mapped[str | None] = mapped_column(String(300))
    #: The text as written, in Dutch: what the e-mail says and what a search finds.
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    #: The key of the message's template (portal.operations.messages) and the values of its
    #: placeholders, so that the inbox shows it in the reader's language; None for a message
    #: written as text alone (the inbox shows its subject and body).
    template: Mapped[str | None] = mapped_column(String(60))
    params: Mapped[dict | None] = mapped_column(JSON(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


#: The messages whose e-mail is still to be made, in the order the mail queue claims them
#: (portal.operations.mail._claim): the claim reads these, not every message ever sent, which
#: made the scheduler's scan grow with the inboxes (bench/scale.py: 3.8 ms at 2,500 providers,
#: 20.6 ms at 25,000).
Index("ix_notifications_unqueued", Notification.id,
      postgresql_where=Notification.emailed_at.is_(None),
      sqlite_where=Notification.emailed_at.is_(None))


class SimulationClock(db.Model):
    """The simulated date the whole portal runs on (one row)."""

    __tablename__ = "simulation_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    today: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
