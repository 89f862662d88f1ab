"""API: consent and authorisation requests for import medicines (seed 000).

A pharmacy's staff list, read, submit and withdraw their own organisation's requests; the
insurer's advisors (and admins) list and read every request, take one into handling and decide
it. Contract managers have no part in it (403). The prescription travels inside the JSON body,
base64-encoded, like an application's attachments: one request, all of it or nothing. Every
change is one operation of portal.operations.consent, under the same rules as the pages.
"""
from __future__ import annotations

from io import BytesIO

from flask import send_file
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from contracts.consent import GSTANDAARD_STATUSES, KINDS, PRESCRIPTION_TYPES, STATUSES
from contracts.errors import CaseError

from ..models import ConsentRequest
from ..operations.clock import today
from ..operations.consent import (ADVISOR_ROLES, decide_request, get_request, submit_request,
                                  take_request, withdraw_request)
from ..operations.offers import NotFound
from ..web import PROVIDER_STAFF
from .applications import Base64Bytes
from .common import (CONFLICT, MAX_INT, NOT_FOUND, TOO_LARGE, UNPROCESSABLE, Blueprint, Id,
                     UTCDateTime, not_found, paginate, refuse, unit_of_work)
from .tokens import api_actor, api_user, requires

blp = Blueprint("api_consent", __name__, description="Toestemming en machtiging: aanvragen en besluiten")

#: How a refused step answers, by the field the CaseError names.
REFUSAL_STATUS = {"status": 409, "version": 409, "role": 403}


# Schemas ---------------------------------------------------------------------------------------

class PrescriptionUploadSchema(Schema):
    filename = fields.String(required=True, validate=validate.Length(min=1, max=200))
    content_base64 = Base64Bytes(required=True, metadata={
        "format": "byte",
        "description": "The prescription, base64-encoded: a PDF, PNG or JPEG (checked by content), "
                       "at most 5 MB decoded."})


class ConsentSubmitSchema(Schema):
    kind = fields.String(required=True, metadata={"enum": list(KINDS), "description":
        "toestemming: a medicine in the G-Standaard on F with a condition or N; "
        "machtiging: a medicine not in the G-Standaard."})
    substance = fields.String(required=True, validate=validate.Length(max=200))
    brand = fields.String(load_default="", validate=validate.Length(max=200),
                          metadata={"description": "Required for a machtiging."})
    zindex_number = fields.String(load_default=None, allow_none=True, metadata={
        "description": "8 digits; required for a toestemming, absent for a machtiging.",
        "pattern": "^[0-9]{8}$"})
    gstandaard_status = fields.String(load_default=None, allow_none=True, metadata={
        "enum": list(GSTANDAARD_STATUSES), "description": "Required for a toestemming."})
    importer = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200),
                             metadata={"description": "Required for a machtiging."})
    indication = fields.String(required=True, validate=validate.Length(max=300))
    insured_initials = fields.String(required=True, validate=validate.Length(max=20),
                                     metadata={"example": "J.P."})
    insured_birth_date = fields.Date(required=True)
    patient_reference = fields.String(load_default="", validate=validate.Length(max=40), metadata={
        "description": "The pharmacy's own patient reference; never a BSN (refused)."})
    prescriber = fields.String(required=True, validate=validate.Length(max=200))
    prescriber_agb = fields.String(load_default="", metadata={"pattern": "^([0-9]{8})?$"})
    substantiation = fields.String(required=True, validate=validate.Length(max=10000))
    rational_pharmacotherapy = fields.Boolean(required=True, metadata={
        "description": "Must be true: a request needs rational pharmacotherapy."})
    prevalence_one_in = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_INT),
                                       metadata={"description": "The condition occurs in 1 in this "
                                                 "many inhabitants; at least 150000."})
    igj_reference = fields.String(load_default="", validate=validate.Length(max=100))
    prescription = fields.Nested(PrescriptionUploadSchema, required=True)


class PharmacyRefSchema(Schema):
    id = fields.Integer()
    agb = fields.String()
    name = fields.String()


