"""Bearer tokens of the API: random, named, kept as their SHA-256, with an expiry, revocable one
at a time.

The secret is shown once, when it is issued; the database holds its hash (a copy of the table
opens nothing) and its first characters, so its owner can tell tokens apart. Nothing in a token
derives from the password: changing the password leaves tokens alone, revoking one leaves the
others alone.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import ApiToken, User
from ..models.stamps import records_stamp
from . import audit
from .audit import Actor

#: What every secret starts with, so a leaked one is recognised (by a secret scanner, in a log).
SECRET_PREFIX = "zk_"
#: Characters of the secret kept to tell tokens apart: the prefix and 8 of its 43 random ones.
SHOWN_CHARACTERS = len(SECRET_PREFIX) + 8
DEFAULT_DAYS = 30
MAX_DAYS = 365
NAME_LENGTH = 100
#: The last use is written at most this often per token: a write on every API request would turn
#: every read into a write transaction (on SQLite one writer at a time, so requests would queue
#: behind each other and the scheduler; on PostgreSQL a new row version per request), for a date
#: its owner only needs to the minute to tell a token in use from a forgotten one.
USE_NOTED_EVERY = timedelta(minutes=1)

#: Who may revoke any user's token.
ADMIN = "admin"
#: A token's status, as the pages and the API list it.
ACTIVE = "actief"
EXPIRED = "verlopen"
REVOKED = "ingetrokken"


class TokenRefused(Exception):
    """The token is unknown, expired or revoked, or its user inactive."""


def now() -> datetime:
    """The real time (a function, so tests can move it): tokens expire in real days, not in the
    simulated date of the campaign."""
    return datetime.now(timezone.utc)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back naive date-times, which are stored as UTC."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment


def expires_at(token: ApiToken) -> datetime:
    return aware(token.expires_at)


def status_of(token: ApiToken, at: datetime | None = None) -> str:
    """ACTIVE, EXPIRED or REVOKED (revoked wins: it is what someone did)."""
    if token.revoked_at is not None:
        return REVOKED
    return EXPIRED if expires_at(token) <= (at or now()) else ACTIVE


def clean_name(name: str) -> str:
    """The name with its spaces collapsed; ValueError if it is empty, too long or holds characters
    that cannot be read (control characters)."""
    cleaned = " ".join((name or "").split())
    if not cleaned or len(cleaned) > NAME_LENGTH or not cleaned.isprintable():
        raise ValueError(f"a name of 1 to {NAME_LENGTH} readable characters")
    return cleaned


def issue_token(user: User, name: str, days: int = DEFAULT_DAYS, *,
                actor: Actor | None = None) -> tuple[ApiToken, str]:
    """A new token of `user`, valid for `days` days (1 to MAX_DAYS), and its secret, which is
    nowhere else: show it once. `actor` issues it (the user, by default); audited."""
    name = clean_name(name)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be 1 to {MAX_DAYS}")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    issued = now()
    token = ApiToken(user_id=user.id, name=name, token_hash=secret_hash(secret),
                     prefix=secret[:SHOWN_CHARACTERS], created_at=issued,
                     expires_at=issued + timedelta(days=days))
    db.session.add(token)
    db.session.flush()
    audit.record(actor or Actor.of(user), "api_token", token.id, "token_issued", None, ACTIVE,
                 f"{name} ({token.prefix}…), {days} dagen, van {user.email}")
    return token, secret


#: The facts of a token and its user, in one round trip. Built once: building a statement costs
#: about as much CPU as running it, and a few columns cost a fraction of an ORM entity.
TOKEN_USER = (select(ApiToken.id, ApiToken.expires_at, ApiToken.revoked_at, ApiToken.last_used_at,
                     records_stamp(), User)
              .join(User, User.id == ApiToken.user_id)
              .where(ApiToken.token_hash == bindparam("token_hash")))


def user_for_token(secret: str) -> tuple[User, bool, str | None]:
    """The active user a bearer token stands for, whether its last use was noted now (the
    caller commits it: only when the one on record is USE_NOTED_EVERY old) and the records'
    stamp (portal/models/stamps.py, read in the same round trip); TokenRefused saying why
    not."""
    row = db.session.execute(TOKEN_USER, {"token_hash": secret_hash(secret)}).first()
    if row is None:
        raise TokenRefused("invalid token")
    token_id, expires, revoked, last, stamp, user = row
    moment = now()
    if revoked is not None:
        raise TokenRefused("token revoked")
    if aware(expires) <= moment:
        raise TokenRefused("token expired")
    if not user.active:
        raise TokenRefused("account inactive")
    last = aware(last)
    if last is None or moment - last >= USE_NOTED_EVERY:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id)
                           .values(last_used_at=moment))
        return user, True, stamp
    return user, False, stamp


def revoke_token(token: ApiToken, actor: Actor) -> bool:
    """Revoke the token from now on; False if it was revoked already (nothing changes then).
    Audited. Who may revoke which token is the caller's check."""
    locked = db.session.scalar(select(ApiToken).where(ApiToken.id == token.id)
                               .with_for_update()  # PostgreSQL row lock; SQLite serialises writers
                               .execution_options(populate_existing=True))
    if locked is None or locked.revoked_at is not None:
        return False
    before = status_of(locked)
    locked.revoked_at, locked.revoked_by = now(), actor.name[:200]
    db.session.flush()
    audit.record(actor, "api_token", locked.id, "token_revoked", before, REVOKED,
                 f"{locked.name} ({locked.prefix}…)")
    return True


def tokens_of(user: User) -> list[ApiToken]:
    """Every token of the user, newest first: active, expired and revoked ones alike."""
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def active_tokens() -> list[ApiToken]:
    """Every user's tokens that still work, by user, newest first (for the admins)."""
    return list(db.session.scalars(
        select(ApiToken).join(ApiToken.user).options(joinedload(ApiToken.user))
        .where(ApiToken.revoked_at.is_(None), ApiToken.expires_at > now())
        .order_by(User.email, ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_of(token_id: int, user) -> ApiToken | None:
    """The token if `user` (a User or the session's) may see and revoke it: their own, or
    anyone's for an admin; None otherwise, as for a token that does not exist."""
    token = db.session.get(ApiToken, token_id)
    if token is None or (user.role != ADMIN and token.user_id != user.id):
        return None
    return token
