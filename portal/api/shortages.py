"""API: medicine shortages and the preference status of products (seed 004).

Everyone with a token reads the register, the definitions, the products' preference status, the
weekly preference file and the entitlement check during a shortage; contract managers (and
admins) register, change and end shortages. Every change is one operation of
portal.operations.shortages, under the same rules as the pages: a new version, an audit entry,
one notice to every contracted pharmacy.
"""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, fields, validate
from sqlalchemy import func, or_, select

from contracts import shortages as domain
from contracts import shortageimport, substitution
from contracts.errors import CaseError

from ..extensions import db
from ..models import Product, Shortage
from ..operations import shortages as ops
from ..operations.clock import today
from ..operations.offers import NotFound
from ..web import MANAGERS, PROVIDER_STAFF
from .common import (CONFLICT, NOT_FOUND, UNPROCESSABLE, Blueprint, Id, UTCDateTime,
                     not_found, paginate, refuse, unit_of_work)
from .tokens import api_actor, requires

blp = Blueprint("api_shortages", __name__, description="Geneesmiddelentekorten en voorkeursbeleid")

STATES = tuple(domain.definitions())
DECLARERS = tuple(domain.declarers())
CONFLICT_CODES = ("ended", "open_shortage")


# Schemas ---------------------------------------------------------------------------------------

class ShortageProductRefSchema(Schema):
    id = fields.Integer()
    zindex = fields.String()
    name = fields.String()
    slug = fields.String()
    group_code = fields.String()


class ShortageAlternativeSchema(Schema):
    product = fields.Nested(ShortageProductRefSchema)


class ShortageVersionSchema(Schema):
    number = fields.Integer()
    effective_on = fields.Date()
    action = fields.String(metadata={"enum": list(domain.ACTIONS)})
    state = fields.String(metadata={"enum": list(STATES)})
    reported_by = fields.String(metadata={"enum": list(DECLARERS)})
    started_on = fields.Date()
    expected_end = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    drops_out = fields.Boolean()
    temporary_preferred = fields.Nested(ShortageProductRefSchema, allow_none=True)
    alternatives = fields.List(fields.Nested(ShortageAlternativeSchema))
    price_article = fields.Nested(ShortageProductRefSchema, allow_none=True)
    sellout_until = fields.Date(allow_none=True)
    note = fields.String()
    patient_note = fields.String()
    changes = fields.List(fields.String())
    notified = fields.Integer(metadata={"description": "Pharmacies sent this version's notice."})
    created_by = fields.String()
    created_at = UTCDateTime()


class ShortageSchema(Schema):
    id = fields.Integer()
    product = fields.Nested(ShortageProductRefSchema)
    state = fields.String(metadata={"enum": list(STATES)})
    current_version = fields.Integer(metadata={"description": "Send it back with a change: a "
                                               "shortage changed meanwhile is refused (409)."})
    started_on = fields.Date()
    expected_end = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    created_at = UTCDateTime()


class ShortageDetailSchema(ShortageSchema):
    versions = fields.List(fields.Nested(ShortageVersionSchema))


class ShortageQuerySchema(Schema):
    q = fields.String(validate=validate.Length(max=100),
                      metadata={"description": "Part of the product's name, substance or Z-index."})
    state = fields.String(validate=validate.OneOf(STATES))


def ProductId(**kwargs):
    return Id(allow_none=True, **kwargs)


class ShortageNoticeSchema(Schema):
    """The fields of a version; on a change, a field left out keeps its current value."""

    state = fields.String(validate=validate.OneOf(STATES))
    reported_by = fields.String(validate=validate.OneOf(DECLARERS))
    started_on = fields.Date()
    expected_end = fields.Date(allow_none=True)
    drops_out = fields.Boolean()
    temporary_preferred_id = ProductId()
    alternative_ids = fields.List(Id(), validate=validate.Length(max=50))
    price_article_id = ProductId()
    sellout_until = fields.Date(allow_none=True)
    note = fields.String(validate=validate.Length(max=domain.MAX_NOTE))
    patient_note = fields.String(validate=validate.Length(max=domain.MAX_NOTE))


class ShortageRegisterSchema(ShortageNoticeSchema):
    product_id = Id(required=True)
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    reported_by = fields.String(required=True, validate=validate.OneOf(DECLARERS))
    started_on = fields.Date(required=True)


class ShortageUpdateSchema(ShortageNoticeSchema):
    version = Id(load_default=None, allow_none=True, metadata={
        "description": "The current_version the caller saw; a shortage changed since is refused."})


