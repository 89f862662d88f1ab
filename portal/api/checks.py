"""API: the import-medicine and entitlement checks (the same rules as the CLI and the pages).

For provider staff, as the pages are. The checks change nothing; a bad field is a 422 naming it.
"""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from contracts.appendix2 import ROUTES as APPENDIX2_ROUTES
from contracts.appendix2 import check_appendix2, medicines, prescribers
from contracts.contribution import check_contribution, cost_parts, kinds, plans
from contracts.dispensing import (MEDICINE_KINDS, consent_categories, contribution_years,
                                  dispensing_period, personal_contribution, prior_consent)
from contracts.entitlement import MAX_GROUP, check_entitlement
from contracts.errors import CaseError
from contracts.importmedicine import (AUTHORISATION_STATES, IGJ_STATES, ROUTES, STATUSES,
                                      check_import)

from ..web import PROVIDER_STAFF
from .common import UNPROCESSABLE, Blueprint, refuse
from .tokens import requires

blp = Blueprint("api_checks", __name__, description="Controles: importgeneesmiddelen en aanspraak")


class Open(Schema):
    class Meta:
        unknown = "include"  # the domain checks every field and names the bad one


# -- import medicine (seed 000) ----------------------------------------------------------------

class CommentSchema(Open):
    substance = fields.String(metadata={"description": "Stofnaam"})
    brand = fields.String(metadata={"description": "Merknaam"})
    importer = fields.String(metadata={"description": "Naam van de importeur"})
    cost_incl_transport = fields.Float(allow_none=True, metadata={
        "description": "Kosten van het geneesmiddel inclusief transport/verzendkosten (EUR)"})


class ClaimSchema(Open):
    code = fields.String(required=True, metadata={"example": "97095551"})
    material_cost = fields.Float(required=True, metadata={"description": "EUR, at most 2 decimals"})
    purchase_price = fields.Float(required=True, metadata={"description": "EUR, at most 2 decimals"})
    comment = fields.Nested(CommentSchema, allow_none=True)


class ImportCaseSchema(Open):
    in_g_standaard = fields.Boolean(required=True)
    status = fields.String(allow_none=True, metadata={
        "enum": list(STATUSES), "description": "Required in the G-Standaard, null otherwise."})
    meets_condition = fields.Boolean()
    prevalence_one_in = fields.Integer(allow_none=True, validate=validate.Range(min=1), metadata={
        "description": "The disease affects 1 in this many inhabitants."})
    rational_pharmacotherapy = fields.Boolean()
    igj_consent = fields.String(metadata={
        "enum": list(IGJ_STATES), "description": "The IGJ's consent to import for this patient "
        "(a condition of the entitlement); default onbekend."})
    equivalent_to_registered = fields.Boolean(metadata={
        "description": "(Almost) equivalent to a registered medicine not in the GVS: excluded."})
    ministerial_exception = fields.Boolean(metadata={
        "description": "A ministerial regulation provides otherwise (lifts the exclusion)."})
    shortage = fields.Boolean(metadata={
        "description": "Imported because of a shortage: route tekortroute, to "
                       "POST /api/v1/shortages/import-check."})
    authorisation = fields.String(metadata={
        "enum": list(AUTHORISATION_STATES),
        "description": "The insurer's consent (in the G-Standaard) or authorisation (not in it)."})
    claim = fields.Nested(ClaimSchema, allow_none=True)


class ImportAdviceSchema(Schema):
    route = fields.String(metadata={"enum": list(ROUTES)})
    situation = fields.String()
    prior_consent_needed = fields.Boolean()
    awaiting_decision = fields.Boolean()
    consent_kind = fields.String(allow_none=True)
    claim_errors = fields.List(fields.String())
    reasons = fields.List(fields.String())


# -- entitlement (seed 003) --------------------------------------------------------------------

class MedicineSchema(Open):
    name = fields.String(required=True)
    aip = fields.Float(required=True, metadata={"description": "Pharmacy purchase price (EUR)"})
    preferred = fields.Boolean()
    available = fields.Boolean()


class PrescriptionSchema(Open):
    medicine = fields.String(allow_none=True)
    medical_necessity = fields.Boolean()
    logistical_necessity = fields.Boolean()
    pharmacist_choice = fields.String(allow_none=True)


