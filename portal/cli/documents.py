"""`portal documents ...`: render, check and verify contract documents."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from contracts.documents.context import build_context
from contracts.documents.library import TemplateLibrary
from contracts.errors import CaseError
from portal.inputs import loads


@click.group()
def documents():
    """Contract documents from the Word templates in templates/."""


def _facts(path: str) -> object:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise CaseError("--context", f"no such file: {path}") from None
    return loads(data, field="--context")


@documents.command()
@click.option("--contract", required=True, help="Contract slug, e.g. farmaceutische_zorg.")
@click.option("--context", "context_file", required=True, type=click.Path(dir_okay=False),
              help="JSON file with the offer facts (provider.name, provider.agb, provider.city, "
                   "provider.provider_type and policy_year suffice).")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The .docx to write.")
@click.option("--pdf", is_flag=True, help="Also write a PDF next to it (needs LibreOffice).")
@click.option("--store/--no-store", default=True, show_default=True,
              help="Store the rendered version (hash, version, context) in the database.")
@with_appcontext
def render(contract: str, context_file: str, out: str, pdf: bool, store: bool):
    """Render one contract document from its template and the facts of an offer.

    Stored, facts without `created` are dated on the simulated date; with --no-store nothing is
    read from the database, so only the facts date the document. Without `answer_by` (an
    offer's deadline) the document states the date by which the portal would have the provider
    answer an offer made on the `created` date, and with neither, no date.
    """
    facts = _facts(context_file)
    if store:
        from portal.extensions import db
        from portal.operations.documents import issue_document
        row = issue_document(contract, facts, author=getpass.getuser())
        content, label = row.content, f"version {row.version}, sha256 {row.sha256}"
        Path(out).write_bytes(content)  # before the commit: a file not written stores nothing
        db.session.commit()
    else:
        context = build_context(contract, facts)
        _sha, prepared = TemplateLibrary().get(contract)
        content, label = prepared.render(context), "not stored"
        Path(out).write_bytes(content)
    click.echo(f"{out}: {len(content)} bytes, {label}")
    if pdf:
        from contracts.pdf import PdfError, convert_to_pdf, pdf_available
        available, reason = pdf_available()
        if not available:
            raise click.ClickException(reason)
        target = Path(out).with_suffix(".pdf")
        try:
            target.write_bytes(convert_to_pdf(content))
        except PdfError as error:
            raise click.ClickException(error.message) from None
        click.echo(f"{target}: PDF")


@documents.command()
def check():
    """Validate every template: variables, tags split across runs, forbidden constructs."""
    failed = 0
    for contract, problems in TemplateLibrary().check_all().items():
        errors = [p for p in problems if p.severity == "fout"]
        failed += bool(errors)
        click.echo(f"{contract}: {'FOUT' if errors else 'ok'}"
                   f" ({len(errors)} fouten, {len(problems) - len(errors)} waarschuwingen)")
        for problem in problems:
            click.echo(f"  {problem}")
    if failed:
        raise SystemExit(1)


@documents.command()
@with_appcontext
def verify():
    """Recheck the SHA-256 of every stored document version and report mismatches."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import DocumentVersion
    from portal.operations.documents import verify_documents

    total = db.session.scalar(select(func.count()).select_from(DocumentVersion))
    with click.progressbar(length=total, label="Hashes controleren", file=sys.stderr) as bar:
        mismatches = verify_documents(progress=bar.update)
    for row in mismatches:
        click.echo(f"MISMATCH {row.reference} version {row.version} (id {row.id}): stored "
                   f"{row.sha256[:16]}…, content differs")
    click.echo(f"{total} versions checked, {len(mismatches)} mismatches")
    if mismatches:
        raise SystemExit(1)


@documents.command()
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="The .zip to write.")
@click.option("--contract", default=None, help="Only this contract (slug).")
@click.option("--year", "policy_year", type=int, default=None, help="Only this policy year.")
@click.option("--all-versions", is_flag=True, help="Every version, not only the latest of each.")
@with_appcontext
def export(out: str, contract: str | None, policy_year: int | None, all_versions: bool):
    """Export stored documents as a ZIP with a manifest (provider, AGB, contract, version, SHA-256)."""
    from sqlalchemy import func, select

    from contracts.vocabulary import Contract
    from portal.extensions import db
    from portal.models import DocumentVersion
    from portal.operations.documents import export_batch

    if contract is not None and contract not in [c.value for c in Contract]:
        raise CaseError("--contract", f"unknown value {contract!r}", [c.value for c in Contract])
    query = select(DocumentVersion).order_by(DocumentVersion.document_key, DocumentVersion.version)
    if contract:
        query = query.where(DocumentVersion.contract == contract)
    if policy_year:
        query = query.where(DocumentVersion.policy_year == policy_year)
    if not all_versions:
        latest = (select(DocumentVersion.document_key, func.max(DocumentVersion.version).label("v"))
                  .group_by(DocumentVersion.document_key).subquery())
        query = query.join(latest, (latest.c.document_key == DocumentVersion.document_key)
                           & (latest.c.v == DocumentVersion.version))
    target = Path(out)
    temporary = target.with_suffix(target.suffix + ".part")
    try:
        with temporary.open("wb") as handle:
            count = export_batch(db.session.scalars(query), handle)
    except ValueError as error:  # a stored document whose bytes no longer match its hash
        temporary.unlink(missing_ok=True)
        raise click.ClickException(f"{error}; run `portal documents verify`") from None
    temporary.replace(target)  # a reader never sees half a ZIP
    click.echo(f"{out}: {count} documents with manifest.csv")


