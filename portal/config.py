"""Configuration read from the environment, with defaults for a laptop."""
from __future__ import annotations

import os


def normalise_database_url(url: str) -> str:
    """A SQLAlchemy URL that uses psycopg 3 for PostgreSQL (`postgresql://` means psycopg2)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    """Defaults, overridden by the environment: SQLite in the instance folder unless DATABASE_URL."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-change-me")
    DATABASE_URL = os.environ.get("DATABASE_URL")
