"""API: policy decisions and the calendar (the same engine as the CLI)."""
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields

from contracts.cases import parse_case
from contracts.engine import decide
from contracts.errors import CaseError
from contracts.policy import policy_for_calendar_year
from contracts.vocabulary import Contract, ProviderType, Relation

from .common import NOT_FOUND, UNPROCESSABLE, Blueprint

blp = Blueprint("policy", __name__, description="Inkoopbeleid: beslissingen en planning")


class CaseSchema(Schema):
    class Meta:
        unknown = "include"  # the engine checks every field and names the bad one

    # The enums document what the engine checks (and names the field of).
    policy_year = fields.Integer(required=True)
    provider_type = fields.String(required=True, metadata={"enum": [t.value for t in ProviderType]})
    contract = fields.String(required=True, metadata={"enum": [c.value for c in Contract]})
    relation = fields.String(required=True, metadata={"enum": [r.value for r in Relation]})
    represented_by_collective = fields.Raw(metadata={
        "type": "boolean", "nullable": True,
        "description": "Whether a collective of pharmacists represents the provider (the "
                       "Addendum Aanvullende afspraken is for its members); absent: not said."})


class DecisionSchema(Schema):
    route = fields.String()
    document = fields.String(allow_none=True)
    negotiable = fields.Boolean(allow_none=True)
    channel = fields.String(allow_none=True)
    final_channel = fields.String(allow_none=True)
    deadline = fields.String(allow_none=True)
    exclusion = fields.String(allow_none=True)
    reasons = fields.List(fields.String())
    rule = fields.String(allow_none=True)
    milestone = fields.String(allow_none=True)
    based_on = fields.List(fields.String())
    criteria = fields.List(fields.String())
    extended = fields.Boolean()


class MilestoneSchema(Schema):
    id = fields.String()
    date = fields.String(allow_none=True)
    kind = fields.String()
    months_after_application = fields.Integer(allow_none=True)
    action = fields.String()
    who = fields.String()
    via = fields.String()
    provider_types = fields.List(fields.String())
    contract = fields.String(allow_none=True)
    relations = fields.List(fields.String())
    seed = fields.List(fields.String())


@blp.route("/policy/decide")
class Decide(MethodView):
    @blp.arguments(CaseSchema)
    @blp.response(200, DecisionSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """The policy's decision for one case (the body of `portal policy decide`)."""
        try:
            return decide(parse_case(case)).as_json()
        except CaseError as error:
            abort(422, errors={"json": {error.field: [error.message]}},
                  message=str(error))


@blp.route("/calendar/<int:year>")
class Calendar(MethodView):
    @blp.response(200, MilestoneSchema(many=True))
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, year):
        """The milestones of the procurement calendar of a year (2023 for contract year 2024)."""
        try:
            policy = policy_for_calendar_year(year)
        except CaseError as error:
            abort(404, message=str(error))
        return [m.as_json() for m in policy.calendar()]
