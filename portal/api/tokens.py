"""Bearer tokens for the API: issued for the portal's e-mail address and password, listed and
revoked one at a time by their owner (any by an admin).

A token is a random secret of portal.operations.tokens, kept as its SHA-256; it is valid for
its own number of days, until it is revoked, while its user is active. Only the Authorization
header is read: the API never falls back to the session cookie, so it needs no CSRF token.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask.views import MethodView
from flask_smorest import abort
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy.exc import OperationalError

from ..extensions import anonymous_limits, db, limiter
from ..models import User
from ..operations import tokens as ops
from ..operations import twofactor
from ..operations.accounts import LoginRefused, authenticate_password, record_failure
from ..operations.audit import Actor
from ..web import MANAGERS, PROVIDER_STAFF, SAFE_METHODS
from .common import (FORBIDDEN, NOT_FOUND, TOO_MANY_REQUESTS, UNAUTHORIZED, Blueprint,
                     UTCDateTime, not_found, unit_of_work)

BEARER = "bearerAuth"  # the name of the security scheme in the OpenAPI document
DEFAULT_NAME = "API"

blp = Blueprint("tokens", __name__, description="API-tokens en de ingelogde gebruiker")


def _unauthorized(message: str):
    abort(401, message=message,
          headers={"WWW-Authenticate": f'Bearer realm="api", error="invalid_token", '
                                       f'error_description="{message}"'})


def authenticate() -> User:
    """The user of the request's bearer token, or 401. The session cookie is never consulted."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        abort(401, message="authentication required: Authorization: Bearer <token>",
              headers={"WWW-Authenticate": 'Bearer realm="api"'})
    try:
        user, noted, g.records_stamp = ops.user_for_token(secret.strip())
    except ops.TokenRefused as error:
        _unauthorized(str(error))
    if noted:
        _keep_noted_use()
    if user.role in PROVIDER_STAFF and user.provider_id is None:
        abort(403, message="this account is not linked to an organisation")
    g.api_user = user
    return user


def _keep_noted_use() -> None:
    """Commit the token's last use now: a read ends in a rollback once it wrote, a refused change
    is rolled back. On SQLite a read that another writer overtook may not write; the use is
    noted at a later request then. A change takes SQLite's write lock again, as it began."""
    try:
        db.session.commit()
    except OperationalError:
        db.session.rollback()
    if request.method not in SAFE_METHODS and db.engine.dialect.name == "sqlite":
        db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


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

def _readable(name: str) -> None:
    try:
        ops.clean_name(name)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class CredentialsSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1))
    name = fields.String(load_default=DEFAULT_NAME,
                         validate=[validate.Length(min=1, max=ops.NAME_LENGTH), _readable],
                         metadata={"description": "What the token is for, to tell it apart "
                                                  "(1 to 100 characters).",
                                   "example": "Koppeling apotheeksysteem"})
    days = fields.Integer(load_default=ops.DEFAULT_DAYS,
                          validate=validate.Range(min=1, max=ops.MAX_DAYS),
                          metadata={"description": "How long the token is valid, in days."})
    code = fields.String(load_default=None, validate=validate.Length(min=1, max=40),
                         metadata={"description": "The code of the authenticator app (or a "
                                                  "recovery code): required for an account with "
                                                  "two-factor login, or whose role requires it."})


class TokenSchema(Schema):
    """A token just issued, with its secret (shown this once)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    token = fields.String(required=True)
    token_type = fields.String(required=True, metadata={"example": "Bearer"})
    days = fields.Integer(required=True)
    expires_at = UTCDateTime(required=True)


class TokenInfoSchema(Schema):
    """A token as its owner sees it later: never its secret, only its first characters."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    prefix = fields.String(required=True, metadata={"description": "The token's first characters."})
    status = fields.Function(ops.status_of, required=True,
                             metadata={"type": "string",
                                       "enum": [ops.ACTIVE, ops.EXPIRED, ops.REVOKED]})
    created_at = UTCDateTime(required=True)
    expires_at = UTCDateTime(required=True)
    last_used_at = UTCDateTime(allow_none=True, metadata={"description": "To the minute."})
    revoked_at = UTCDateTime(allow_none=True)


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
    # (and the limits of every anonymous endpoint, per address and for all clients together)
    decorators = [limiter.limit(_login_limit, methods=["POST"]),
                  *anonymous_limits("tokens", methods=["POST"])]

    @blp.arguments(CredentialsSchema)
    @blp.response(201, TokenSchema)
    @blp.alt_response(401, response=UNAUTHORIZED)
    @blp.alt_response(429, response=TOO_MANY_REQUESTS)
    def post(self, credentials):
        """Get a bearer token.

        For the e-mail address and password of the portal's login. Send it as
        `Authorization: Bearer <token>`; it is shown this once (the portal keeps only its hash).
        It works until it expires or is revoked (DELETE /tokens/{token_id}); a deactivated
        account's tokens stop working."""
        address = request.remote_addr or ""
        try:
            user = authenticate_password(credentials["email"], credentials["password"],
                                         address=address)
        except LoginRefused as refused:
            db.session.commit()  # the failure counts and is audited
            if refused.wait:
                abort(429, message=f"too many failed attempts for this account; try again in "
                                   f"{refused.wait} s", headers={"Retry-After": str(refused.wait)})
            abort(401, message="unknown e-mail address or wrong password")
        if user.two_factor or twofactor.required_for(user):
            # the password alone is not this account's login: neither is it a token's
            if not user.two_factor or not credentials["code"] or not twofactor.verify(
                    user, credentials["code"], address=address):
                record_failure(user.email)
                db.session.commit()
                abort(401, errors={"json": {"code": ["the code of the authenticator app is "
                                                     "required and must match" if user.two_factor
                                                     else "set up two-factor login in the portal "
                                                     "first"]}},
                      message="two-factor login required")
        with unit_of_work():
            token, secret = ops.issue_token(user, credentials["name"], credentials["days"])
        return {"id": token.id, "name": token.name, "token": secret, "token_type": "Bearer",
                "days": credentials["days"], "expires_at": ops.expires_at(token)}

    @requires(blp)
    @blp.response(200, TokenInfoSchema(many=True))
    def get(self):
        """List your own tokens.

        Active, expired and revoked ones, newest first; never their secrets."""
        return ops.tokens_of(api_user())


@blp.route("/tokens/<int:token_id>")
class Token(MethodView):
    @requires(blp)
    @blp.response(204)
    @blp.alt_response(404, response=NOT_FOUND)
    def delete(self, token_id: int):
        """Revoke a token.

        One of your own (an admin: anyone's); it stops working at once, your other tokens keep
        working. Revoking a revoked token changes nothing. Another user's token is 404, as one
        that does not exist."""
        token = ops.token_of(token_id, api_user())
        if token is None:
            not_found("token")
        with unit_of_work():
            ops.revoke_token(token, api_actor())


@blp.route("/me")
class Me(MethodView):
    @requires(blp)
    @blp.response(200, MeSchema)
    def get(self):
        """Get the user the bearer token stands for."""
        return api_user()
