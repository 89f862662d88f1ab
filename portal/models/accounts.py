"""Users of the portal: provider staff (user or signatory), contract managers, advisors and admins."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .documents import utcnow
from .providers import Provider


class User(UserMixin, db.Model):
    """A person who logs in. Provider staff belong to one provider organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: A slug of contracts.offers.Role (not `system`), or `adviseur`: the insurer's advisor who
    #: decides consent and authorisation requests (portal.web.ADVISORS).
    role: Mapped[str] = mapped_column(String(30))
    #: The organisation of provider staff; None for the insurer's staff.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The shared secret of the user's authenticator app (base32), set when enrolment starts;
    #: two-factor login is on from `totp_enabled_at` (the first code that matched).
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The last TOTP time step used to log in: a code is accepted once (RFC 6238, 5.2).
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    provider: Mapped[Provider | None] = relationship()

    @property
    def two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot log in
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_provider_staff(self) -> bool:
        return self.provider_id is not None


class UserSession(db.Model):
    """A login: the browser's session cookie names it by a random id, of which only the SHA-256
    is kept. Every request checks that it has not ended: logging out, a password change, a
    deactivation and "log out everywhere" end it, and so every copy of the cookie."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: uitgelogd, overal_uitgelogd, wachtwoord, gedeactiveerd, verlopen
    ended_reason: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")


class RecoveryCode(db.Model):
    """A single-use code that stands in for the authenticator app; only its SHA-256 is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ApiToken(db.Model):
    """A named bearer token of the API: random, kept as its SHA-256, with an expiry, its last use
    and who revoked it. Nothing in it derives from the password."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: The token's first characters, so its owner can tell tokens apart (not enough to use one).
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class LoginThrottle(db.Model):
    """Failed logins per account name (the SHA-256 of the lowercased address, known or not, so
    an unknown address is throttled alike), whatever address they come from; the next attempt
    waits until `blocked_until`."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
