"""CSV imports into the register: providers, and the pharmacies' profile scores.

All or nothing: every row is checked first, and one bad row stores nothing; the caller gets the
errors per row and column, in Dutch (they are shown to the manager as they are). A good file is
inserted in bulk with one audit entry.

Files are `;`-separated (as Dutch spreadsheet programs write CSV), UTF-8 with or without a byte
order mark; the first row names the columns, in any order. Row numbers count the header as row 1,
as a spreadsheet shows them.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable, Iterable

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import insert, select

from contracts.identifiers import is_agb, is_kvk, postcode
from contracts.vocabulary import DUTCH, ProviderType

from ..extensions import db
from ..fields import NoSuchDate, parse_dutch_date
from ..models import ProfileScore, Provider
from . import audit, clock
from .audit import SYSTEM, Actor

PROVIDER_COLUMNS = ("agb", "naam", "type", "adres", "postcode", "plaats", "regio", "kvk",
                    "agb_startdatum", "email")
PROVIDER_REQUIRED = ("agb", "naam", "type", "plaats")
SCORE_COLUMNS = ("agb", "jaar", "kwaliteit", "klantbeleving", "kosten")
SCORE_PARTS = ("kwaliteit", "klantbeleving", "kosten")
#: How many AGB codes one `IN (...)` query looks up (well below every database's limit).
CHUNK = 500


@dataclass(frozen=True)
class RowError:
    """What is wrong in one cell (or row, with column "") of the file."""

    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    """The outcome of an import: rows read, rows stored (0 unless all were good), the errors."""

    kind: str
    rows: int = 0
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class _Invalid(ValueError):
    """A cell's value is not acceptable; the message is shown to the manager."""


# -- reading the file ---------------------------------------------------------------------------

def _text(content: str | bytes) -> str:
    if isinstance(content, bytes):
        content = content.decode("utf-8")  # UnicodeDecodeError: the caller reports it
    return content[1:] if content.startswith("\ufeff") else content


def _records(content: str | bytes, columns: tuple[str, ...], required: tuple[str, ...],
             result: ImportResult) -> list[tuple[int, dict[str, str]]]:
    """The data rows as (row number, {column: stripped value}); file-level errors go to `result`."""
    try:
        rows = list(csv.reader(io.StringIO(_text(content), newline=""), delimiter=";"))
    except UnicodeDecodeError:
        result.errors.append(RowError(0, "", "Het bestand is geen UTF-8-tekst; sla het op als "
                                             "CSV UTF-8 (puntkomma-gescheiden)."))
        return []
    except csv.Error as error:
        result.errors.append(RowError(0, "", f"Het bestand is geen geldig CSV-bestand ({error})."))
        return []
    numbered = [(n, row) for n, row in enumerate(rows, 1) if any(cell.strip() for cell in row)]
    if not numbered:
        result.errors.append(RowError(1, "", "Het bestand is leeg: verwacht een kopregel met "
                                             f"de kolommen {';'.join(columns)}."))
        return []
    header_row, header = numbered[0]
    if len(header) == 1 and any(mark in header[0] for mark in (",", "\t")):
        result.errors.append(RowError(header_row, "", "De kolommen zijn niet met puntkomma's "
                                                      "gescheiden; sla het bestand op als CSV "
                                                      "(puntkomma-gescheiden)."))
        return []
    names = [cell.strip().lower() for cell in header]
    for name in names:
        if name not in columns:
            result.errors.append(RowError(header_row, name or "(leeg)",
                                          f"Onbekende kolom; toegestaan zijn {', '.join(columns)}."))
    for name in required:
        if name not in names:
            result.errors.append(RowError(header_row, name, "Deze kolom ontbreekt in de kopregel."))
    for name in set(names):
        if names.count(name) > 1:
            result.errors.append(RowError(header_row, name, "Deze kolom staat meer dan eens in de "
                                                            "kopregel."))
    if result.errors:
        return []
    records = []
    for n, row in numbered[1:]:
        if len(row) != len(names):
            result.errors.append(RowError(n, "", f"Deze rij heeft {len(row)} kolommen; de kopregel "
                                                 f"heeft er {len(names)}."))
            continue
        records.append((n, {name: cell.strip() for name, cell in zip(names, row, strict=True)}))
    result.rows = len(numbered) - 1
    if not numbered[1:]:
        result.errors.append(RowError(header_row, "", "Het bestand bevat alleen een kopregel, geen "
                                                      "gegevens."))
    return records


