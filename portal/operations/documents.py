"""Every change to stored documents: issuing a version, verifying hashes, exporting a batch.

A document's dates are the portal's: facts that do not say when the document is made are dated
on the simulated clock, never the machine's. The date by which the provider must answer is the
offer's own deadline, which the offer operations pass as the fact `answer_by`.
"""
from __future__ import annotations

import hashlib
import logging
from typing import BinaryIO, Callable, Iterable, Mapping, Sequence

from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from contracts.documents.context import build_context
from contracts.documents.library import TemplateLibrary
from contracts.errors import CaseError
from contracts.vocabulary import Contract
from contracts.export import ExportEntry, safe_filename, write_batch_zip

from ..extensions import db
from ..models import DocumentVersion
from . import clock

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
    facts = _dated(facts)
    for _ in range(attempts):
        key = _key_of(contract, facts)
        version = next_version(key)
        context = _context(contract, facts, key, version, author)
        template_sha, prepared = library().get(contract)
        row = DocumentVersion(**_fields(key, version, contract, context, prepared.render(context),
                                        template_sha, author))
        try:
            with db.session.begin_nested():
                db.session.add(row)
        except IntegrityError:
            log.info("version %s of %s taken by another worker; trying the next", version, key)
            continue
        log.info("issued %s version %s (%s)", key, version, row.sha256[:12])
        return row
    raise RuntimeError(f"could not store a new version of {key} after {attempts} attempts")


def issue_documents(items: Sequence[tuple[str, Mapping]], *, author: str) -> list[int]:
    """Render and store the next version of many documents as issue_document does each; the ids
    of the stored versions, in order. The versions are read in one query and the rows inserted
    in one statement (the bulk issue).

    If another worker took one of the versions meanwhile, the set is stored one by one instead
    (issue_document, which tries the next version).
    """
    if not items:
        return []
    if not all(isinstance(facts, Mapping) and facts.get("created") for _contract, facts in items):
        today = clock.today()  # read once for the set
        items = [(contract, _dated(facts, today)) for contract, facts in items]
    keys = [_key_of(contract, facts) for contract, facts in items]
    latest = dict(db.session.execute(
        select(DocumentVersion.document_key, func.max(DocumentVersion.version))
        .where(DocumentVersion.document_key.in_(set(keys)))
        .group_by(DocumentVersion.document_key)).all())
    rows, templates = [], {}
    for (contract, facts), key in zip(items, keys, strict=False):
        version = latest[key] = (latest.get(key) or 0) + 1  # a key twice: the next version
        context = _context(contract, facts, key, version, author)
        if contract not in templates:  # the set is rendered with the templates of one moment
            templates[contract] = library().get(contract)
        template_sha, prepared = templates[contract]
        rows.append(_fields(key, version, contract, context, prepared.render(context), template_sha,
                            author))
    try:
        with db.session.begin_nested():
            # one INSERT ... RETURNING for all (the ORM's unit of work inserts SQLite rows one
            # by one); the rows come back in any order, so they are matched by key and version
            stored = {(key, version): id_ for id_, key, version in db.session.execute(
                insert(DocumentVersion).returning(DocumentVersion.id, DocumentVersion.document_key,
                                                  DocumentVersion.version), rows)}
    except IntegrityError:
        log.info("a version of %d documents was taken by another worker; storing them one by one",
                 len(rows))
        return [issue_document(contract, facts, author=author).id for contract, facts in items]
    log.info("issued %d documents", len(rows))
    return [stored[row["document_key"], row["version"]] for row in rows]


def _dated(facts: Mapping, today=None) -> Mapping:
    """The facts, made on the simulated date unless they name the date themselves."""
    if not isinstance(facts, Mapping) or facts.get("created"):
        return facts  # bad facts are refused with the field by build_context
    return {**facts, "created": (today or clock.today()).isoformat()}


def _context(contract: str, facts: Mapping, key: str, version: int, author: str) -> dict:
    """The rendering context of one version; CaseError if the facts do not name the key's
    provider and year."""
    context = build_context(contract, {**facts, "version": version, "author": author})
    agb, year = context["provider"]["agb"], context["policy_year"]
    if document_key(context["document"]["contract"], year, agb) != key:  # facts not as given
        raise CaseError("provider.agb", "the facts do not name one provider and year")
    return context


def _fields(key: str, version: int, contract: str, context: dict, content: bytes, template_sha: str,
            author: str) -> dict:
    """The columns of a stored version."""
    agb, year = context["provider"]["agb"], context["policy_year"]
    return dict(
        document_key=key, version=version, contract=context["document"]["contract"],
        policy_year=year, provider_agb=agb, provider_name=context["provider"]["name"],
        reference=context["document"]["reference"],
        filename=safe_filename(context["provider"]["name"], agb, f"{year}_{contract}", version),
        sha256=hashlib.sha256(content).hexdigest(), template_sha256=template_sha,
        size=len(content), content=content, context=context, author=author)


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