class EntitlementCaseSchema(Open):
    group = fields.List(fields.Nested(MedicineSchema), required=True,
                        validate=validate.Length(min=1, max=MAX_GROUP))
    prescription = fields.Nested(PrescriptionSchema, allow_none=True)


class MedicineAnswerSchema(Schema):
    name = fields.String()
    aip = fields.Float()
    preferred = fields.Boolean()
    available = fields.Boolean()
    reimbursed = fields.Boolean()


class EntitlementSchema(Schema):
    rule = fields.String()
    reimbursed = fields.List(fields.String())
    prescribed_reimbursed = fields.Boolean(allow_none=True)
    cheapest_aip = fields.Float(allow_none=True)
    limit_aip = fields.Float(allow_none=True)
    medicines = fields.List(fields.Nested(MedicineAnswerSchema))
    reasons = fields.List(fields.String())


class DispensingCaseSchema(Open):
    medicine_kind = fields.String(metadata={"enum": list(MEDICINE_KINDS)})
    chronic = fields.Boolean()
    months_in_use = fields.Integer(validate=validate.Range(min=0))
    well_adjusted = fields.Boolean()
    new_to_patient = fields.Boolean()


class DispensingPeriodSchema(Schema):
    case = fields.String()
    summary = fields.String()
    min_months = fields.Integer(allow_none=True)
    max_months = fields.Integer(allow_none=True)
    max_days = fields.Integer(allow_none=True)
    or_else = fields.String(allow_none=True)
    reasons = fields.List(fields.String())


class ConsentCaseSchema(Open):
    category = fields.String(required=True)
    doctors_note_procedure = fields.Boolean()


class ConsentAnswerSchema(Schema):
    category = fields.String()
    summary = fields.String()
    prior_consent_needed = fields.Boolean()
    reasons = fields.List(fields.String())


class CategorySchema(Schema):
    category = fields.String()
    summary = fields.String()


class ContributionQuerySchema(Schema):
    year = fields.Integer(load_default=lambda: contribution_years()[-1], metadata={
        "description": "Calendar year; default the latest the seed gives a maximum for."})
    insured_from = fields.Date(metadata={"description": "First day insured; default 1 January."})
    insured_to = fields.Date(metadata={"description": "Last day insured (inclusive); default "
                                                      "31 December."})


class ContributionSchema(Schema):
    year = fields.Integer()
    insured_from = fields.String()
    insured_to = fields.String()
    days = fields.Integer()
    days_in_year = fields.Integer()
    maximum_eur = fields.Integer()
    amount_eur = fields.Integer()
    exact_eur = fields.Float()
    reasons = fields.List(fields.String())


class PreparedFromSchema(Open):
    contribution = fields.Float(allow_none=True, metadata={
        "description": "The statutory contribution of the medicine prepared from, for the "
                       "quantity used (EUR); or give its purchase price and limit."})
    purchase_price = fields.Float(allow_none=True, metadata={"description": "EUR"})
    reimbursement_limit = fields.Float(allow_none=True, metadata={"description": "EUR"})


class CostsSchema(Open):
    geneesmiddel = fields.Float(allow_none=True, metadata={
        "description": "The medicine (EUR, at most 2 decimals); default the purchase price."})
    aflevering = fields.Float(allow_none=True, metadata={"description": "Dispensing fee (EUR)"})
    begeleidingsgesprek = fields.Float(allow_none=True, metadata={
        "description": "Counselling consultation for a preferred medicine (EUR)"})
    inhalatie_instructie = fields.Float(allow_none=True, metadata={
        "description": "Inhaler instruction (EUR)"})
    medicatiebeoordeling = fields.Float(allow_none=True, metadata={
        "description": "Medication assessment (EUR)"})


