"""/favicon.ico, which browsers ask for whatever the page links."""
from __future__ import annotations

from flask import redirect, url_for


def register_favicon(app) -> None:
    """The portal's icon (the SVG every page links), by a permanent redirect to the static file,
    not a 404 in the log."""
    @app.get("/favicon.ico")
    def favicon():
        return redirect(url_for("static", filename="favicon.svg"), 301)
