"""Accounts: checking a login (in constant time, throttled per account), the invitation of a new
provider's signatory, changing a password and resetting it by e-mail.

A granted application registers the provider (operations.applications); its contact address then
gets a signatory's account without a usable password and a message with a link to set one. A
forgotten password gets a personal message (to that user's address alone) with a link to choose
a new one. Both links are signed tokens naming the account and a fingerprint of its current
password hash: setting the password changes the hash, so a link works once; an invitation lapses
after INVITATION_DAYS days, a reset link after PASSWORD_RESET_MINUTES.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash, generate_password_hash

from contracts.errors import CaseError

from ..extensions import db
from ..signing import timed_serializer
from ..models import LoginThrottle, Provider, User
from . import audit, messages, notifications, sessions
from .audit import Actor
from .passwords import MIN_PASSWORD, check_password_rules  # noqa: F401  (MIN_PASSWORD: forms)

SALT = "wachtwoord-instellen"
RESET_SALT = "wachtwoord-herstellen"
SIGNATORY = "provider_signatory"


def _serializer(salt: str = SALT) -> URLSafeTimedSerializer:
    return timed_serializer(salt)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def password_token(user: User, salt: str = SALT) -> str:
    """The secret of the link that sets this account's password (valid until it is used)."""
    return _serializer(salt).dumps({"u": user.id, "h": _fingerprint(user)})


def password_link(user: User) -> str:
    """The invitation's link: it sets the account's first password."""
    return messages.link("auth.set_password_page", token=password_token(user))


def reset_link(user: User) -> str:
    """The reset's link: it sets a new password."""
    return messages.link("auth.reset_password", token=password_token(user, RESET_SALT))


def read_password_token(token: str, salt: str = SALT) -> User | None:
    """The active account a token still opens, or None (forged, lapsed, used, or for another key)."""
    if salt == RESET_SALT:
        max_age = int(current_app.config.get("PASSWORD_RESET_MINUTES", 60)) * 60
    else:
        max_age = int(current_app.config.get("INVITATION_DAYS", 14)) * 86400
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
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
    notifications.notify(
        provider_id=provider.id, key=f"user:{user.id}:invite", template="account.invite",
        params={"provider": provider.name, "email": email, "days": days},
        link=password_link(user))
    db.session.flush()
    return user


def set_password(user: User, password: str, repeat: str, *, reason: str = "invitation") -> User:
    """Set the account's password through a link (the link's token then no longer works), end
    every session of the account; audited ("password_set" for an invitation, "password_reset"
    for a reset)."""
    _new_password(user, password, repeat)
    sessions.end_sessions(user.id, sessions.PASSWORD)
    clear_failures(user.email)
    action = "password_reset" if reason == "reset" else "password_set"
    audit.record(Actor.of(user), "user", user.id, action, None, None,
                 "wachtwoord hersteld via de link" if reason == "reset"
                 else "wachtwoord ingesteld via de link")
    db.session.flush()
    return user


def change_password(user: User, current: str, password: str, repeat: str, *,
                    keep_session: str | None = None) -> int:
    """Change the password of a logged-in user who knows the current one; every other session
    of the account ends (returns how many). Audited."""
    if not user.check_password(current):
        raise CaseError("current", str(_l("Dit is niet uw huidige wachtwoord.")))
    _new_password(user, password, repeat)
    ended = sessions.end_sessions(user.id, sessions.PASSWORD, keep=keep_session)
    audit.record(Actor.of(user), "user", user.id, "password_changed", None, None,
                 f"{ended} andere sessie(s) beëindigd")
    db.session.flush()
    return ended


def _new_password(user: User, password: str, repeat: str) -> None:
    check_password_rules(password, email=user.email, name=user.name)
    if password != repeat:
        raise CaseError("repeat", str(_l("De twee wachtwoorden zijn niet gelijk.")))
    if user.check_password(password):
        raise CaseError("password", str(_l("Kies een ander wachtwoord dan het huidige.")))
    user.set_password(password)


