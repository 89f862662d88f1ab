"""The receipt of an acceptance: a valid one-page PDF whose text states who accepted which
document when, in Dutch characters, the same bytes for the same record."""
from __future__ import annotations

import re
from datetime import date

from contracts.receipt import Acceptance, receipt_filename, receipt_pdf

ACCEPTANCE = Acceptance(
    contract="Overeenkomst Farmaceutische zorg", policy_year=2024,
    provider="Apotheek Café (Noord) \\ Zuid", agb="01234567", accepted_by="Eés Ëlberts",
    accepted_by_email="ees@cafe.example", accepted_on=date(2023, 10, 16),
    document="farmaceutische_zorg_2024_01234567_v2.docx", version=2,
    reference="FZ-2024-01234567-v2-0a1b2c3d4e", sha256="0123456789abcdef" * 4)

#: A string shown by a text operator: (...) Tj, escapes kept for the decoder.
SHOWN = re.compile(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", re.DOTALL)
ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.DOTALL)
SIMPLE_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    def one(match):
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8)])
        return SIMPLE_ESCAPES.get(code, code)
    return ESCAPE.sub(one, raw)


def pdf_text(data: bytes) -> list[str]:
    """The text lines of a PDF whose content streams are uncompressed, as the PDF reference
    reads string literals (escapes, octal codes) in WinAnsiEncoding."""
    lines = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        lines += [_unescape(raw).decode("cp1252") for raw in SHOWN.findall(stream)]
    return lines


def test_the_receipt_is_a_pdf_whose_cross_reference_table_is_right():
    data = receipt_pdf(ACCEPTANCE)
    assert data.startswith(b"%PDF-1.") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    assert data[start:].startswith(b"xref")
    table = re.match(rb"xref\s+0 (\d+)\s+((?:\d{10} \d{5} [fn]\s*)+)", data[start:])
    count, rows = int(table.group(1)), table.group(2).split(b"\n")
    offsets = [int(row[:10]) for row in rows if row.strip().endswith(b"n")]
    assert len(offsets) == count - 1
    for number, offset in enumerate(offsets, start=1):  # each entry points at its object
        assert data[offset:].startswith(f"{number} 0 obj".encode())
    length = int(re.search(rb"/Length (\d+)", data).group(1))
    body = re.search(rb"stream\n(.*?)endstream", data, re.DOTALL).group(1)
    assert len(body) == length
    assert data.count(b"/Type /Page ") == 1 and b"/WinAnsiEncoding" in data


def test_the_receipt_states_who_accepted_what_and_when():
    text = "\n".join(pdf_text(receipt_pdf(ACCEPTANCE)))
    assert "Ontvangstbewijs" in text
    assert "Eés Ëlberts" in text and "ees@cafe.example" in text
    assert "16-10-2023" in text
    assert "FZ-2024-01234567-v2-0a1b2c3d4e" in text
    assert "0123456789abcdef" * 4 in text
    assert "Apotheek Café (Noord) \\ Zuid" in text and "01234567" in text
    assert "Overeenkomst Farmaceutische zorg 2024" in text
    assert "Coöperatie VGZ U.A." in text  # the insurer that confirms it


def test_the_file_is_plain_ascii_with_dutch_letters_escaped():
    data = receipt_pdf(ACCEPTANCE)
    data.decode("ascii")  # nothing outside ASCII: é and ë are written as octal codes
    assert b"\\351" in data and b"\\(Noord\\)" in data and b"\\\\ Zuid" in data


def test_the_euro_sign_is_written_in_winansi():
    with_euro = Acceptance(**{**ACCEPTANCE.__dict__, "provider": "Apotheek € 1"})
    assert "Apotheek € 1" in "\n".join(pdf_text(receipt_pdf(with_euro)))


def test_the_same_record_gives_the_same_bytes():
    assert receipt_pdf(ACCEPTANCE) == receipt_pdf(Acceptance(**ACCEPTANCE.__dict__))
    later = Acceptance(**{**ACCEPTANCE.__dict__, "accepted_on": date(2023, 10, 17)})
    assert receipt_pdf(later) != receipt_pdf(ACCEPTANCE)


def test_long_lines_wrap_within_the_page():
    long = Acceptance(**{**ACCEPTANCE.__dict__, "provider": "Apotheek " + "Heel Lang " * 20})
    data = receipt_pdf(long)
    positions = [int(x) for x in re.findall(rb"Tf (\d+) \d+ Td", data)]
    assert set(positions) == {56}  # every line starts at the margin ...
    shown = pdf_text(data)
    assert max(len(line) for line in shown) <= 100  # ... and none runs off an A4 page
    assert " ".join(shown).count("Heel Lang") == 20  # nothing lost in the wrapping


def test_the_file_name_names_the_document_reference():
    assert receipt_filename(ACCEPTANCE) == "ontvangstbewijs-FZ-2024-01234567-v2-0a1b2c3d4e.pdf"
