"""API: bulk issue per calendar milestone (managers). The engine proposes (the plan), a manager
requests a batch, and the worker (`portal worker`) runs it outside any request."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from contracts.errors import CaseError

from ..extensions import db
from ..models import IssueBatch
from ..operations.batches import plan, request_batch
from ..web import MANAGERS
from .common import (NOT_FOUND, UNPROCESSABLE, Blueprint, PolicyYear, UTCDateTime, not_found,
                     paginate, refuse, unit_of_work)
from .offers import ProviderRefSchema
from .tokens import api_actor, requires

blp = Blueprint("batches", __name__, description="Bulkuitgifte van aanbiedingen per mijlpaal")

STATUSES = ["wachtend", "bezig", "klaar", "mislukt"]


class BatchSchema(Schema):
    id = fields.Integer()
    key = fields.String()
    policy_year = fields.Integer(metadata={"description": "The contract year of the offers."})
    milestone = fields.String()
    status = fields.String(metadata={"enum": STATUSES})
    total = fields.Integer()
    done = fields.Integer()
    excluded = fields.Integer()
    error = fields.String(allow_none=True)
    requested_by = fields.String()
    requested_at = UTCDateTime()
    finished_at = UTCDateTime(allow_none=True)


class BatchRequestSchema(Schema):
    milestone = fields.String(required=True, validate=validate.Length(min=1, max=60),
                              metadata={"description": "A milestone id of the calendar, e.g. "
                                                       "fz_aflopend_aanbod."})
    policy_year = PolicyYear(in_force=True, description="The contract year whose calendar holds "
                                                        "the milestone.")


class BatchQuerySchema(Schema):
    policy_year = PolicyYear(description="Only the batches of this contract year.")


class PlanLineSchema(Schema):
    provider = fields.Nested(ProviderRefSchema)
    contract = fields.String()
    rule = fields.String(allow_none=True)
    negotiable = fields.Boolean(allow_none=True)
    channel = fields.String(allow_none=True)
    exclusion = fields.String(allow_none=True)


class PlanSchema(Schema):
    milestone = fields.String()
    offers = fields.List(fields.Nested(PlanLineSchema), metadata={
        "description": "The offers a batch would issue."})
    excluded = fields.List(fields.Nested(PlanLineSchema), metadata={
        "description": "Providers an exclusion ground keeps out (a manager may override one by one)."})
    existing = fields.Integer(metadata={"description": "Offers of this milestone already issued."})


def _line(provider, contract, decision) -> dict:
    as_json = decision.as_json()
    return {"provider": provider, "contract": contract, "rule": as_json["rule"],
            "negotiable": as_json["negotiable"], "channel": as_json["channel"],
            "exclusion": as_json["exclusion"]}


@blp.route("/batches/plan")
class Plan(MethodView):
    @requires(blp, *MANAGERS)
    @blp.arguments(BatchRequestSchema, location="query")
    @blp.response(200, PlanSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def get(self, query):
        """Preview a milestone's bulk issue (managers).

        The providers and offers the policy selects for the milestone, the exclusions, and how
        many offers were issued already."""
        try:
            proposal = plan(query["milestone"], query["policy_year"])
        except CaseError as error:
            refuse(422, error, location="query")
        return {"milestone": proposal.milestone, "existing": proposal.existing,
                "offers": [_line(*line) for line in proposal.offers],
                "excluded": [_line(*line) for line in proposal.excluded]}


@blp.route("/batches")
class Batches(MethodView):
    @requires(blp, *MANAGERS)
    @blp.arguments(BatchQuerySchema, location="query")
    @blp.response(200, BatchSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List bulk-issue batches (managers), the latest first; filter on policy_year."""
        statement = select(IssueBatch)
        if query.get("policy_year") is not None:
            statement = statement.where(IssueBatch.policy_year == query["policy_year"])
        return paginate(statement, pagination_parameters, (IssueBatch.id.desc(),))

    @requires(blp, *MANAGERS)
    @blp.arguments(BatchRequestSchema)
    @blp.response(202, BatchSchema, description="Recorded; the worker issues the offers.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data):
        """Request a milestone's bulk issue (managers).

        Recorded for the worker to run; asking twice gives the same batch, and running it again
        issues only what is missing."""
        try:
            with unit_of_work():
                batch = request_batch(data["milestone"], api_actor(), data["policy_year"])
        except CaseError as error:
            refuse(422, error)
        return db.session.get(IssueBatch, batch.id)


@blp.route("/batches/<int:batch_id>")
class BatchDetail(MethodView):
    @requires(blp, *MANAGERS)
    @blp.response(200, BatchSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, batch_id):
        """Get a batch and its progress (managers)."""
        batch = db.session.get(IssueBatch, batch_id)
        if batch is None:
            not_found(f"batch {batch_id}")
        return batch
