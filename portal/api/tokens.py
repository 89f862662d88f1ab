"""Bearer tokens for the API, without a table of their own.

A token is a signed, timestamped dump (itsdangerous, salt "api-token", the app's secret key) of
{"uid": user id, "stamp": last 16 characters of the password hash, "days": validity}. It is
valid for its own number of days; changing the password changes the stamp and so revokes every
token of that user; a deactivated user's tokens are refused. Only the Authorization header is
read: the API never falls back to the session cookie, so it needs no CSRF token.
"""
from __future__ import annotations

import hmac
import time
from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import abort
from itsdangerous import BadSignature, URLSafeTimedSerializer
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from ..extensions import db, limiter
from ..models import User
from ..operations.audit import Actor
from ..web import MANAGERS, PROVIDER_STAFF
from .common import FORBIDDEN, TOO_MANY_REQUESTS, UNAUTHORIZED, Blueprint

SALT = "api-token"
BEARER = "bearerAuth"  # the name of the security scheme in the OpenAPI document
DEFAULT_DAYS = 30
MAX_DAYS = 365
#: A token "issued" further in the future than this is not one we made (clock skew aside).
SKEW_SECONDS = 300

blp = Blueprint("tokens", __name__, description="API-tokens en de ingelogde gebruiker")


class TokenRefused(Exception):
    """The token is missing, malformed, forged, expired or revoked, or its user is inactive."""


def clock() -> float:
    """Seconds since the epoch (a function, so tests can move time)."""
    return time.time()


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=SALT)


def _stamp(user: User) -> str:
    return user.password_hash[-16:]


def issue_token(user: User, days: int = DEFAULT_DAYS) -> str:
    """A bearer token for `user`, valid for `days` days (1 to MAX_DAYS)."""
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1 to {MAX_DAYS}")
    return _serializer().dumps({"uid": user.id, "stamp": _stamp(user), "days": days})


def expires_at(token: str) -> datetime:
    """When a (valid) token expires."""
    data, issued = _serializer().loads(token, return_timestamp=True)
    return issued + timedelta(days=data["days"])


def user_for_token(token: str) -> User:
    """The active user the token stands for; TokenRefused saying why not."""
    try:
        data, issued = _serializer().loads(token, return_timestamp=True)
    except BadSignature:
        raise TokenRefused("invalid token") from None
    if not (isinstance(data, dict) and isinstance(data.get("uid"), int)
            and isinstance(data.get("stamp"), str) and isinstance(data.get("days"), int)):
        raise TokenRefused("invalid token")
    age = clock() - issued.timestamp()
    if age < -SKEW_SECONDS:
        raise TokenRefused("invalid token")
    if age > data["days"] * 86400:
        raise TokenRefused("token expired")
    user = db.session.get(User, data["uid"])
    if user is None or not hmac.compare_digest(_stamp(user), data["stamp"]):
        raise TokenRefused("token revoked")  # the password was changed (or the user removed)
    if not user.active:
        raise TokenRefused("account inactive")
    return user


def _unauthorized(message: str):
    abort(401, message=message,
          headers={"WWW-Authenticate": f'Bearer realm="api", error="invalid_token", '
                                       f'error_description="{message}"'})


def authenticate() -> User:
    """The user of the request's bearer token, or 401. The session cookie is never consulted."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, message="authentication required: Authorization: Bearer <token>",
              headers={"WWW-Authenticate": 'Bearer realm="api"'})
    try:
        user = user_for_token(token.strip())
    except TokenRefused as error:
        _unauthorized(str(error))
    if user.role in PROVIDER_STAFF and user.provider_id is None:
        abort(403, message="this account is not linked to an organisation")
    g.api_user = user
    return user


def api_user() -> User:
    """The authenticated user of this API request."""
    return g.api_user


def api_actor() -> Actor:
    return Actor.of(g.api_user)


def is_manager() -> bool:
    return g.api_user.role in MANAGERS


def requires(blp: Blueprint, *roles: str):
    """A bearer token (and, where given, one of `roles`, else 403) for an API operation; the
    operation is documented as protected by the bearer scheme, with its 401 (and 403)."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            user = authenticate()
            if roles and user.role not in roles:
                abort(403, message=f"{user.role} may not use this operation")
            return view(*args, **kwargs)

        wrapper = blp.doc(security=[{BEARER: []}])(wrapper)
        wrapper = blp.alt_response(401, response=UNAUTHORIZED)(wrapper)
        wrapper = blp.alt_response(403, response=FORBIDDEN)(wrapper)
        return wrapper
    return decorate


# Endpoints -------------------------------------------------------------------------------------

class CredentialsSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1))
    days = fields.Integer(load_default=DEFAULT_DAYS, validate=validate.Range(min=1, max=MAX_DAYS),
                          metadata={"description": "How long the token is valid, in days."})


class TokenSchema(Schema):
    token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    days = fields.Integer(required=True)
    expires_at = fields.AwareDateTime(required=True, default_timezone=timezone.utc)


class MeSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    role = fields.String()
    provider_id = fields.Integer(allow_none=True)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@blp.route("/tokens")
class Tokens(MethodView):
    # The same limit per client address as the login form: passwords are not to be guessed here.
    decorators = [limiter.limit(_login_limit, methods=["POST"])]

    @blp.arguments(CredentialsSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, response=UNAUTHORIZED)
    @blp.alt_response(429, response=TOO_MANY_REQUESTS)
    def post(self, credentials):
        """Get a bearer token.

        For the e-mail address and password of the portal's login. Send it as `Authorization: Bearer <token>`. A password change revokes every token of
        the user; a deactivated account's tokens stop working."""
        email = credentials["email"].strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.active or not user.check_password(credentials["password"]):
            abort(401, message="unknown e-mail address or wrong password")
        token = issue_token(user, credentials["days"])
        return {"token": token, "token_type": "Bearer", "days": credentials["days"],
                "expires_at": expires_at(token)}


@blp.route("/me")
class Me(MethodView):
    @requires(blp)
    @blp.response(200, MeSchema)
    def get(self):
        """Get the user the bearer token stands for."""
        return api_user()
