"""/health and /ready, for a load balancer or an orchestrator (no login, no rate limit).

- /health: the process answers (liveness); touches nothing.
- /ready: the database answers and its schema is at the migrations' head (readiness): 200, or 503
  naming what is not ready. A portal whose database is one migration behind is not ready: its
  pages would fail on the missing column.
"""
from __future__ import annotations

import functools

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter


@functools.cache
def migration_heads(directory: str) -> frozenset[str]:
    """The head revision(s) of the migrations shipped with the portal."""
    return frozenset(ScriptDirectory(directory).get_heads())


def readiness() -> tuple[dict, bool]:
    """What the readiness check found, and whether the portal is ready."""
    found = {"database": "ok", "migrations": "head"}
    try:
        with db.engine.connect() as connection:
            connection.execute(text("select 1"))
            current = frozenset(MigrationContext.configure(connection).get_current_heads())
    except SQLAlchemyError as error:
        found["database"] = f"unreachable: {type(error).__name__}"
        found["migrations"] = "unknown"
        return found, False
    heads = migration_heads(current_app.extensions["migrate"].directory)
    if current != heads:
        found["migrations"] = (f"at {', '.join(sorted(current)) or 'none'}, "
                               f"head is {', '.join(sorted(heads))}: run `portal db upgrade`")
        return found, False
    return found, True


def register_health(app) -> None:
    @app.get("/health")
    @limiter.exempt
    def health():
        return jsonify(status="ok")

    @app.get("/ready")
    @limiter.exempt
    def ready():
        found, ok = readiness()
        response = jsonify(status="ok" if ok else "not ready", **found)
        response.status_code = 200 if ok else 503
        response.headers["Cache-Control"] = "no-store"
        return response
