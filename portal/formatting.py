"""Dates and amounts as the reader's language writes them (Flask-Babel, the request's locale).

Dutch: 15-09-2023, 15-09-2023 14:05 and € 7,40 (Babel puts a non-breaking space after the
euro sign, so an amount never wraps in a narrow table cell). English: Sep 15, 2023 and €7.40.
Moments are shown in Amsterdam time (BABEL_DEFAULT_TIMEZONE); a naive date-time is UTC, as the
database stores it. The documents, always Dutch, are formatted by `contracts.formatting`.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_currency, format_date, format_datetime, get_locale

#: Babel's date format per language; "medium" elsewhere. English's "short" is 9/15/23: month
#: first and a two-digit year, easily misread beside the Dutch dates the portal's forms ask for.
DAY_FORMATS = {"nl": "short"}
#: What a page shows for a date or an amount that is not there.
MISSING = "-"


def format_day(value: date | datetime | None) -> str:
    """The day of `value` (15-09-2023 in Dutch); of a date-time, its day in Amsterdam."""
    if value is None:
        return MISSING
    return format_date(value, _day_format(get_locale()))


def format_moment(value: datetime | None) -> str:
    """A date-time to the minute in Amsterdam time (15-09-2023 14:05 in Dutch): the day as
    `format_day` writes it and the locale's short time, in one pattern (one time-zone
    conversion, not two)."""
    if value is None:
        return MISSING
    locale = get_locale()
    day = locale.date_formats[_day_format(locale)].pattern
    return format_datetime(value, f"{day} {locale.time_formats['short'].pattern}")


def _day_format(locale) -> str:
    return DAY_FORMATS.get(locale.language, "medium")


def format_eur(amount) -> str:
    """An amount in euros (€ 1.234,56 in Dutch); `amount` a number or its text ("7.40")."""
    if amount is None:
        return MISSING
    return format_currency(Decimal(str(amount)), "EUR")