class ContributionCaseSchema(Open):
    dispensing_date = fields.Date(required=True, metadata={
        "description": "The day of dispensing; its year is the contribution's calendar year."})
    birth_date = fields.Date(allow_none=True, metadata={"description": "Or give `age`."})
    age = fields.Integer(allow_none=True, metadata={
        "description": "Age on the day of dispensing; or give `birth_date`."})
    insured_from = fields.Date(allow_none=True, metadata={
        "description": "First day insured in the year; default 1 January."})
    insured_to = fields.Date(allow_none=True, metadata={
        "description": "Last day insured (inclusive); default 31 December."})
    kind = fields.String(metadata={"enum": list(kinds()), "description": "Default overig."})
    interchangeable_group = fields.Boolean(metadata={
        "description": "The medicine is in a group of interchangeable medicines (GVS)."})
    purchase_price = fields.Float(allow_none=True, metadata={"description": "EUR"})
    reimbursement_limit = fields.Float(allow_none=True, metadata={
        "description": "The group's reimbursement limit (EUR), for the quantity dispensed."})
    prepared_from = fields.Nested(PreparedFromSchema, allow_none=True)
    contribution_paid = fields.Float(allow_none=True, metadata={
        "description": "Statutory contribution already charged this calendar year (EUR)."})
    supplementary_plan = fields.String(metadata={"enum": list(plans()),
                                                 "description": "Default geen."})
    costs = fields.Nested(CostsSchema, allow_none=True)
    excess_remaining = fields.Float(allow_none=True, metadata={
        "description": "What remains of the compulsory excess this year (EUR); the seed gives "
                       "no amount. Without it nothing is charged to the excess in the answer."})


class ContributionPartSchema(Schema):
    due = fields.Float()
    source = fields.String(allow_none=True, metadata={
        "description": "groep (own group), bereiding (prepared from a medicine) or null"})
    maximum_eur = fields.Integer()
    paid_before = fields.Float()
    remaining_before = fields.Float()
    charged = fields.Float()
    waived_by_cap = fields.Float()
    supplementary_plan = fields.String()
    plan_percent = fields.Integer()
    plan_pays = fields.Float()
    insured_pays = fields.Float()


class CostPartSchema(Schema):
    part = fields.String(metadata={"enum": list(cost_parts())})
    summary = fields.String()
    amount = fields.Float()
    under_excess = fields.Boolean()
    subject_to_excess = fields.Float()
    charged_to_excess = fields.Float(allow_none=True)


class ExcessSchema(Schema):
    applies = fields.Boolean()
    remaining_before = fields.Float(allow_none=True)
    subject = fields.Float()
    charged = fields.Float(allow_none=True)
    parts = fields.List(fields.Nested(CostPartSchema))


class DispensingContributionSchema(Schema):
    dispensing_date = fields.String()
    age = fields.Integer()
    kind = fields.String()
    contribution = fields.Nested(ContributionPartSchema)
    excess = fields.Nested(ExcessSchema)
    insured_pays = fields.Float(allow_none=True)
    reasons = fields.List(fields.String())


class Appendix2CaseSchema(Open):
    medicine = fields.String(required=True, metadata={"enum": list(medicines())})
    consent_category = fields.String(allow_none=True, metadata={
        "description": "The medicine's category on the prior-consent list (GET "
                       "/checks/prior-consent); default overig. Not for a chemist's preparation."})
    first_prescription = fields.Boolean(metadata={
        "description": "The first prescription for this indication (default true)."})
    prescriber = fields.String(required=True, metadata={"enum": list(prescribers())})
    doctors_note_exists = fields.Boolean(metadata={
        "description": "A ZN doctor's note with dispensing chemist's instruction exists for the "
                       "medicine."})
    doctors_note_prescribers = fields.List(fields.String(), allow_none=True, metadata={
        "description": "The prescribers the doctor's note names besides medical specialists."})
    doctors_note_complete = fields.Boolean(metadata={
        "description": "The prescription comes with the note fully completed, dated and signed."})
    objects_to_procedure = fields.Boolean(metadata={
        "description": "The insured objects to the doctor's-note procedure."})
    very_rare_condition = fields.Boolean(metadata={
        "description": "A very rare condition with a non-registered indication."})
    prescriber_specialised = fields.Boolean(metadata={
        "description": "The prescriber is specialised in treating that condition."})
    designated_preparation = fields.Boolean(metadata={
        "description": "A chemist's preparation designated by the insurer (needs authorisation)."})
    transferred_preparation = fields.Boolean(metadata={
        "description": "A chemist's preparation transferred to another pharmacy."})


