"""Batch export: the ZIP holds each document once, its manifest says exactly what is in it (and
survives any provider name), bad names are refused, the bytes are reproducible, and
`verify_zip` notices a changed byte or a missing file."""
from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from contracts.export import (EPOCH, ExportEntry, read_manifest, safe_filename, unsafe_reason,
                              verify_zip, write_batch_zip)


def entries() -> list[ExportEntry]:
    return [
        ExportEntry.of("2024_farmaceutische_zorg_12345678_apotheek-de-linde_v1.docx",
                       b"PK\x03\x04 de linde", "Apotheek De Linde", "12345678",
                       "farmaceutische_zorg", 1),
        ExportEntry.of("2024_spoedzorg_87654321_zoe-en-soren_v2.docx", b"PK\x03\x04 zoe",
                       "Zoë & Søren; \"Dienstapotheek\"\nNoord", "87654321", "spoedzorg", 2),
        ExportEntry.of("pdf/2024_spoedzorg_87654321_zoe-en-soren_v2.pdf", b"%PDF-1.6 zoe",
                       "=HYPERLINK(\"http://x\")", "87654321", "spoedzorg", 2),
    ]


def batch(items=None, **options) -> bytes:
    out = io.BytesIO()
    write_batch_zip(entries() if items is None else items, out, **options)
    return out.getvalue()


