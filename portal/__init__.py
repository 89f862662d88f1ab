"""The zorginkoop portal: the Flask application and the `portal` command line.

`create_app` is a short list of `init_*` calls; it runs no migration, starts no scheduler and
makes no network call.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from .config import Config, normalise_database_url
from .database import configure_sqlite
from .extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS = str(Path(__file__).resolve().parent / "migrations")  # package data: found where installed
#: Where `make demo` keeps the random key it made once (instance/, never committed).
SECRET_KEY_FILE = "secret_key"


class MissingSecretKey(SystemExit):
    """The portal does not start without a secret key of its own: a key written in the code
    would let anyone sign a session cookie or a feed link."""


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The portal application: defaults, then `instance/config.py`, then `config`."""
    app = Flask(__name__, instance_relative_config=True)
    init_config(app, config)
    init_database(app)
    init_security(app)
    init_i18n(app)
    init_inputs(app)
    register_blueprints(app)
    init_pages(app)
    init_transactions(app)
    return app


def init_config(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    if config:
        app.config.update(config)
    init_secret_key(app)
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'portal.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)


def init_secret_key(app: Flask) -> None:
    """SECRET_KEY from the environment or instance/config.py, else from instance/secret_key
    (`make demo` writes it); tests without one get a random key of their own. Anything else
    stops here with one line."""
    if not app.config.get("SECRET_KEY") and os.environ.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]  # set after the config was read
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / SECRET_KEY_FILE
    if path.is_file() and path.read_text(encoding="utf-8").strip():
        app.config["SECRET_KEY"] = path.read_text(encoding="utf-8").strip()
    elif app.testing:
        app.config["SECRET_KEY"] = secrets.token_hex(32)
    else:
        raise MissingSecretKey(
            f"portal: no secret key: set SECRET_KEY (at least 32 random characters) or write one "
            f"to {path} (make demo does), e.g. python -c 'import secrets; "
            f"print(secrets.token_hex(32))' > {path}")


def init_database(app: Flask) -> None:
    """Flask-SQLAlchemy and Alembic (Flask-Migrate); SQLite hardened on every connection."""
    from . import models  # noqa: F401  (the models must be known to the metadata)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    with app.app_context():
        configure_sqlite(db.engine)


def init_security(app: Flask) -> None:
    """Logins, CSRF on every form, the login rate limit, security headers."""
    from .web import security_headers, load_user

    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    # Flask-Login keeps the user on `g`, Flask-WTF the CSRF token, and an app context (tests)
    # can outlive a request: each request reads them anew from its own cookie.
    app.before_request(_forget_request_globals)
    csrf.init_app(app)
    from .web import ratelimits  # noqa: F401  (registers the portal+database:// storage)
    limiter.init_app(app)
    app.after_request(security_headers)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:  # the client's address, scheme and host as the trusted proxies pass them on
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)


def _forget_request_globals() -> None:
    from flask import g
    g.pop("_login_user", None)
    g.pop("csrf_token", None)


def init_inputs(app: Flask) -> None:
    """Input that never crashes: one check for every form, query and JSON body (portal.inputs)."""
    from .inputs import init_app
    init_app(app)


def init_i18n(app: Flask) -> None:
    """Dutch by default, English as the second language; dates and amounts in the reader's language."""
    from flask_babel import refresh

    from .web import register_template_helpers, select_locale

    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel keeps the chosen locale on `g`; an app context can outlive a request, so each
    # request chooses again (the language switch and Accept-Language take effect at once).
    app.before_request(refresh)
    register_template_helpers(app)


def init_pages(app: Flask) -> None:
    """Error pages in the portal's layout (429 included), the favicon, /health and /ready,
    /metrics, JSON logs (LOG_FORMAT=json), the page memo."""
    from . import errors
    from .web import init_page_memo, register_error_pages, register_favicon
    from .web.health import register_health
    from .web.logs import init_logging
    from .web.metrics import init_metrics

    init_logging(app)
    register_error_pages(app)
    register_favicon(app)
    register_health(app)
    init_metrics(app)
    errors.init_app(app)
    init_page_memo(app)


def init_transactions(app: Flask) -> None:
    """A write waits for SQLite's lock up front; a request that only read commits."""
    from .web import reads_end_in_commit, writes_take_the_lock_first

    writes_take_the_lock_first(app)
    reads_end_in_commit(app)


class DatabaseInteger(IntegerConverter):
    """`<int:...>` in every URL: at most the largest database integer (64 bits), so an id no row
    can have answers 404 like one that does not exist, instead of overflowing the driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2 ** 63 - 1)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """One blueprint per audience; the API under /api/v1; the agenda feeds behind their token."""
    app.url_map.converters["int"] = DatabaseInteger  # before any rule is added
    from .account.routes import bp as account
    from .api import init_api
    from .auth.routes import bp as auth
    from .checks.routes import bp as checks
    from .consent.routes import bp as consent
    from .feeds import bp as feeds
    from .manager.routes import bp as manager
    from .provider.routes import bp as provider
    from .public.routes import bp as public
    from .shortages.routes import bp as shortages

    for blueprint in (auth, account, public, provider, manager, feeds, checks, consent, shortages):
        app.register_blueprint(blueprint)
    init_api(app)