class ConsentRequestSchema(Schema):
    id = fields.Integer()
    reference = fields.String(metadata={"example": "TM-000012"})
    provider = fields.Nested(PharmacyRefSchema)
    kind = fields.String(metadata={"enum": list(KINDS)})
    substance = fields.String()
    brand = fields.String()
    zindex_number = fields.String(allow_none=True)
    gstandaard_status = fields.String(allow_none=True)
    importer = fields.String(allow_none=True)
    indication = fields.String()
    insured_initials = fields.String()
    insured_birth_date = fields.Date()
    patient_reference = fields.String()
    prescriber = fields.String()
    prescriber_agb = fields.String()
    substantiation = fields.String()
    rational_pharmacotherapy = fields.Boolean()
    prevalence_one_in = fields.Integer()
    igj_reference = fields.String()
    prescription_filename = fields.String()
    prescription_type = fields.String(metadata={"enum": list(PRESCRIPTION_TYPES)})
    prescription_size = fields.Integer()
    prescription_sha256 = fields.String()
    submitted_on = fields.Date()
    submitted_by = fields.String()
    answer_due = fields.Date(metadata={"description": "The insurer decides by this date."})
    status = fields.String(metadata={"enum": list(STATUSES)})
    handled_by = fields.String(allow_none=True)
    reason = fields.String(allow_none=True, metadata={
        "description": "The decision's reason (required on a refusal), or the withdrawal's."})
    decided_by = fields.String(allow_none=True)
    decided_on = fields.Date(allow_none=True)
    decided_at = UTCDateTime(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    version = fields.Integer(metadata={"description": "Send it back with a change: a request "
                                       "changed meanwhile is refused (409), not overwritten."})
    created_at = UTCDateTime()


class ConsentQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    kind = fields.String(validate=validate.OneOf(KINDS))


class ConsentVersionSchema(Schema):
    version = Id(load_default=None, allow_none=True, metadata={
        "description": "The version the caller saw; a request changed since is refused (409)."})


class ConsentWithdrawalSchema(ConsentVersionSchema):
    reason = fields.String(load_default="", validate=validate.Length(max=4000))


class ConsentDecisionSchema(ConsentVersionSchema):
    granted = fields.Boolean(required=True)
    reason = fields.String(load_default="", validate=validate.Length(max=10000),
                           metadata={"description": "Required when refusing."})
    valid_until = fields.Date(load_default=None, allow_none=True,
                              metadata={"description": "A grant's last day, if it has one."})


# Endpoints -------------------------------------------------------------------------------------

READERS = (*PROVIDER_STAFF, *ADVISOR_ROLES)


def _request(request_id: int) -> ConsentRequest:
    try:
        return get_request(request_id, api_actor())
    except NotFound:
        not_found(f"consent request {request_id}")


def _refused(error: CaseError):
    if error.field == "role":
        abort(403, message=str(error))
    refuse(REFUSAL_STATUS.get(error.field, 422), error)


@blp.route("/consent-requests")
class ConsentRequests(MethodView):
    @requires(blp, *READERS)
    @blp.arguments(ConsentQuerySchema, location="query")
    @blp.response(200, ConsentRequestSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List consent and authorisation requests (pharmacy staff: their own; advisors: all).

        The first answer due first; filter on status and kind. Page metadata in X-Pagination."""
        user = api_user()
        statement = select(ConsentRequest)
        if user.provider_id is not None:
            statement = statement.where(ConsentRequest.provider_id == user.provider_id)
        if query.get("status"):
            statement = statement.where(ConsentRequest.status == query["status"])
        if query.get("kind"):
            statement = statement.where(ConsentRequest.kind == query["kind"])
        return paginate(statement, pagination_parameters,
                        (ConsentRequest.answer_due, ConsentRequest.id))

    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(ConsentSubmitSchema)
    @blp.response(201, ConsentRequestSchema)
    @blp.alt_response(413, response=TOO_LARGE)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data):
        """Submit a request for consent or authorisation (pharmacy staff).

        With the substantiation and the prescription (base64 in `prescription.content_base64`).
        Bad input: 422 naming the field, and nothing is stored. The insured is named by initials,
        date of birth and the pharmacy's own reference, never by BSN."""
        upload = data.pop("prescription")
        try:
            with unit_of_work():
                created = submit_request(data, (upload["filename"], upload["content_base64"]),
                                         api_actor(), submitted_on=today())
        except CaseError as error:
            _refused(error)
        return created


@blp.route("/consent-requests/<int:request_id>")
class ConsentRequestDetail(MethodView):
    @requires(blp, *READERS)
    @blp.response(200, ConsentRequestSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, request_id):
        """Get one request (pharmacy staff: their own; advisors: any)."""
        return _request(request_id)


@blp.route("/consent-requests/<int:request_id>/prescription")
class ConsentPrescription(MethodView):
    @requires(blp, *READERS)
    @blp.response(200, {"type": "string", "format": "binary"}, content_type="application/octet-stream",
                  description="The prescription as uploaded (PDF, PNG or JPEG; see Content-Type).")
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, request_id):
        """Download a request's prescription."""
        row = _request(request_id)
        response = send_file(BytesIO(row.prescription), mimetype="application/octet-stream",
                             as_attachment=True, download_name=row.prescription_filename,
                             etag=row.prescription_sha256, max_age=0)
        response.headers["Cache-Control"] = "private, no-store"
        return response


@blp.route("/consent-requests/<int:request_id>/withdrawal")
class ConsentWithdrawal(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(ConsentWithdrawalSchema)
    @blp.response(200, ConsentRequestSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    @blp.alt_response(409, response=CONFLICT, description="Decided, withdrawn, or changed since `version`.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data, request_id):
        """Withdraw an open request (pharmacy staff, their own)."""
        _request(request_id)
        try:
            with unit_of_work():
                withdraw_request(request_id, api_actor(), reason=data["reason"],
                                 expected_version=data["version"])
        except NotFound:
            not_found(f"consent request {request_id}")
        except CaseError as error:
            _refused(error)
        return _request(request_id)


@blp.route("/consent-requests/<int:request_id>/handling")
class ConsentHandling(MethodView):
    @requires(blp, *ADVISOR_ROLES)
    @blp.arguments(ConsentVersionSchema)
    @blp.response(200, ConsentRequestSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    @blp.alt_response(409, response=CONFLICT, description="Already handled, decided or withdrawn.")
    def post(self, data, request_id):
        """Take a submitted request into handling (advisors)."""
        _request(request_id)
        try:
            with unit_of_work():
                take_request(request_id, api_actor(), expected_version=data["version"])
        except CaseError as error:
            _refused(error)
        return _request(request_id)


@blp.route("/consent-requests/<int:request_id>/decision")
class ConsentDecision(MethodView):
    @requires(blp, *ADVISOR_ROLES)
    @blp.arguments(ConsentDecisionSchema)
    @blp.response(200, ConsentRequestSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    @blp.alt_response(409, response=CONFLICT,
                      description="Decided or withdrawn already, or changed since `version`.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data, request_id):
        """Grant or refuse a request (advisors).

        A refusal needs a reason. The pharmacy gets the outcome in its inbox and by e-mail."""
        _request(request_id)
        try:
            with unit_of_work():
                decide_request(request_id, api_actor(), granted=data["granted"],
                               reason=data["reason"], expected_version=data["version"],
                               valid_until=data["valid_until"], decided_on=today())
        except CaseError as error:
            _refused(error)
        return _request(request_id)
