"""API: the import-medicine and entitlement checks (the same rules as the CLI and the pages).

For provider staff, as the pages are. The checks change nothing; a bad field is a 422 naming it.
"""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from contracts.dispensing import (MEDICINE_KINDS, consent_categories, contribution_years,
                                  dispensing_period, personal_contribution, prior_consent)
from contracts.entitlement import MAX_GROUP, check_entitlement
from contracts.errors import CaseError
from contracts.importmedicine import AUTHORISATION_STATES, ROUTES, STATUSES, check_import

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
