"""Dates and amounts as the documents, notices and reasons write them: always Dutch (Babel, "nl").

Babel's Dutch forms, with one change: Babel puts a non-breaking space after the euro sign, and
these texts keep the ordinary one ("€ 7,40"), since they are read, searched and parsed back as
plain text (the tariffs of a stored document, a notice in a mail, a reason in the API). The
portal's pages follow the reader's language instead: `portal.formatting`.
"""
from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency

DUTCH = Locale.parse("nl")


def nl_date(day: date | None, empty: str = "") -> str:
    """15-09-2023; `empty` for no date."""
    return _nl_date(day) if day else empty


#: Babel's formatting costs about 10 microseconds a call, and a bulk issue formats the same few
#: dates and tariffs in every document (about 18 amounts an offer): each is formatted once.
#: `bench/campaign.py bulk`, back to back: 2.58 ms an offer without the caches, 2.34-2.42 with them
#: (2.24-2.40 before the documents used Babel).
@functools.lru_cache(maxsize=4096)
def _nl_date(day: date) -> str:
    return format_date(day, "short", locale=DUTCH)


def euro(amount, exact: bool = False) -> str:
    """€ 1.234,56, rounded to the cent; `exact` shows the decimals past the cent that the
    amount has (a limit of € 10,609 is not € 10,61). `amount` a number or its text ("7.40")."""
    return _euro(str(amount), exact)


@functools.lru_cache(maxsize=4096)
def _euro(amount: str, exact: bool) -> str:
    """euro() of an amount's text: keyed by the text, as 7.4 and 7.40 may be written apart."""
    text = format_currency(Decimal(amount), "EUR", locale=DUTCH, decimal_quantization=not exact)
    return text.replace("\xa0", " ")
