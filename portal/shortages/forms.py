"""The shortages' forms. The rules (which states, who may declare them, which products fit) live
in contracts.shortages; the forms check only what a form can know and offer the choices."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, RadioField, SearchField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from contracts import shortages as domain

from ..fields import DutchDateField, choice


def optional_id(value):
    return int(value) if value not in (None, "", "None") else None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def state_choices(states):
    defs = domain.definitions()
    return [choice(s, defs[s].term) for s in states]


def declarer_choices():
    return [choice(slug, label) for slug, label in domain.declarers().items()]


class NoticeFields(FlaskForm):
    """What every version of a notice carries (but the product and the end)."""

    state = SelectField(_l("Status"), validators=[InputRequired()])
    reported_by = SelectField(_l("Gemeld door"), validators=[InputRequired()])
    started_on = DutchDateField(_l("Begonnen op"), validators=[InputRequired()])
    expected_end = DutchDateField(_l("Verwacht einde"), validators=[Optional()])
    drops_out = BooleanField(_l("Het product vervalt uit het preferentiebeleid"))
    temporary_preferred = SelectField(_l("Tijdelijk preferent product"), coerce=optional_id,
                                      validators=[Optional()])
    alternatives = MultiCheckboxField(_l("Aangewezen alternatieven"), coerce=int,
                                      validators=[Optional()])
    price_article = SelectField(_l("Aangepast prijsbepalend artikel (LPG)"), coerce=optional_id,
                                validators=[Optional()])
    sellout_until = DutchDateField(_l("Uitverkoop-/vergoedingstermijn tot"),
                                   validators=[Optional()])
    note = TextAreaField(_l("Toelichting voor de apotheken"),
                         validators=[Optional(), Length(max=domain.MAX_NOTE)])
    patient_note = TextAreaField(_l("Informatie voor patiënten (openbaar)"),
                                 validators=[Optional(), Length(max=domain.MAX_NOTE)])

    def set_products(self, products, *, group: str | None = None, exclude: int | None = None):
        """Offer the register's products: the group's for the temporary preferred product and
        the price article (all products when the group is not known yet), any for alternatives."""
        same = [p for p in products if (group is None or p.group_code == group) and p.id != exclude]
        none = choice("", _l("geen"))
        self.temporary_preferred.choices = [none, *(choice(p.id, label(p)) for p in same)]
        self.price_article.choices = [none, *(choice(p.id, label(p)) for p in same)]
        self.alternatives.choices = [choice(p.id, label(p)) for p in products if p.id != exclude]

    def data_for_domain(self) -> dict:
        return {"state": self.state.data, "reported_by": self.reported_by.data,
                "started_on": self.started_on.data, "expected_end": self.expected_end.data,
                "drops_out": bool(self.drops_out.data),
                "temporary_preferred_id": self.temporary_preferred.data,
                "alternative_ids": list(self.alternatives.data or []),
                "price_article_id": self.price_article.data,
                "sellout_until": self.sellout_until.data, "note": self.note.data or "",
                "patient_note": self.patient_note.data or ""}


def label(product) -> str:
    return f"{product.name} ({product.zindex})"


class RegisterForm(NoticeFields):
    product = SelectField(_l("Preferent product"), coerce=optional_id,
                          validators=[InputRequired()])

    def data_for_domain(self) -> dict:
        return {**super().data_for_domain(), "product_id": self.product.data}


class UpdateForm(NoticeFields):
    version = HiddenField()


class EndForm(FlaskForm):
    reported_by = SelectField(_l("Gemeld door"), validators=[InputRequired()])
    ended_on = DutchDateField(_l("Beëindigd op"), validators=[Optional()])
    sellout_until = DutchDateField(_l("Uitverkoop-/vergoedingstermijn tot"),
                                   validators=[Optional()])
    note = TextAreaField(_l("Toelichting voor de apotheken"),
                         validators=[Optional(), Length(max=domain.MAX_NOTE)])
    version = HiddenField()

    def data_for_domain(self) -> dict:
        return {"reported_by": self.reported_by.data, "ended_on": self.ended_on.data,
                "sellout_until": self.sellout_until.data, "note": self.note.data or ""}


class SearchForm(FlaskForm):
    """The information point's search (GET: no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Zoek een geneesmiddel"), validators=[Optional(), Length(max=100)])


