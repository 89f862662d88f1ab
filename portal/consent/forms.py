"""The requests' forms: the pharmacy's request and withdrawal, the advisor's handling and decision.

The forms check what a field can say on its own, in Dutch; the rules that must also hold in the
API (prevalence, Z-index number, no BSN, the prescription's content) are contracts.consent's,
which the operation applies and the view puts back on the field.
"""
from __future__ import annotations

import os

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from contracts.consent import KINDS, check_prescription, load_consent_policy
from contracts.errors import CaseError

from ..fields import AGB_CODE, ZINDEX_NUMBER, DutchDateField, choice, stripped
from ..public.forms import size_text


class DutchIntegerField(IntegerField):
    """A whole number as people type it: 150000, 150.000 or 150 000."""

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].replace(".", "").replace(" ", "").strip()]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Vul een heel getal in, bijvoorbeeld 150.000.")) from None


class Prescription:
    """The uploaded prescription is a PDF, PNG or JPEG (by its content) of at most the configured
    size; the checked file is left on the field as `checked`: (filename, bytes)."""

    def __call__(self, form, field):
        storage = field.data
        field.checked = None
        if storage is None or not getattr(storage, "filename", ""):
            raise ValidationError(_l("Voeg het recept toe (PDF, PNG of JPEG)."))
        limit = current_app.config["ATTACHMENT_MAX_BYTES"]
        name = os.path.basename(storage.filename.replace("\\", "/"))[:200] or "recept"
        content = storage.read(limit + 1)
        try:
            check_prescription(name, content, limit)
        except CaseError:
            if len(content) > limit:
                raise ValidationError(_l("%(name)s is groter dan %(size)s.", name=name,
                                         size=size_text(limit))) from None
            raise ValidationError(_l("%(name)s is geen PDF-, PNG- of JPEG-bestand. Stuur het recept "
                                     "als PDF of als foto (PNG of JPEG).", name=name)) from None
        field.checked = (name, content)