class ShortageEndSchema(Schema):
    reported_by = fields.String(validate=validate.OneOf(DECLARERS))
    ended_on = fields.Date(allow_none=True, metadata={"description": "Default: today."})
    sellout_until = fields.Date(allow_none=True)
    note = fields.String(validate=validate.Length(max=domain.MAX_NOTE))
    version = Id(load_default=None, allow_none=True)


class ShortageDefinitionSchema(Schema):
    slug = fields.String()
    term = fields.String()
    definition = fields.String()
    declared_by = fields.List(fields.String())
    unavailable = fields.Boolean()
    quote = fields.List(fields.String())
    reading = fields.String(allow_none=True)


class ShortageProductStatusSchema(Schema):
    id = fields.Integer()
    zindex = fields.String()
    name = fields.String()
    slug = fields.String()
    substance = fields.String()
    group_code = fields.String()
    aip = fields.Float(metadata={"description": "AIP in euros."})
    import_exemption = fields.Boolean()
    status = fields.String(metadata={"enum": list(domain.STATUSES)})
    shortage_id = fields.Integer(allow_none=True)
    shortage_state = fields.String(allow_none=True)
    sellout_until = fields.Date(allow_none=True)


class ShortageDayQuerySchema(Schema):
    date = fields.Date(metadata={"description": "Default: the simulated date."})


class ShortageWeekQuerySchema(Schema):
    week = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-W\d{2}$"),
                         metadata={"example": "2023-W40"})


class ShortagePrescriptionSchema(Schema):
    medicine = fields.String(allow_none=True, validate=validate.Length(max=200))
    medical_necessity = fields.Boolean()
    logistical_necessity = fields.Boolean()
    pharmacist_choice = fields.String(allow_none=True, validate=validate.Length(max=200))


class ShortageEntitlementRequestSchema(Schema):
    group = fields.String(required=True, validate=validate.Length(min=1, max=60),
                          metadata={"example": "H03AA01 50 mcg tablet"})
    date = fields.Date(metadata={"description": "Default: the simulated date."})
    prescription = fields.Nested(ShortagePrescriptionSchema, load_default=dict)


class ShortageEntitlementMedicineSchema(Schema):
    name = fields.String()
    aip = fields.Float()
    preferred = fields.Boolean()
    available = fields.Boolean()
    reimbursed = fields.Boolean()


class ShortageEntitlementSchema(Schema):
    group = fields.String()
    date = fields.Date()
    rule = fields.String()
    reimbursed = fields.List(fields.String())
    prescribed_reimbursed = fields.Boolean(allow_none=True)
    cheapest_aip = fields.Float(allow_none=True)
    limit_aip = fields.Float(allow_none=True)
    medicines = fields.List(fields.Nested(ShortageEntitlementMedicineSchema))
    reasons = fields.List(fields.String())
    logistical_necessity_from_register = fields.Boolean()
    notes = fields.List(fields.String())
    import_check = fields.String(allow_none=True, metadata={
        "description": "Where a reimbursed import medicine under an exemption is checked: the "
                       "check of an import during a shortage (POST), not the rare-indication "
                       "import-claim check."})


# Endpoints -------------------------------------------------------------------------------------

def _shortage(shortage_id: int) -> Shortage:
    try:
        return ops.get_shortage(shortage_id)
    except NotFound:
        not_found(f"shortage {shortage_id}")


def _refused(error: CaseError):
    if error.field == "role":
        abort(403, message=str(error))
    code = getattr(error, "code", None)
    refuse(409 if error.field == "version" or code in CONFLICT_CODES else 422, error)