class WeekForm(FlaskForm):
    """The week of the preference file (GET: no CSRF token)."""

    class Meta:
        csrf = False

    week = StringField(_l("Week"), validators=[InputRequired(), Length(max=10)],
                       render_kw={"placeholder": "2023-W40"})


class ImportCheckForm(FlaskForm):
    """An import medicine during a shortage (contracts.shortageimport)."""

    shortage = BooleanField(_l("Het Nederlandse geneesmiddel is niet (voldoende) leverbaar door "
                               "een tekort; het importgeneesmiddel vervangt het"))
    ground = RadioField(_l("Grond voor het importgeneesmiddel"), choices=[
        choice("vrijstelling", _l("Geïmporteerd met een vrijstelling of voorafgaande toestemming "
                                  "van de IGJ")),
        choice("cbg_vergunning", _l("Handelsvergunning van het CBG om redenen van volksgezondheid"))],
        validators=[Optional()])
    rational = BooleanField(_l("Er is sprake van rationele farmacotherapie"))
    exemption = BooleanField(_l("Er geldt op de dag van afleveren een vrijstelling "
                                "(Vrijstellingsbesluit) of toestemming van de IGJ voor deze import"))
    doctors_order = BooleanField(_l("Er is een bestelling op initiatief van een arts, voor gebruik "
                                    "onder diens toezicht (artsenverklaring)"))
    not_available_in_nl = BooleanField(_l("Het geneesmiddel is in Nederland niet verkrijgbaar"))
    available_in_eu = BooleanField(_l("Het geneesmiddel is wel verkrijgbaar in een ander EU-land"))
    g_standaard = BooleanField(_l("Het importgeneesmiddel (TT-artikel) staat in de G-Standaard"))
    equivalent = BooleanField(_l("Het is (nagenoeg) gelijkwaardig aan een geregistreerd "
                                 "geneesmiddel dat niet in het GVS is opgenomen"))
    ministerial_exception = BooleanField(_l("Een ministeriële regeling bepaalt voor dit "
                                            "geneesmiddel anders"))

    def validate(self, extra_validators=None) -> bool:
        """The ground is needed once the import replaces a medicine in short supply."""
        valid = super().validate(extra_validators)
        if self.shortage.data and not self.ground.data:
            self.ground.errors = [*self.ground.errors,
                                  _l("Kies de grond voor het importgeneesmiddel.")]
            valid = False
        return valid

    def case(self) -> dict:
        """The case as `portal shortages import-check` reads it."""
        return {"shortage": bool(self.shortage.data), "ground": self.ground.data or None,
                "rational_pharmacotherapy": bool(self.rational.data),
                "exemption": bool(self.exemption.data),
                "doctors_order": bool(self.doctors_order.data),
                "not_available_in_nl": bool(self.not_available_in_nl.data),
                "available_in_eu": bool(self.available_in_eu.data),
                "in_g_standaard": bool(self.g_standaard.data),
                "equivalent_to_registered": bool(self.equivalent.data),
                "ministerial_exception": bool(self.ministerial_exception.data)}


class SubstitutionForm(FlaskForm):
    """Substitution by the pharmacist during a shortage (contracts.substitution)."""

    shortage = BooleanField(_l("Het voorgeschreven geneesmiddel is niet beschikbaar door een "
                               "tekort"))
    national = BooleanField(_l("Het tekort is landelijk (niet alleen in de eigen apotheek)"))
    same_substance = BooleanField(_l("Het vervangende middel heeft dezelfde werkzame stof, "
                                     "sterkte, toedieningsweg en hetzelfde afgiftepatroon"))
    local_agreement = BooleanField(_l("Er is een lokale samenwerkingsafspraak met de "
                                      "voorschrijver die deze vervanging regelt"))

    def case(self) -> dict:
        """The case as `portal shortages substitution` reads it."""
        return {"shortage": bool(self.shortage.data), "national": bool(self.national.data),
                "same_substance": bool(self.same_substance.data),
                "local_agreement": bool(self.local_agreement.data)}
