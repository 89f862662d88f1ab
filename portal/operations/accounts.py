"""Accounts of provider staff: the invitation of a new provider's signatory, and setting a
password through the link it brings.

A granted application registers the provider (operations.applications); its contact address then
gets a signatory's account without a usable password and a message with a link to set one. The
link is a signed token naming the account and a fingerprint of its current password hash: setting
the password changes the hash, so a link works once; it lapses after INVITATION_DAYS days.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import func, select

from contracts.errors import CaseError

from ..extensions import db
from ..signing import timed_serializer
from ..models import Notification, Provider, User
from . import audit, clock
from .audit import Actor

SALT = "wachtwoord-instellen"
#: The shortest password the portal accepts (NCSC: length over composition rules).
MIN_PASSWORD = 12
SIGNATORY = "provider_signatory"


def _serializer() -> URLSafeTimedSerializer:
    return timed_serializer(SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def password_token(user: User) -> str:
    """The secret of the link that sets this account's password (valid until it is used)."""
    return _serializer().dumps({"u": user.id, "h": _fingerprint(user)})


def password_link(user: User) -> str:
    return f"/wachtwoord-instellen/{password_token(user)}"


def read_password_token(token: str) -> User | None:
    """The active account a token still opens, or None (forged, lapsed, used, or for another key)."""
    max_age = int(current_app.config.get("INVITATION_DAYS", 14)) * 86400
    try:
        payload = _serializer().loads(token, max_age=max_age)
    except BadData:
        return None
    if not isinstance(payload, dict) or type(payload.get("u")) is not int:
        return None
    user = db.session.get(User, payload["u"])
    if user is None or not user.active or payload.get("h") != _fingerprint(user):
        return None
    return user


def invite_signatory(provider: Provider, email: str, actor: Actor, *, name: str = "") -> User | None:
    """A signatory's account for the provider at `email`, without a usable password, and a
    message to the provider with the link to set one. None if the address has an account."""
    email = email.strip()
    if not email or db.session.scalar(select(User.id).where(func.lower(User.email) == email.lower())):
        return None
    user = User(email=email, name=name or f"Tekenbevoegde {provider.name}"[:200], role=SIGNATORY,
                provider_id=provider.id, active=True)
    user.set_password(secrets.token_urlsafe(32))  # nobody knows it: the link sets the real one
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user", user.id, "invite", None, SIGNATORY, email)
    days = int(current_app.config.get("INVITATION_DAYS", 14))
    db.session.add(Notification(
        provider_id=provider.id, kind="bericht", key=f"user:{user.id}:invite",
        subject="Uw account voor het Zorginkoopportaal van VGZ",
        body=(f"Er is een account voor u aangemaakt als tekenbevoegde van {provider.name} "
              f"(inlognaam {email}). Kies binnen {days} dagen uw wachtwoord via de link hieronder; "
              f"daarna logt u in met uw e-mailadres en dat wachtwoord."),
        link=password_link(user), created_at=clock.now()))
    db.session.flush()
    return user


def set_password(user: User, password: str, repeat: str) -> User:
    """Set the account's password (the link's token then no longer works); audited."""
    if len(password) < MIN_PASSWORD:
        raise CaseError("password", f"must be at least {MIN_PASSWORD} characters")
    if password != repeat:
        raise CaseError("repeat", "must be the same password")
    user.set_password(password)
    audit.record(Actor(user.email, user.role, user.provider_id), "user", user.id, "password",
                 None, None, "wachtwoord ingesteld via de link")
    db.session.flush()
    return user
