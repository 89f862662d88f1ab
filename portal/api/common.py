"""What every API module shares: the blueprint, errors in flask-smorest's format, one commit per
request, ISO date-times, pagination of a query."""
from __future__ import annotations

import http
from contextlib import contextmanager
from datetime import datetime, timezone

import flask_smorest
from flask_smorest import abort
from marshmallow import fields, validate

from contracts.campaign import year_in_force
from contracts.errors import CaseError
from contracts.policy import available_years

from ..extensions import db
from ..operations.clock import today
from ..web.paging import page_of

#: Names of the lazily registered response components of flask-smorest (one per HTTP status).
BAD_REQUEST = http.HTTPStatus.BAD_REQUEST.name
UNAUTHORIZED = http.HTTPStatus.UNAUTHORIZED.name
FORBIDDEN = http.HTTPStatus.FORBIDDEN.name
NOT_FOUND = http.HTTPStatus.NOT_FOUND.name
CONFLICT = http.HTTPStatus.CONFLICT.name
#: Over MAX_CONTENT_LENGTH (12 MB): ten attachments of 5 MB do not fit in one request.
TOO_LARGE = http.HTTPStatus(413).name  # REQUEST_ENTITY_TOO_LARGE, or CONTENT_TOO_LARGE
TOO_MANY_REQUESTS = http.HTTPStatus.TOO_MANY_REQUESTS.name
UNPROCESSABLE = http.HTTPStatus(422).name  # UNPROCESSABLE_ENTITY, or _CONTENT on Python 3.13

#: The largest value of an INTEGER column (PostgreSQL's, and so every id's and year's): a larger
#: number in a request is refused before it reaches the database, which would fail on it.
MAX_INT = 2**31 - 1


def Id(**kwargs) -> fields.Integer:
    """An id (or a year) in a query or a body: a whole number the database can compare, else 422."""
    return fields.Integer(validate=validate.Range(min=0, max=MAX_INT), **kwargs)


def PolicyYear(*, in_force: bool = False, **kwargs) -> fields.Integer:
    """A contract year the policy data knows (else 422 naming the field); with `in_force`, left
    out it is the year in force on the simulated date (contracts.campaign)."""
    description = kwargs.pop("description", "A contract year.")
    if in_force:
        kwargs["load_default"] = lambda: year_in_force(today())
        description += " Default: the contract year in force on the simulated date."
    return fields.Integer(validate=validate.OneOf(available_years()),
                          metadata={"description": description}, **kwargs)


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's, with an id in the path that the database can hold (a larger one is no
    record: 404), and documenting the 400 of a JSON body that is not JSON at all (webargs
    answers it before the schema's 422)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.url_value_preprocessor(_no_record_beyond_max_int)

    def arguments(self, schema, *, location="json", **kwargs):
        parse = super().arguments(schema, location=location, **kwargs)
        if location != "json":
            return parse
        return lambda view: self.alt_response(400, response=BAD_REQUEST)(parse(view))


def _no_record_beyond_max_int(endpoint, values) -> None:
    """`<int:...>` takes any number; SQLite and PostgreSQL fail on one above their integers."""
    if any(isinstance(value, int) and value > MAX_INT for value in (values or {}).values()):
        not_found("record")


def field_errors(field: str, message: str) -> dict:
    """`{"errors": {"json": ...}}` as marshmallow nests them: "findings.x.met" becomes
    {"findings": {"x": {"met": [message]}}}."""
    parts = [p for p in field.lstrip("-").split(".") if p] or ["_schema"]
    errors: dict = {parts[-1]: [message]}
    for part in reversed(parts[:-1]):
        errors = {part: errors}
    return errors


def refuse(status: int, error: CaseError, location: str = "json"):
    """Abort with a domain error as field-level errors (the format of flask-smorest's 422)."""
    message = error.message
    if error.allowed:
        message += f" (allowed: {', '.join(str(a) for a in error.allowed)})"
    abort(status, errors={location: field_errors(error.field, message)}, message=str(error))


def not_found(what: str):
    abort(404, message=f"{what} not found")


@contextmanager
def unit_of_work():
    """The request's changes are committed together, or on any error rolled back: nothing is
    half-saved."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def paginate(query, pagination_parameters, order_by, total=None):
    """One page of `query` in `order_by`'s order and its total for the X-Pagination header
    (portal.web.paging: the page and the count apart, so neither grows with the table beyond
    what the filters select). `total`, if given, returns the count from what the database keeps
    counted (the offer tallies). A page past the last one is empty without asking for it: its
    OFFSET could be larger than the database's integers (?page=10**20)."""
    rows, pagination_parameters.item_count = page_of(
        query.order_by(*order_by), pagination_parameters.first_item,
        pagination_parameters.page_size, total=total, unique=True)
    return [row[0] for row in rows]


def like_pattern(text: str) -> str:
    """A LIKE pattern that matches `text` anywhere, with its own % and _ taken literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class UTCDateTime(fields.DateTime):
    """ISO 8601 with offset; SQLite hands back naive date-times, which are stored as UTC."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)
