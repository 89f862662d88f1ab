"""The managers' lists as files: CSV as Dutch Excel opens it, and Excel itself (.xlsx).

Every export is a title, its columns and its rows of plain values (text, numbers, dates); this
module alone knows the two formats. CSV is UTF-8 with a byte order mark (else Excel reads it as
Windows-1252) and semicolons (a Dutch Excel takes the comma for the decimal sign), dates
dd-mm-yyyy. The workbook has real date cells, a bold frozen header, column widths and an
autofilter. A value that starts like a formula is written as text in both, so a name typed in a
form can never run in the spreadsheet of the manager who opens the file.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import Response, abort
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from contracts.formatting import nl_date

from .models.documents import day_of
from .web import AMSTERDAM

FORMATS = ("csv", "xlsx")
MIMETYPES = {"csv": "text/csv; charset=utf-8",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
#: What a spreadsheet takes for the start of a formula (OWASP's list for CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (lazily translated: read when written) and its
    width in Excel (characters)."""

    title: object
    width: int = 16


def _plain(value):
    """A timestamp as the Amsterdam wall-clock time the pages show, without its zone (neither
    CSV nor Excel keeps one). Stored times are UTC; SQLite returns them without their zone."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
        return aware.astimezone(AMSTERDAM).replace(tzinfo=None)
    return value


def local_day(value: datetime | None) -> date | None:
    """The Amsterdam calendar day of a timestamp (a list's "issued on" is a day)."""
    return None if value is None else day_of(value)


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value) -> str:
    """A value as a CSV field: dates dd-mm-yyyy, nothing for None, formulas defused with a quote."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return nl_date(value)
    if _is_formula(value):
        return "'" + value
    return str(value)


def write_csv(columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(c.title) for c in columns])
    writer.writerows([csv_text(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(sheet, value):
    """A date, or a text that looks like a formula, as a typed cell; anything else as it is."""
    value = _plain(value)
    if isinstance(value, date):  # datetime too: a real date cell, shown as on the pages
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    if _is_formula(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store it as a formula
        return cell
    return value


def write_xlsx(title: str, columns: Sequence[Column], rows: Iterable[Sequence]) -> bytes:
    """A workbook of one sheet, written streaming (a list of 25,000 rows stays small in memory)."""
    return write_workbook([(title, columns, rows)])


def write_workbook(sheets: Iterable[tuple[str, Sequence[Column], Iterable[Sequence]]]) -> bytes:
    """A workbook of a sheet per (title, columns, rows), each with a bold frozen header, column
    widths and an autofilter."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, columns, rows in sheets:
        sheet = book.create_sheet(title[:31])  # Excel's limit for a sheet's name
        for n, column in enumerate(columns, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = column.width
        sheet.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=str(column.title))
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        count = 0
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
            count += 1
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def tables_csv(tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """Several tables in one CSV file: each row led by its table's title (and each table by its
    own header row), so a filter on the first column shows one table."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for title, headers, rows in tables:
        writer.writerow(["tabel", *headers])
        writer.writerows([csv_text(title), *(csv_text(v) for v in row)] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def tables_xlsx(tables: Iterable[tuple[str, Sequence[str], Iterable[Sequence]]]) -> bytes:
    """Several tables as a workbook, a sheet each; columns as wide as their header."""
    return write_workbook([(title, [Column(h, max(12, min(60, len(str(h)) + 4))) for h in headers], rows)
                           for title, headers, rows in tables])


def export_response(fmt: str, name: str, title: str, columns: Sequence[Column],
                    rows: Iterable[Sequence]) -> Response:
    """The file to download: `name` without extension, `title` names the Excel sheet; a format
    other than csv or xlsx is a 404."""
    if fmt not in FORMATS:
        abort(404)
    content = write_csv(columns, rows) if fmt == "csv" else write_xlsx(title, columns, rows)
    response = Response(content, mimetype=MIMETYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response