def request_password_reset(email: str) -> User | None:
    """A personal message with a reset link to the active account at `email` (mailed to that
    address alone, in no inbox); None, and nothing sent, for an unknown address. The caller
    answers alike either way, so the page does not tell which addresses have an account."""
    user = find_user(email)
    if user is None or not user.active:
        return None
    minutes = int(current_app.config.get("PASSWORD_RESET_MINUTES", 60))
    notifications.notify(
        user_id=user.id, key=f"user:{user.id}:reset:{secrets.token_hex(8)}",
        template="account.reset", params={"email": user.email, "minutes": minutes},
        link=reset_link(user))
    audit.record(Actor.of(user), "user", user.id, "password_reset_requested", None, None, "")
    db.session.flush()
    return user


# Logging in -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LoginRefused(Exception):
    """The login did not succeed; `wait` seconds before the account may try again (0: wrong
    address or password)."""

    wait: int = 0


def find_user(email: str) -> User | None:
    email = email.strip().lower()
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


@cache
def _dummy_hash() -> str:
    """A hash of nothing anyone knows: an unknown address costs the same hashing as a known one."""
    return generate_password_hash(secrets.token_urlsafe(16))


def authenticate_password(email: str, password: str, *, address: str = "") -> User:
    """The active user with this address and password, or LoginRefused.

    In constant time: an unknown or inactive address costs one password hash as a known one
    does. Throttled per account name (known or not), whatever address the attempts come from:
    after LOGIN_FREE_FAILURES failures each next attempt waits twice as long as the last, at most
    LOGIN_MAX_WAIT_SECONDS, so guessing is slow while the real user is locked out for minutes at
    most. Every failure is audited."""
    wait = login_wait(email)
    if wait:
        _audit_failure(email, address, f"wacht nog {wait} s")
        raise LoginRefused(wait)
    user = find_user(email)
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        ok = False
    else:
        ok = user.check_password(password)
    if not ok:
        record_failure(email)
        _audit_failure(email, address, "onbekend adres of onjuist wachtwoord")
        raise LoginRefused(0)
    return user


def _audit_failure(email: str, address: str, reason: str) -> None:
    user = find_user(email)
    audit.record(Actor(email.strip()[:200] or "?", user.role if user else "onbekend",
                       user.provider_id if user else None),
                 "user", user.id if user else 0, "login_failed", None, None,
                 f"{reason}; adres {address}" if address else reason)


def _throttle_key(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def login_wait(email: str) -> int:
    """Seconds before the account name may try again (0: now)."""
    until = db.session.scalar(select(LoginThrottle.blocked_until)
                              .where(LoginThrottle.key == _throttle_key(email)))
    if until is None:
        return 0
    if until.tzinfo is None:
        until = until.replace(tzinfo=timezone.utc)
    return max(0, int((until - _utcnow()).total_seconds() + 0.999))


def record_failure(email: str) -> None:
    """One more failure of the account name; from LOGIN_FREE_FAILURES on, the next attempt waits
    15 s, then 30 s, 60 s ... at most LOGIN_MAX_WAIT_SECONDS. One statement, so attempts at the
    same moment all count."""
    config = current_app.config
    free, longest = int(config["LOGIN_FREE_FAILURES"]), int(config["LOGIN_MAX_WAIT_SECONDS"])
    now = _utcnow()
    key = _throttle_key(email)
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(LoginThrottle).values(key=key, failures=1, last_failure_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[LoginThrottle.key],
        set_={"failures": LoginThrottle.failures + 1, "last_failure_at": now}))
    failures = db.session.scalar(select(LoginThrottle.failures).where(LoginThrottle.key == key))
    if failures >= free:
        wait = min(longest, 15 * 2 ** min(failures - free, 20))
        db.session.execute(LoginThrottle.__table__.update()
                           .where(LoginThrottle.key == key)
                           .values(blocked_until=now + timedelta(seconds=wait)))


def clear_failures(email: str) -> None:
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == _throttle_key(email)))


def deactivate(user: User, actor: Actor) -> None:
    """The account can no longer log in or use the API; every session ends at once. Audited."""
    user.active = False
    sessions.end_sessions(user.id, sessions.DEACTIVATED)
    audit.record(actor, "user", user.id, "deactivated", "actief", "inactief", "")
    db.session.flush()


def reactivate(user: User, actor: Actor) -> None:
    user.active = True
    audit.record(actor, "user", user.id, "reactivated", "inactief", "actief", "")
    db.session.flush()