@blp.route("/shortages")
class Shortages(MethodView):
    @requires(blp)
    @blp.arguments(ShortageQuerySchema, location="query")
    @blp.response(200, ShortageSchema(many=True))
    @blp.paginate()
    def get(self, query, pagination_parameters):
        """List the shortages, open ones first, the latest start first.

        Search on the product's name, substance or Z-index (`q`); filter on state."""
        statement = select(Shortage).join(Product, Product.id == Shortage.product_id)
        if query.get("q", "").strip():
            term = query["q"].strip().lower()
            statement = statement.where(or_(
                func.lower(Product.name).contains(term, autoescape=True),
                func.lower(Product.substance).contains(term, autoescape=True),
                Product.zindex.contains(term, autoescape=True)))
        if query.get("state"):
            statement = statement.where(Shortage.state == query["state"])
        return paginate(statement, pagination_parameters,
                        (Shortage.state == domain.RESOLVED, Shortage.started_on.desc(),
                         Shortage.id.desc()))

    @requires(blp, *MANAGERS)
    @blp.arguments(ShortageRegisterSchema)
    @blp.response(201, ShortageDetailSchema)
    @blp.alt_response(409, response=CONFLICT, description="The product has an open shortage.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data):
        """Register a shortage of a preferred product (contract managers).

        Version 1; every contracted pharmacy gets the notice in its inbox and by e-mail."""
        try:
            with unit_of_work():
                shortage = ops.register_shortage(data, api_actor())
        except CaseError as error:
            _refused(error)
        return _shortage(shortage.id)


@blp.route("/shortages/<int:shortage_id>")
class OneShortage(MethodView):
    @requires(blp)
    @blp.response(200, ShortageDetailSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    def get(self, shortage_id):
        """Get one shortage with every version of its notice."""
        return _shortage(shortage_id)


@blp.route("/shortages/<int:shortage_id>/versions")
class ShortageVersions(MethodView):
    @requires(blp, *MANAGERS)
    @blp.arguments(ShortageUpdateSchema)
    @blp.response(201, ShortageDetailSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    @blp.alt_response(409, response=CONFLICT, description="Ended, or changed since `version`.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data, shortage_id):
        """Change an open shortage: a new version, announced to every contracted pharmacy.

        Fields left out keep their current value."""
        _shortage(shortage_id)
        expected = data.pop("version", None)
        try:
            with unit_of_work():
                ops.update_shortage(shortage_id, data, api_actor(), expected_version=expected)
        except CaseError as error:
            _refused(error)
        return _shortage(shortage_id)


@blp.route("/shortages/<int:shortage_id>/end")
class ShortageEnd(MethodView):
    @requires(blp, *MANAGERS)
    @blp.arguments(ShortageEndSchema)
    @blp.response(201, ShortageDetailSchema)
    @blp.alt_response(404, response=NOT_FOUND)
    @blp.alt_response(409, response=CONFLICT, description="Ended, or changed since `version`.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data, shortage_id):
        """End a shortage (resolved), with a sell-out term if given; announced to the pharmacies."""
        _shortage(shortage_id)
        expected = data.pop("version", None)
        try:
            with unit_of_work():
                ops.end_shortage(shortage_id, data, api_actor(), expected_version=expected)
        except CaseError as error:
            _refused(error)
        return _shortage(shortage_id)


@blp.route("/shortage-definitions")
class Definitions(MethodView):
    @requires(blp)
    @blp.response(200, ShortageDefinitionSchema(many=True))
    def get(self):
        """The uniform definitions of (un)availability, with who may declare each (agreement 5a)."""
        return [d.__dict__ for d in domain.definitions().values()]


@blp.route("/products")
class Products(MethodView):
    @requires(blp)
    @blp.arguments(ShortageDayQuerySchema, location="query")
    @blp.response(200, ShortageProductStatusSchema(many=True))
    def get(self, query):
        """Every product of the register with its preference status on a day."""
        found = ops.statuses_on(query.get("date") or today())
        rows = db.session.scalars(select(Product).order_by(Product.group_code, Product.name))
        return [{**{c: getattr(p, c) for c in ("id", "zindex", "name", "slug", "substance",
                                               "group_code", "aip", "import_exemption")},
                 "status": found[p.id].status, "shortage_id": found[p.id].shortage_id,
                 "shortage_state": found[p.id].shortage_state,
                 "sellout_until": found[p.id].sellout_until} for p in rows]


@blp.route("/preference-file")
class PreferenceFile(MethodView):
    @requires(blp)
    @blp.arguments(ShortageWeekQuerySchema, location="query")
    @blp.response(200, {"type": "string"}, content_type="text/csv",
                  description="The weekly preference file: `;`-separated UTF-8 with BOM.")
    @blp.alt_response(422, response=UNPROCESSABLE)
    def get(self, query):
        """Download the weekly preference file of an ISO week (agreement 5d, phase 1)."""
        try:
            data = ops.preference_csv(query["week"])
        except CaseError as error:
            refuse(422, error, "query")
        return Response(data, mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="voorkeursbestand-{query["week"]}.csv"'})


@blp.route("/shortages/entitlement")
class ShortageEntitlement(MethodView):
    @requires(blp)
    @blp.arguments(ShortageEntitlementRequestSchema)
    @blp.response(200, ShortageEntitlementSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, data):
        """Which medicines of a group are reimbursed on a day, with the registered shortages.

        The entitlement rules of seed 003, on the group as the register has it: a shortage that
        makes the preferred product unavailable gives a logistical necessity; a temporary
        preferred product is the one reimbursed while designated."""
        try:
            found = ops.check_entitlement(data)
        except CaseError as error:
            refuse(422, error)
        answer = found.answer.as_json()
        return {**answer, "group": found.group, "date": found.day,
                "logistical_necessity_from_register": found.logistical_necessity_from_register,
                "notes": list(found.notes),
                "import_check": "/api/v1/shortages/import-check"
                if found.imports_under_exemption else None}


class ShortageImportCaseSchema(Schema):
    class Meta:
        unknown = "include"  # the domain checks every field and names the bad one

    shortage = fields.Boolean(required=True, metadata={
        "description": "The Dutch medicine is in short supply and the import replaces it."})
    ground = fields.String(allow_none=True, metadata={
        "enum": list(shortageimport.GROUNDS),
        "description": "vrijstelling: imported with an exemption or the IGJ's prior consent; "
                       "cbg_vergunning: the CBG's marketing authorisation for public health "
                       "reasons. Required with a shortage."})
    rational_pharmacotherapy = fields.Boolean()
    exemption = fields.Boolean(metadata={"description": "An exemption (Vrijstellingsbesluit) or "
                                         "the IGJ's consent holds on the day (vrijstelling)."})
    doctors_order = fields.Boolean(metadata={"description": "Ordered at a doctor's initiative, "
                                             "for use under his supervision (vrijstelling)."})
    not_available_in_nl = fields.Boolean(metadata={"description": "cbg_vergunning"})
    available_in_eu = fields.Boolean(metadata={"description": "cbg_vergunning"})
    in_g_standaard = fields.Boolean(metadata={"description": "The TT-article is in the "
                                              "G-Standaard (declare with its Z-index number)."})
    equivalent_to_registered = fields.Boolean()
    ministerial_exception = fields.Boolean()


class ShortageImportAdviceSchema(Schema):
    route = fields.String(metadata={"enum": list(shortageimport.ROUTES)})
    entitled = fields.Boolean()
    reasons = fields.List(fields.String())
    open_points = fields.List(fields.String(), metadata={
        "description": "What agreement 2 leaves open (authorisations, doctor's statements)."})


class SubstitutionCaseSchema(Schema):
    class Meta:
        unknown = "include"

    shortage = fields.Boolean(required=True, metadata={
        "description": "The prescribed medicine is not available because of a shortage."})
    national = fields.Boolean(metadata={"description": "The shortage is national."})
    same_substance = fields.Boolean(metadata={
        "description": "Same active substance, strength, route and release pattern."})
    local_agreement = fields.Boolean(metadata={
        "description": "A local agreement with the prescriber covers this substitution."})


class SubstitutionAdviceSchema(Schema):
    route = fields.String(metadata={"enum": list(substitution.ROUTES)})
    may_substitute = fields.Boolean()
    reasons = fields.List(fields.String())
    open_points = fields.List(fields.String())


@blp.route("/shortages/import-check")
class ShortageImportCheck(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(ShortageImportCaseSchema)
    @blp.response(200, ShortageImportAdviceSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """Check an import medicine during a shortage (seed 004 agreement 10, seed 003).

        Its own route, not the rare-indication import of seed 000: a shortage, rational
        pharmacotherapy, not excluded, the ground's conditions; then how to declare. The body of
        `portal shortages import-check`."""
        try:
            return shortageimport.check_shortage_import(case).as_json()
        except CaseError as error:
            refuse(422, error)


@blp.route("/shortages/substitution")
class SubstitutionCheck(MethodView):
    @requires(blp, *PROVIDER_STAFF)
    @blp.arguments(SubstitutionCaseSchema)
    @blp.response(200, SubstitutionAdviceSchema)
    @blp.alt_response(422, response=UNPROCESSABLE)
    def post(self, case):
        """May the pharmacist replace a medicine during a shortage? (seed 004 agreement 3)

        Only in a shortage; the same active substance is a switch the pharmacist chooses; another
        substance only in a national shortage under a local agreement with the prescriber. The
        body of `portal shortages substitution`."""
        try:
            return substitution.check_substitution(case).as_json()
        except CaseError as error:
            refuse(422, error)
