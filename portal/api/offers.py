"""API: offers and addenda, their life cycle and documents. Every change is one operation of
portal.operations.offers, under the same rules as the pages; the API commits it."""
from __future__ import annotations

from io import BytesIO

from flask import send_file
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from contracts.errors import CaseError
from contracts.offers import TRANSITIONS, OfferStatus, TransitionRefused, actions_for
from contracts.vocabulary import Contract

from ..extensions import db
from ..models import DocumentVersion, Offer, OfferTally, Provider
from ..operations.offers import MAX_FACTOR, NotFound, get_offer, issue_offer, tariff_lines, transition
from ..web import MANAGERS, api_viewer, memoised
from .common import (CONFLICT, NOT_FOUND, UNPROCESSABLE, Blueprint, Id, PolicyYear, UTCDateTime,
                     not_found, paginate, refuse, unit_of_work)
from .tokens import api_actor, api_user, is_manager, requires

blp = Blueprint("offers", __name__, description="Aanbiedingen: inzien, onderhandelen, accepteren")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATUSES = [s.value for s in OfferStatus]
CONTRACTS = [c.value for c in Contract]
ACTIONS = sorted(TRANSITIONS)
#: Actions that write a negotiation round, the only ones that carry tariff changes.
NEGOTIATION = ("counter", "respond", "agree")
#: How a refused transition answers, by the field TransitionRefused names.
REFUSAL_STATUS = {"role": 403, "status": 409, "version": 409, "negotiable": 409,
                  "reason": 422, "action": 422}


# Schemas ---------------------------------------------------------------------------------------

class ProviderRefSchema(Schema):
    id = fields.Integer()
    agb = fields.String()
    name = fields.String()
    provider_type = fields.String()
    city = fields.String()


class DocumentRefSchema(Schema):
    id = fields.Integer()
    policy_year = fields.Integer(metadata={"description": "The contract year of the document."})
    version = fields.Integer()
    reference = fields.String()
    filename = fields.String()
    sha256 = fields.String()
    size = fields.Integer()
    created_at = UTCDateTime()


def _not_negative(value) -> None:
    # Not validate.Range: apispec would document its bound through the field, as a string.
    if value < 0:
        raise ValidationError("must not be negative")


class ChangeSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=40),
                         metadata={"description": "Tariff line code, e.g. VGZ-FZ-01"})
    amount = fields.Decimal(required=True, places=2, as_string=True, validate=_not_negative,
                            metadata={"minimum": 0, "description": "Amount in euro, e.g. \"7.60\""})
    note = fields.String(validate=validate.Length(max=500))


class RoundSchema(Schema):
    number = fields.Integer()
    party = fields.String(metadata={"enum": ["zorgaanbieder", "vgz"]})
    author = fields.String()
    message = fields.String()
    changes = fields.List(fields.Dict(), metadata={"description": "[{code, amount, note}]"})
    created_at = UTCDateTime()


class OfferSchema(Schema):
    id = fields.Integer()
    provider = fields.Nested(ProviderRefSchema)
    contract = fields.String(metadata={"enum": CONTRACTS})
    policy_year = fields.Integer(metadata={"description": "The contract year the offer is for."})
    relation = fields.String()
    rule = fields.String()
    negotiable = fields.Boolean()
    channel = fields.String()
    final_channel = fields.String()
    deadline = fields.Date(allow_none=True)
    status = fields.String(metadata={"enum": STATUSES})
    version = fields.Integer(metadata={"description": "Send as expected_version with a transition."})
    batch = fields.String(allow_none=True)
    issued_at = UTCDateTime(allow_none=True)
    answered_at = UTCDateTime(allow_none=True)
    answered_by = fields.String(allow_none=True)
    document = fields.Nested(DocumentRefSchema, allow_none=True)
    actions = fields.Function(lambda offer: actions_for(offer.status, api_user().role, offer.negotiable),
                              metadata={"description": "The actions the caller may take now."})


class TariffLineSchema(Schema):
    code = fields.String()
    description = fields.String()
    unit = fields.String()
    offered = fields.Decimal(as_string=True)
    current = fields.Decimal(as_string=True)
    proposed = fields.Decimal(as_string=True, allow_none=True)
    note = fields.String()


