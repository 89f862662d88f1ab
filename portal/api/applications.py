"""API: applications of new providers. Submitting (and the preview before it) is public, like
the website form; reading and assessing applications is for managers."""
from __future__ import annotations

import base64
import binascii
from io import BytesIO

from flask import send_file
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from webargs.fields import DelimitedList

from contracts.campaign import year_in_force
from contracts.errors import CaseError
from contracts.identifiers import is_agb
from contracts.newproviders import checklist
from contracts.policy import load_policy
from contracts.vocabulary import Contract, ProviderType

from ..extensions import anonymous_limits, db
from ..models import Application, Attachment
from ..operations.applications import (MAX_ATTACHMENTS, assess_application, attachment_name,
                                       granted_offers, preview, submit_application)
from ..operations.clock import today
from ..web import MANAGERS
from ..years import application_year, applications_of_year
from .common import (CONFLICT, NOT_FOUND, TOO_LARGE, TOO_MANY_REQUESTS, UNPROCESSABLE, Blueprint,
                     PolicyYear, UTCDateTime, not_found, paginate, refuse, unit_of_work)
from .policy import DecisionSchema
from .tokens import api_actor, requires

blp = Blueprint("applications", __name__, description="Aanvragen van nieuwe zorgaanbieders")

CONTRACTS = [c.value for c in Contract]
PROVIDER_TYPES = [t.value for t in ProviderType]
STATUSES = ["ontvangen", "in_beoordeling", "toegekend", "afgewezen"]
#: A refused submission's status by its reason (any other: 422).
REFUSED = {"application_open": 409, "attachments_too_large": 413}


def _agb_code(value: str) -> None:
    if not is_agb(value):
        raise ValidationError("an AGB code has 8 digits")


#: An application's contract year, as the lists and receipts show it.
CONTRACT_YEAR = fields.Function(application_year, metadata={
    "type": "integer", "description": "The contract year applied for (the year of start_date)."})


# Schemas ---------------------------------------------------------------------------------------

class Base64Bytes(fields.String):
    """Bytes sent as standard base64 text."""

    default_error_messages = {"base64": "Not valid base64."}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            raise self.make_error("base64") from None


class AttachmentUploadSchema(Schema):
    filename = fields.String(required=True, validate=validate.Length(max=1000), metadata={
        "description": "Kept without directories or control characters, at most 200 characters, "
                       "ending in .pdf (bijlage.pdf if nothing is left)."})
    content_base64 = Base64Bytes(required=True, metadata={
        "format": "byte", "description": "The PDF file, base64-encoded (at most 5 MB decoded)."})


class ApplicationSubmitSchema(Schema):
    organisation = fields.String(required=True, validate=validate.Length(max=200))
    # The patterns document what submit_application checks (and names the field of).
    agb = fields.String(required=True, metadata={"description": "AGB code, 8 digits",
                                                 "pattern": "^[0-9]{8}$"})
    kvk = fields.String(required=True, metadata={"description": "KvK number, 8 digits",
                                                 "pattern": "^[0-9]{8}$"})
    provider_type = fields.String(required=True, metadata={"enum": PROVIDER_TYPES})
    address = fields.String(load_default="", validate=validate.Length(max=200))
    postcode = fields.String(load_default="", validate=validate.Length(max=10))
    city = fields.String(required=True, validate=validate.Length(max=100))
    agb_start = fields.Date(load_default=None, allow_none=True,
                            metadata={"description": "Start date of the AGB code"})
    contact_email = fields.Email(required=True, validate=validate.Length(max=200))
    contracts = fields.List(fields.String(validate=validate.OneOf(CONTRACTS)), required=True)
    start_date = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "Desired start, in the contract year and not before the day of receipt "
                       "nor before agb_start; when left out, the first such day."})
    motivations = fields.Dict(keys=fields.String(), values=fields.String(validate=validate.Length(max=10000)),
                              load_default=dict,
                              metadata={"description": "Motivation per criterion id."})
    attachments = fields.List(
        fields.Nested(AttachmentUploadSchema), load_default=list,
        validate=validate.Length(max=MAX_ATTACHMENTS),
        metadata={"description": "Together at most APPLICATION_MAX_BYTES (10 MB by default)."})


