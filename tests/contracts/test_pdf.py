"""DOCX to PDF: timeouts kill everything LibreOffice started, failures say why, conversions never share
a profile. Fake `soffice` executables (tests/support/fake_soffice.py) stand in for LibreOffice;
the tests at the end convert with the real one when it is installed (CI requires it)."""
from __future__ import annotations

import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from contracts.pdf import (ENV_SOFFICE, PdfError, PdfTimeout, PdfUnavailable, convert_many,
                           convert_to_pdf, pdf_available, soffice_path)

FAKE = Path(__file__).parents[1] / "support" / "fake_soffice.py"
REAL_TIMEOUT = 120.0  # per conversion; a real one takes a few seconds


@pytest.fixture
def fake(tmp_path) -> str:
    """An executable `soffice` in tmp_path that runs the fake with this interpreter (exec: same pid)."""
    wrapper = tmp_path / "bin" / "soffice"
    wrapper.parent.mkdir()
    python, script = shlex.quote(sys.executable), shlex.quote(str(FAKE))
    wrapper.write_text(f'#!/bin/sh\nexec {python} {script} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (a zombie is dead, merely not yet reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat[stat.rfind(")") + 2] not in "ZX"


def test_a_hung_conversion_is_killed_with_everything_it_started(fake, tmp_path):
    pidfile = tmp_path / "pids"
    started = time.monotonic()
    with pytest.raises(PdfTimeout) as caught:
        convert_to_pdf(f"hang {pidfile}".encode(), timeout=1, soffice=fake)
    assert time.monotonic() - started < 5
    leader, child, workdir = pidfile.read_text().split(" ", 2)
    assert int(leader) != int(child)
    assert not running(int(leader)) and not running(int(child))
    with pytest.raises(ProcessLookupError):
        os.kill(int(leader), 0)  # our own child: killed and reaped, not left a zombie
    assert not Path(workdir).exists()
    assert "1 seconden" in caught.value.message and "DOCX" in caught.value.message
    assert "did not finish within 1 s" in str(caught.value)


def test_a_failing_conversion_reports_the_last_line_of_stderr(fake):
    with pytest.raises(PdfError) as caught:
        convert_to_pdf(b"fail Error: source file could not be loaded (kapot.docx)", soffice=fake)
    error = caught.value
    assert type(error) is PdfError and error.returncode == 1
    assert error.detail == "Error: source file could not be loaded (kapot.docx)"
    assert str(error) == ("LibreOffice exited with status 1: "
                          "Error: source file could not be loaded (kapot.docx)")
    assert error.message.startswith("De PDF kon niet worden gemaakt")


def test_success_without_a_pdf_is_an_error(fake):
    with pytest.raises(PdfError) as caught:
        convert_to_pdf(b"nofile", soffice=fake)
    assert type(caught.value) is PdfError and caught.value.returncode == 0
    assert str(caught.value) == "LibreOffice wrote no PDF: Error: source file could not be loaded"


def test_output_that_is_not_a_pdf_is_an_error(fake):
    with pytest.raises(PdfError, match="not a PDF"):
        convert_to_pdf(b"notpdf", soffice=fake)


def test_an_executable_that_cannot_start_is_an_error(tmp_path):
    not_executable = tmp_path / "soffice"
    not_executable.write_text("#!/bin/sh\n")  # no x bit
    with pytest.raises(PdfError, match="could not start"):
        convert_to_pdf(b"x", soffice=str(not_executable))


def test_each_conversion_has_its_own_profile_home_and_session(fake, tmp_path):
    records = []
    for n in range(2):
        record = tmp_path / f"record{n}.json"
        document = f"record {record}\nZoë".encode()
        assert convert_to_pdf(document, soffice=fake) == b"%PDF-1.4\n" + document
        records.append(json.loads(record.read_text()))
    profiles = set()
    for seen in records:
        argv, work = seen["argv"], Path(seen["cwd"])
        assert {"--headless", "--norestore", "--nolockcheck"} <= set(argv)
        assert argv[argv.index("--convert-to") + 1] == "pdf"
        assert Path(argv[argv.index("--outdir") + 1]).parent == work
        assert Path(argv[-1]).parent == work and argv[-1].endswith(".docx")
        [profile] = [a.split("=", 1)[1] for a in argv if a.startswith("-env:UserInstallation=")]
        assert profile.startswith("file:///")
        assert Path(unquote(urlparse(profile).path)).parent == work
        profiles.add(profile)
        assert Path(seen["home"]).parent == work and seen["tmpdir"] == str(work)
        assert seen["pid"] == seen["pgid"] == seen["sid"]  # leads its own session and group
        assert not work.exists()  # removed afterwards
    assert len(profiles) == 2


def test_convert_many_keeps_order_and_a_failure_stays_in_its_slot(fake):
    docs = [b"eerste", b"fail kapot", b"derde", b"nofile", b"vijfde"]
    calls = []
    results = convert_many(docs, workers=2, soffice=fake, progress=lambda d, t: calls.append((d, t)))
    assert results[0] == b"%PDF-1.4\neerste"
    assert isinstance(results[1], PdfError) and results[1].detail == "kapot"
    assert results[2] == b"%PDF-1.4\nderde"
    assert isinstance(results[3], PdfError) and "no PDF" in str(results[3])
    assert results[4] == b"%PDF-1.4\nvijfde"
    assert calls == [(n, 5) for n in range(1, 6)]
    assert convert_many([], soffice=fake) == []


def test_convert_many_runs_at_most_workers_conversions_at_once(fake, tmp_path):
    records = [tmp_path / f"r{n}.json" for n in range(5)]
    results = convert_many([f"record {r} 0.4".encode() for r in records], workers=2, soffice=fake)
    assert all(isinstance(r, bytes) for r in results)
    spans = [(s["started"], s["ended"]) for s in (json.loads(r.read_text()) for r in records)]
    most = max(sum(1 for a, b in spans if a <= start < b) for start, _ in spans)
    assert most == 2


def test_without_libreoffice_pdf_is_not_offered_and_says_why(tmp_path, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setenv(ENV_SOFFICE, str(tmp_path / "nergens" / "soffice"))
    assert soffice_path() is None
    available, reason = pdf_available()
    assert available is False
    assert reason.startswith("PDF is niet beschikbaar:") and "nergens" in reason
    assert "LibreOffice" in reason and "DOCX" in reason

    monkeypatch.delenv(ENV_SOFFICE)
    assert soffice_path() is None
    available, reason = pdf_available()
    assert (available, reason) == (False, "PDF is niet beschikbaar: LibreOffice (soffice) is niet "
                                          "geïnstalleerd op deze server; download het "
                                          "Word-document (DOCX).")
    with pytest.raises(PdfUnavailable) as caught:
        convert_to_pdf(b"x")
    assert caught.value.message == reason and "not found" in str(caught.value)
    with pytest.raises(PdfUnavailable):
        convert_many([b"x", b"y"])


def test_the_configured_soffice_is_used(fake, monkeypatch):
    monkeypatch.setenv(ENV_SOFFICE, fake)
    assert soffice_path() == fake and pdf_available() == (True, "")
    assert convert_to_pdf(b"via env") == b"%PDF-1.4\nvia env"


# -- the real LibreOffice -----------------------------------------------------------------------

def required(what: str, why: str):
    """Skip, or fail where CI says LibreOffice must be there (REQUIRE_LIBREOFFICE=1)."""
    if os.environ.get("REQUIRE_LIBREOFFICE") == "1":
        pytest.fail(f"{what} is required here (REQUIRE_LIBREOFFICE=1): {why}")
    pytest.skip(f"{what}: {why}")


@pytest.fixture(scope="module")
def real_soffice() -> str:
    return soffice_path() or required("LibreOffice (soffice)", pdf_available()[1])


def word_document(title: str, *lines: str) -> bytes:
    import docx  # python-docx, a dependency of docxtpl

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(lines[0], level=1)
    for line in lines[1:]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def pdf_titles(pdf: bytes) -> list[str]:
    """The /Title strings of a LibreOffice PDF (document info and outline), UTF-16 hex decoded."""
    found = re.findall(rb"/Title\s*<([0-9A-F]+)>", pdf)
    return [bytes.fromhex(h.decode()).decode("utf-16") for h in found]


HEADING, NAMES = "Overeenkomst Farmaceutische zorg", "Zoë & Søren <test>"


@pytest.fixture(scope="module")
def real_pdf(real_soffice) -> bytes:
    document = word_document(NAMES, HEADING, NAMES)
    return convert_to_pdf(document, timeout=REAL_TIMEOUT, soffice=real_soffice)


def test_real_conversion_gives_a_pdf_of_the_document(real_pdf):
    assert real_pdf.startswith(b"%PDF-")
    assert real_pdf.rstrip().endswith(b"%%EOF")
    titles = pdf_titles(real_pdf)
    assert NAMES in titles and HEADING in titles  # the document title and the heading's bookmark


def test_real_pdf_holds_the_text(real_pdf, tmp_path):
    if not shutil.which("pdftotext"):
        required("pdftotext (poppler-utils)", "not installed")
    (tmp_path / "out.pdf").write_bytes(real_pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(tmp_path / "out.pdf"), "-"],
                          capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
    assert HEADING in text and NAMES in text


def test_real_convert_many_gives_each_pdf_in_its_place(real_soffice):
    titles = [f"Document {n}" for n in range(1, 4)]
    docs = [word_document(title, HEADING, f"{title}: {NAMES}") for title in titles]
    results = convert_many(docs, workers=2, timeout=REAL_TIMEOUT, soffice=real_soffice)
    assert len(results) == 3
    for title, pdf in zip(titles, results, strict=False):
        assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF-")
        assert title in pdf_titles(pdf)
