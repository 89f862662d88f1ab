"""The product register and medicine shortages (seed 004): products with their preference
periods, shortages, and every version of a shortage notice with its designated alternatives."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String,
                        Text, UniqueConstraint, text)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from contracts import shortages as domain

from ..extensions import db
from .documents import simulated_now


class Product(db.Model):
    """One article of a group of interchangeable medicines, as the G-Standaard lists it."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Z-index number (ZI-nummer): 8 digits, unique.
    zindex: Mapped[str] = mapped_column(String(8), unique=True)
    #: The name a patient and a pharmacy know, with strength, form and supplier.
    name: Mapped[str] = mapped_column(String(200))
    #: The public page's address (/tekorten/<slug>).
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    #: The active substance and strength, as patients search for it ("omeprazol 20 mg").
    substance: Mapped[str] = mapped_column(String(200), index=True)
    #: The group of interchangeable medicines (ATC code, strength, form): its members replace
    #: each other under the preference policy.
    group_code: Mapped[str] = mapped_column(String(60), index=True)
    supplier: Mapped[str] = mapped_column(String(200), default="")
    #: Pharmacy purchase price (AIP) per package, in euros.
    aip: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    #: An import medicine under an exemption (a TT-artikel with a Vrijstellingsbesluit).
    import_exemption: Mapped[bool] = mapped_column(Boolean, default=False)

    preferences: Mapped[list["ProductPreference"]] = relationship(
        back_populates="product", order_by="ProductPreference.valid_from", lazy="selectin")

    def as_domain(self) -> domain.Product:
        return domain.Product(
            id=self.id, zindex=self.zindex, name=self.name, group=self.group_code, aip=self.aip,
            preferred_periods=tuple((p.valid_from, p.valid_until) for p in self.preferences),
            import_exemption=self.import_exemption, slug=self.slug)


class ProductPreference(db.Model):
    """A period in which the insurer has the product as its preferred product."""

    __tablename__ = "product_preferences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"),
                                            index=True)
    valid_from: Mapped[date] = mapped_column(Date)
    #: The last day; None: until further notice.
    valid_until: Mapped[date | None] = mapped_column(Date)

    product: Mapped[Product] = relationship(back_populates="preferences")


class Shortage(db.Model):
    """A shortage of one product, as the insurer announces it; its versions say what was
    announced when. The columns here repeat the current version, for lists and searches."""

    __tablename__ = "shortages"
    #: One open shortage per product, also when two managers register one at the same moment.
    __table_args__ = (Index("uq_shortages_open_product", "product_id", unique=True,
                            sqlite_where=text(f"state != '{domain.RESOLVED}'"),
                            postgresql_where=text(f"state != '{domain.RESOLVED}'")),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    #: The current version's state (a slug of contracts/policies/shortages.yaml `definitions`).
    state: Mapped[str] = mapped_column(String(20), index=True)
    #: The number of the current version; a change names the one it saw (a stale one is refused).
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    started_on: Mapped[date] = mapped_column(Date)
    expected_end: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)

    product: Mapped[Product] = relationship(lazy="joined", innerjoin=True)
    versions: Mapped[list["ShortageVersion"]] = relationship(
        back_populates="shortage", order_by="ShortageVersion.number")

    @property
    def active(self) -> bool:
        return self.state != domain.RESOLVED


class ShortageVersion(db.Model):
    """One version of a shortage notice: everything the insurer said, from `effective_on` on.
    Versions are only ever added; together they are the shortage's history."""

    __tablename__ = "shortage_versions"
    __table_args__ = (UniqueConstraint("shortage_id", "number",
                                       name="uq_shortage_versions_shortage_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    shortage_id: Mapped[int] = mapped_column(ForeignKey("shortages.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[int] = mapped_column(Integer)
    #: The simulated day the version was registered and took effect.
    effective_on: Mapped[date] = mapped_column(Date, index=True)
    #: registreren, wijzigen or beeindigen.
    action: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    #: The party on whose word the state is declared (shortages.yaml `declarers`).
    reported_by: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date] = mapped_column(Date)
    expected_end: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    #: The product drops out of the preference policy because of the supply problems.
    drops_out: Mapped[bool] = mapped_column(Boolean, default=False)
    temporary_preferred_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    #: The adjusted price-determining article (LPG-prijsbepalend artikel).
    price_article_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    #: Products that lost their preferred status with this version are reimbursed until then.
    sellout_until: Mapped[date | None] = mapped_column(Date)
    #: The insurer's explanation to the pharmacies, and what patients read on the public page.
    note: Mapped[str] = mapped_column(Text, default="")
    patient_note: Mapped[str] = mapped_column(Text, default="")
    #: The fields changed against the version before (contracts.shortages.NOTICE_FIELDS).
    changes: Mapped[list] = mapped_column(JSON, default=list)
    #: How many pharmacies were sent the notice of this version.
    notified: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)

    shortage: Mapped[Shortage] = relationship(back_populates="versions")
    temporary_preferred: Mapped[Product | None] = relationship(
        foreign_keys=[temporary_preferred_id], lazy="selectin")
    price_article: Mapped[Product | None] = relationship(foreign_keys=[price_article_id],
                                                         lazy="selectin")
    alternatives: Mapped[list["ShortageAlternative"]] = relationship(
        order_by="ShortageAlternative.position", cascade="all, delete-orphan", lazy="selectin")

    def as_domain(self, product_id: int) -> domain.Version:
        return domain.Version(
            shortage_id=self.shortage_id, number=self.number, product_id=product_id,
            effective_on=self.effective_on, action=self.action, state=self.state,
            reported_by=self.reported_by, started_on=self.started_on,
            expected_end=self.expected_end, ended_on=self.ended_on, drops_out=self.drops_out,
            temporary_preferred_id=self.temporary_preferred_id,
            alternative_ids=tuple(a.product_id for a in self.alternatives),
            price_article_id=self.price_article_id, sellout_until=self.sellout_until,
            note=self.note or "", patient_note=self.patient_note or "")


class ShortageAlternative(db.Model):
    """A product the insurer designates as an alternative in one version of a notice."""

    __tablename__ = "shortage_alternatives"

    version_id: Mapped[int] = mapped_column(
        ForeignKey("shortage_versions.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship(lazy="selectin")