class ReceiptSchema(Schema):
    id = fields.Integer()
    organisation = fields.String()
    agb = fields.String()
    contracts = fields.List(fields.String())
    policy_year = CONTRACT_YEAR
    status = fields.String(metadata={"enum": STATUSES})
    received_on = fields.Date()
    answer_due = fields.Date(metadata={"description": "We answer by this date."})


class AttachmentSchema(Schema):
    id = fields.Integer()
    filename = fields.String()
    sha256 = fields.String()
    size = fields.Integer()


class CriterionSchema(Schema):
    id = fields.String()
    kind = fields.String()
    summary = fields.String()
    requires_confirmation = fields.String(allow_none=True)


class ApplicationSchema(Schema):
    id = fields.Integer()
    provider_id = fields.Integer(allow_none=True)
    organisation = fields.String()
    agb = fields.String()
    kvk = fields.String()
    provider_type = fields.String(metadata={"enum": PROVIDER_TYPES})
    address = fields.String()
    postcode = fields.String()
    city = fields.String()
    agb_start = fields.Date(allow_none=True)
    contact_email = fields.String()
    contracts = fields.List(fields.String())
    start_date = fields.Date()
    policy_year = CONTRACT_YEAR
    motivations = fields.Dict(keys=fields.String(), values=fields.String())
    received_on = fields.Date()
    answer_due = fields.Date()
    status = fields.String(metadata={"enum": STATUSES})
    assessment = fields.Dict(allow_none=True)
    answer = fields.String(allow_none=True)
    answered_on = fields.Date(allow_none=True)
    answered_by = fields.String(allow_none=True)
    created_at = UTCDateTime()
    attachments = fields.List(fields.Nested(AttachmentSchema))


class GrantedOfferSchema(Schema):
    id = fields.Integer()
    contract = fields.String(metadata={"enum": CONTRACTS})
    status = fields.String()
    deadline = fields.Date(allow_none=True, metadata={
        "description": "By when the provider must answer the offer."})


class ApplicationDetailSchema(ApplicationSchema):
    criteria = fields.Method("assessment_checklist", metadata={
        "description": "The criteria the assessment needs a finding on."})
    offers = fields.Method("offers_after_grant", metadata={
        "description": "The offers a grant led to (issued on the grant through the offers' own "
                       "operation); a contract the policy made no offer for yet is missing, and "
                       "POST /offers issues it once the policy does."})

    def assessment_checklist(self, application):
        year = application_year(application)
        ids = tuple(dict.fromkeys(c for line in preview(application.provider_type, application.contracts,
                                                        application.agb_start, year,
                                                        received_on=application.received_on)
                                  for c in line.decision.criteria))
        return CriterionSchema(many=True).dump(checklist(load_policy(year), ids))

    def offers_after_grant(self, application):
        offers = granted_offers(application, application_year(application))
        return GrantedOfferSchema(many=True).dump(
            [offers[c] for c in application.contracts if c in offers])


class ApplicationQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    policy_year = PolicyYear(description="Only the applications for this contract year.")


class FindingSchema(Schema):
    met = fields.Boolean()
    motivation = fields.String(validate=validate.Length(max=10000))
    confirmed = fields.List(fields.String(), metadata={
        "description": "Conditions confirmed, e.g. economisch_bestaansrecht for meer_keuze."})


class AssessmentSchema(Schema):
    granted = fields.Boolean(required=True)
    motivation = fields.String(required=True, validate=validate.Length(max=10000))
    findings = fields.Dict(keys=fields.String(), values=fields.Nested(FindingSchema), load_default=dict,
                           metadata={"description": "A finding per criterion id of the checklist."})


