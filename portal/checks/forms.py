"""The checks' forms. Each turns what the pharmacist typed (Dutch amounts, dd-mm-jjjj dates) into
the JSON-like case the domain checks take, so the page, the API and the CLI answer alike."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, FieldList, Form, FormField, HiddenField, IntegerField,
                     RadioField, SelectField, SelectMultipleField, StringField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from contracts import appendix2 as appendix2_rules
from contracts import contribution as contribution_rules
from contracts.dispensing import consent_categories, contribution_years

from ..fields import DutchDateField, choice
from ..provider.forms import dutch_decimal

GROUP_ROWS = 6
#: 150000, 150.000 or 150 000.
WHOLE_NUMBER = re.compile(r"\d{1,3}(?:[. ]\d{3})+|\d+")


def amount_or_none(field) -> object:
    """The exact amount typed (Decimal), or None when left empty."""
    text = (field.data or "").strip()
    return dutch_decimal(text) if text else None


def check_amount(field) -> None:
    if (field.data or "").strip() and dutch_decimal(field.data) is None:
        raise ValidationError(_l("Schrijf het bedrag als 812,40 (komma voor de centen)."))


class ImportForm(FlaskForm):
    situation = RadioField(_l("Het geneesmiddel in de G-Standaard"), choices=[
        choice("F", _l("Opgenomen, status F zonder voorwaarde")),
        choice("F_voorwaarde", _l("Opgenomen, status F met voorwaarde")),
        choice("N", _l("Opgenomen, status N")),
        choice("niet", _l("Niet opgenomen in de G-Standaard"))],
        validators=[InputRequired(_l("Kies hoe het geneesmiddel in de G-Standaard staat."))])
    meets_condition = BooleanField(_l("De verzekerde voldoet aan de voorwaarde (alleen bij F met "
                                      "voorwaarde)"))
    rational = BooleanField(_l("Er is sprake van rationele farmacotherapie"))
    prevalence = StringField(_l("De aandoening komt voor bij 1 op … inwoners"),
                             validators=[Optional(), Length(max=20)])
    igj_consent = RadioField(_l("Toestemming van de IGJ voor de import op individueel "
                                "patiëntniveau"), default="onbekend", choices=[
        choice("onbekend", _l("Nog niet bekend")), choice("verleend", _l("Gegeven")),
        choice("niet_verleend", _l("Niet gegeven of geweigerd"))],
        validators=[Optional()])  # not posted: not known yet
    equivalent = BooleanField(_l("Het importgeneesmiddel is (nagenoeg) gelijkwaardig aan een "
                                 "geregistreerd geneesmiddel dat niet in het GVS is opgenomen"))
    ministerial_exception = BooleanField(_l("Een ministeriële regeling bepaalt voor dit "
                                            "geneesmiddel anders"))
    shortage = BooleanField(_l("Het geneesmiddel wordt geïmporteerd wegens een tekort "
                               "(leveringsproblemen), niet voor een zeldzame indicatie"))
    authorisation = RadioField(_l("Toestemming (in de G-Standaard) of machtiging (niet in de "
                                  "G-Standaard) van cVGZ"), default="geen", choices=[
        choice("geen", _l("Nog niet aangevraagd")),
        choice("aangevraagd", _l("Aangevraagd, nog geen besluit")),
        choice("verleend", _l("Verleend")), choice("geweigerd", _l("Afgewezen"))],
        validators=[InputRequired(_l("Kies de stand van de toestemming of machtiging."))])
    code = StringField(_l("Declaratiecode (lokale code of Z-indexnummer)"),
                       validators=[Optional(), Length(max=20)])
    material_cost = StringField(_l("Materiaalkosten (€)"), validators=[Optional(), Length(max=20)])
    purchase_price = StringField(_l("Inkoopprijs van het geneesmiddel (€)"),
                                 validators=[Optional(), Length(max=20)])
    substance = StringField(_l("Stofnaam"), validators=[Optional(), Length(max=200)])
    brand = StringField(_l("Merknaam"), validators=[Optional(), Length(max=200)])
    importer = StringField(_l("Naam van de importeur"), validators=[Optional(), Length(max=200)])
    cost_incl_transport = StringField(_l("Kosten van het geneesmiddel inclusief transport (€)"),
                                      validators=[Optional(), Length(max=20)])

    CLAIM = ("code", "material_cost", "purchase_price", "substance", "brand", "importer",
             "cost_incl_transport")

    def has_claim(self) -> bool:
        return any((getattr(self, name).data or "").strip() for name in self.CLAIM)

    def validate_prevalence(self, field):
        if (field.data or "").strip() and not WHOLE_NUMBER.fullmatch(field.data.strip()):
            raise ValidationError(_l("Vul een heel getal in, bijvoorbeeld 150.000."))
        if (field.data or "").strip() and int(re.sub(r"\D", "", field.data)) < 1:
            raise ValidationError(_l("Vul een getal van ten minste 1 in."))

    def validate_material_cost(self, field):
        check_amount(field)

    def validate_purchase_price(self, field):
        check_amount(field)

    def validate_cost_incl_transport(self, field):
        check_amount(field)

    def validate(self, extra_validators=None) -> bool:
        """A claim line, once begun, needs its code and both amounts (checked after the fields,
        whose own validation would clear these errors)."""
        valid = super().validate(extra_validators)
        if self.has_claim():
            for name in ("code", "material_cost", "purchase_price"):
                required = getattr(self, name)
                if not (required.data or "").strip():
                    required.errors = [*required.errors, _l("Vul dit in voor de declaratieregel.")]
                    valid = False
        return valid

    #: The G-Standaard status of this form -> the request form's (consent.forms.RequestForm).
    REQUEST_STATUS = {"F_voorwaarde": "f_met_voorwaarde", "N": "n"}

    def request_prefill(self) -> dict:
        """What the request form can take over from this check, as its query parameters
        (portal.consent.routes.PREFILL): the prevalence, the G-Standaard status and, where the
        comment record was begun, the medicine."""
        prevalence = re.sub(r"\D", "", self.prevalence.data or "")
        values = {"prevalence_one_in": prevalence,
                  "gstandaard_status": self.REQUEST_STATUS.get(self.situation.data, ""),
                  "substance": self.substance.data, "brand": self.brand.data,
                  "importer": self.importer.data}
        return {name: value.strip() for name, value in values.items() if (value or "").strip()}

    def shortage_prefill(self) -> dict:
        """What the check of an import during a shortage (portal.shortages, ImportCheckForm) can
        take over from this one, as its query parameters."""
        values = {"g_standaard": self.situation.data not in (None, "niet"),
                  "rational": self.rational.data, "equivalent": self.equivalent.data,
                  "ministerial_exception": self.ministerial_exception.data}
        return {"shortage": "y", **{name: "y" for name, value in values.items() if value}}

    def case(self) -> dict:
        """The case as `portal check import-claim` reads it."""
        in_g = self.situation.data != "niet"
        prevalence = (self.prevalence.data or "").strip()
        claim = None
        if self.has_claim():
            claim = {"code": self.code.data.strip(),
                     "material_cost": amount_or_none(self.material_cost),
                     "purchase_price": amount_or_none(self.purchase_price),
                     "comment": {"substance": self.substance.data or "",
                                 "brand": self.brand.data or "",
                                 "importer": self.importer.data or "",
                                 "cost_incl_transport": amount_or_none(self.cost_incl_transport)}}
        return {"in_g_standaard": in_g, "status": self.situation.data if in_g else None,
                "meets_condition": bool(self.meets_condition.data),
                "prevalence_one_in": int(re.sub(r"\D", "", prevalence)) if prevalence else None,
                "rational_pharmacotherapy": bool(self.rational.data),
                "igj_consent": self.igj_consent.data or "onbekend",
                "equivalent_to_registered": bool(self.equivalent.data),
                "ministerial_exception": bool(self.ministerial_exception.data),
                "shortage": bool(self.shortage.data),
                "authorisation": self.authorisation.data, "claim": claim}


class MedicineRow(Form):
    """One medicine of the group; an empty row is left out."""

    name = StringField(_l("Naam"), validators=[Optional(), Length(max=200)])
    aip = StringField(_l("AIP (€)"), validators=[Optional(), Length(max=20)])
    preferred = BooleanField(_l("Voorkeursmiddel"))
    unavailable = BooleanField(_l("Niet leverbaar"))

    def validate_aip(self, field):
        check_amount(field)
        if (field.data or "").strip() and not (self.name.data or "").strip():
            raise ValidationError(_l("Vul ook de naam in."))

    def validate_name(self, field):
        if (field.data or "").strip() and not (self.aip.data or "").strip():
            raise ValidationError(_l("Vul ook de AIP in."))


class EntitlementForm(FlaskForm):
    rows = FieldList(FormField(MedicineRow), max_entries=GROUP_ROWS)
    medicine = StringField(_l("Voorgeschreven middel (naam zoals in de groep; leeg: op stofnaam)"),
                           validators=[Optional(), Length(max=200)])
    medical_necessity = BooleanField(_l("Medische noodzaak (MN) op het recept"))
    logistical_necessity = BooleanField(_l("Logistieke noodzaak (LN): het voorkeursmiddel is "
                                           "langdurig niet leverbaar"))
    pharmacist_choice = StringField(_l("Keuze van de apotheker bij LN (naam; leeg: elk leverbaar "
                                       "middel)"), validators=[Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        while len(self.rows) < GROUP_ROWS:  # padded here, as CounterForm does
            self.rows.append_entry()

    def filled(self) -> list:
        return [row for row in self.rows if (row.form.name.data or "").strip()]

    def group_errors(self) -> list:
        """The errors of the group as a whole (a row's own errors stand on the row)."""
        return [e for e in self.rows.errors if not isinstance(e, (dict, list))]

    def validate_rows(self, field):
        if not self.filled():
            raise ValidationError(_l("Vul ten minste één middel van de groep in."))

    def case(self) -> dict:
        """The case as `portal check entitlement` reads it."""
        def name(field):
            return (field.data or "").strip() or None
        return {"group": [{"name": row.form.name.data.strip(),
                           "aip": amount_or_none(row.form.aip),
                           "preferred": bool(row.form.preferred.data),
                           "available": not row.form.unavailable.data} for row in self.filled()],
                "prescription": {"medicine": name(self.medicine),
                                 "medical_necessity": bool(self.medical_necessity.data),
                                 "logistical_necessity": bool(self.logistical_necessity.data),
                                 "pharmacist_choice": name(self.pharmacist_choice)}}


class RegisterEntitlementForm(FlaskForm):
    """The entitlement check on a group of the product register (seed 004): the group, the
    prescribed product of that group (or none: prescribed by substance), MN and LN.

    `products`: the register's products as (zindex, name, group, substance), in the order shown.
    The product select lists the chosen group's products only (without JavaScript the pharmacist
    picks the group, asks for its products, then picks one); a product of another group that was
    sent is listed too, so the choice stays visible with its error.
    """

    modus = HiddenField(default="register")
    group = SelectField(_l("Groep onderling vervangbare middelen"), validate_choice=False)
    product = SelectField(_l("Voorgeschreven middel"), validate_choice=False)
    medical_necessity = BooleanField(_l("Medische noodzaak (MN) op het recept"))
    logistical_necessity = BooleanField(_l("Logistieke noodzaak (LN) op het recept"))

    def __init__(self, *args, products=(), chosen_group: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.products = {p.zindex: p for p in products}
        self.groups: dict[str, str] = {}
        for p in products:
            self.groups.setdefault(p.group, _l("%(substance)s (groep %(group)s)",
                                               substance=p.substance, group=p.group))
        self.group.choices = [choice(code, label) for code, label in self.groups.items()]
        if not self.is_submitted():  # a first look: the group asked for, or the first one
            self.group.data = chosen_group if chosen_group in self.groups else \
                next(iter(self.groups), None)
        listed = [p for p in products if p.group == self.group.data]
        sent = self.products.get(self.product.data or "")
        if sent is not None and sent not in listed:
            listed.append(sent)
        self.product.choices = [choice("", _l("Op stofnaam voorgeschreven (geen bepaald middel)")),
                                *(choice(p.zindex, p.name) for p in listed)]

    def validate_group(self, field):
        if not field.data:
            raise ValidationError(_l("Kies een groep."))
        if field.data not in self.groups:
            raise ValidationError(_l("Deze groep staat niet in het register; kies een groep uit "
                                     "de lijst."))

    def validate_product(self, field):
        if not field.data:
            if self.medical_necessity.data:
                raise ValidationError(_l("Kies bij medische noodzaak het voorgeschreven middel: "
                                         "MN geeft recht op dat middel."))
            return
        product = self.products.get(field.data)
        if product is None:
            raise ValidationError(_l("Dit middel staat niet in het register; kies een middel uit "
                                     "de lijst."))
        if self.group.data in self.groups and product.group != self.group.data:
            raise ValidationError(_l("Dit middel hoort niet bij de gekozen groep; kies een middel "
                                     "uit die groep."))

    def case(self) -> dict:
        """The case as POST /api/v1/shortages/entitlement reads it (the day: the simulated date)."""
        product = self.products.get(self.product.data or "")
        return {"group": self.group.data,
                "prescription": {"medicine": product.name if product else None,
                                 "medical_necessity": bool(self.medical_necessity.data),
                                 "logistical_necessity": bool(self.logistical_necessity.data)}}


class DispensingForm(FlaskForm):
    medicine_kind = SelectField(_l("Soort geneesmiddel"), default="overig", choices=[
        choice("overig", _l("Een ander geneesmiddel")), choice("anticonceptiepil", _l("Anticonceptiepil")),
        choice("antibioticum_acuut", _l("Antibioticum bij een acute aandoening")),
        choice("chemotherapie_acuut", _l("Chemotherapie bij een acute aandoening")),
        choice("benzodiazepine", _l("Benzodiazepine")), choice("hypnoticum", _l("Slaapmiddel (hypnoticum)")),
        choice("anxiolyticum", _l("Middel tegen angst (anxiolyticum)"))])
    new_to_patient = BooleanField(_l("Het middel is nieuw voor de patiënt"))
    chronic = BooleanField(_l("Chronische aandoening (volgens de voorschrijver)"))
    months_in_use = IntegerField(_l("Maanden in gebruik"), default=0, validators=[
        InputRequired(_l("Vul een heel aantal maanden in (0 als het middel nieuw is).")),
        NumberRange(min=0, max=1200, message=_l("Vul een aantal maanden van 0 tot 1200 in."))])
    well_adjusted = BooleanField(_l("De patiënt is goed ingesteld op het middel"))

    def validate_new_to_patient(self, field):
        if field.data and (self.months_in_use.data or 0) > 0:
            raise ValidationError(_l("Een middel dat al maanden wordt gebruikt, is niet nieuw."))

    def case(self) -> dict:
        return {"medicine_kind": self.medicine_kind.data, "chronic": bool(self.chronic.data),
                "months_in_use": self.months_in_use.data, "well_adjusted": bool(self.well_adjusted.data),
                "new_to_patient": bool(self.new_to_patient.data)}


class ContributionForm(FlaskForm):
    year = SelectField(_l("Kalenderjaar"), coerce=int)
    insured_from = DutchDateField(_l("Verzekerd vanaf (dd-mm-jjjj; leeg: 1 januari)"),
                                  validators=[Optional()])
    insured_to = DutchDateField(_l("Verzekerd tot en met (dd-mm-jjjj; leeg: 31 december)"),
                                validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.year.choices = [choice(y, str(y)) for y in contribution_years()]
        if self.year.data is None:
            self.year.data = contribution_years()[-1]

    def case(self) -> dict:
        """The arguments of `personal_contribution` (empty dates: the whole year)."""
        return {"year": self.year.data, "insured_from": self.insured_from.data,
                "insured_to": self.insured_to.data}


class ConsentForm(FlaskForm):
    category = SelectField(_l("Geneesmiddel"))
    doctors_note_procedure = BooleanField(_l("Voor dit middel bestaat een artsenverklaring met "
                                             "apothekersinstructie"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [choice(slug, summary)
                                 for slug, summary in consent_categories().items()]

    def case(self) -> dict:
        return {"category": self.category.data,
                "doctors_note_procedure": bool(self.doctors_note_procedure.data)}


def amount_field(label) -> StringField:
    return StringField(label, validators=[Optional(), Length(max=20)])


class DispensingContributionForm(FlaskForm):
    """The contribution and excess of one dispensing (contracts.contribution)."""

    dispensing_date = DutchDateField(_l("Afleverdatum (dd-mm-jjjj)"), validators=[
        InputRequired(_l("Vul de afleverdatum in."))])
    birth_date = DutchDateField(_l("Geboortedatum van de verzekerde (of vul de leeftijd in)"),
                                validators=[Optional()])
    age = IntegerField(_l("Leeftijd op de afleverdatum"), validators=[
        Optional(), NumberRange(min=0, max=150, message=_l("Vul een leeftijd van 0 tot 150 in."))])
    insured_from = DutchDateField(_l("Verzekerd vanaf (dd-mm-jjjj; leeg: 1 januari)"),
                                  validators=[Optional()])
    insured_to = DutchDateField(_l("Verzekerd tot en met (dd-mm-jjjj; leeg: 31 december)"),
                                validators=[Optional()])
    kind = SelectField(_l("Wat wordt afgeleverd"), default="overig")
    interchangeable_group = BooleanField(_l("Het middel zit in een groep onderling vervangbare "
                                            "middelen (GVS)"))
    purchase_price = amount_field(_l("Inkoopprijs (€)"))
    reimbursement_limit = amount_field(_l("Vergoedingslimiet van de groep (€)"))
    prepared_contribution = amount_field(_l("Bereid uit een middel met eigen bijdrage: die eigen "
                                            "bijdrage (€)"))
    prepared_price = amount_field(_l("of de inkoopprijs van dat middel (€)"))
    prepared_limit = amount_field(_l("en zijn vergoedingslimiet (€)"))
    contribution_paid = amount_field(_l("Wettelijke eigen bijdrage al betaald dit kalenderjaar (€)"))
    supplementary_plan = SelectField(_l("Aanvullende verzekering"), default="geen")
    excess_remaining = amount_field(_l("Resterend verplicht eigen risico dit jaar (€; leeg: "
                                       "onbekend)"))
    cost_geneesmiddel = amount_field(_l("Kosten van het geneesmiddel (€; leeg: de inkoopprijs)"))
    cost_aflevering = amount_field(_l("Afleverkosten (€)"))
    cost_begeleidingsgesprek = amount_field(_l("Begeleidingsgesprek voor een voorkeursmiddel (€)"))
    cost_inhalatie_instructie = amount_field(_l("Inhalatie-instructie (€)"))
    cost_medicatiebeoordeling = amount_field(_l("Medicatiebeoordeling (€)"))
    AMOUNTS = ("purchase_price", "reimbursement_limit", "prepared_contribution", "prepared_price",
               "prepared_limit", "contribution_paid", "excess_remaining")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [choice(slug, label)
                             for slug, label in contribution_rules.kinds().items()]
        self.supplementary_plan.choices = [choice(slug, label)
                                           for slug, label in contribution_rules.plans().items()]

    def cost_fields(self) -> list:
        """The amount field of each cost part of the rule data (cost_<part>), in its order."""
        return [getattr(self, f"cost_{part}") for part in contribution_rules.cost_parts()]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for name in (*self.AMOUNTS, *(f.name for f in self.cost_fields())):
            field = getattr(self, name)
            try:
                check_amount(field)
            except ValidationError as error:
                field.errors = [*field.errors, str(error)]
                valid = False
        # what needs another field (an age or a birth date, a price and a limit in a group, the day
        # in a year with a maximum and in the period insured) the check itself refuses, with the
        # field named: contracts.contribution, its messages in portal.refusals
        return valid

    def case(self) -> dict:
        """The case as `portal check contribution` reads it."""
        prepared = None
        if any((f.data or "").strip() for f in (self.prepared_contribution, self.prepared_price,
                                                self.prepared_limit)):
            prepared = {"contribution": amount_or_none(self.prepared_contribution),
                        "purchase_price": amount_or_none(self.prepared_price),
                        "reimbursement_limit": amount_or_none(self.prepared_limit)}
        group = bool(self.interchangeable_group.data)
        return {"dispensing_date": self.dispensing_date.data, "birth_date": self.birth_date.data,
                "age": self.age.data, "insured_from": self.insured_from.data,
                "insured_to": self.insured_to.data, "kind": self.kind.data,
                "interchangeable_group": group,
                "purchase_price": amount_or_none(self.purchase_price),
                "reimbursement_limit": amount_or_none(self.reimbursement_limit),
                "prepared_from": prepared,
                "contribution_paid": amount_or_none(self.contribution_paid),
                "supplementary_plan": self.supplementary_plan.data,
                "costs": {field.name.removeprefix("cost_"): amount_or_none(field)
                          for field in self.cost_fields()},
                "excess_remaining": amount_or_none(self.excess_remaining)}


class Appendix2Form(FlaskForm):
    """Appendix 2: prescriber, doctor's note and authorisation (contracts.appendix2)."""

    medicine = SelectField(_l("Soort middel"))
    consent_category = SelectField(_l("Staat het middel op de lijst van toestemming vooraf?"),
                                   default="overig")
    repeat_prescription = BooleanField(_l("Vervolgrecept voor dezelfde indicatie (niet het "
                                          "eerste recept)"))
    prescriber = SelectField(_l("Voorschrijver"))
    very_rare_condition = BooleanField(_l("Zeer zeldzame aandoening met een niet-geregistreerde "
                                          "indicatie"))
    prescriber_specialised = BooleanField(_l("De voorschrijver is gespecialiseerd in de "
                                             "behandeling van die aandoening"))
    doctors_note_exists = BooleanField(_l("Voor dit middel bestaat een artsenverklaring van ZN met "
                                          "apothekersinstructie"))
    doctors_note_prescribers = SelectMultipleField(
        _l("Voorschrijvers die de artsenverklaring naast medisch specialisten noemt"),
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    doctors_note_complete = BooleanField(_l("Bij het recept zit de artsenverklaring, volledig "
                                            "ingevuld, gedateerd en ondertekend"))
    objects_to_procedure = BooleanField(_l("De verzekerde maakt bezwaar tegen de procedure van "
                                           "de artsenverklaring"))
    designated_preparation = BooleanField(_l("De apotheekbereiding staat in het overzicht "
                                             "'Vergoeding apotheekbereidingen' (machtiging nodig)"))
    transferred_preparation = BooleanField(_l("De apotheekbereiding is doorgeleverd door een "
                                              "andere apotheek"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.medicine.choices = [choice(slug, label)
                                 for slug, label in appendix2_rules.medicines().items()]
        self.consent_category.choices = [choice(slug, label)
                                         for slug, label in consent_categories().items()]
        people = [choice(slug, label) for slug, label in appendix2_rules.prescribers().items()]
        self.prescriber.choices = people
        self.doctors_note_prescribers.choices = people

    def preparation(self) -> bool:
        return self.medicine.data == appendix2_rules.PREPARATION

    # What contradicts another field (a doctor's note's details without a note, a preparation's
    # facts on a medicine and the other way round, a specialised prescriber without a very rare
    # condition) the check refuses, with the field named: contracts.appendix2, its messages in
    # portal.refusals.

    def case(self) -> dict:
        """The case as `portal check appendix-2` reads it."""
        preparation = self.preparation()
        return {"medicine": self.medicine.data,
                # the list's default ("overig") is no choice for a preparation; another is refused
                "consent_category": None if preparation and self.consent_category.data in (
                    None, "", "overig") else self.consent_category.data,
                "first_prescription": not self.repeat_prescription.data,
                "prescriber": self.prescriber.data,
                "doctors_note_exists": bool(self.doctors_note_exists.data),
                "doctors_note_prescribers": list(self.doctors_note_prescribers.data or []),
                "doctors_note_complete": bool(self.doctors_note_complete.data),
                "objects_to_procedure": bool(self.objects_to_procedure.data),
                "very_rare_condition": bool(self.very_rare_condition.data),
                "prescriber_specialised": bool(self.prescriber_specialised.data),
                "designated_preparation": bool(self.designated_preparation.data),
                "transferred_preparation": bool(self.transferred_preparation.data)}

