"""Input that never crashes: what every form, query string and JSON body is checked for before
a view sees it (NUL characters, lone surrogates, JSON nested too deep, numbers too long)."""
from __future__ import annotations


def init_app(app) -> None:
    """Registers the checks on `app` (filled in by the input-hardening work)."""
