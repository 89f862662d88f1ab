"""The zorginkoop portal: the Flask application and the `portal` command line.

`create_app` is a short list of `init_*` calls; it runs no migration, starts no scheduler and
makes no network call.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from .config import Config, normalise_database_url
from .database import configure_sqlite
from .extensions import db, migrate

MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """The portal application: defaults, then `instance/config.py`, then `config`."""
    app = Flask(__name__, instance_relative_config=True)
    init_config(app, config)
    init_database(app)
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