#: The OpenAPI shape of a tariff line (the `tariffs` of an offer are computed, not a column).
AMOUNT = {"type": "string", "description": "Amount in euro, e.g. \"7.40\""}
TARIFF_LINE = {"type": "object", "properties": {
    "code": {"type": "string", "description": "The code a change names, e.g. VGZ-T01"},
    "description": {"type": "string"}, "unit": {"type": "string"},
    "offered": {**AMOUNT, "description": "The amount of the offer's document as issued"},
    "current": {**AMOUNT, "description": "The insurer's amount now (a round of the insurer may "
                                         "have changed it)"},
    "proposed": {**AMOUNT, "nullable": True,
                 "description": "The provider's proposal awaiting the insurer's answer"},
    "note": {"type": "string"}}}


class OfferDetailSchema(OfferSchema):
    rounds = fields.List(fields.Nested(RoundSchema))
    tariffs = fields.Function(
        lambda offer: TariffLineSchema(many=True).dump(tariff_lines(offer, offer.rounds)),
        metadata={"type": "array", "items": TARIFF_LINE, "description": (
            "The offer's own tariff lines: the only codes a negotiation round may change.")})


class OfferQuerySchema(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    contract = fields.String(validate=validate.OneOf(CONTRACTS))
    policy_year = PolicyYear(description="Only the offers of this contract year.")
    provider_id = Id(metadata={"description": "Managers: one provider's offers."})


class TransitionSchema(Schema):
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    reason = fields.String(load_default="", validate=validate.Length(max=5000),
                           metadata={"description": "Required for decline, counter, respond, "
                                                    "agree, withdraw and record."})
    expected_version = Id(load_default=None, allow_none=True, metadata={
        "description": "The offer's version as last seen; a stale one is refused (409)."})
    changes = fields.List(fields.Nested(ChangeSchema), load_default=list, metadata={
        "description": "Tariff changes of a negotiation round: lines of the offer's `tariffs` "
                       f"(each code once), amounts at most {MAX_FACTOR} times the offered one."})

    @validates_schema
    def changes_only_when_negotiating(self, data, **kwargs):
        if data.get("changes") and data.get("action") not in NEGOTIATION:
            raise ValidationError(f"only {', '.join(NEGOTIATION)} carry changes", "changes")


class IssueSchema(Schema):
    provider_id = Id(required=True)
    contract = fields.String(required=True, validate=validate.OneOf(CONTRACTS))
    policy_year = PolicyYear(in_force=True, description="The contract year of the offer.")
    override_reason = fields.String(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "Sets an exclusion ground aside; recorded in the audit log."})
    deadline = fields.Date(load_default=None, allow_none=True,
                           metadata={"description": "By when the provider must answer."})


# Endpoints -------------------------------------------------------------------------------------

def tallied_offers(query: dict) -> int:
    """How many offers match the list's filters of status, contract and year, from the tallies."""
    statement = select(func.coalesce(func.sum(OfferTally.count), 0))
    for name in ("status", "contract", "policy_year"):
        if query.get(name) is not None:
            statement = statement.where(getattr(OfferTally, name) == query[name])
    return db.session.scalar(statement)


def _visible(offer_id: int) -> Offer:
    try:
        return get_offer(offer_id, api_actor())
    except NotFound:
        not_found(f"offer {offer_id}")


