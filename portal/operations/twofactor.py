"""Two-factor login with an authenticator app (TOTP, RFC 6238, through pyotp) and single-use
recovery codes.

Required for the roles in TWO_FACTOR_REQUIRED_ROLES (the insurer's managers, admins and
advisors), offered to everyone else (signatories sign contracts). Enrolment stores a new secret,
shows it as a QR code and turns two-factor on with the first code that matches; it then gives ten
recovery codes, shown once and kept as SHA-256 only. A code is accepted once: a TOTP time step
already used to log in is refused (RFC 6238, 5.2), and a recovery code is marked used.
"""
from __future__ import annotations

import hashlib
import io
import secrets
import time
from datetime import datetime, timezone

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from ..extensions import db
from ..models import RecoveryCode, User
from . import audit
from .audit import Actor

ISSUER = "VGZ Zorginkoopportaal"
RECOVERY_CODES = 10
#: A code of the previous or next 30-second step is accepted too (clocks drift).
VALID_WINDOW = 1


def required_for(user) -> bool:
    """Must this user log in with a second factor?"""
    return user.role in current_app.config.get("TWO_FACTOR_REQUIRED_ROLES", ())


def begin_enrolment(user: User) -> str:
    """The secret for the user's authenticator app: a new one, or the one of an enrolment under
    way (a mistyped code must not change the key the app already holds). Two-factor stays off
    until a code confirms it."""
    if user.totp_enabled_at is None and user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        db.session.flush()
    return user.totp_secret


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(user: User) -> str:
    """The enrolment's QR code as an SVG document (shown inline as a data: image)."""
    buffer = io.BytesIO()
    segno.make(provisioning_uri(user), error="m").save(buffer, kind="svg", scale=5, border=2,
                                                       title=ISSUER)
    return buffer.getvalue().decode()


def _step(code: str, secret: str, now: float) -> int | None:
    """The time step whose code `code` is, within the window; None if none."""
    totp = pyotp.TOTP(secret)
    current = int(now // totp.interval)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.at(step * totp.interval), code):
            return step
    return None


def _digits(code: str) -> str:
    return "".join(code.split())


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Turn two-factor on with the first code of the app; returns the recovery codes (shown
    once). ValueError when the code does not match."""
    if user.totp_secret is None or user.totp_enabled_at is not None:
        raise ValueError("no enrolment under way")
    step = _step(_digits(code), user.totp_secret, time.time())
    if step is None:
        audit.record(Actor.of(user), "user", user.id, "2fa_failed", None, None, "bij instellen")
        raise ValueError("code does not match")
    user.totp_enabled_at = datetime.now(timezone.utc)
    user.totp_last_step = step
    codes = new_recovery_codes(user)
    audit.record(Actor.of(user), "user", user.id, "2fa_enrolled", None, None, "")
    return codes


def _code_hash(code: str) -> str:
    return hashlib.sha256(_digits(code).lower().replace("-", "").encode()).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh recovery codes (the old ones stop working), like 'k3m9-x2pq-7hd4'."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread
    codes = ["-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3))
             for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_code_hash(code)) for code in codes)
    db.session.flush()
    return codes


def verify(user: User, code: str, *, address: str = "") -> str | None:
    """Check the second factor of a login: "totp" or "herstelcode" for the kind that matched
    (now used), None when nothing did. Audited either way."""
    digits = _digits(code)
    kind = None
    db.session.refresh(user, with_for_update=True)  # two logins with one code: one wins
    if user.totp_secret and user.totp_enabled_at and digits.isdigit():
        step = _step(digits, user.totp_secret, time.time())
        if step is not None and step > (user.totp_last_step or -1):
            user.totp_last_step = step
            kind = "totp"
    if kind is None and digits and not digits.isdigit():
        recovery = db.session.scalar(
            select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                       RecoveryCode.code_hash == _code_hash(code),
                                       RecoveryCode.used_at.is_(None)).with_for_update())
        if recovery is not None:
            recovery.used_at = datetime.now(timezone.utc)
            kind = "herstelcode"
    action = {"totp": "2fa_used", "herstelcode": "recovery_code_used"}.get(kind, "2fa_failed")
    audit.record(Actor.of(user), "user", user.id, action, None, None,
                 f"adres {address}" if address else "")
    db.session.flush()
    return kind


def remaining_recovery_codes(user: User) -> int:
    return len(db.session.scalars(select(RecoveryCode.id).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all())


def turn_off(user: User, actor: Actor) -> None:
    """Two-factor off (the user, where not required; or an admin, for a lost phone: the user
    enrols anew at the next login where it is required). Audited."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    audit.record(actor, "user", user.id, "2fa_disabled", None, None, "")
    db.session.flush()
