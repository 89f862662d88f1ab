"""Every change to stored documents: issuing a version, verifying hashes, exporting a batch."""
from __future__ import annotations

import hashlib
import logging
from typing import BinaryIO, Callable, Iterable, Mapping

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from contracts.documents.context import build_context
from contracts.documents.library import TemplateLibrary
from contracts.errors import CaseError
from contracts.vocabulary import Contract
from contracts.export import ExportEntry, safe_filename, write_batch_zip

from ..extensions import db
from ..models import DocumentVersion

log = logging.getLogger(__name__)
_library: TemplateLibrary | None = None


def library() -> TemplateLibrary:
    """The process's template library (templates are prepared once per process)."""
    global _library
    if _library is None:
        _library = TemplateLibrary()
    return _library


def document_key(contract: str, policy_year: int, agb: str) -> str:
    return f"{contract}:{policy_year}:{agb}"


def next_version(key: str) -> int:
    current = db.session.scalar(select(func.max(DocumentVersion.version))
                                .where(DocumentVersion.document_key == key))
    return (current or 0) + 1


def _key_of(contract: str, facts: Mapping) -> str:
    """The document key the facts name; bad facts are refused with the field by build_context."""
    try:
        return document_key(str(Contract(contract)), int(facts["policy_year"]),
                            str(facts["provider"]["agb"]).strip())
    except (KeyError, TypeError, ValueError):
        build_context(contract, facts)  # raises the CaseError that names the bad field
        raise CaseError("context", "the facts do not name a provider and a year") from None


def issue_document(contract: str, facts: Mapping, *, author: str, attempts: int = 5) -> DocumentVersion:
    """Render and store the next version of a provider's document for `contract`.

    The version is printed in the document, so it is chosen before rendering; two workers that
    pick the same number collide on the unique key, and the loser renders again with the next.
    """
    for _ in range(attempts):
        key = _key_of(contract, facts)
        version = next_version(key)
        context = build_context(contract, {**facts, "version": version, "author": author})
        agb, year = context["provider"]["agb"], context["policy_year"]
        if document_key(context["document"]["contract"], year, agb) != key:  # facts not as given
            raise CaseError("provider.agb", "the facts do not name one provider and year")
        template_sha, prepared = library().get(contract)
        content = prepared.render(context)
        row = DocumentVersion(
            document_key=key, version=version, contract=context["document"]["contract"],
            policy_year=year, provider_agb=agb, provider_name=context["provider"]["name"],
            reference=context["document"]["reference"],
            filename=safe_filename(context["provider"]["name"], agb, f"{year}_{contract}", version),
            sha256=hashlib.sha256(content).hexdigest(), template_sha256=template_sha,
            size=len(content), content=content, context=context, author=author)
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            log.info("version %s of %s taken by another worker; trying the next", version, key)
            continue
        log.info("issued %s version %s (%s)", key, version, row.sha256[:12])
        return row
    raise RuntimeError(f"could not store a new version of {key} after {attempts} attempts")


def verify_documents(progress: Callable[[int], None] | None = None) -> list[DocumentVersion]:
    """Recheck every stored hash; the versions whose bytes no longer match."""
    mismatches = []
    query = select(DocumentVersion).options().execution_options(yield_per=200)
    for row in db.session.scalars(query):
        if hashlib.sha256(row.content).hexdigest() != row.sha256:
            mismatches.append(row)
        if progress:
            progress(1)
    return mismatches


def export_batch(rows: Iterable[DocumentVersion], out: BinaryIO) -> int:
    """A ZIP of the documents with a manifest (provider, AGB, contract, version, SHA-256)."""
    entries = (ExportEntry(filename=row.filename, content=row.content, provider=row.provider_name,
                           agb=row.provider_agb, contract=row.contract, version=row.version,
                           sha256=row.sha256) for row in rows)
    return write_batch_zip(entries, out)
