"""The inputs every form reads the same way (portal.fields): a date as the Dutch write it or as a
date picker sends it, and the register identifiers; and the one table of refusals
(portal.refusals)."""
from __future__ import annotations

from datetime import date

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField
from wtforms.validators import Optional

from contracts.errors import CaseError
from contracts.identifiers import postcode
from contracts.newproviders import DateRefused
from contracts.offers import TransitionRefused
from portal.fields import AGB_CODE, DutchDateField, NoSuchDate, date_input, parse_dutch_date
from portal.refusals import ANSWER, APPLICATION, CHECK, OFFER, refusal


@pytest.mark.parametrize("text, day", [
    ("15-09-2023", date(2023, 9, 15)),
    ("1-9-2023", date(2023, 9, 1)),
    (" 2023-09-15 ", date(2023, 9, 15)),  # a date picker's value, spaces around it
    ("29-02-2024", date(2024, 2, 29)),
])
def test_a_date_is_read_written_the_dutch_way_or_iso(text, day):
    assert parse_dutch_date(text) == day


@pytest.mark.parametrize("text", ["31-02-2023", "2023-13-01", "29-02-2023", "00-01-2024"])
def test_a_date_written_right_that_does_not_exist_is_no_such_date(text):
    with pytest.raises(NoSuchDate):
        parse_dutch_date(text)


@pytest.mark.parametrize("text", ["", "15-09-23", "15/09/2023", "2023-9-15", "morgen",
                                  "١٥-٠٩-٢٠٢٣", "15-09-2023x"])
def test_anything_else_is_not_a_date(text):
    with pytest.raises(ValueError) as raised:
        parse_dutch_date(text)
    assert not isinstance(raised.value, NoSuchDate)


class DateForm(Form):
    typed = DutchDateField("typed", validators=[Optional()])
    picked = DutchDateField("picked", picker=True, validators=[Optional()])


def test_a_date_box_shows_its_date_the_way_it_reads_it_and_a_picker_iso(app):
    with app.test_request_context():
        form = DateForm(MultiDict({"typed": "2023-09-15", "picked": "15-09-2023"}))
        assert form.validate() and form.typed.data == form.picked.data == date(2023, 9, 15)
        shown = DateForm(data={"typed": date(2023, 9, 15), "picked": date(2023, 9, 15)})
        assert 'value="15-09-2023"' in shown.typed() and 'type="text"' in shown.typed()
        assert 'value="2023-09-15"' in shown.picked() and 'type="date"' in shown.picked()
        assert date_input(date(2024, 1, 2)) == "02-01-2024"


def test_a_bad_date_keeps_what_was_typed_and_says_why_in_dutch(app):
    with app.test_request_context():
        form = DateForm(MultiDict({"typed": "31-02-2023", "picked": "gisteren"}))
        assert not form.validate()
        assert form.typed.errors == ["Deze datum bestaat niet."]
        assert form.picked.errors == ["Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 15-09-2023."]
        assert 'value="31-02-2023"' in form.typed() and form.typed.data is None


class AgbForm(Form):
    agb = StringField("agb", validators=[AGB_CODE])


@pytest.mark.parametrize("agb, valid", [("12345678", True), ("1234567", False), ("123456789", False),
                                        ("1234567a", False), ("١٢٣٤٥٦٧٨", False), ("", False)])
def test_the_agb_validator_is_contracts_rule(app, agb, valid):
    """An AGB code is 8 digits (contracts.identifiers), in the form as in the API and the import."""
    with app.test_request_context():
        form = AgbForm(MultiDict({"agb": agb}))
        assert form.validate() is valid
        assert form.agb.errors == ([] if valid else ["Een AGB-code bestaat uit precies 8 cijfers."])


@pytest.mark.parametrize("text, written", [("1234ab", "1234 AB"), (" 1234 AB ", "1234 AB"),
                                           ("1234  AB", None), ("123 AB", None), ("", None)])
def test_a_postcode_is_written_one_way(text, written):
    assert postcode(text) == written


# -- the refusals ---------------------------------------------------------------------------------

def test_a_refusal_is_said_per_subject(app):
    with app.test_request_context():
        stale = TransitionRefused("version", "the offer changed")
        assert refusal(stale, OFFER).startswith("De aanbieding is intussen door iemand anders")
        assert refusal(stale, ANSWER).startswith("Het aanbod is intussen gewijzigd")
        unknown = CaseError("iets", "something else")
        assert refusal(unknown, OFFER) == "Niet gelukt: something else"
        assert refusal(unknown, ANSWER) == "Dit kan niet met dit aanbod."


def test_a_refusal_fills_in_its_values_and_is_found_by_reason_then_field(app):
    with app.test_request_context():
        closed = DateRefused("start_date", "closed", "closed", date(2024, 1, 1), date(2023, 12, 31))
        assert refusal(closed, APPLICATION, year=2024) == (
            "Aanvragen voor een overeenkomst in 2024 zijn niet meer mogelijk.")
        assert refusal(CaseError("contract", "no rule"), OFFER) == (
            "Het beleid doet hier geen aanbod: no rule")
        assert refusal(CaseError("group.3.name", "twice"), CHECK) == (
            "Deze naam staat twee keer in de groep.")


def test_a_refusal_follows_the_language(app, client):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        message = refusal(TransitionRefused("version", "changed"), OFFER)
        assert message and not message.startswith("De aanbieding")
