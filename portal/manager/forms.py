"""The contract manager's forms. Rules that also hold in the API live in `contracts/` and the
operations; the forms check only what a form can know (required, format, length)."""
from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SearchField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from contracts.variants import NAME as VARIANT_NAME
from contracts.vocabulary import ProviderType, dutch

from ..fields import DutchDateField, choice
from ..provider.forms import TariffLinesForm, dutch_decimal

class ProviderSearchForm(FlaskForm):
    """The register's search (a GET form: it changes nothing, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Zoeken op naam, AGB-code of plaats"), validators=[Optional(), Length(max=100)])
    type = SelectField(_l("Type"), validators=[Optional()],
                       choices=[choice("", _l("Alle typen")),
                                *(choice(t.value, dutch(t)) for t in ProviderType)])
    region = StringField(_l("Regio"), validators=[Optional(), Length(max=100)])


class ImportForm(FlaskForm):
    kind = RadioField(_l("Wat importeert u?"), default="zorgaanbieders",
                      choices=[choice("zorgaanbieders", _l("Zorgaanbieders (register)")),
                               choice("profielscores", _l("Profielscores (apotheekprofiel)"))],
                      validators=[InputRequired(_l("Kies wat u importeert."))])
    file = FileField(_l("CSV-bestand (puntkomma-gescheiden, UTF-8)"),
                     validators=[FileRequired(_l("Kies een bestand.")),
                                 FileAllowed(["csv", "txt"], _l("Alleen een .csv-bestand."))])


class IssueOfferForm(FlaskForm):
    """One offer for one provider; the contract choices are set by the view from the policy."""

    contract = SelectField(_l("Overeenkomst"), validators=[InputRequired(_l("Kies een overeenkomst."))])
    deadline = DutchDateField(_l("Reageren uiterlijk (dd-mm-jjjj, optioneel)"), validators=[Optional()])
    # as long as the API takes it (portal.api.offers.IssueSchema)
    override_reason = TextAreaField(_l("Reden om de uitsluiting opzij te zetten"),
                                    validators=[Optional(), Length(max=5000)])


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class OfferActionForm(FlaskForm):
    """One manager action on an offer; `version` refuses the action if the offer changed since."""

    version = HiddenField()
    reason = TextAreaField(_l("Bericht of reden"), validators=[Optional(), Length(max=5000)])


class NegotiationForm(OfferActionForm, TariffLinesForm):
    """The insurer's answer to a counter-proposal (respond) or the agreement (agree), with the
    offer's tariff lines, one row each: a row filled in changes that line."""


class SimulationDateForm(FlaskForm):
    day = DutchDateField(_l("Simulatiedatum (dd-mm-jjjj)"),
                         validators=[InputRequired(_l("Vul een datum in."))])
    reason = StringField(_l("Reden (optioneel)"), validators=[Optional(), Length(max=500)])


YES_NO = [choice("ja", _l("Ja")), choice("nee", _l("Nee"))]


def assessment_form(criteria, formdata=None):
    """The assessment of an application: per criterion of the checklist met yes/no and a
    motivation (and the confirmation a criterion requires), then the outcome and its motivation.

    Completeness is checked by the operation (contracts.newproviders.record_assessment), so the
    same rule holds in the API; the form only collects.
    """
    class AssessmentForm(FlaskForm):
        granted = RadioField(_l("Uitkomst"), validators=[Optional()],
                             choices=[choice("ja", _l("Toekennen")), choice("nee", _l("Afwijzen"))])
        motivation = TextAreaField(_l("Motivering van de uitkomst"), validators=[Length(max=5000)])

    for criterion in criteria:
        setattr(AssessmentForm, f"met_{criterion.id}",
                RadioField(criterion.summary, choices=YES_NO, validators=[Optional()]))
        setattr(AssessmentForm, f"motivation_{criterion.id}",
                TextAreaField(_l("Motivering"), validators=[Length(max=5000)]))
        if criterion.requires_confirmation:
            setattr(AssessmentForm, f"confirmed_{criterion.id}",
                    BooleanField(_l("Economisch bestaansrecht bevestigd")
                                 if criterion.requires_confirmation == "economisch_bestaansrecht"
                                 else criterion.requires_confirmation.replace("_", " ")))
    return AssessmentForm(formdata=formdata) if formdata is not None else AssessmentForm()


