"""Dates and amounts follow the reader's language (portal.formatting, the `nl_date` and `euro`
filters): Dutch as Dutch readers write them (15-09-2023, € 7,40), English as English does; the
documents stay Dutch whatever the language (contracts.formatting)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from flask import Flask, render_template_string
from flask_babel import Babel, force_locale

from contracts.formatting import euro, nl_date
from portal.config import Config
from portal.formatting import format_day, format_eur, format_moment
from portal.web import register_template_helpers

NBSP = "\xa0"
#: CLDR's English puts a narrow no-break space before AM/PM.
NNBSP = "\u202f"


@pytest.fixture(scope="module")
def app():
    """Flask-Babel with the portal's settings (Dutch, Amsterdam) and its template filters."""
    app = Flask(__name__)
    app.config.from_object(Config)
    Babel(app)
    register_template_helpers(app)
    return app


@pytest.fixture
def request_in(app):
    """A request context whose language is the one asked for."""
    def enter(language: str):
        context = app.test_request_context()
        context.push()
        locale = force_locale(language)
        locale.__enter__()
        opened.append((context, locale))
    opened = []
    yield enter
    for context, locale in reversed(opened):
        locale.__exit__(None, None, None)
        context.pop()


def test_a_dutch_day_reads_day_month_year_with_dashes(request_in):
    request_in("nl")
    assert format_day(date(2023, 9, 15)) == "15-09-2023"
    assert format_day(date(2024, 1, 5)) == "05-01-2024"


def test_an_english_day_names_its_month(request_in):
    request_in("en")
    assert format_day(date(2023, 9, 15)) == "Sep 15, 2023"


def test_a_moment_is_shown_in_amsterdam_time(request_in):
    request_in("nl")
    # 22:30 UTC in summer is 00:30 the next day in Amsterdam (UTC+2)
    evening = datetime(2023, 9, 15, 22, 30, tzinfo=timezone.utc)
    assert format_moment(evening) == "16-09-2023 00:30"
    assert format_day(evening) == "16-09-2023"
    # the database's naive date-times are UTC: in winter Amsterdam is UTC+1
    assert format_moment(datetime(2024, 1, 10, 8, 5)) == "10-01-2024 09:05"


def test_an_english_moment(request_in):
    request_in("en")
    assert format_moment(datetime(2023, 9, 15, 12, 30, tzinfo=timezone.utc)) == f"Sep 15, 2023 2:30{NNBSP}PM"


def test_a_dutch_amount_has_the_euro_sign_before_and_a_decimal_comma(request_in):
    request_in("nl")
    assert format_eur(Decimal("7.4")) == f"€{NBSP}7,40"
    assert format_eur("1234.5") == f"€{NBSP}1.234,50"
    assert format_eur(0) == f"€{NBSP}0,00"


def test_an_english_amount(request_in):
    request_in("en")
    assert format_eur(Decimal("1234.5")) == "€1,234.50"


def test_nothing_shows_as_a_dash(request_in):
    request_in("nl")
    assert (format_day(None), format_moment(None), format_eur(None)) == ("-", "-", "-")


@pytest.mark.parametrize("language, expected", [
    ("nl", f"15-09-2023 | 15-09-2023 16:45 | €{NBSP}7,40 | -"),
    ("en", f"Sep 15, 2023 | Sep 15, 2023 4:45{NNBSP}PM | €7.40 | -"),
])
def test_the_templates_filters_follow_the_language(request_in, language, expected):
    request_in(language)
    page = render_template_string("{{ day|nl_date }} | {{ moment|nl_date }} | {{ amount|euro }} | "
                                  "{{ none|nl_date }}", day=date(2023, 9, 15),
                                  moment=datetime(2023, 9, 15, 14, 45, tzinfo=timezone.utc),
                                  amount=Decimal("7.40"), none=None)
    assert page == expected


def test_the_documents_write_dutch_with_an_ordinary_space():
    assert euro(Decimal("7.4")) == "€ 7,40"
    assert euro("1234.5") == "€ 1.234,50"
    assert euro(Decimal("7.405")) == "€ 7,40"  # to the cent, half to even as before
    assert nl_date(date(2023, 9, 5)) == "05-09-2023"
    assert nl_date(None) == "" and nl_date(None, "onbekend") == "onbekend"


def test_an_exact_amount_keeps_the_decimals_past_the_cent():
    """The 3 % margin of a medicine at € 10,30 ends at € 10,609: the limit is not rounded up."""
    limit = Decimal("10.30") * 103 / 100
    assert euro(limit, exact=True) == "€ 10,609"
    assert euro(Decimal("10.3"), exact=True) == "€ 10,30"
    assert euro(Decimal("1234.5"), exact=True) == "€ 1.234,50"