class PreviewQuerySchema(Schema):
    provider_type = fields.String(required=True, validate=validate.OneOf(PROVIDER_TYPES))
    contracts = DelimitedList(fields.String(validate=validate.OneOf(CONTRACTS)), required=True,
                              validate=validate.Length(min=1),
                              metadata={"description": "Comma-separated contract slugs."})
    agb_start = fields.Date(load_default=None)
    agb = fields.String(load_default=None, validate=_agb_code, metadata={
        "pattern": "^[0-9]{8}$",
        "description": "The AGB code that would apply: a provider the insurer knows is told what "
                       "applies to it instead, and an application still open is named."})
    policy_year = PolicyYear(in_force=True, description="The contract year applied for.")


class KnownSchema(Schema):
    provider = fields.String(metadata={"description": "The registered provider's name."})
    situation = fields.String(metadata={
        "enum": ["aanvaard", "aanbod", "aanbod_volgt", "lopend", "bekend"],
        "description": "aanvaard: the offer for the contract year was accepted; aanbod: an "
                       "offer waits for the answer (answer_by); aanbod_volgt: the policy offers "
                       "the contract (offer_by, while ahead); lopend: the agreement runs on "
                       "(agreement_end); bekend: the signatory logs in or contacts VGZ."})
    agreement_end = fields.Date(allow_none=True)
    offer_by = fields.Date(allow_none=True)
    answer_by = fields.Date(allow_none=True)


class OpenApplicationSchema(Schema):
    received_on = fields.Date()
    answer_due = fields.Date()


class PreviewLineSchema(Schema):
    contract = fields.String()
    eligible = fields.Boolean(metadata={"description": "Whether one can apply for it."})
    decision = fields.Nested(DecisionSchema)
    criteria = fields.List(fields.Nested(CriterionSchema))
    known = fields.Nested(KnownSchema, allow_none=True, metadata={
        "description": "With `agb`: what applies to the registered provider of that code."})
    open_application = fields.Nested(OpenApplicationSchema, allow_none=True, metadata={
        "description": "With `agb`: the application of that code for this contract still open."})


# Endpoints -------------------------------------------------------------------------------------

@blp.route("/applications/preview")
class Preview(MethodView):
    @blp.arguments(PreviewQuerySchema, location="query")
    @blp.response(200, PreviewLineSchema(many=True))
    def get(self, query):
        """Preview an application (public).

        Per contract, what the policy says about applying as a new provider of this type, and
        the criteria the application is assessed on (shown before submitting). With `agb`, a
        provider the insurer knows is told what applies to it instead, and an application of
        that code still open is named; either makes the contract not `eligible`."""
        try:
            lines = preview(query["provider_type"], query["contracts"], query["agb_start"],
                            query["policy_year"], received_on=today(), agb=query["agb"])
            policy = load_policy(query["policy_year"])
        except CaseError as error:
            refuse(422, error, location="query")
        return [{"contract": line.contract, "eligible": line.eligible,
                 "decision": line.decision.as_json(),
                 "criteria": [policy.criteria[c] for c in line.decision.criteria],
                 "known": line.known, "open_application": line.open_application}
                for line in lines]


