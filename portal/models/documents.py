"""Stored contract documents: every rendered version, with its hash and what it was made from."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


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
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def intact(self) -> bool:
        """Whether the stored bytes still have the stored hash."""
        return hashlib.sha256(self.content).hexdigest() == self.sha256
