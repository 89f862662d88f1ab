"""Dates and amounts as the reader's language writes them (Flask-Babel, the request's locale).

Dutch: 15-09-2023, 15-09-2023 14:05 and € 7,40 (Babel puts a non-breaking space after the
euro sign, so an amount never wraps in a narrow table cell). English: Sep 15, 2023 and €7.40.
Moments are shown in Amsterdam time (BABEL_DEFAULT_TIMEZONE); a naive date-time is UTC, as the
database stores it. The documents, always Dutch, are formatted by `contracts.formatting`.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from flask_babel import format_currency, format_date, get_locale
from zoneinfo import ZoneInfo

#: Babel's date format per language; "medium" elsewhere. English's "short" is 9/15/23: month
#: first and a two-digit year, easily misread beside the Dutch dates the portal's forms ask for.
DAY_FORMATS = {"nl": "short"}
#: Where the moments are shown (BABEL_DEFAULT_TIMEZONE).
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: What a page shows for a date or an amount that is not there.
MISSING = "-"


def format_day(value: date | datetime | None) -> str:
    """The day of `value` (15-09-2023 in Dutch); of a date-time, its day in Amsterdam."""
    if value is None:
        return MISSING
    locale = get_locale()
    if type(value) is date:  # a calendar day reads the same wherever it is shown
        return _day(value, str(locale))
    return format_date(value, _day_format(locale))


@lru_cache(maxsize=4096)
def _day(value: date, locale: str) -> str:
    """A day as the locale writes it, worked out once: a list page shows a few hundred dates,
    mostly the same few deadlines, and Babel's formatting is the larger part of the row's cost
    (bench: /beheer/aanbiedingen)."""
    return babel_format_date(value, _day_format(Locale.parse(locale)), locale=locale)


def format_moment(value: datetime | None) -> str:
    """A date-time to the minute in Amsterdam time (15-09-2023 14:05 in Dutch): the day as
    `format_day` writes it and the locale's short time, in one pattern (one time-zone
    conversion, not two)."""
    if value is None:
        return MISSING
    locale = str(get_locale())
    aware = value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
    return babel_format_datetime(aware, _moment_pattern(locale), tzinfo=AMSTERDAM, locale=locale)


@lru_cache(maxsize=8)
def _moment_pattern(locale: str) -> str:
    """The locale's day pattern and short time, as one pattern (Babel's own, called without
    Flask-Babel's lookups of locale and time zone for every moment of a list: bench,
    /beheer/uitgaande-post)."""
    parsed = Locale.parse(locale)
    return (f"{parsed.date_formats[_day_format(parsed)].pattern} "
            f"{parsed.time_formats['short'].pattern}")


def _day_format(locale) -> str:
    return DAY_FORMATS.get(locale.language, "medium")


def format_eur(amount) -> str:
    """An amount in euros (€ 1.234,56 in Dutch); `amount` a number or its text ("7.40")."""
    if amount is None:
        return MISSING
    return format_currency(Decimal(str(amount)), "EUR")
