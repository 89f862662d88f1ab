"""The session's user and what every page of theirs shows: the organisation, the simulated date
and the unread messages, read in one round trip; when a session ends."""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, timezone

from flask import current_app, g, session
from flask_login import UserMixin, current_user
from sqlalchemy import and_, bindparam, func, select

from ..extensions import db
from ..models import Notification, Provider, User, UserSession
from ..models.stamps import records_stamp
from ..operations.audit import Actor
from ..operations.clock import START, today, today_column
from ..operations.sessions import token_hash
from .access import ADVISORS, MANAGERS

#: The session's user with what every page of theirs shows: the organisation's name and AGB code,
#: the simulated date and the organisation's unread messages (0 for the insurer's staff), the
#: session record the cookie names (None if it names none of this user's) and the stamp of the
#: records (portal.web.memo keeps pages under it), as plain columns in one round trip. Built once:
#: building a statement costs about as much CPU as running it, and a row costs a fraction of an
#: ORM entity (the account pages that change a user load the `User` itself).
SESSION_USER = (
    select(User.id, User.email, User.name, User.role, User.provider_id, User.active,
           Provider.name, Provider.agb, Provider.feed_generation, today_column(),
           select(func.count(Notification.id))
           .where(Notification.provider_id == User.provider_id, Notification.read_at.is_(None))
           .correlate(User).scalar_subquery(),
           UserSession.created_at, UserSession.ended_at, records_stamp())
    .outerjoin(Provider, Provider.id == User.provider_id)
    .outerjoin(UserSession, and_(UserSession.user_id == User.id,
                                 UserSession.token_hash == bindparam("session_hash")))
    .where(User.id == bindparam("user_id")))


@dataclass(frozen=True, slots=True)
class Organisation:
    """What the pages show of the session user's organisation."""

    id: int
    name: str
    agb: str
    #: Renewing the agenda feed raises it: a page that shows the feed's address is keyed on it.
    feed_generation: int = 0


@dataclass(frozen=True, slots=True)
class SessionUser(UserMixin):
    """The logged-in user as every request sees it (`current_user`): what the pages and the audit
    read, not the ORM entity. Equal users compare and hash equal, so a page can be keyed on one."""

    id: int
    email: str
    name: str
    role: str
    provider_id: int | None
    active: bool
    provider: Organisation | None

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account is logged out
        return self.active


#: The session cookie's record of the time of its last request; renewed at most this often (in
#: seconds), so most requests send no new cookie.
SEEN_GRANULARITY = 60


def session_limits(role: str) -> tuple[int, int]:
    """Idle and absolute lifetime of a session of `role`, in seconds (shorter for the insurer's
    staff)."""
    config = current_app.config
    if role in MANAGERS or role in ADVISORS:
        return config["STAFF_SESSION_IDLE_MINUTES"] * 60, config["STAFF_SESSION_MAX_HOURS"] * 3600
    return config["SESSION_IDLE_MINUTES"] * 60, config["SESSION_MAX_HOURS"] * 3600


def load_user(user_id: str) -> SessionUser | None:
    """The session's user if active and the session the cookie names still open, with what
    every page of theirs shows, in one round trip (the date and the unread messages are kept on
    `g` for this request, as `simulation_today` keeps the date).

    A session ends on the server (logout, password change, deactivation, "log out everywhere":
    every copy of the cookie is refused), after SESSION_MAX_HOURS from its login, and after
    SESSION_IDLE_MINUTES without a request (the time of the last one is in the signed cookie)."""
    sid = session.get("sid")
    if not user_id.isdigit() or not isinstance(sid, str):
        return None
    row = db.session.connection().execute(
        SESSION_USER, {"user_id": int(user_id), "session_hash": token_hash(sid)}).first()
    if row is None:
        return None
    (id_, email, name, role, provider_id, active, organisation, agb, feed_generation, day, unread,
     started, ended, stamp) = row
    g.simulation_today = day or START
    g.unread_messages = unread
    g.records_stamp = stamp
    if not active or started is None or ended is not None:
        return None
    idle, lifetime = session_limits(role)
    now = time.time()
    seen = session.get("seen")
    if started.tzinfo is None:  # SQLite hands back naive date-times, stored as UTC
        started = started.replace(tzinfo=timezone.utc)
    if not isinstance(seen, int) or now - seen > idle or now - started.timestamp() > lifetime:
        return None
    if now - seen > SEEN_GRANULARITY:
        session["seen"] = int(now)
    provider = (Organisation(provider_id, organisation, agb, feed_generation or 0)
                if provider_id is not None else None)
    return SessionUser(id_, email, name, role, provider_id, active, provider)


def current_actor() -> Actor:
    return Actor.of(current_user)


def simulation_today() -> date:
    """The simulated date, read once per request."""
    if "simulation_today" not in g:
        g.simulation_today = today()
    return g.simulation_today


def forget_simulation_today() -> None:
    g.pop("simulation_today", None)
    g.pop("unread_messages", None)
    g.pop("records_stamp", None)