def _cell(record: dict[str, str], column: str, n: int, result: ImportResult,
          parse: Callable[[str], object], *, required: bool = False):
    """The parsed value of one cell, or None (an error is recorded when it is bad)."""
    value = record.get(column, "")
    if not value:
        if required:
            result.errors.append(RowError(n, column, "Verplicht; deze cel is leeg."))
        return None
    try:
        return parse(value)
    except _Invalid as error:
        result.errors.append(RowError(n, column, str(error)))
        return None


# -- cell parsers -------------------------------------------------------------------------------

def _agb(value: str) -> str:
    if not is_agb(value):
        raise _Invalid("Een AGB-code bestaat uit 8 cijfers.")
    return value


def _kvk(value: str) -> str:
    if not is_kvk(value):
        raise _Invalid("Een KvK-nummer bestaat uit 8 cijfers.")
    return value


def _length(limit: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise _Invalid(f"Te lang: hoogstens {limit} tekens.")
        return value
    return parse


_TYPES = {**{t.value: t.value for t in ProviderType},
          **{DUTCH[t].lower(): t.value for t in ProviderType}}


def _provider_type(value: str) -> str:
    slug = _TYPES.get(" ".join(value.lower().split()))
    if slug is None:
        raise _Invalid("Onbekend type zorgaanbieder; gebruik een van: "
                       + ", ".join(t.value for t in ProviderType) + " (of de Nederlandse naam).")
    return slug


def _postcode(value: str) -> str:
    written = postcode(value)
    if written is None:
        raise _Invalid("Geen geldige postcode; schrijf bijvoorbeeld 1234 AB.")
    return written


def _date(value: str) -> date:
    try:
        return parse_dutch_date(value)
    except NoSuchDate:
        raise _Invalid("Deze datum bestaat niet.") from None
    except ValueError:
        raise _Invalid("Geen geldige datum; schrijf dd-mm-jjjj (15-09-2023) of jjjj-mm-dd "
                       "(2023-09-15).") from None


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise _Invalid("Geen geldig e-mailadres.") from None


def _years_until(last: int) -> Callable[[str], int]:
    """A year of scores: four digits, not after `last` (the simulated date's year: a score
    measures a year gone by or running)."""
    def parse(value: str) -> int:
        if not re.fullmatch(r"[0-9]{4}", value) or int(value) > last:
            raise _Invalid(f"Geen geldig jaar; een jaartal van vier cijfers, niet na {last}.")
        return int(value)
    return parse


def _score(value: str) -> float:
    if not re.fullmatch(r"\d{1,3}([.,]\d+)?", value):
        raise _Invalid("Geen getal; schrijf bijvoorbeeld 72,5 of 72.5.")
    number = float(value.replace(",", "."))
    if not 0 <= number <= 100:
        raise _Invalid("Een score ligt tussen 0 en 100.")
    return number


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield values[start:start + CHUNK]


def _first_rows(records: list[tuple[int, dict[str, str]]], key: Callable[[dict], object],
                column: str, message: str, result: ImportResult) -> None:
    """Report every row whose `key` already occurred in an earlier row of the file."""
    seen: dict[object, int] = {}
    for n, record in records:
        value = key(record)
        if value is None:
            continue
        if value in seen:
            result.errors.append(RowError(n, column, message.format(row=seen[value])))
        else:
            seen[value] = n


# -- the imports --------------------------------------------------------------------------------

def import_providers(content: str | bytes, actor: Actor = SYSTEM) -> ImportResult:
    """Register the providers of a CSV file (agb;naam;type;adres;postcode;plaats;regio;kvk;
    agb_startdatum;email), all or none."""
    result = ImportResult("zorgaanbieders")
    records = _records(content, PROVIDER_COLUMNS, PROVIDER_REQUIRED, result)
    rows: list[tuple[int, dict]] = []
    for n, record in records:
        before = len(result.errors)
        row = {
            "agb": _cell(record, "agb", n, result, _agb, required=True),
            "name": _cell(record, "naam", n, result, _length(200), required=True),
            "provider_type": _cell(record, "type", n, result, _provider_type, required=True),
            "address": _cell(record, "adres", n, result, _length(200)) or "",
            "postcode": _cell(record, "postcode", n, result, _postcode) or "",
            "city": _cell(record, "plaats", n, result, _length(100), required=True),
            "region": _cell(record, "regio", n, result, _length(100)) or "",
            "kvk": _cell(record, "kvk", n, result, _kvk) or "",
            "agb_start": _cell(record, "agb_startdatum", n, result, _date),
            "contact_email": _cell(record, "email", n, result, _email) or "",
        }
        if len(result.errors) == before:
            rows.append((n, row))
    _first_rows(records, lambda r: r.get("agb") or None, "agb",
                "Deze AGB-code staat ook in rij {row}.", result)
    agbs = sorted({r.get("agb") for _, r in records if is_agb(r.get("agb", ""))})
    registered = {agb for chunk in _chunks(agbs) for agb in db.session.scalars(
        select(Provider.agb).where(Provider.agb.in_(chunk)))}
    for n, record in records:
        if record.get("agb") in registered:
            result.errors.append(RowError(n, "agb", "Deze AGB-code is al geregistreerd."))
    if result.errors:
        result.errors.sort(key=lambda e: (e.row, e.column))
        return result
    values = [{**row, "riz_contra_indication": False, "improvement_agreements": "geen",
               "collective": None, "size_rank": None} for _, row in rows]
    db.session.execute(insert(Provider), values)
    audit.record(actor, "providers", 0, "import", None, None,
                 f"{len(values)} zorgaanbieders geïmporteerd: {_sample(v['agb'] for v in values)}")
    db.session.flush()
    result.imported = len(values)
    return result


def import_scores(content: str | bytes, actor: Actor = SYSTEM) -> ImportResult:
    """Store the profile scores of a CSV file (agb;jaar;kwaliteit;klantbeleving;kosten), all or
    none; every AGB code must be registered and have no score for that year yet."""
    result = ImportResult("profielscores")
    records = _records(content, SCORE_COLUMNS, SCORE_COLUMNS, result)
    year = _years_until(clock.today().year)
    rows: list[tuple[int, dict]] = []
    for n, record in records:
        before = len(result.errors)
        row = {"agb": _cell(record, "agb", n, result, _agb, required=True),
               "year": _cell(record, "jaar", n, result, year, required=True),
               **{part: _cell(record, part, n, result, _score, required=True) for part in SCORE_PARTS}}
        if len(result.errors) == before:
            rows.append((n, row))
    _first_rows(records, lambda r: (r.get("agb"), r.get("jaar")) if r.get("agb") else None, "jaar",
                "Voor deze AGB-code en dit jaar staat ook een score in rij {row}.", result)
    agbs = sorted({row["agb"] for _, row in rows})
    providers: dict[str, int] = {}
    existing: set[tuple[int, int]] = set()
    for chunk in _chunks(agbs):
        for provider_id, agb in db.session.execute(
                select(Provider.id, Provider.agb).where(Provider.agb.in_(chunk))):
            providers[agb] = provider_id
        existing.update((provider_id, year) for provider_id, year in db.session.execute(
            select(ProfileScore.provider_id, ProfileScore.year).join(Provider)
            .where(Provider.agb.in_(chunk))))
    values = []
    for n, row in rows:
        provider_id = providers.get(row["agb"])
        if provider_id is None:
            result.errors.append(RowError(n, "agb", "Er is geen zorgaanbieder met deze AGB-code "
                                                    "geregistreerd."))
        elif (provider_id, row["year"]) in existing:
            result.errors.append(RowError(n, "jaar", f"Deze zorgaanbieder heeft al een score voor "
                                                     f"{row['year']}."))
        else:
            values.append({"provider_id": provider_id, "year": row["year"],
                           **{part: row[part] for part in SCORE_PARTS}})
    if result.errors:
        result.errors.sort(key=lambda e: (e.row, e.column))
        return result
    db.session.execute(insert(ProfileScore), values)
    years = sorted({v["year"] for v in values})
    audit.record(actor, "profile_scores", 0, "import", None, None,
                 f"{len(values)} profielscores geïmporteerd voor {', '.join(map(str, years))}")
    db.session.flush()
    result.imported = len(values)
    return result


def _sample(agbs: Iterable[str], limit: int = 20) -> str:
    agbs = list(agbs)
    more = f" en {len(agbs) - limit} meer" if len(agbs) > limit else ""
    return ", ".join(agbs[:limit]) + more
