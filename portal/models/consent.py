"""Consent and authorisation requests for import medicines (seed 000) and the advisor's decision."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from contracts.consent import OPEN, reference
from contracts.formatting import nl_date

from ..extensions import db
from .documents import simulated_now
from .providers import Provider


class ConsentRequest(db.Model):
    """A pharmacy's request for consent (a medicine in the G-Standaard) or authorisation (one
    not in it) for one insured, with its substantiation and prescription, and the answer."""

    __tablename__ = "consent_requests"
    __table_args__ = (
        # The advisors' queue and the scheduler's scan ask for open requests by answer date.
        Index("ix_consent_requests_status_answer_due", "status", "answer_due"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The pharmacy that asks.
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    #: toestemming or machtiging (contracts.consent.Kind).
    kind: Mapped[str] = mapped_column(String(20))
    #: The medicine: active substance, brand name.
    substance: Mapped[str] = mapped_column(String(200))
    brand: Mapped[str] = mapped_column(String(200), default="")
    #: Z-index number (8 digits) of a medicine in the G-Standaard; None for a machtiging.
    zindex_number: Mapped[str | None] = mapped_column(String(8))
    #: f_met_voorwaarde or n for a toestemming; None for a machtiging.
    gstandaard_status: Mapped[str | None] = mapped_column(String(20))
    #: Who imports the medicine (a machtiging; the claim's comment record names it).
    importer: Mapped[str | None] = mapped_column(String(200))
    #: The rare condition the medicine is for.
    indication: Mapped[str] = mapped_column(String(300))
    #: The insured, pseudonymously: initials and date of birth, and the pharmacy's own reference.
    #: Never a BSN (see the README).
    insured_initials: Mapped[str] = mapped_column(String(20))
    insured_birth_date: Mapped[date] = mapped_column(Date)
    patient_reference: Mapped[str] = mapped_column(String(40), default="")
    prescriber: Mapped[str] = mapped_column(String(200))
    prescriber_agb: Mapped[str] = mapped_column(String(8), default="")
    #: Why there is entitlement: rational pharmacotherapy at a condition of at most 1 in N.
    substantiation: Mapped[str] = mapped_column(Text)
    rational_pharmacotherapy: Mapped[bool] = mapped_column(Boolean, default=False)
    prevalence_one_in: Mapped[int] = mapped_column(Integer)
    #: The IGJ's permission to import for this patient, where known.
    igj_reference: Mapped[str] = mapped_column(String(100), default="")
    #: The prescription: a PDF or image, checked by content and size.
    prescription_filename: Mapped[str] = mapped_column(String(200))
    prescription_type: Mapped[str] = mapped_column(String(50))
    prescription_size: Mapped[int] = mapped_column(Integer)
    prescription_sha256: Mapped[str] = mapped_column(String(64))
    prescription: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    #: The simulated date of submission, and who submitted.
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_by: Mapped[str] = mapped_column(String(200))
    #: By when the insurer answers (contracts.consent.answer_due).
    answer_due: Mapped[date] = mapped_column(Date, index=True)
    #: ingediend, in_behandeling, verleend, geweigerd, ingetrokken (contracts.consent.Status).
    status: Mapped[str] = mapped_column(String(20), index=True, default="ingediend")
    #: The advisor who took the request into handling.
    handled_by: Mapped[str | None] = mapped_column(String(200))
    #: The decision's (or the withdrawal's) reason, who and when.
    reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: A grant may hold until a date (a course of treatment); None: no end set.
    valid_until: Mapped[date | None] = mapped_column(Date)
    #: Optimistic lock: every change bumps it, so a stale writer fails instead of overwriting.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=simulated_now)

    __mapper_args__ = {"version_id_col": version}

    provider: Mapped[Provider] = relationship()

    @property
    def reference(self) -> str:
        """The request's number as both sides quote it: TM-000012 or MA-000012."""
        return reference(self.kind, self.id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def insured(self) -> str:
        """The insured as the pages show them: initials and date of birth (dd-mm-yyyy)."""
        return f"{self.insured_initials} ({nl_date(self.insured_birth_date)})"
