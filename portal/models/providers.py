"""Providers (zorgaanbieders), their profile scores and the contracts they hold."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Provider(db.Model):
    """A provider organisation, as the AGB register knows it."""

    __tablename__ = "providers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: AGB code: 8 digits, unique.
    agb: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: A slug of contracts.vocabulary.ProviderType.
    provider_type: Mapped[str] = mapped_column(String(40), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), index=True)
    region: Mapped[str] = mapped_column(String(100), default="")
    #: KvK number: 8 digits.
    kvk: Mapped[str] = mapped_column(String(8), default="")
    #: Start date of the AGB code (the dietary-preparations rule looks at it).
    agb_start: Mapped[date | None] = mapped_column(Date)
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    #: The collective that represents the provider for additional agreements, if any.
    collective: Mapped[str | None] = mapped_column(String(200))
    #: Rank by claims in the current year (1 = largest), where the policy treats the largest apart.
    size_rank: Mapped[int | None] = mapped_column(Integer)
    #: The RIZ check gave a contra-indication (minimum requirement of Bijlage 2).
    riz_contra_indication: Mapped[bool] = mapped_column(Boolean, default=False)
    #: State of the improvement agreements of Bijlage 2 (contracts.vocabulary.ImprovementAgreements).
    improvement_agreements: Mapped[str] = mapped_column(String(20), default="geen")
    #: Part of the agenda feed's signed token: renewing the feed link raises it, and every older
    #: link stops working.
    feed_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    scores: Mapped[list["ProfileScore"]] = relationship(back_populates="provider",
                                                        order_by="ProfileScore.year")
    contracts: Mapped[list["ContractHeld"]] = relationship(back_populates="provider")


class ProfileScore(db.Model):
    """A pharmacy's raw profile scores (0-100 per part) in one profile year."""

    __tablename__ = "profile_scores"
    __table_args__ = (UniqueConstraint("provider_id", "year", name="uq_profile_scores_provider_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kwaliteit: Mapped[float] = mapped_column(Float)
    klantbeleving: Mapped[float] = mapped_column(Float)
    kosten: Mapped[float] = mapped_column(Float)

    provider: Mapped[Provider] = relationship(back_populates="scores")

    def raw(self) -> dict[str, float]:
        return {"kwaliteit": self.kwaliteit, "klantbeleving": self.klantbeleving, "kosten": self.kosten}


class DataStamp(db.Model):
    """A value the database changes whenever a kind of data changes (`name`: the table), so
    what is worked out from that data in memory can be kept until it changes
    (portal/models/stamps.py). Written by triggers only."""

    __tablename__ = "data_stamps"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    stamp: Mapped[str] = mapped_column(String(40))


class ContractHeld(db.Model):
    """An agreement a provider holds with the insurer, and its term."""

    __tablename__ = "contracts_held"
    __table_args__ = (UniqueConstraint("provider_id", "contract", "start",
                                       name="uq_contracts_held_provider_contract_start"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id", ondelete="CASCADE"), index=True)
    #: A slug of contracts.vocabulary.Contract.
    contract: Mapped[str] = mapped_column(String(40))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)

    provider: Mapped[Provider] = relationship(back_populates="contracts")
