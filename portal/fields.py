"""What every form reads the same way: a date as the Dutch write it, and the register
identifiers (AGB code, KvK number, Z-index number).

`parse_dutch_date` is the one reader of a typed date: the forms' `DutchDateField` and the CSV
import (portal.operations.imports) both take 15-09-2023 and 2023-09-15 (what a date picker and a
spreadsheet send), and refuse the rest alike.
"""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput, TextInput

from contracts.identifiers import is_agb, is_kvk, is_zindex

try:  # WTForms 3.3 declares a select's options as SelectChoice and deprecates tuples
    from wtforms.fields import SelectChoice as choice
except ImportError:  # pragma: no cover - WTForms before 3.3
    def choice(value, label):
        return (value, label)

#: 15-09-2023 (1-9-2023 too) and 2023-09-15; [0-9], not \d, which also matches other scripts' digits.
DUTCH_DATE = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{4})")
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
#: How a text box shows a date back: the way `parse_dutch_date` reads it, whatever the language
#: of the page (a date in words could not be sent again).
INPUT_FORMAT = "%d-%m-%Y"
DATE_ERROR = _l("Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 15-09-2023.")
NO_SUCH_DATE = _l("Deze datum bestaat niet.")


def date_input(day: date) -> str:
    """`day` as a date box shows it and `parse_dutch_date` reads it back (15-09-2023): for a
    filter's link, whose date the page's box shows as it came."""
    return day.strftime(INPUT_FORMAT)


class NoSuchDate(ValueError):
    """Written as a date, but no such day (31-02-2024)."""


def parse_dutch_date(text: str) -> date:
    """The day `text` names, written 15-09-2023 or 2023-09-15 (spaces around it ignored).

    ValueError when it is written otherwise; NoSuchDate (a ValueError) when it is written as a
    date that does not exist."""
    text = (text or "").strip()
    if match := DUTCH_DATE.fullmatch(text):
        day, month, year = map(int, match.groups())
    elif match := ISO_DATE.fullmatch(text):
        year, month, day = map(int, match.groups())
    else:
        raise ValueError(f"not a date as dd-mm-yyyy or yyyy-mm-dd: {text!r}")
    try:
        return date(year, month, day)
    except ValueError:
        raise NoSuchDate(f"no such date: {text!r}") from None


class DutchDateField(Field):
    """A date typed the Dutch way (15-09-2023) or ISO, in a text box that shows it dd-mm-jjjj;
    with `picker`, a date picker (which sends and shows ISO, and shows the reader's format)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, picker: bool = False, **kwargs):
        if picker:
            kwargs.setdefault("widget", DateInput())
        else:
            kwargs.setdefault("render_kw", {"placeholder": _l("dd-mm-jjjj"), "inputmode": "numeric",
                                            "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.picker = picker

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        if not self.data:
            return ""
        return self.data.isoformat() if self.picker else date_input(self.data)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = None
        if not valuelist[0].strip():
            return
        try:
            self.data = parse_dutch_date(valuelist[0])
        except NoSuchDate:
            raise ValueError(NO_SUCH_DATE) from None
        except ValueError:
            raise ValueError(DATE_ERROR) from None


def stripped(value):
    """A filter: typed text without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


class Identifier:
    """A validator: the field holds an identifier that `check` (contracts.identifiers) accepts.
    An empty field is left to DataRequired or Optional before it."""

    def __init__(self, check, message):
        self.check, self.message = check, message

    def __call__(self, form, field):
        if not self.check(field.data or ""):
            raise ValidationError(self.message)


AGB_CODE = Identifier(is_agb, _l("Een AGB-code bestaat uit precies 8 cijfers."))
KVK_NUMBER = Identifier(is_kvk, _l("Een KvK-nummer bestaat uit precies 8 cijfers."))
ZINDEX_NUMBER = Identifier(is_zindex, _l("Een Z-indexnummer bestaat uit precies 8 cijfers."))
