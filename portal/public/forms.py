"""The public forms: the application of a new provider, and the zorgzoeker's search."""
from __future__ import annotations

import functools
from datetime import date

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (EmailField, Form, FormField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import (DataRequired, Email, InputRequired, Length, Optional, Regexp,
                                ValidationError)
from wtforms.widgets import CheckboxInput, ListWidget

from contracts.filetypes import is_pdf
from contracts.identifiers import postcode
from contracts.newproviders import DateRefused, check_dates
from contracts.policy import load_policy
from contracts.vocabulary import Contract, ProviderType, Route, dutch

from ..fields import AGB_CODE, KVK_NUMBER, DutchDateField, stripped
from ..formatting import format_day
from ..operations.applications import attachment_name
from ..refusals import APPLICATION, refusal


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def size_text(size: int) -> str:
    """A byte count the way people say it, in the page's language: 5 MB, 1,5 MB, 200 kB."""
    if size >= 1024 * 1024:
        return f"{format_decimal(round(size / (1024 * 1024), 1))} MB"
    return f"{max(size // 1024, 1)} kB"


class PdfOnly:
    """Every uploaded file is a PDF (by its content, not its name) of at most the configured size.

    The checked files are left on the field as `pdfs`: [(filename as sent, bytes)];
    `submit_application` makes the names safe, as it does for the API's.
    """

    def __call__(self, form, field):
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        field.pdfs = []
        for storage in field.data or []:
            if storage is None or not getattr(storage, "filename", ""):
                continue  # an empty file input
            name = attachment_name(storage.filename)  # as the message shows it
            content = storage.read(limit + 1)
            if len(content) > limit:
                raise ValidationError(_l("%(name)s is groter dan %(size)s.", name=name,
                                         size=size_text(limit)))
            if not is_pdf(content):
                raise ValidationError(_l("%(name)s is geen PDF-bestand. Stuur alleen PDF-bestanden mee.",
                                         name=name))
            field.pdfs.append((storage.filename, content))


def normalise_postcode(value):
    """1234ab and 1234 AB are the same postcode; anything else is left for the validator."""
    return postcode(value) or (value or "").strip()


def provider_type_choices():
    return [("", _l("Kies het type zorgaanbieder"))] + [(t.value, dutch(t)) for t in ProviderType]


@functools.cache
def applicable_contracts(policy_year: int) -> tuple[str, ...]:
    """The contracts a new provider of some type can apply for under the policy, in its order."""
    policy = load_policy(policy_year)
    open_to_new = {r.contract for r in policy.rules.values()
                   if r.route is Route.AANVRAAG and "nieuw" in r.relations}
    return tuple(c.value for c in Contract if c in open_to_new)


@functools.cache
def assessment_criteria(policy_year: int):
    """The criteria a manager weighs an application on (the applicant motivates each)."""
    return tuple(c for c in load_policy(policy_year).criteria.values() if c.kind == "assessment")


class ApplicationFields(FlaskForm):
    organisation = StringField(_l("Naam van de organisatie"), validators=[
        DataRequired(_l("Vul de naam van uw organisatie in.")), Length(max=200)])
    agb = StringField(_l("AGB-code"), validators=[DataRequired(_l("Vul uw AGB-code in.")), AGB_CODE],
                      filters=[stripped])
    kvk = StringField(_l("KvK-nummer"), validators=[DataRequired(_l("Vul uw KvK-nummer in.")),
                                                    KVK_NUMBER],
                      filters=[stripped])
    provider_type = SelectField(_l("Type zorgaanbieder"), choices=provider_type_choices,
                                validators=[DataRequired(_l("Kies het type zorgaanbieder."))])
    address = StringField(_l("Adres"), validators=[
        DataRequired(_l("Vul het adres in.")), Length(max=200)])
    postcode = StringField(_l("Postcode"), validators=[
        DataRequired(_l("Vul de postcode in.")),
        Regexp(r"^\d{4} [A-Z]{2}$", message=_l("Schrijf de postcode als 1234 AB."))],
        filters=[normalise_postcode])
    city = StringField(_l("Plaats"), validators=[
        DataRequired(_l("Vul de plaats in.")), Length(max=100)])
    agb_start = DutchDateField(_l("Startdatum van de AGB-code"), picker=True, validators=[
        InputRequired(_l("Vul de startdatum van uw AGB-code in."))])
    contact_email = EmailField(_l("E-mailadres voor contact"), validators=[
        DataRequired(_l("Vul een e-mailadres in.")),
        Email(_l("Dit is geen geldig e-mailadres.")), Length(max=200)])
    contracts = CheckboxesField(_l("Gewenste overeenkomsten"))
    start_date = DutchDateField(_l("Gewenste ingangsdatum"), picker=True, validators=[
        InputRequired(_l("Vul de gewenste ingangsdatum in."))])
    attachments = MultipleFileField(_l("Bijlagen (PDF)"), validators=[PdfOnly()])

    #: The contract year applied for (application_form sets it).
    policy_year: int

    def __init__(self, *args, today: date, **kwargs):
        """`today` is the simulated date: the day the application would be received."""
        super().__init__(*args, **kwargs)
        self.today = today
        self.contracts.choices = [(c, dutch(Contract(c)))
                                  for c in applicable_contracts(self.policy_year)]

    def validate_start_date(self, field):
        """The dates checked as submit_application checks them (contracts.newproviders)."""
        if field.data is None:
            return
        try:
            check_dates(load_policy(self.policy_year), received_on=self.today, start=field.data,
                        agb_start=self.agb_start.data)
        except DateRefused as refused:
            message = date_refusal(refused, self.policy_year)
            if refused.field == "agb_start":
                self.agb_start.errors.append(message)
            else:
                raise ValidationError(message) from None

    def validate_contracts(self, field):
        # Not DataRequired: that would mark every checkbox `required`, as if all were needed.
        if not field.data:
            raise ValidationError(_l("Kies ten minste één overeenkomst."))

    def data_for_submit(self) -> dict:
        """The form's values as `submit_application` takes them."""
        return {"organisation": self.organisation.data.strip(), "agb": self.agb.data.strip(),
                "kvk": self.kvk.data.strip(), "provider_type": self.provider_type.data,
                "address": self.address.data.strip(), "postcode": self.postcode.data,
                "city": self.city.data.strip(), "agb_start": self.agb_start.data,
                "contact_email": self.contact_email.data.strip(),
                "contracts": list(self.contracts.data), "start_date": self.start_date.data,
                "motivations": {key: text.strip() for key, text in self.motivations.data.items()
                                if (text or "").strip()}}


def date_refusal(refused: DateRefused, policy_year: int) -> str:
    """A refused date of an application for `policy_year`, in the page's language."""
    return refusal(refused, APPLICATION, year=policy_year, first=format_day(refused.first),
                   last=format_day(refused.last))


@functools.cache
def application_form(policy_year: int):
    """The application form of a policy year: a motivation per assessment criterion."""
    class MotivationFields(Form):
        pass

    for criterion in assessment_criteria(policy_year):  # the labels are the policy's own words
        setattr(MotivationFields, criterion.id,
                TextAreaField(criterion.summary, validators=[Optional(), Length(max=4000)]))

    class ApplicationForm(ApplicationFields):
        motivations = FormField(MotivationFields)

    ApplicationForm.policy_year = policy_year

    return ApplicationForm


class ZorgzoekerSearch(FlaskForm):
    """The zorgzoeker's filters (a GET form: it changes nothing, so no token)."""

    class Meta:
        csrf = False

    plaats = StringField(_l("Plaats"), validators=[Optional(), Length(max=100)])
    type = SelectField(_l("Type zorgaanbieder"), validators=[Optional()], choices=lambda: [
        ("", _l("Alle typen")), *((t.value, dutch(t)) for t in ProviderType)])
    overeenkomst = SelectField(_l("Overeenkomst"), validators=[Optional()], choices=lambda: [
        ("", _l("Alle overeenkomsten")), *((c.value, dutch(c)) for c in Contract)])
