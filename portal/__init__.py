"""The zorginkoop portal: the Flask application and the `portal` command line.

`create_app` is a short list of `init_*` calls; it runs no migration, starts no scheduler and
makes no network call.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask
from werkzeug.routing import IntegerConverter

from .config import Config, normalise_database_url
from .database import configure_sqlite
from .extensions import babel, csrf, db, limiter, login_manager, migrate

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The portal application: defaults, then `instance/config.py`, then `config`."""
    app = Flask(__name__, instance_relative_config=True)
    init_config(app, config)
    init_database(app)
    init_security(app)
    init_i18n(app)
    register_blueprints(app)
    from .web import reads_end_in_commit, register_error_pages, writes_take_the_lock_first
    register_error_pages(app)
    writes_take_the_lock_first(app)
    reads_end_in_commit(app)
    return app


def init_config(app: Flask, config: Mapping[str, Any] | None) -> None:
    app.config.from_object(Config)
    app.config.from_pyfile("config.py", silent=True)
    if config:
        app.config.update(config)
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'portal.sqlite'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)


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
    csrf.init_app(app)
    limiter.init_app(app)
    app.after_request(security_headers)


def init_i18n(app: Flask) -> None:
    """Dutch by default, English as the second language; dates and amounts as Dutch readers expect."""
    from flask_babel import refresh

    from .web import register_template_helpers, select_locale

    babel.init_app(app, locale_selector=select_locale)
    # Flask-Babel keeps the chosen locale on `g`; an app context can outlive a request, so each
    # request chooses again (the language switch and Accept-Language take effect at once).
    app.before_request(refresh)
    register_template_helpers(app)


class DatabaseInteger(IntegerConverter):
    """`<int:...>` in every URL: at most the largest database integer (64 bits), so an id no row
    can have answers 404 like one that does not exist, instead of overflowing the driver."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2 ** 63 - 1)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    """One blueprint per audience; the API under /api/v1; the agenda feeds behind their token."""
    app.url_map.converters["int"] = DatabaseInteger  # before any rule is added
    from .api import init_api
    from .auth.routes import bp as auth
    from .checks.routes import bp as checks
    from .consent.routes import bp as consent
    from .feeds import bp as feeds
    from .manager.routes import bp as manager
    from .provider.routes import bp as provider
    from .public.routes import bp as public
    from .shortages.routes import bp as shortages

    for blueprint in (auth, public, provider, manager, feeds, checks, consent, shortages):
        app.register_blueprint(blueprint)
    init_api(app)