def rebuilt(data: bytes, change=lambda name, content: content) -> bytes:
    """The archive written again member by member; `change` returns new content, or None to drop."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info, content)
    return out.getvalue()


def test_the_manifest_lists_every_document_once_with_its_hash():
    out = io.BytesIO()
    assert write_batch_zip(entries(), out) == 3
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names == ["manifest.csv"] + [e.filename for e in entries()]
        rows = read_manifest(archive)
        assert [r["filename"] for r in rows] == names[1:]  # each once, nothing unlisted
        for row, entry in zip(rows, entries(), strict=False):
            content = archive.read(row["filename"])
            assert content == entry.content
            assert row["sha256"] == hashlib.sha256(content).hexdigest() == entry.sha256
            assert row == {"filename": entry.filename, "provider": entry.provider, "agb": entry.agb,
                           "contract": entry.contract, "version": entry.version,
                           "sha256": entry.sha256}
        raw = archive.read("manifest.csv")
    assert raw.startswith(codecs.BOM_UTF8 + b"bestand;zorgaanbieder;agb;overeenkomst;versie;sha256\r\n")
    assert verify_zip(io.BytesIO(out.getvalue())) == []


def test_excel_sees_no_formula_and_the_name_still_round_trips():
    raw = zipfile.ZipFile(io.BytesIO(batch())).read("manifest.csv").decode("utf-8-sig")
    fields = [f for row in csv.reader(io.StringIO(raw, newline=""), delimiter=";") for f in row]
    assert "'=HYPERLINK(\"http://x\")" in fields
    assert not any(f.startswith(("=", "+", "-", "@")) for f in fields)
    assert read_manifest(io.BytesIO(batch()))[2]["provider"] == "=HYPERLINK(\"http://x\")"


@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",))), min_size=1, max_size=4))
def test_any_provider_name_round_trips_through_the_manifest(names):
    items = [ExportEntry.of(f"doc{n}.docx", name.encode("utf-8"), name, f"'{name}", "spoedzorg", n + 1)
             for n, name in enumerate(names)]
    rows = read_manifest(io.BytesIO(batch(items)))
    assert [r["provider"] for r in rows] == names
    assert [r["agb"] for r in rows] == [f"'{name}" for name in names]


@pytest.mark.parametrize("name", ["/etc/passwd", "../buiten.docx", "map/../../buiten.docx",
                                  "map\\bestand.docx", "regel\neinde.docx", "tab\t.docx",
                                  "nul\x00.docx", "del\x7f.docx", "", "C:bestand.docx",
                                  "map//bestand.docx", "./bestand.docx", "map/"])
def test_an_unsafe_file_name_is_refused_before_anything_is_written(name):
    out = io.BytesIO()
    items = entries() + [ExportEntry.of(name, b"x", "Apotheek", "1", "spoedzorg", 1)]
    with pytest.raises(ValueError, match="unsafe file name") as caught:
        write_batch_zip(items, out)
    assert repr(name) in str(caught.value)
    assert out.getvalue() == b""


@pytest.mark.parametrize("name", ["2024_spoedzorg_87654321_zoe-en-soren_v2.docx",
                                  "2024_SPOEDZORG_87654321_zoe-en-soren_v2.docx", "Manifest.CSV"])
def test_a_duplicate_file_name_is_refused(name):
    out = io.BytesIO()
    with pytest.raises(ValueError, match="duplicate file name") as caught:
        write_batch_zip(entries() + [ExportEntry.of(name, b"x", "A", "1", "spoedzorg", 1)], out)
    assert repr(name) in str(caught.value)
    assert out.getvalue() == b""


def test_the_same_batch_gives_the_same_bytes():
    first = batch()
    assert batch() == first
    assert batch(iter(entries())) == first  # any iterable
    moment = (2023, 11, 12, 9, 30, 0)
    other = batch(date_time=moment)
    assert other != first and batch(date_time=moment) == other
    with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(other)) as b:
        assert {i.date_time for i in a.infolist()} == {EPOCH}
        assert {i.date_time for i in b.infolist()} == {moment}


def test_verify_notices_one_changed_byte():
    target = entries()[1].filename
    flipped = rebuilt(batch(), lambda name, c: c[:-1] + bytes([c[-1] ^ 1]) if name == target else c)
    [problem] = verify_zip(io.BytesIO(flipped))
    assert problem.startswith(f"{target}: sha256 is ") and entries()[1].sha256 in problem


def test_verify_notices_a_missing_and_an_extra_file():
    target = entries()[0].filename
    missing = rebuilt(batch(), lambda name, c: None if name == target else c)
    assert verify_zip(io.BytesIO(missing)) == [f"{target}: listed in manifest.csv but missing"]

    out = io.BytesIO(batch())
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr("erbij.docx", b"niet in het manifest")
    assert verify_zip(out) == ["erbij.docx: not listed in manifest.csv"]

    no_manifest = rebuilt(batch(), lambda name, c: None if name == "manifest.csv" else c)
    assert verify_zip(io.BytesIO(no_manifest)) == ["manifest.csv is missing"]


def test_an_entry_must_carry_the_hash_of_its_content():
    entry = ExportEntry.of("a.docx", b"inhoud", "A", "1", "spoedzorg", 1)
    assert entry.sha256 == hashlib.sha256(b"inhoud").hexdigest()
    with pytest.raises(ValueError, match="sha256"):
        ExportEntry("a.docx", b"anders", "A", "1", "spoedzorg", 1, entry.sha256)


def test_safe_filename_folds_to_ascii():
    assert (safe_filename("Apotheek De Linde", "12345678", "farmaceutische_zorg", 1, year=2024)
            == "2024_farmaceutische_zorg_12345678_apotheek-de-linde_v1.docx")
    assert (safe_filename("Zoë & Søren B.V. / Ærø", "87654321", "spoedzorg", 3, extension="pdf")
            == "spoedzorg_87654321_zoe-en-soren-b-v-aero_v3.pdf")
    assert safe_filename("???", "", "spoedzorg", 1) == "spoedzorg_geen-agb_zorgaanbieder_v1.docx"
    with pytest.raises(ValueError, match="version"):
        safe_filename("A", "1", "spoedzorg", 0)


def test_a_long_name_is_shortened_to_120_characters():
    name = safe_filename("Apotheek " * 40, "12345678", "farmaceutische_zorg", 12, year=2024)
    assert len(name) <= 120 and name.endswith("_v12.docx") and "-_v12" not in name
    assert name.startswith("2024_farmaceutische_zorg_12345678_apotheek-apotheek")


@given(st.text(), st.text(max_size=20), st.sampled_from(["farmaceutische_zorg", "spoedzorg"]),
       st.integers(min_value=1, max_value=10**6))
def test_safe_filename_is_always_safe(provider, agb, contract, version):
    name = safe_filename(provider, agb, contract, version, year=2024)
    assert name.isascii() and len(name) <= 120
    assert not set(name) & set(" /\\:;\"'")
    assert unsafe_reason(name) is None
    assert name.endswith(f"_v{version}.docx")
