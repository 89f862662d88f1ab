"""The provider's forms: answering an offer (accept, decline, counter-propose), marking a message read.

Each answer form carries the offer's version as it was shown, so an answer to an offer that
changed in the meantime is refused rather than applied to something the user did not see.
"""
from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, HiddenField, IntegerField, StringField,
                     TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from ..operations.offers import MAX_FACTOR, TariffLineRefused

#: Rows of a tariff list a form takes (an offer's list has a few; more posted are left out).
MAX_TARIFF_LINES = 20
#: A Dutch amount: 7,50 or 1.234,56 or 12 (thousands with dots, at most two decimals after a comma).
DUTCH_AMOUNT = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?")


def dutch_decimal(text: str) -> Decimal | None:
    """The amount a Dutch reader means by `text` (7,50 is seven and a half), or None."""
    text = (text or "").strip()
    if not DUTCH_AMOUNT.fullmatch(text):
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


def typed_amount(text: str) -> Decimal | None:
    """An amount as typed in a tariff line: Dutch, a euro sign and a minus sign allowed (a
    negative amount is an amount, refused for what it is, not for how it is written)."""
    text = (text or "").replace("€", "").strip()
    negative = text.startswith("-")
    amount = dutch_decimal(text[1:] if negative else text)
    return -amount if negative and amount is not None else amount


class AnswerForm(FlaskForm):
    #: The offer's version when the page was shown.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class AcceptForm(AnswerForm):
    confirm = BooleanField(_l("Ik ben tekenbevoegd en aanvaard dit aanbod"), validators=[
        DataRequired(_l("Bevestig dat u tekenbevoegd bent en dit aanbod aanvaardt."))])


class DeclineForm(AnswerForm):
    reason = TextAreaField(_l("Reden van afwijzen"), validators=[
        DataRequired(_l("Geef de reden waarom u het aanbod afwijst.")), Length(max=4000)])


class TariffLineForm(Form):
    """One line of the offer's tariff list: its code (as the page shows it) and, when it is to
    change, the proposed amount and a note. The operation checks the code and the amount against
    the offer's own list; the form checks only how the amount is written."""

    code = HiddenField(validators=[Length(max=40)])
    amount = StringField(_l("Voorgesteld bedrag (€)"), validators=[Optional(), Length(max=20)])
    note = StringField(_l("Toelichting"), validators=[Optional(), Length(max=500)])

    def validate_amount(self, field):
        amount = typed_amount(field.data)
        if (field.data or "").strip() and amount is None:
            raise ValidationError(_l("Schrijf het bedrag als 7,50 (komma voor de centen)."))
        if amount is not None and amount < 0:
            raise ValidationError(_l("Het bedrag kan niet negatief zijn."))

    def validate_note(self, field):
        if (field.data or "").strip() and not (self.amount.data or "").strip():
            raise ValidationError(_l("Vul ook het voorgestelde bedrag in, of laat de toelichting "
                                     "weg."))


#: Why the offer refuses a changed tariff line (TariffLineRefused.problem), said on its row.
LINE_PROBLEMS = {
    "unknown": _l("Deze code staat niet in de tarieven van dit aanbod."),
    "twice": _l("Deze tariefregel staat er twee keer in."),
    "not_amount": _l("Schrijf het bedrag als 7,50 (komma voor de centen)."),
    "negative": _l("Het bedrag kan niet negatief zijn."),
    "cents": _l("Gebruik hoogstens twee cijfers achter de komma."),
    "too_high": _l("Dit bedrag is meer dan %(factor)s keer het aangeboden tarief. Controleer het "
                   "bedrag.", factor=MAX_FACTOR),
}


class TariffLinesForm(FlaskForm):
    """A form with the offer's tariff lines, one row each, the code of each row given by the
    view (`tariff_rows`); the rows filled in are the changes (`changes`)."""

    lines = FieldList(FormField(TariffLineForm), max_entries=MAX_TARIFF_LINES)

    def tariff_rows(self, codes: list[str]) -> None:
        """A row for each code of the offer's tariff list: a posted form keeps the rows it
        posted, as typed, and gets those it left out."""
        present = {(line.code.data or "").strip() for line in self.lines}
        for code in codes:
            if code not in present:
                self.lines.append_entry({"code": code})

    def changes(self) -> list[dict]:
        """The rows with a proposed amount, as the negotiation round stores them."""
        return [{"code": (line.code.data or "").strip(),
                 "amount": str(typed_amount(line.amount.data)),
                 "note": (line.note.data or "").strip()}
                for line in self.filled()]

    def filled(self) -> list:
        """The rows with a proposed amount, in order (the n-th of them is change n)."""
        return [line for line in self.lines if (line.amount.data or "").strip()]

    def refuse_line(self, refused: TariffLineRefused) -> None:
        """Show the offer's refusal of a change on the row it came from."""
        message = LINE_PROBLEMS.get(refused.problem, LINE_PROBLEMS["not_amount"])
        rows = self.filled()
        if refused.line >= len(rows):  # not a row of this form: said above the rows
            self.form_errors.append(message)
            return
        row = rows[refused.line]
        field = row.code if refused.field.endswith(".code") else row.amount
        field.errors = [*field.errors, message]


class CounterForm(AnswerForm, TariffLinesForm):
    message = TextAreaField(_l("Uw tegenvoorstel"), validators=[
        DataRequired(_l("Licht uw tegenvoorstel toe.")), Length(max=4000)])


class MarkReadForm(FlaskForm):
    """Only the CSRF token: marking read is a POST like every change."""
