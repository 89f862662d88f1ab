"""Configuration read from the environment, with defaults for a laptop."""
from __future__ import annotations

import os


def normalise_database_url(url: str) -> str:
    """A SQLAlchemy URL that uses psycopg 3 for PostgreSQL (`postgresql://` means psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


class Config:
    """Defaults, overridden by the environment: SQLite in the instance folder unless DATABASE_URL."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    DATABASE_URL = os.environ.get("DATABASE_URL")
    # Cookies: not readable by scripts, not sent cross-site, only over HTTPS (browsers treat
    # http://127.0.0.1 and localhost as secure, so the local demo works too).
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Login attempts per client address; storage shared by all workers where Redis is given.
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    BABEL_DEFAULT_LOCALE = "nl"
    BABEL_DEFAULT_TIMEZONE = "Europe/Amsterdam"
    LANGUAGES = ("nl", "en")
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # uploads: attachments are limited further per file
    ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
    # E-mail of the inbox messages (portal.operations.mail): "outbox" keeps them in the portal's
    # outbox page (development), "smtp" sends them through MAIL_SERVER.
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "outbox")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "8025"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "zorginkoop@vgz.example")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))
    # A batch `bezig` whose worker gave no sign of life for this long (it commits every 200
    # offers) was abandoned by a worker that died: the next worker takes it up again.
    BATCH_STALE_SECONDS = float(os.environ.get("BATCH_STALE_SECONDS", "300"))
    # A mail the server refuses for good (5xx) this many times is given up; a server that is
    # down never gives a mail up.
    MAIL_MAX_REFUSALS = int(os.environ.get("MAIL_MAX_REFUSALS", "5"))
    #: Where the e-mails' links lead: the portal's address as its users reach it.
    PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:5000")