@blp.route("/offers")
class Offers(MethodView):
    @requires(blp)
    @memoised(viewer=api_viewer)
    @blp.arguments(OfferQuerySchema, location="query")
    @blp.response(200, OfferSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List offers.

        Provider staff see their own organisation's offers, managers all. Filters: status,
        contract, policy_year (and provider_id). Page metadata is in the X-Pagination header."""
        # The list shows a reference to the document, not the facts it was rendered from.
        statement = select(Offer).options(joinedload(Offer.provider),
                                          joinedload(Offer.document).defer(DocumentVersion.context))
        if not is_manager():
            statement = statement.where(Offer.provider_id == api_user().provider_id)
        for name in ("status", "contract", "policy_year", "provider_id"):
            if query.get(name) is not None:
                statement = statement.where(getattr(Offer, name) == query[name])
        # All providers' offers: the database keeps their count (portal/models/tallies.py).
        counted = is_manager() and query.get("provider_id") is None
        return paginate(statement, pagination_parameters,
                        (Offer.policy_year.desc(), Offer.deadline, Offer.id),
                        total=(lambda: tallied_offers(query)) if counted else None)

    @requires(blp, *MANAGERS)
    @blp.arguments(IssueSchema)
    @blp.response(201, OfferDetailSchema)
    @blp.alt_response(200, schema=OfferDetailSchema, success=True,
                      description="The offer was issued before: it is returned as it is.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data):
        """Issue an offer (managers).

        Issues the offer the policy prescribes for a provider, contract and year, with its
        document. Issuing twice issues nothing twice: the existing offer is returned (200). An
        exclusion ground refuses the offer (422) unless `override_reason` is given."""
        provider = db.session.get(Provider, data["provider_id"])
        if provider is None:
            refuse(422, CaseError("provider_id", f"no provider {data['provider_id']}"))
        existed = db.session.scalar(select(Offer.id).where(
            Offer.provider_id == provider.id, Offer.contract == data["contract"],
            Offer.policy_year == data["policy_year"])) is not None
        try:
            with unit_of_work():
                offer = issue_offer(provider, data["contract"], data["policy_year"], api_actor(),
                                    deadline=data["deadline"], override_reason=data["override_reason"])
        except TransitionRefused as error:
            refuse(REFUSAL_STATUS.get(error.field, 422), error)
        except CaseError as error:
            refuse(422, error)
        return _detail(offer.id), 200 if existed else 201


def _detail(offer_id: int) -> Offer:
    offer = db.session.scalar(select(Offer).where(Offer.id == offer_id).options(
        joinedload(Offer.provider), joinedload(Offer.document), selectinload(Offer.rounds)))
    return offer


@blp.route("/offers/<int:offer_id>")
class OfferDetail(MethodView):
    @requires(blp)
    @blp.response(200, OfferDetailSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, offer_id):
        """Get one offer.

        With its negotiation rounds and the actions the caller may take now. Another
        organisation's offer looks the same as none (404)."""
        return _detail(_visible(offer_id).id)


@blp.route("/offers/<int:offer_id>/transitions")
class OfferTransitions(MethodView):
    @requires(blp)
    @blp.arguments(TransitionSchema)
    @blp.response(200, OfferDetailSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    @blp.alt_response(409, response=CONFLICT, description=(
        "Not possible in the offer's state, or the offer changed since expected_version."))
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, body, offer_id):
        """Take an action on an offer.

        Actions: accept, decline, counter, respond, agree, issue, expire, withdraw, record. Who
        may do what, from which state, is the offer life cycle's rule: 403 for a role that may
        not, 409 for a state (or a version) that does not allow it, 422 for a missing reason or
        a bad body. Pass the version you saw as expected_version."""
        changes = [{"code": c["code"], "amount": str(c["amount"]),
                    **({"note": c["note"]} if c.get("note") else {})} for c in body["changes"]]
        try:
            with unit_of_work():
                offer = transition(offer_id, body["action"], api_actor(), reason=body["reason"],
                                   expected_version=body["expected_version"], changes=changes)
        except NotFound:
            not_found(f"offer {offer_id}")
        except TransitionRefused as error:
            refuse(REFUSAL_STATUS.get(error.field, 422), error)
        return _detail(offer.id)


@blp.route("/offers/<int:offer_id>/document")
class OfferDocument(MethodView):
    @requires(blp)
    @blp.response(200, {"type": "string", "format": "binary"}, content_type=DOCX,
                  description="The offer's contract document (Word).")
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, offer_id):
        """Download the offer's contract document.

        The current version, as DOCX; its SHA-256 is the ETag."""
        offer = _visible(offer_id)
        document = offer.document
        if document is None:
            not_found(f"document of offer {offer_id}")
        response = send_file(BytesIO(document.content), mimetype=DOCX, as_attachment=True,
                             download_name=document.filename, etag=document.sha256,
                             max_age=0)
        response.headers["Cache-Control"] = "private, no-cache"
        return response
