"""What every API module shares: errors in flask-smorest's format, one commit per request,
ISO date-times, pagination of a query."""
from __future__ import annotations

import http
from contextlib import contextmanager
from datetime import datetime, timezone

from flask_smorest import abort
from marshmallow import fields
from sqlalchemy import func, select

from contracts.errors import CaseError

from ..extensions import db

#: Names of the lazily registered response components of flask-smorest (one per HTTP status).
UNAUTHORIZED = http.HTTPStatus.UNAUTHORIZED.name
FORBIDDEN = http.HTTPStatus.FORBIDDEN.name
NOT_FOUND = http.HTTPStatus.NOT_FOUND.name
CONFLICT = http.HTTPStatus.CONFLICT.name
TOO_MANY_REQUESTS = http.HTTPStatus.TOO_MANY_REQUESTS.name
UNPROCESSABLE = http.HTTPStatus(422).name  # UNPROCESSABLE_ENTITY, or _CONTENT on Python 3.13


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


def paginate(query, pagination_parameters, order_by):
    """One page of `query` (and the total count, for the X-Pagination header): two queries."""
    pagination_parameters.item_count = db.session.scalar(
        select(func.count()).select_from(query.order_by(None).subquery()))
    return db.session.scalars(query.order_by(*order_by)
                              .offset(pagination_parameters.first_item)
                              .limit(pagination_parameters.page_size)).unique().all()


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