class RequestForm(FlaskForm):
    """A request for consent (toestemming) or authorisation (machtiging)."""

    kind = HiddenField(validators=[AnyOf(KINDS, message=_l("Kies toestemming of machtiging."))])
    substance = StringField(_l("Werkzame stof"), filters=[stripped], validators=[
        DataRequired(_l("Vul de werkzame stof in.")), Length(max=200)])
    brand = StringField(_l("Merknaam"), filters=[stripped], validators=[Length(max=200)])
    zindex_number = StringField(_l("Z-indexnummer"), filters=[stripped],
                                validators=[Optional(), ZINDEX_NUMBER])
    gstandaard_status = RadioField(_l("Status in de G-Standaard"), validators=[Optional()], choices=[
        choice("f_met_voorwaarde", _l("F met voorwaarde, en de verzekerde voldoet niet aan de voorwaarde")),
        choice("n", _l("N (geen aanspraak farmaceutische zorg)"))])
    importer = StringField(_l("Importeur"), filters=[stripped], validators=[Length(max=200)])
    indication = StringField(_l("Aandoening (indicatie)"), filters=[stripped], validators=[
        DataRequired(_l("Vul de aandoening in waarvoor het geneesmiddel is.")), Length(max=300)])
    insured_initials = StringField(_l("Voorletters van de verzekerde"), filters=[stripped], validators=[
        DataRequired(_l("Vul de voorletters van de verzekerde in.")), Length(max=20)])
    insured_birth_date = DutchDateField(_l("Geboortedatum van de verzekerde"), picker=True, validators=[
        InputRequired(_l("Vul de geboortedatum van de verzekerde in."))])
    patient_reference = StringField(_l("Uw referentie (patiëntnummer in uw systeem)"),
                                    filters=[stripped], validators=[Length(max=40)])
    prescriber = StringField(_l("Voorschrijver"), filters=[stripped], validators=[
        DataRequired(_l("Vul de naam van de voorschrijver in.")), Length(max=200)])
    prescriber_agb = StringField(_l("AGB-code van de voorschrijver"), filters=[stripped],
                                 validators=[Optional(), AGB_CODE])
    substantiation = TextAreaField(_l("Onderbouwing"), filters=[stripped], validators=[
        DataRequired(_l("Onderbouw waarom er voor deze verzekerde aanspraak is.")), Length(max=10000)])
    rational_pharmacotherapy = BooleanField(
        _l("Het gaat om rationele farmacotherapie"),
        validators=[DataRequired(_l("Een aanvraag kan alleen bij rationele farmacotherapie. "
                                    "Bevestig dat daarvan sprake is."))])
    prevalence_one_in = DutchIntegerField(_l("De aandoening komt in Nederland voor bij 1 op ... inwoners"),
                                          validators=[InputRequired(_l("Vul in bij hoeveel inwoners de "
                                                                       "aandoening één keer voorkomt."))])
    igj_reference = StringField(_l("Kenmerk van de importtoestemming van de IGJ (als bekend)"),
                                filters=[stripped], validators=[Length(max=100)])
    prescription = FileField(_l("Recept (PDF, PNG of JPEG)"), validators=[Prescription()])

    def validate_prevalence_one_in(self, field):
        least = load_consent_policy().prevalence_one_in
        if field.data is not None and field.data < least:
            raise ValidationError(_l("Een aanvraag kan alleen bij een aandoening die in Nederland niet "
                                     "vaker voorkomt dan bij 1 op %(n)s inwoners.",
                                     n=format_decimal(least)))
        if field.data is not None and field.data > 2**31 - 1:
            raise ValidationError(_l("Dat getal is te groot."))

    def validate_zindex_number(self, field):
        if self.kind.data == "toestemming" and not field.data:
            raise ValidationError(_l("Vul het Z-indexnummer in (8 cijfers)."))
        if self.kind.data == "machtiging" and field.data:
            raise ValidationError(_l("Een machtiging is voor een geneesmiddel zonder Z-indexnummer. "
                                     "Heeft het geneesmiddel een Z-indexnummer, vraag dan toestemming aan."))

    def validate_gstandaard_status(self, field):
        if self.kind.data == "toestemming" and not field.data:
            raise ValidationError(_l("Kies de status van het geneesmiddel in de G-Standaard."))

    def validate_brand(self, field):
        if self.kind.data == "machtiging" and not field.data:
            raise ValidationError(_l("Vul de merknaam in; u hebt die ook nodig in het commentaarrecord."))

    def validate_importer(self, field):
        if self.kind.data == "machtiging" and not field.data:
            raise ValidationError(_l("Vul de naam van de importeur in."))

    def data_for_submit(self) -> dict:
        """The form's values as `submit_request` takes them."""
        names = ("kind", "substance", "brand", "zindex_number", "gstandaard_status", "importer",
                 "indication", "insured_initials", "insured_birth_date", "patient_reference",
                 "prescriber", "prescriber_agb", "substantiation", "rational_pharmacotherapy",
                 "prevalence_one_in", "igj_reference")
        return {name: getattr(self, name).data for name in names}


class VersionForm(FlaskForm):
    #: The request's version when the page was shown.
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])


class WithdrawForm(VersionForm):
    reason = TextAreaField(_l("Reden van intrekken (niet verplicht)"), filters=[stripped],
                           validators=[Length(max=4000)])


class TakeForm(VersionForm):
    """Only the version and the CSRF token: taking a request into handling."""


class DecisionForm(VersionForm):
    outcome = RadioField(_l("Besluit"), choices=[choice("verleend", _l("Verlenen")),
                                                 choice("geweigerd", _l("Weigeren"))],
                         validators=[InputRequired(_l("Kies: verlenen of weigeren."))])
    reason = TextAreaField(_l("Reden (de apotheek krijgt deze tekst)"), filters=[stripped],
                           validators=[Length(max=10000)])
    valid_until = DutchDateField(_l("Geldig tot en met (niet verplicht, alleen bij verlenen)"),
                                 picker=True, validators=[Optional()])

    def validate_reason(self, field):
        if self.outcome.data == "geweigerd" and not field.data:
            raise ValidationError(_l("Geef de reden van de weigering; de apotheek krijgt deze reden."))

    def validate_valid_until(self, field):
        if field.data is not None and self.outcome.data == "geweigerd":
            raise ValidationError(_l("Alleen een verleende aanvraag heeft een geldigheid."))