SAMPLE_PROVIDERS = {
    "farmaceutische_zorg": ("openbare_apotheek", "Apotheek De Linde"),
    "module_zorgprestaties": ("apotheekhoudende_huisarts", "Apotheekhoudende praktijk Het Veen"),
    "spoedzorg": ("zuivere_dienstapotheek", "Dienstapotheek Regio Arnhem"),
    "aanvullende_afspraken": ("poliklinische_apotheek", "Poliklinische apotheek Rijnstate"),
    "dieetpreparaten": ("facilitair_bedrijf", "Dieetservice Nederland B.V."),
    "stoppen_met_roken": ("internetapotheek", "Online Apotheek Zoë & Co"),
}


@documents.command()
@click.option("--out", required=True, type=click.Path(file_okay=False), help="Folder to write to.")
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also PDF, where possible.")
@with_appcontext
def samples(out: str, pdf: bool):
    """Render, store and write one sample document of every contract kind."""
    from contracts.campaign import year_in_force
    from contracts.pdf import PdfError, convert_many, pdf_available
    from portal.extensions import db
    from portal.operations.clock import today
    from portal.operations.documents import issue_document

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    # No offer record: issue_document dates each sample on the simulated date, and it states the
    # date by which the provider would answer an offer made that day; the samples are of the
    # contract year in force on it.
    year = year_in_force(today())
    for index, (contract, (provider_type, name)) in enumerate(SAMPLE_PROVIDERS.items()):
        facts = {"policy_year": year, "provider": {
            "name": name, "agb": f"0{index + 1}234567", "kvk": f"{index + 1}1223344",
            "city": "Arnhem", "address": "Stationsplein 1", "postcode": "6811 KG",
            "provider_type": provider_type, "signatory": "mw. drs. A. de Vries"}}
        rows.append(issue_document(contract, facts, author=getpass.getuser()))
    for row in rows:
        (folder / row.filename).write_bytes(row.content)
        click.echo(f"{folder / row.filename}: version {row.version}, sha256 {row.sha256[:16]}…")
    db.session.commit()  # after the files: a folder that cannot be written stores nothing
    available, reason = pdf_available()
    if pdf and not available:
        click.echo(reason, err=True)
    elif pdf:
        for row, result in zip(rows, convert_many([r.content for r in rows], workers=2), strict=True):
            if isinstance(result, PdfError):
                click.echo(f"{row.filename}: {result.message}", err=True)
            else:
                (folder / row.filename).with_suffix(".pdf").write_bytes(result)
                click.echo(f"{(folder / row.filename).with_suffix('.pdf')}: PDF")
