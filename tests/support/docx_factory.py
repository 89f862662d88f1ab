"""Small Word documents made in tests, to put one construct at a time in front of the renderer."""
from __future__ import annotations

import io

import docx


def make_docx(paragraphs=(), *, header=None, footer=None, properties=None, table=None) -> bytes:
    """A .docx; a paragraph given as a list of strings gets one Word run per string."""
    document = docx.Document()
    for paragraph in paragraphs:
        runs = [paragraph] if isinstance(paragraph, str) else paragraph
        p = document.add_paragraph()
        for run in runs:
            p.add_run(run)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    section = document.sections[0]
    if header is not None:
        section.header.paragraphs[0].text = header
    if footer is not None:
        section.footer.paragraphs[0].text = footer
    for key, value in (properties or {}).items():
        setattr(document.core_properties, key, value)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def document_text(content: bytes) -> dict:
    """The text a reader sees: body paragraphs, table cells, headers, footers, properties."""
    document = docx.Document(io.BytesIO(content))
    body = [p.text for p in document.paragraphs]
    for grid in document.tables:
        for row in grid.rows:
            body.append(" | ".join(cell.text for cell in row.cells))
    sections = document.sections
    return {
        "body": body,
        "header": [p.text for s in sections for p in s.header.paragraphs],
        "footer": [p.text for s in sections for p in s.footer.paragraphs],
        "title": document.core_properties.title,
        "subject": document.core_properties.subject,
        "author": document.core_properties.author,
    }
