"""The receipt of an accepted offer: a one-page PDF that says who accepted which document when.

Written here by hand rather than through LibreOffice (contracts.pdf): a receipt must always be
available and fast, and a page of text lines needs no more than the PDF standard's own fonts.
Helvetica and Courier with WinAnsiEncoding cover Dutch (é, ë) and the euro sign; every string is
written with octal escapes for bytes outside ASCII, so the file is plain ASCII.

The receipt is made from the offer's record each time it is asked for: the same record gives the
same bytes (no creation time in the file), so nothing needs storing.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date

from .documents.context import content
from .formatting import nl_date

#: A4 in points, the left margin, the top line's baseline.
WIDTH, HEIGHT, LEFT, TOP = 595, 842, 56, 780
#: The fonts a line may use (their resource names in the page), and their size and leading.
FONTS = {"title": ("F2", 16, 28), "bold": ("F2", 11, 18), "text": ("F1", 10, 15),
         "code": ("F3", 9, 15)}
BASE_FONTS = {"F1": "Helvetica", "F2": "Helvetica-Bold", "F3": "Courier"}
#: Characters of a line before it wraps (Helvetica 10 pt averages about 5 pt a character).
WRAP = 92


@dataclass(frozen=True)
class Acceptance:
    """What a receipt states: the portal's record of one accepted offer."""

    contract: str
    policy_year: int
    provider: str
    agb: str
    accepted_by: str
    accepted_by_email: str
    #: The simulated day of the acceptance.
    accepted_on: date
    document: str
    version: int
    reference: str
    sha256: str


def receipt_lines(acceptance: Acceptance) -> list[tuple[str, str]]:
    """The receipt's text, as (style, line) pairs (styles of FONTS), in Dutch as the contract is."""
    a = acceptance
    who = f"{a.accepted_by} ({a.accepted_by_email})" if a.accepted_by_email else a.accepted_by
    insurer = content()["insurer"]["name"]
    return [
        ("title", "Ontvangstbewijs van aanvaarding"),
        ("text", f"{insurer} bevestigt dat het onderstaande aanbod in het zorginkoopportaal is "
                 "aanvaard."),
        ("bold", "Aanbod"),
        ("text", f"Overeenkomst: {a.contract} {a.policy_year}"),
        ("text", f"Zorgaanbieder: {a.provider} (AGB-code {a.agb})"),
        ("bold", "Aanvaarding"),
        ("text", f"Aanvaard door: {who}, tekenbevoegde"),
        ("text", f"Aanvaard op: {nl_date(a.accepted_on)}"),
        ("bold", "Aanvaard document"),
        ("text", f"Bestand: {a.document}, versie {a.version}"),
        ("text", f"Kenmerk: {a.reference}"),
        ("text", "Controlegetal (SHA-256):"),
        ("code", a.sha256),
        ("text", "Het controlegetal is de SHA-256 van het Word-document zoals het portaal het "
                 "bewaart. Wie het document heeft, kan het zelf berekenen (bijvoorbeeld met "
                 "sha256sum of Get-FileHash) en vergelijken: is het gelijk, dan is dit het "
                 "aanvaarde document."),
    ]


def receipt_pdf(acceptance: Acceptance) -> bytes:
    """The receipt as a one-page PDF."""
    return pdf_page(receipt_lines(acceptance))


def receipt_filename(acceptance: Acceptance) -> str:
    """The receipt's file name: it names the document it is the receipt of."""
    return f"ontvangstbewijs-{acceptance.reference}.pdf"


def _escaped(text: str) -> str:
    """A PDF string's contents: WinAnsi bytes, with \\, ( and ) escaped and the rest of the
    bytes outside printable ASCII as octal."""
    out = []
    for byte in text.encode("cp1252", errors="replace"):
        char = chr(byte)
        if char in "\\()":
            out.append("\\" + char)
        elif 32 <= byte < 127:
            out.append(char)
        else:
            out.append(f"\\{byte:03o}")
    return "".join(out)


def _content(lines: list[tuple[str, str]]) -> str:
    """The page's content stream: each line at its baseline, long ones wrapped."""
    commands, y = [], TOP
    for style, line in lines:
        font, size, leading = FONTS[style]
        if style == "bold":
            y -= 8  # a heading stands apart from the lines above it
        for part in textwrap.wrap(line, WRAP) if style == "text" else [line]:
            commands.append(f"BT /{font} {size} Tf {LEFT} {y} Td ({_escaped(part)}) Tj ET")
            y -= leading
    return "\n".join(commands) + "\n"


def pdf_page(lines: list[tuple[str, str]]) -> bytes:
    """A one-page A4 PDF of text lines (PDF 1.4: catalogue, pages, page, fonts, content, and the
    cross-reference table that gives each object's byte offset)."""
    stream = _content(lines)
    fonts = " ".join(f"/{name} {n} 0 R" for n, name in enumerate(BASE_FONTS, start=5))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {WIDTH} {HEIGHT}] "
        f"/Resources << /Font << {fonts} >> >> /Contents 4 0 R >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}endstream",
        *(f"<< /Type /Font /Subtype /Type1 /BaseFont /{base} /Encoding /WinAnsiEncoding >>"
          for base in BASE_FONTS.values()),
    ]
    out, offsets = "%PDF-1.4\n", []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n"
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("ascii")
