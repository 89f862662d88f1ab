"""What an uploaded file is, told by its content, never by its name: one check for every upload
(an application's attachments, a consent request's prescription)."""
from __future__ import annotations

#: How near the end a PDF's end-of-file marker (%%EOF) must stand: writers may put a little after
#: it (a newline, an incremental update's padding).
PDF_TAIL = 2 * 1024


def is_pdf(content: bytes) -> bool:
    """A whole PDF file: it starts with the header and its end-of-file marker is near the end."""
    return content.startswith(b"%PDF-") and b"%%EOF" in content[-PDF_TAIL:]