# -- the policy lab -------------------------------------------------------------------------------

def _days(text: str) -> list[int]:
    """Reminder days as typed: "14, 3, 0" (commas or spaces)."""
    parts = [p for p in re.split(r"[,;\s]+", text or "") if p]
    if not all(p.isdigit() for p in parts):
        raise ValueError(_l("Dagen als hele getallen, gescheiden door komma's (bijvoorbeeld 14, 3, 0)."))
    return sorted({int(p) for p in parts}, reverse=True)


class DaysField(StringField):
    """A list of whole days, typed as 14, 3, 0."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(str(d) for d in self.data or [])

    def process_formdata(self, valuelist):
        if valuelist:
            self.data = _days(valuelist[0])


class DutchNumberField(StringField):
    """A number typed the Dutch way (0,25 or 7,40; read as the tariff lines read amounts,
    `dutch_decimal`: at most two decimals after a comma)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{Decimal(str(self.data)):.2f}".replace(".", ",")

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        self.data = dutch_decimal(valuelist[0])
        if self.data is None:
            raise ValueError(_l("Een getal, met ten hoogste %(places)s cijfers achter de komma.",
                                places=2))


class VariantForm(FlaskForm):
    """A variant's head; variant_form adds a field per parameter of its base."""

    name = StringField(_l("Naam"), validators=[
        InputRequired(_l("Geef de variant een naam.")),
        Regexp(VARIANT_NAME.pattern + "$",
               message=_l("Kleine letters, cijfers, - en _ (ten hoogste 60 tekens)."))])
    title = StringField(_l("Titel"), validators=[InputRequired(_l("Geef de variant een titel.")),
                                                 Length(max=300)])
    description = TextAreaField(_l("Toelichting (optioneel)"), validators=[Optional(), Length(max=2000)])


def parameter_field_name(path: str) -> str:
    """The form field of a parameter (contracts.variants.Parameter.path)."""
    return "p__" + path.replace(".", "__")


def variant_form(params, formdata=None, **kwargs) -> VariantForm:
    """The variant form for a base's parameters: a field each, its kind's field."""
    class Form(VariantForm):
        pass

    for parameter in params:
        required = [InputRequired(_l("Vul een waarde in."))]
        if parameter.kind == "int":
            field = IntegerField(parameter.label, validators=required + [NumberRange(min=0, max=400)])
        elif parameter.kind == "bool":
            field = BooleanField(parameter.label)
        elif parameter.kind == "date":
            field = DutchDateField(parameter.label, validators=required)
        elif parameter.kind == "days":
            field = DaysField(parameter.label, validators=[Optional()])
        else:  # a share or an amount
            field = DutchNumberField(parameter.label, validators=required)
        setattr(Form, parameter_field_name(parameter.path), field)
    return Form(formdata=formdata, **kwargs) if formdata is not None else Form(**kwargs)


class VariantUploadForm(FlaskForm):
    file = FileField(_l("YAML-bestand van de variant"),
                     validators=[FileRequired(_l("Kies een bestand.")),
                                 FileAllowed(["yaml", "yml"], _l("Alleen een .yaml-bestand."))])


class LabRunForm(FlaskForm):
    """A comparison: the seed of the simulated answers and the days (the campaign's by default)."""

    seed = IntegerField(_l("Startgetal van de gesimuleerde antwoorden"), default=1,
                        validators=[InputRequired(_l("Vul een startgetal in.")),
                                    NumberRange(min=0, max=2**31 - 1)])
    start = DutchDateField(_l("Vanaf (optioneel)"), validators=[Optional()])
    end = DutchDateField(_l("Tot en met (optioneel)"), validators=[Optional()])
