"""A batch of contract documents as one ZIP, with a manifest that lets anyone check it afterwards.

The manifest (`manifest.csv`, first in the archive) lists every document once: file name,
provider, AGB code, contract, version and the SHA-256 of the bytes. It is written for Dutch Excel,
which is what the insurer's staff open it with: UTF-8 with a byte-order mark (without it Excel
reads UTF-8 as Windows-1252 and "Zoë" becomes "ZoÃ«"), `;` as the delimiter (Dutch Excel uses the
comma as decimal separator and expects `;` between fields), CRLF line ends, fields quoted by the
csv module where they hold `;`, quotes or line breaks. A text field that Excel would take for a
formula (starting with `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`, as does one that starts
with `'` itself, so `read_manifest` can undo it exactly.

The same batch gives the same bytes: entries keep their order, every member carries the same
fixed timestamp and attributes, and members are stored, not deflated (DOCX and PDF are compressed
already, and stored bytes do not depend on the zlib version).
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass
from typing import BinaryIO, Iterable

#: The manifest's columns: the ExportEntry field and its Dutch header.
COLUMNS = (("filename", "bestand"), ("provider", "zorgaanbieder"), ("agb", "agb"),
           ("contract", "overeenkomst"), ("version", "versie"), ("sha256", "sha256"))
HEADER = [dutch for _, dutch in COLUMNS]
DELIMITER = ";"
#: DOS dates start in 1980; the earliest timestamp a ZIP member can carry.
EPOCH = (1980, 1, 1, 0, 0, 0)
MAX_FILENAME = 120

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_HEX64 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ExportEntry:
    """One document of a batch, with what the manifest says of it."""

    filename: str
    content: bytes
    provider: str
    agb: str
    contract: str
    version: int
    sha256: str

    def __post_init__(self):
        if isinstance(self.version, bool) or not isinstance(self.version, int):
            raise ValueError(f"{self.filename!r}: version must be an integer, got {self.version!r}")
        if self.sha256 != hashlib.sha256(self.content).hexdigest():
            raise ValueError(f"{self.filename!r}: sha256 does not match the content")

    @classmethod
    def of(cls, filename: str, content: bytes, provider: str, agb: str, contract: str,
           version: int) -> ExportEntry:
        """An entry whose sha256 is computed from the content."""
        return cls(filename, content, provider, agb, contract, version,
                   hashlib.sha256(content).hexdigest())


def unsafe_reason(filename: str) -> str | None:
    """Why a name must not go into an archive (it could land outside the folder it is unpacked
    into, or not unpack at all on Windows), or None when it is safe. Forward slashes for folders."""
    if not filename:
        return "empty"
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in filename):
        return "control character"
    if "\\" in filename:
        return "backslash"
    if filename.startswith("/"):
        return "absolute path"
    if ":" in filename:
        return "colon (a drive letter on Windows)"
    if any(part in ("", ".", "..") for part in filename.split("/")):
        return "empty, '.' or '..' path component"
    return None


def _check_names(entries: list[ExportEntry], manifest_name: str) -> None:
    # Case-insensitive: on Windows and macOS "A.docx" and "a.docx" unpack onto one file.
    seen = {manifest_name.casefold(): manifest_name}
    for entry in entries:
        reason = unsafe_reason(entry.filename)
        if reason:
            raise ValueError(f"unsafe file name {entry.filename!r}: {reason}")
        key = entry.filename.casefold()
        if key in seen:
            clash = f" (clashes with {seen[key]!r})" if seen[key] != entry.filename else ""
            raise ValueError(f"duplicate file name {entry.filename!r}{clash}")
        seen[key] = entry.filename


def write_batch_zip(entries: Iterable[ExportEntry], out: BinaryIO, *,
                    manifest_name: str = "manifest.csv",
                    date_time: tuple[int, int, int, int, int, int] = EPOCH) -> int:
    """Write the documents and their manifest as a ZIP to `out`; returns the number of documents.

    Every name is checked before anything is written: an unsafe or duplicate file name raises
    ValueError naming it, and `out` is left untouched.
    """
    entries = list(entries)
    if unsafe_reason(manifest_name):
        raise ValueError(f"unsafe manifest name {manifest_name!r}: {unsafe_reason(manifest_name)}")
    _check_names(entries, manifest_name)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr(_member(manifest_name, date_time), manifest_bytes(entries))
        for entry in entries:
            archive.writestr(_member(entry.filename, date_time), entry.content)
    return len(entries)


def _member(name: str, date_time) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=date_time)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3  # Unix, whatever platform writes it, so the bytes do not depend on it
    info.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
    return info


def _excel_safe(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _from_excel_safe(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA_START) else value


def manifest_bytes(entries: Iterable[ExportEntry]) -> bytes:
    """The manifest CSV of the entries, as it goes into the archive."""
    text = io.StringIO(newline="")
    writer = csv.writer(text, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(HEADER)
    for entry in entries:
        writer.writerow([_excel_safe(entry.filename), _excel_safe(entry.provider),
                         _excel_safe(entry.agb), _excel_safe(entry.contract),
                         str(entry.version), entry.sha256])
    return text.getvalue().encode("utf-8-sig")


def _open(zip_file) -> tuple[zipfile.ZipFile, bool]:
    if isinstance(zip_file, zipfile.ZipFile):
        return zip_file, False
    return zipfile.ZipFile(zip_file), True


def read_manifest(zip_file, *, manifest_name: str = "manifest.csv") -> list[dict]:
    """The manifest's rows as dicts keyed by ExportEntry's field names (`version` an int).

    `zip_file` is a path, a binary file or a ZipFile. Raises KeyError when there is no manifest and
    ValueError when it is not one this module writes.
    """
    archive, close = _open(zip_file)
    try:
        raw = archive.read(manifest_name)
    finally:
        if close:
            archive.close()
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=DELIMITER)
    header = next(reader, None)
    if header != HEADER:
        raise ValueError(f"{manifest_name}: header is {header!r}, expected {HEADER!r}")
    rows = []
    for line, values in enumerate(reader, start=2):
        if len(values) != len(COLUMNS):
            raise ValueError(f"{manifest_name} record {line}: {len(values)} fields, "
                             f"expected {len(COLUMNS)}")
        row = {field: _from_excel_safe(value) for (field, _), value in zip(COLUMNS, values, strict=False)}
        try:
            row["version"] = int(values[4])
        except ValueError:
            raise ValueError(f"{manifest_name} record {line}: version {values[4]!r} is not a "
                             "number") from None
        row["sha256"] = values[5]
        rows.append(row)
    return rows


def verify_zip(zip_file, *, manifest_name: str = "manifest.csv") -> list[str]:
    """What is wrong with an exported batch, checked against its manifest; empty when all is well.

    Finds documents missing from the archive, files the manifest does not list, names listed or
    stored twice, unsafe names, and contents whose SHA-256 is not the manifest's.
    """
    archive, close = _open(zip_file)
    try:
        try:
            rows = read_manifest(archive, manifest_name=manifest_name)
        except KeyError:
            return [f"{manifest_name} is missing"]
        except (ValueError, UnicodeDecodeError) as error:
            return [f"{manifest_name} cannot be read: {error}"]
        problems = []
        members = [info.filename for info in archive.infolist() if not info.is_dir()]
        stored = set(members)
        for name in sorted(n for n, times in Counter(members).items() if times > 1):
            problems.append(f"{name}: stored more than once")
        listed = set()
        for row in rows:
            name = row["filename"]
            if name in listed:
                problems.append(f"{name}: listed more than once in {manifest_name}")
                continue
            listed.add(name)
            if unsafe_reason(name):
                problems.append(f"{name!r}: unsafe file name ({unsafe_reason(name)})")
            if name not in stored:
                problems.append(f"{name}: listed in {manifest_name} but missing")
                continue
            if not _HEX64.fullmatch(row["sha256"]):
                problems.append(f"{name}: {manifest_name} gives no valid sha256 ({row['sha256']!r})")
                continue
            try:
                actual = hashlib.sha256(archive.read(name)).hexdigest()
            except (zipfile.BadZipFile, OSError) as error:  # e.g. a CRC error
                problems.append(f"{name}: cannot be read ({error})")
                continue
            if actual != row["sha256"]:
                problems.append(f"{name}: sha256 is {actual}, {manifest_name} says {row['sha256']}")
        for name in sorted(stored - listed - {manifest_name}):
            problems.append(f"{name}: not listed in {manifest_name}")
        return problems
    finally:
        if close:
            archive.close()


# Letters NFKD does not take apart into a base letter and an accent.
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ß": "ss",
                       "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th",
                       "Þ": "TH", "ı": "i", "&": " en "})


def ascii_slug(text: str, keep: str = "") -> str:
    """Lower-case ASCII letters and digits (and the characters in `keep`), other runs as one `-`.

    "Apotheek Zoë & Søren" -> "apotheek-zoe-en-soren".
    """
    folded = unicodedata.normalize("NFKD", str(text).translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(rf"[^a-z0-9{re.escape(keep)}]+", "-", ascii_text).strip("-")


def safe_filename(provider_name: str, agb: str, contract: str, version: int, *,
                  year: int | None = None, extension: str = "docx") -> str:
    """A file name for a contract document that is safe everywhere: ASCII, no spaces or slashes,
    at most 120 characters (the provider's name is shortened to fit).

    >>> safe_filename("Apotheek De Linde", "12345678", "farmaceutische_zorg", 1, year=2024)
    '2024_farmaceutische_zorg_12345678_apotheek-de-linde_v1.docx'
    """
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"version must be a positive integer, got {version!r}")
    head = [str(year)] if year is not None else []
    head += [ascii_slug(contract, keep="_") or "document", ascii_slug(agb) or "geen-agb"]
    tail = f"_v{version}.{ascii_slug(extension) or 'docx'}"
    room = MAX_FILENAME - len("_".join(head)) - 1 - len(tail)
    if room < 1:
        raise ValueError(f"contract {contract!r} and AGB {agb!r} leave no room for a name within "
                         f"{MAX_FILENAME} characters")
    provider = ascii_slug(provider_name) or "zorgaanbieder"
    if len(provider) > room:
        provider = provider[:room].rstrip("-")
    return "_".join(head + [provider]) + tail
