"""Login sessions kept on the server: the session cookie names one by a random id, every request
checks it has not ended, and logging out ends it for every copy of the cookie.

Only the SHA-256 of the id is stored, so a copy of the table opens no session. Idle time is kept
in the signed cookie (no write per request); the absolute lifetime counts from the record.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from sqlalchemy import update

from ..extensions import db
from ..models import User, UserSession
from . import audit
from .audit import Actor

#: Why a session ended (UserSession.ended_reason).
LOGGED_OUT = "uitgelogd"
EVERYWHERE = "overal_uitgelogd"
PASSWORD = "wachtwoord"
DEACTIVATED = "gedeactiveerd"
EXPIRED = "verlopen"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, *, address: str = "", user_agent: str = "") -> str:
    """A new session for `user`; returns its id for the cookie (a fresh one at every login, so
    an id planted before the login is worth nothing)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(token_hash=token_hash(token), user_id=user.id, created_at=utcnow(),
                               address=address[:64], user_agent=user_agent[:200]))
    db.session.flush()
    return token


def end_session(token: str | None, reason: str = LOGGED_OUT) -> None:
    """End the session the cookie names (nothing if it named none, or one already ended)."""
    if token:
        db.session.execute(update(UserSession)
                           .where(UserSession.token_hash == token_hash(token),
                                  UserSession.ended_at.is_(None))
                           .values(ended_at=utcnow(), ended_reason=reason))


def end_sessions(user_id: int, reason: str, *, keep: str | None = None) -> int:
    """End every session of the user but the one `keep` names; returns how many ended."""
    statement = (update(UserSession)
                 .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                 .values(ended_at=utcnow(), ended_reason=reason))
    if keep:
        statement = statement.where(UserSession.token_hash != token_hash(keep))
    return db.session.execute(statement).rowcount or 0


def log_out_everywhere(user: User, actor: Actor, *, keep: str | None = None) -> int:
    """End the user's sessions on every device (but the one `keep` names); audited."""
    ended = end_sessions(user.id, EVERYWHERE, keep=keep)
    audit.record(actor, "user", user.id, "logout_everywhere", None, None,
                 f"{ended} sessie(s) beëindigd")
    return ended


def open_sessions(user_id: int, *, started_after: datetime | None = None) -> list[UserSession]:
    """The user's sessions not ended, newest first; with `started_after`, only those still
    within their absolute lifetime (an idle one ends unseen: its time is in its cookie)."""
    statement = (db.select(UserSession)
                 .where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                 .order_by(UserSession.created_at.desc()))
    if started_after is not None:
        statement = statement.where(UserSession.created_at > started_after)
    return list(db.session.scalars(statement))
