"""The contract manager's forms. Rules that also hold in the API live in `contracts/` and the
operations; the forms check only what a form can know (required, format, length)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (BooleanField, HiddenField, RadioField, SearchField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import InputRequired, Length, Optional

from contracts.vocabulary import ProviderType, dutch

from ..fields import DutchDateField, choice
from ..provider.forms import TariffLinesForm

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
