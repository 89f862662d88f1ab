"""The provider's forms: answering an offer (accept, decline, counter-propose), marking a message read.

Each answer form carries the offer's version as it was shown, so an answer to an offer that
changed in the meantime is refused rather than applied to something the user did not see.
"""
from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, FieldList, Form, FormField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

MAX_CHANGED_LINES = 5
#: A Dutch amount: 7,50 or 1.234,56 or 12 (thousands with dots, at most two decimals after a comma).
DUTCH_AMOUNT = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?")


def dutch_decimal(text: str) -> Decimal | None:
    """The amount a Dutch reader means by `text` (7,50 is seven and a half), or None."""
    text = (text or "").strip()
    if not DUTCH_AMOUNT.fullmatch(text):
        return None
    return Decimal(text.replace(".", "").replace(",", "."))


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
    """One changed tariff line of a counter-proposal; an empty line is left out."""

    code = StringField(_l("Prestatiecode"), validators=[Optional(), Length(max=40)])
    amount = StringField(_l("Bedrag (€)"), validators=[Optional(), Length(max=20)])

    def validate_amount(self, field):
        if field.data and dutch_decimal(field.data) is None:
            raise ValidationError(_l("Schrijf het bedrag als 7,50 (komma voor de centen)."))
        if field.data and not (self.code.data or "").strip():
            raise ValidationError(_l("Vul ook de prestatiecode in."))

    def validate_code(self, field):
        if (field.data or "").strip() and not (self.amount.data or "").strip():
            raise ValidationError(_l("Vul ook het bedrag in."))


class CounterForm(AnswerForm):
    message = TextAreaField(_l("Uw tegenvoorstel"), validators=[
        DataRequired(_l("Licht uw tegenvoorstel toe.")), Length(max=4000)])
    lines = FieldList(FormField(TariffLineForm), max_entries=MAX_CHANGED_LINES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Pad to five rows here, not with min_entries: FieldList's padding re-reads the posted
        # rows when their numbers have gaps (lines-0, lines-2), which would double a line.
        while len(self.lines) < MAX_CHANGED_LINES:
            self.lines.append_entry()

    def changes(self) -> list[dict]:
        """The filled-in tariff lines as the negotiation round stores them (amounts exact, as text)."""
        return [{"code": line.code.data.strip(), "amount": str(dutch_decimal(line.amount.data)),
                 "note": ""}
                for line in self.lines if (line.code.data or "").strip()]


class MarkReadForm(FlaskForm):
    """Only the CSRF token: marking read is a POST like every change."""
