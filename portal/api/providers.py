"""API: the provider register. Managers see every provider; provider staff their own only."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from contracts.vocabulary import ProviderType

from ..extensions import db
from ..models import Provider
from ..web import api_viewer, memoised
from .common import NOT_FOUND, Blueprint, like_pattern, not_found, paginate
from .tokens import api_user, is_manager, requires

blp = Blueprint("providers", __name__, description="Zorgaanbieders (AGB-register)")

PROVIDER_TYPES = [t.value for t in ProviderType]


class ContractHeldSchema(Schema):
    contract = fields.String()
    start = fields.Date()
    end = fields.Date()


class ProviderSchema(Schema):
    id = fields.Integer()
    agb = fields.String(metadata={"description": "AGB code, 8 digits"})
    name = fields.String()
    provider_type = fields.String(metadata={"enum": PROVIDER_TYPES})
    address = fields.String()
    postcode = fields.String()
    city = fields.String()
    region = fields.String()
    kvk = fields.String()
    agb_start = fields.Date(allow_none=True)
    contact_email = fields.String()
    collective = fields.String(allow_none=True)
    size_rank = fields.Integer(allow_none=True)
    riz_contra_indication = fields.Boolean()
    improvement_agreements = fields.String()
    contracts = fields.List(fields.Nested(ContractHeldSchema), metadata={
        "description": "The agreements the provider holds with the insurer."})


class ProviderQuerySchema(Schema):
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "Part of the name, AGB code or city."})
    type = fields.String(validate=validate.OneOf(PROVIDER_TYPES))


@blp.route("/providers")
class Providers(MethodView):
    @requires(blp)
    @memoised(viewer=api_viewer)
    @blp.arguments(ProviderQuerySchema, location="query")
    @blp.response(200, ProviderSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List providers.

        Managers see every provider (search with `q` in name, AGB code or city; filter on
        `type`); provider staff see their own organisation only. Page metadata is in the
        X-Pagination header."""
        statement = select(Provider).options(selectinload(Provider.contracts))
        if not is_manager():
            statement = statement.where(Provider.id == api_user().provider_id)
        if query.get("q"):
            pattern = like_pattern(query["q"].strip())
            statement = statement.where(or_(Provider.name.ilike(pattern, escape="\\"),
                                            Provider.agb.like(pattern, escape="\\"),
                                            Provider.city.ilike(pattern, escape="\\")))
        if query.get("type"):
            statement = statement.where(Provider.provider_type == query["type"])
        return paginate(statement, pagination_parameters, (Provider.name, Provider.id))


@blp.route("/providers/<int:provider_id>")
class ProviderDetail(MethodView):
    @requires(blp)
    @blp.response(200, ProviderSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, provider_id):
        """Get one provider.

        Another organisation's provider looks the same as none (404)."""
        if not is_manager() and provider_id != api_user().provider_id:
            not_found(f"provider {provider_id}")
        provider = db.session.scalar(select(Provider).where(Provider.id == provider_id)
                                     .options(selectinload(Provider.contracts)))
        if provider is None:
            not_found(f"provider {provider_id}")
        return provider
