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

    #: No default: `create_app` refuses to start without one (outside tests), and `make demo`
    #: writes a random one to instance/secret_key once. Older keys, comma-separated, still open
    #: the sessions, links and feeds they signed (rotation without logging everyone out).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    #: /metrics answers only with this bearer token; unset, /metrics is off (no default).
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN") or None
    SECRET_KEY_FALLBACKS = [key for key in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",")
                            if key.strip()]
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
    # Sessions end after this long without a request (idle) and this long after the login
    # (absolute), shorter for the insurer's staff, who can issue and change contracts.
    SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "60"))
    SESSION_MAX_HOURS = int(os.environ.get("SESSION_MAX_HOURS", "12"))
    STAFF_SESSION_IDLE_MINUTES = int(os.environ.get("STAFF_SESSION_IDLE_MINUTES", "30"))
    STAFF_SESSION_MAX_HOURS = int(os.environ.get("STAFF_SESSION_MAX_HOURS", "10"))
    #: Roles that must log in with a second factor (TOTP); signatories are offered it.
    TWO_FACTOR_REQUIRED_ROLES = tuple(
        role.strip() for role in os.environ.get(
            "TWO_FACTOR_REQUIRED_ROLES", "contract_manager,admin,adviseur").split(",")
        if role.strip())
    #: Failed logins per account before each next attempt waits (doubling, at most the maximum).
    LOGIN_FREE_FAILURES = int(os.environ.get("LOGIN_FREE_FAILURES", "5"))
    LOGIN_MAX_WAIT_SECONDS = int(os.environ.get("LOGIN_MAX_WAIT_SECONDS", "900"))
    #: How long a password reset link works (it works once).
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    # Login attempts per client address, counted for all workers and instances together
    # (RATELIMIT_STORAGE_URI below).
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    #: Anonymous endpoints (application form and API, token requests, public searches): per
    #: client address, and for all anonymous clients together.
    ANONYMOUS_RATE_LIMIT = os.environ.get("ANONYMOUS_RATE_LIMIT", "30 per hour")
    ANONYMOUS_GLOBAL_RATE_LIMIT = os.environ.get("ANONYMOUS_GLOBAL_RATE_LIMIT", "600 per hour")
    #: All attachments of one application together.
    APPLICATION_MAX_BYTES = int(os.environ.get("APPLICATION_MAX_BYTES", str(10 * 1024 * 1024)))
    #: Where the limiter counts: the portal's database by default (portal.web.ratelimits), shared
    #: by every process and instance; redis://host:6379/0 where Redis is given; memory:// counts
    #: per process (one process only).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "portal+database://")
    RATELIMIT_HEADERS_ENABLED = True
    #: How many proxies in front of the portal set X-Forwarded-For/-Proto/-Host (0: none, the
    #: client address is the connection's). Werkzeug's ProxyFix trusts exactly this many.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
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
    #: A policy lab comparison `bezig` without a sign of life (its progress, every half second
    #: while it replays) for this long lost its worker and is run again by the next.
    LAB_STALE_SECONDS = float(os.environ.get("LAB_STALE_SECONDS", "120"))
    # A mail the server refuses for good (5xx) this many times is given up; a server that is
    # down never gives a mail up.
    MAIL_MAX_REFUSALS = int(os.environ.get("MAIL_MAX_REFUSALS", "5"))
    #: Where the e-mails' links lead: the portal's address as its users reach it.
    PORTAL_URL = os.environ.get("PORTAL_URL", "http://127.0.0.1:5000")
