"""DOCX to PDF through LibreOffice headless, one throw-away profile and process group per conversion.

Why a profile of its own: LibreOffice keeps its user profile (settings, a lock file, a pipe
that a second `soffice` hands its work to) under `-env:UserInstallation`, by default in $HOME.
Two conversions that share a profile do not run side by side: the second one either passes its
document to the first instance and exits at once without output, blocks on the lock, or crashes on
a half-written profile. So every conversion gets a fresh temporary directory holding the input,
the output, the profile and HOME (LibreOffice writes under HOME too), and the directory goes
afterwards, whatever happened. The price is the profile's creation on each run (a second or so).

Why a process group: `soffice` is a launcher. It forks `oosplash`, which starts `soffice.bin`,
which does the work; killing the pid we started leaves the worker running (and holding its
profile). The converter is started in a new session (`start_new_session=True`), so its pid is
also the id of a process group that its descendants inherit. On timeout the whole group gets
SIGKILL, the launcher is reaped, and we wait briefly until no live member of the group is left.
After a normal exit the group is killed as well, so nothing a conversion started outlives it.
The launcher is not reaped before that kill, which keeps the group id ours: a pid (and so a group
id) cannot be reused while its zombie exists. A descendant that starts a session of its own
escapes this; LibreOffice does not do that.
"""
from __future__ import annotations

import os
import select
import shutil
import signal
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Callable, Sequence

#: Environment variable naming the soffice executable to use (a path, or a name looked up on PATH).
ENV_SOFFICE = "ZORGINKOOP_SOFFICE"

_DOCX_INSTEAD = "download het Word-document (DOCX)"


class PdfError(RuntimeError):
    """A conversion failed. `message` is Dutch, for the UI; `str()` is English, for logs and the CLI.

    `detail` is what LibreOffice said (the last line of its stderr), `returncode` its exit status.
    """

    default_message = f"De PDF kon niet worden gemaakt; {_DOCX_INSTEAD}."

    def __init__(self, reason: str, *, detail: str = "", returncode: int | None = None,
                 message: str | None = None):
        self.reason = reason
        self.detail = detail
        self.returncode = returncode
        self.message = message or self.default_message
        super().__init__(str(self))

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else self.reason


class PdfUnavailable(PdfError):
    """No LibreOffice to convert with: PDF is not offered, DOCX is."""


class PdfTimeout(PdfError):
    """The conversion took longer than allowed; LibreOffice and everything it started were killed."""


def soffice_path() -> str | None:
    """The soffice executable: $ZORGINKOOP_SOFFICE when set, else `soffice` or `libreoffice` on PATH.

    A set but unusable $ZORGINKOOP_SOFFICE gives None rather than falling back to PATH: whoever set
    it meant that one, and `pdf_available()` says what is wrong with it.
    """
    configured = os.environ.get(ENV_SOFFICE, "").strip()
    if configured:
        return shutil.which(configured)
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> tuple[bool, str]:
    """(True, "") when PDF can be offered, else (False, a Dutch sentence for the UI saying why)."""
    if soffice_path():
        return True, ""
    configured = os.environ.get(ENV_SOFFICE, "").strip()
    if configured:
        return False, (f"PDF is niet beschikbaar: {ENV_SOFFICE} wijst naar {configured}, maar dat "
                       "is geen uitvoerbaar LibreOffice-programma (soffice) op deze server; "
                       f"{_DOCX_INSTEAD}.")
    return False, ("PDF is niet beschikbaar: LibreOffice (soffice) is niet geïnstalleerd op deze "
                   f"server; {_DOCX_INSTEAD}.")


def _unavailable() -> PdfUnavailable:
    _, reason = pdf_available()
    return PdfUnavailable("LibreOffice (soffice) not found; set ZORGINKOOP_SOFFICE or install it",
                          message=reason or PdfError.default_message)


