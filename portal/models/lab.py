"""The policy lab's records: the variants managers write (every saved version kept) and the
comparisons they ask for, run by `portal lab worker` outside the request."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (JSON, Date, DateTime, ForeignKey, Integer, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..extensions import db
from .documents import simulated_now


class PolicyVariant(db.Model):
    """One saved version of a variant of a year's policy: its YAML as written (contracts.variants).
    A variant is its name; saving it again adds a version, the older ones stay readable, and a
    comparison keeps the version it ran."""

    __tablename__ = "policy_variants"
    __table_args__ = (UniqueConstraint("name", "version", name="uq_policy_variants_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer)
    #: The contract year whose policy it changes (its base's, when its base is another variant).
    year: Mapped[int] = mapped_column(Integer)
    #: What it is merged onto: a year ("2024") or another variant's name.
    base: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(200))
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)


class LabRun(db.Model):
    """A comparison a manager asked for: the base year's policy and one version of a variant,
    replayed on copies of the register by `portal lab worker` (wachtend, bezig, klaar, mislukt)."""

    __tablename__ = "lab_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("policy_variants.id"), index=True)
    variant: Mapped[PolicyVariant] = relationship(lazy="joined")
    #: The versions of the variants its variant is based on (name -> version), as they were when
    #: it was asked for: a base saved again later does not change what the run compares.
    bases: Mapped[dict] = mapped_column(JSON, default=dict)
    seed: Mapped[int] = mapped_column(Integer)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="wachtend", index=True)
    #: Days replayed (of both replays together) and all days: the progress page's bar.
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(200))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The worker's last sign of life: a run `bezig` without one for LAB_STALE_SECONDS lost its
    #: worker and is taken up again (a replay starts from its copy, so running it again is safe).
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: contracts.lab.compare's JSON data, once done; read by the report page only.
    comparison: Mapped[dict | None] = deferred(mapped_column(JSON))
