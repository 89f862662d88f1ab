"""The error pages a person sees, in the portal's layout and language (the API keeps its JSON),
and the 503 of a database that is busy or unreachable."""
from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext
from sqlalchemy.exc import DBAPIError, OperationalError

from ..extensions import db
from .labels import _l


def register_error_pages(app) -> None:
    """A database that is busy (SQLite's writer lock while the scheduler writes) or unreachable
    gives a clean 503 that asks to try again, never a traceback; nothing was half-saved, since the
    request's transaction is rolled back."""
    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(error):
        app.logger.warning("database unavailable: %s", error.orig if hasattr(error, "orig") else error)
        try:
            db.session.rollback()
        except Exception:  # the connection itself may be gone
            pass
        message = gettext("Het portaal kan de gegevens nu niet bereiken of de database is even "
                          "bezet. Er is niets gewijzigd; probeer het over enkele seconden opnieuw.")
        if request.path.startswith("/api/"):
            response = jsonify(code=503, status="Service Unavailable", message=message)
        else:
            response = app.make_response((render_template("error.html", message=message), 503))
        response.status_code = 503
        response.headers["Retry-After"] = "5"
        return response

    for code in ERROR_PAGES:
        app.register_error_handler(code, http_error)


#: The HTTP errors a person sees as a page in the portal's layout and language: title, what it
#: means and what to do. (The API keeps its JSON errors; 429 and 503 have pages of their own.)
ERROR_PAGES = {
    400: (_l("Dit verzoek is niet uitgevoerd"),
          _l("Het portaal kon dit verzoek niet lezen, bijvoorbeeld omdat een formulier te lang "
             "open stond. Er is niets gewijzigd. Ga terug, laad de pagina opnieuw en probeer het "
             "nog eens.")),
    403: (_l("Geen toegang"),
          _l("Deze pagina is niet bedoeld voor uw account. Log in met een account dat er toegang "
             "toe heeft, of ga terug naar de startpagina.")),
    404: (_l("Pagina niet gevonden"),
          _l("Deze pagina bestaat niet (meer). Controleer het adres, of ga naar de startpagina.")),
    405: (_l("Dit kan hier niet"),
          _l("Deze pagina kan dit verzoek niet uitvoeren. Er is niets gewijzigd. Gebruik de "
             "knoppen en formulieren van het portaal.")),
    500: (_l("Er ging iets mis"),
          _l("Er ging in het portaal iets mis bij dit verzoek. Er is niets opgeslagen. Probeer "
             "het opnieuw; lukt het dan nog niet, neem dan contact op met de zorgverzekeraar.")),
}


def http_error(error):
    """An HTTP error: for the API flask-smorest's JSON error as before, for a person a page in
    the portal's layout. A failed request's transaction is rolled back first (the page reads
    the user and the simulated date); if the layout cannot be rendered either, the standalone
    error page. Never a traceback: Flask logged the original exception already."""
    if request.path.startswith("/api/"):
        from ..api import api
        return api.handle_http_exception(error)
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    title, message = (gettext(text) for text in ERROR_PAGES[error.code])
    try:
        if error.code >= 500:
            db.session.rollback()
        page = render_template("http_error.html", title=title, message=message, code=error.code)
    except Exception:  # the database itself, or the layout, failed: the page that needs neither
        current_app.logger.exception("the error page could not be rendered in the layout")
        db.session.remove()
        page = render_template("error.html", title=title, message=message)
    return page, error.code, headers