def convert_to_pdf(docx: bytes, *, timeout: float = 60.0, soffice: str | None = None) -> bytes:
    """The PDF of a Word document, converted by LibreOffice within `timeout` seconds.

    Raises PdfUnavailable without LibreOffice, PdfTimeout when it takes too long (everything it
    started is killed), PdfError when it fails or produces no PDF.
    """
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout!r}")
    soffice = soffice or soffice_path()
    if not soffice:
        raise _unavailable()
    found = shutil.which(soffice)  # absolute: the child starts in its own working directory
    soffice = os.path.abspath(found) if found else soffice
    work = Path(tempfile.mkdtemp(prefix="zorginkoop-pdf-"))
    try:
        return _convert_in(work, bytes(docx), soffice, timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _convert_in(work: Path, docx: bytes, soffice: str, timeout: float) -> bytes:
    source, outdir = work / "document.docx", work / "out"
    profile, home = work / "profile", work / "home"
    for folder in (outdir, profile, home):
        folder.mkdir()
    source.write_bytes(docx)
    # HOME and TMPDIR inside the work directory: whatever LibreOffice writes there goes with it.
    env = dict(os.environ, HOME=str(home), TMPDIR=str(work))
    command = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
               "--nolockcheck", "--convert-to", "pdf", "--outdir", str(outdir), str(source)]
    # Output to files, not pipes: a descendant that kept a pipe open could hang the read.
    with open(work / "stdout", "wb") as stdout, open(work / "stderr", "wb") as stderr:
        try:
            process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=stdout,
                                       stderr=stderr, cwd=work, env=env, start_new_session=True)
        except OSError as error:
            raise PdfError(f"could not start {soffice}", detail=str(error)) from error
        try:
            finished = _wait_unreaped(process, timeout)
        finally:
            _kill_group(process.pid)  # the group id is the leader's pid (new session)
            process.kill()  # in case the group could not be signalled: never wait on a live leader
            returncode = process.wait()
            _await_group_exit(process.pid)
    said = _last_line(work / "stderr") or _last_line(work / "stdout")
    if not finished:
        raise PdfTimeout(f"LibreOffice did not finish within {timeout:g} s and was killed",
                         detail=said, message=(f"De PDF kon niet binnen {timeout:g} seconden "
                                               f"worden gemaakt; {_DOCX_INSTEAD} of probeer het "
                                               "later opnieuw."))
    if returncode != 0:
        raise PdfError(f"LibreOffice exited with status {returncode}", detail=said,
                       returncode=returncode)
    result = outdir / "document.pdf"
    pdf = result.read_bytes() if result.is_file() else b""
    if not pdf:
        raise PdfError("LibreOffice wrote no PDF", detail=said, returncode=returncode)
    if not pdf.startswith(b"%PDF"):
        raise PdfError("LibreOffice wrote something that is not a PDF", detail=said,
                       returncode=returncode)
    return pdf


def _wait_unreaped(process: subprocess.Popen, timeout: float) -> bool:
    """True when the process exited within `timeout`; left a zombie, so its pid stays ours."""
    try:
        fd = os.pidfd_open(process.pid)
    except (AttributeError, OSError):  # not Linux, or a kernel before 5.3
        pass
    else:
        try:
            poller = select.poll()
            poller.register(fd, select.POLLIN)  # readable once the process has exited
            return bool(poller.poll(timeout * 1000))
        finally:
            os.close(fd)
    if hasattr(os, "waitid"):
        deadline = time.monotonic() + timeout
        while os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
        return True
    try:  # where the only wait reaps (macOS), the group kill that follows comes after the reap
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        return False
    return True


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _await_group_exit(pgid: int, grace: float = 2.0) -> None:
    """Wait until no live process of the group is left: SIGKILL takes effect asynchronously."""
    deadline = time.monotonic() + grace
    while _group_alive(pgid) and time.monotonic() < deadline:
        _kill_group(pgid)
        time.sleep(0.01)


def _group_alive(pgid: int) -> bool:
    """Whether a process of the group is still running (zombies, already dead, do not count)."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it exited while we looked
            continue
        # "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 2 and int(fields[2]) == pgid and fields[0] not in "ZX":
            return True
    return False


def _last_line(path: Path) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def convert_many(docs: Sequence[bytes], *, workers: int = 2, timeout: float = 60.0,
                 soffice: str | None = None,
                 progress: Callable[[int, int], object] | None = None) -> list[bytes | PdfError]:
    """The PDFs of many documents, in input order, at most `workers` LibreOffice processes at a time.

    A document that fails gets its PdfError in its slot and the others still convert; a missing
    LibreOffice concerns them all, so it raises PdfUnavailable at once. `progress(done, total)` is
    called in the caller's thread after each document.
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers!r}")
    if timeout <= 0:
        raise ValueError(f"timeout must be positive, got {timeout!r}")
    soffice = soffice or soffice_path()
    if not soffice:
        raise _unavailable()
    results: list[bytes | PdfError | None] = [None] * len(docs)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="soffice") as pool:
        futures = {pool.submit(convert_to_pdf, doc, timeout=timeout, soffice=soffice): index
                   for index, doc in enumerate(docs)}
        for done, future in enumerate(as_completed(futures), start=1):
            try:
                results[futures[future]] = future.result()
            except PdfError as error:
                results[futures[future]] = error
            if progress is not None:
                progress(done, len(docs))
    return results