@blp.route("/applications")
class Applications(MethodView):
    # Anyone may submit: limited per client address and for all clients together, counted with
    # the website form's submissions.
    decorators = anonymous_limits("applications", methods=["POST"])

    @blp.arguments(ApplicationSubmitSchema)
    @blp.response(201, ReceiptSchema)
    @blp.alt_response(409, response=CONFLICT)
    @blp.alt_response(413, response=TOO_LARGE)
    @blp.alt_response(422, response=UNPROCESSABLE)
    @blp.alt_response(429, response=TOO_MANY_REQUESTS)
    def post(self, data):
        """Submit an application (public).

        A new provider applies for one or more contracts, like the website form. The desired
        `start_date` lies in the contract year, not before the day of receipt (the simulated
        date) nor before `agb_start`, else 422 naming it; the contract year is the one in force
        on the simulated date (`policy_year` of the receipt). Attachments
        are PDF files, base64-encoded, together at most APPLICATION_MAX_BYTES (10 MB by
        default), else 413. Bad input: 422 naming the field, and nothing is stored; so is an AGB
        code of a registered provider, whose signatory logs in instead. 409: an application for
        this AGB code and one of these contracts is still open. 429: too many submissions from
        this address or from everyone together (Retry-After says when to try again)."""
        attachments = [(a["filename"], a["content_base64"]) for a in data.pop("attachments")]
        try:
            with unit_of_work():
                day = today()
                application = submit_application(data, attachments, received_on=day,
                                                 policy_year=year_in_force(day))
        except CaseError as error:
            refuse(REFUSED.get(getattr(error, "reason", None), 422), error)
        return application

    @requires(blp, *MANAGERS)
    @blp.arguments(ApplicationQuerySchema, location="query")
    @blp.response(200, ApplicationSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List applications (managers).

        The first answer due first; filter on status and on the contract year applied for
        (policy_year). Page metadata in X-Pagination."""
        statement = select(Application).options(selectinload(Application.attachments))
        if query.get("status"):
            statement = statement.where(Application.status == query["status"])
        if query.get("policy_year") is not None:
            statement = statement.where(applications_of_year(query["policy_year"]))
        return paginate(statement, pagination_parameters, (Application.answer_due, Application.id))


def _application(application_id: int) -> Application:
    application = db.session.scalar(select(Application).where(Application.id == application_id)
                                    .options(selectinload(Application.attachments)))
    if application is None:
        not_found(f"application {application_id}")
    return application


@blp.route("/applications/<int:application_id>")
class ApplicationDetail(MethodView):
    @requires(blp, *MANAGERS)
    @blp.response(200, ApplicationDetailSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, application_id):
        """Get one application (managers).

        With the checklist of criteria the assessment needs a finding on."""
        return _application(application_id)


@blp.route("/applications/<int:application_id>/assessment")
class Assessment(MethodView):
    @requires(blp, *MANAGERS)
    @blp.arguments(AssessmentSchema)
    @blp.response(200, ApplicationDetailSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    @blp.alt_response(409, response=CONFLICT, description="The application was already answered.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data, application_id):
        """Assess and answer an application (managers).

        Granted or refused, with a motivation and a finding per criterion of the checklist. A
        grant registers the provider and issues the offers the policy prescribes after it
        (`offers`). An application is answered once (409 after)."""
        year = application_year(_application(application_id))
        try:
            with unit_of_work():
                assess_application(application_id, api_actor(), granted=data["granted"],
                                   motivation=data["motivation"], findings=data["findings"],
                                   answered_on=today(), policy_year=year)
        except CaseError as error:
            refuse({"status": 409, "application": 404}.get(error.field, 422), error)
        return _application(application_id)


@blp.route("/applications/<int:application_id>/attachments/<int:attachment_id>")
class ApplicationAttachment(MethodView):
    @requires(blp, *MANAGERS)
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/pdf",
                  description="The attachment (PDF).")
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, application_id, attachment_id):
        """Download an attachment of an application (managers)."""
        attachment = db.session.scalar(select(Attachment).where(
            Attachment.id == attachment_id, Attachment.application_id == application_id))
        if attachment is None:
            not_found(f"attachment {attachment_id} of application {application_id}")
        response = send_file(BytesIO(attachment.content), mimetype="application/pdf",
                             as_attachment=True, etag=attachment.sha256, max_age=0,
                             download_name=attachment_name(attachment.filename))
        response.headers["Cache-Control"] = "private, no-cache"
        return response