class Appendix2AnswerSchema(Schema):
    medicine = fields.String()
    consent_category = fields.String(allow_none=True)
    prescriber = fields.String()
    first_prescription = fields.Boolean()
    allowed_prescribers = fields.List(fields.String(), allow_none=True)
    prescriber_allowed = fields.Boolean()
    authorisation_needed = fields.Boolean()
    pharmacist_determines = fields.Boolean()
    route = fields.String(metadata={"enum": list(APPENDIX2_ROUTES)})
    enclose = fields.List(fields.String())
    reasons = fields.List(fields.String())


def answer(check, *args):
    """The check's answer as JSON, or 422 naming the bad field."""
    try:
        return check(*args).as_json()
    except CaseError as error:
        refuse(422, error)


# -- endpoints ---------------------------------------------------------------------------------

@blp.route("/checks/import-claim")
class ImportClaim(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(ImportCaseSchema)
    @blp.response(200, ImportAdviceSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """Check an import medicine for a rare indication (seed 000).

        What to do (declare with the Z-index number, ask consent, apply for an authorisation,
        declare with a local code, or not dispense), whether prior consent is needed, and what
        is wrong with the draft claim line. The body of `portal check import-claim`."""
        return answer(check_import, case)


@blp.route("/checks/entitlement")
class Entitlement(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(EntitlementCaseSchema)
    @blp.response(200, EntitlementSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """Check which medicines of a group are reimbursed (seed 003).

        The preferred medicine; else the cheapest and any at most 3 % dearer; the prescribed
        one with a medical necessity; the chemist's choice with a logistical necessity. The body
        of `portal check entitlement`."""
        return answer(check_entitlement, case)


@blp.route("/checks/dispensing-period")
class DispensingPeriod(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(DispensingCaseSchema)
    @blp.response(200, DispensingPeriodSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """Check the longest period per dispensing (seed 003)."""
        return answer(dispensing_period, case)


@blp.route("/checks/prior-consent")
class PriorConsent(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.response(200, CategorySchema(many=True))
    def get(self):
        """List the categories of medicines on the prior-consent list (seed 003)."""
        return [{"category": slug, "summary": summary}
                for slug, summary in consent_categories().items()]

    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(ConsentCaseSchema)
    @blp.response(200, ConsentAnswerSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """Check whether a medicine needs the insurer's prior written consent (seed 003)."""
        return answer(prior_consent, case)


@blp.route("/checks/personal-contribution")
class PersonalContribution(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(ContributionQuerySchema, location="query")
    @blp.response(200, ContributionSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def get(self, query):
        """Compute the statutory personal contribution of a (part) year (seed 003).

        EUR 250 in 2025, pro rata for the days insured (inclusive) over the days of the year,
        rounded to whole euros; `exact_eur` is cut to cents (from 15 June 2025: 200 days,
        136.98, EUR 137)."""
        try:
            return personal_contribution(query["year"], query.get("insured_from"),
                                         query.get("insured_to")).as_json()
        except CaseError as error:
            refuse(422, error, location="query")


@blp.route("/checks/contribution")
class DispensingContribution(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(ContributionCaseSchema)
    @blp.response(200, DispensingContributionSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """Compute the statutory contribution and the compulsory excess of one dispensing (seed 003).

        The contribution is the purchase price above the group's reimbursement limit (or that
        of the medicine a preparation is made from), at most what remains of the year's
        maximum (personal-contribution); Compact and No Risk II pay it. Per cost part: whether
        it falls under the compulsory excess (from 18; not for Appendix 2 contraceptives, a
        medication assessment or a preferred medicine itself) and what is charged to the
        remaining excess. The body of `portal check contribution`."""
        return answer(check_contribution, case)


@blp.route("/checks/appendix-2")
class Appendix2(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(Appendix2CaseSchema)
    @blp.response(200, Appendix2AnswerSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """Check an Appendix 2 medicine or a chemist's preparation (seed 003).

        May this prescriber issue the first prescription for the indication, is the insurer's
        written authorisation needed before dispensing (the prior-consent list, a very rare
        condition, an objection to the doctor's-note procedure, a designated chemist's
        preparation), does the pharmacist decide on the doctor's note and instruction, and what
        must go with the request. The body of `portal check appendix-2`."""
        return answer(check_appendix2, case)

