"""What every page shares: who is logged in, access rules, language, formats, headers."""
from __future__ import annotations

from datetime import date, datetime
from functools import wraps
from zoneinfo import ZoneInfo

from flask import abort, g, request, session
from flask_babel import get_translations, gettext
from flask_login import current_user, login_required
from jinja2 import pass_context
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from contracts.documents.context import euro
from contracts.vocabulary import dutch

from .extensions import db
from .models import Notification, User
from .operations.audit import Actor
from .operations.clock import START, today, today_column

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MANAGERS = ("contract_manager", "admin")
#: The insurer's advisors, who decide consent and authorisation requests (admins may too).
ADVISORS = ("adviseur", "admin")
PROVIDER_STAFF = ("provider_user", "provider_signatory")


#: The session's user with what every page of theirs shows: the organisation, the simulated date
#: and the organisation's unread messages (0 for the insurer's staff). Built once: building a
#: statement costs about as much CPU as running it.
USER_WITH_PAGE_FACTS = (
    select(User, today_column(),
           select(func.count(Notification.id))
           .where(Notification.provider_id == User.provider_id, Notification.read_at.is_(None))
           .correlate(User).scalar_subquery())
    .where(User.id == bindparam("user_id"))
    .options(joinedload(User.provider)))


def load_user(user_id: str) -> User | None:
    """The session's user if active, with what every page of theirs shows, in one round trip
    (the date and the unread messages are kept on `g` for this request, as `simulation_today`
    keeps the date)."""
    if not user_id.isdigit():
        return None
    row = db.session.execute(USER_WITH_PAGE_FACTS, {"user_id": int(user_id)}).first()
    if row is None:
        return None
    user, day, unread = row
    g.simulation_today = day or START
    g.unread_messages = unread
    return user if user.active else None


def current_actor() -> Actor:
    return Actor.of(current_user)


def roles_required(*roles: str):
    """Logged in, with one of `roles`; otherwise the login page or 403."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def select_locale() -> str:
    chosen = session.get("lang")
    if chosen in ("nl", "en"):
        return chosen
    return request.accept_languages.best_match(["nl", "en"]) or "nl"


def simulation_today() -> date:
    """The simulated date, read once per request."""
    if "simulation_today" not in g:
        g.simulation_today = today()
    return g.simulation_today


def forget_simulation_today() -> None:
    g.pop("simulation_today", None)
    g.pop("unread_messages", None)


def nl_date(value) -> str:
    """15-09-2023, as Dutch readers write dates."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
    return value.strftime("%d-%m-%Y")


def days_left(deadline: date | None) -> int | None:
    return None if deadline is None else (deadline - simulation_today()).days


def _l(text: str) -> str:
    """Marks a word for the catalogue (pybabel's `-k _l`); `label` translates it when shown."""
    return text


#: The words behind the slugs the pages show (statuses of offers, applications and batches, a
#: provider's relation to a contract, the policy's routes and exclusions, improvement agreements):
#: in Dutch the slug itself with spaces, in English its translation.
LABELS = {
    "concept": _l("concept"), "aangeboden": _l("aangeboden"), "tegenvoorstel": _l("tegenvoorstel"),
    "in_onderhandeling": _l("in onderhandeling"), "geaccepteerd": _l("geaccepteerd"),
    "afgewezen": _l("afgewezen"), "verlopen": _l("verlopen"), "ingetrokken": _l("ingetrokken"),
    "ontvangen": _l("ontvangen"), "in_beoordeling": _l("in beoordeling"),
    "toegekend": _l("toegekend"),
    "wachtend": _l("wachtend"), "bezig": _l("bezig"), "klaar": _l("klaar"), "mislukt": _l("mislukt"),
    "nieuw": _l("nieuw"), "aflopend": _l("aflopend"), "doorlopend": _l("doorlopend"),
    "aanbod": _l("aanbod"), "aanvraag": _l("aanvraag"), "geen": _l("geen"),
    "minimumeis": _l("minimumeis"), "uitsluitingsgrond": _l("uitsluitingsgrond"),
    "nagekomen": _l("nagekomen"), "niet_nagekomen": _l("niet nagekomen"),
    "geweigerd": _l("geweigerd"),
}


def label(value, translate=None) -> str:
    """The word for a slug in the user's language; an unknown slug with its underscores as spaces.
    `translate`: the render's gettext (templates), else Flask-Babel's."""
    if value is None:
        return ""
    text = str(value)
    return (translate or gettext)(LABELS[text]) if text in LABELS else text.replace("_", " ")


@pass_context
def label_filter(context, value) -> str:
    """`label` for templates, with the render's translations."""
    return label(value, _translations(context).ugettext)


def _translations(context):
    """The render's translations, looked up once by the `shared` context processor (a template
    imported without context looks them up itself)."""
    translations = context.get("babel_translations")
    return translations if translations is not None else get_translations()


@pass_context
def _gettext(context, string):
    return _translations(context).ugettext(string)


@pass_context
def _ngettext(context, singular, plural, n):
    return _translations(context).ungettext(singular, plural, n)


@pass_context
def _pgettext(context, message_context, string):
    return _translations(context).upgettext(message_context, string)


@pass_context
def _npgettext(context, message_context, singular, plural, n):
    return _translations(context).unpgettext(message_context, singular, plural, n)


def register_template_helpers(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    # Flask-Babel's template gettext looks the translations up again on every call (some 40 per
    # page); these take the ones the render looked up once. Same catalogue, same strings.
    app.jinja_env.install_gettext_callables(gettext=_gettext, ngettext=_ngettext,
                                            pgettext=_pgettext, npgettext=_npgettext,
                                            newstyle=True)
    # The simulated date is read once per request: forget it when the next request starts
    # (an app context, and so `g`, can outlive a request).
    app.before_request(forget_simulation_today)
    app.jinja_env.filters.update(nl_date=nl_date, euro=euro, dutch=dutch, days_left=days_left,
                                label=label_filter)

    @app.context_processor
    def shared():
        return {"simulation_today": simulation_today, "MANAGERS": MANAGERS,
                "PROVIDER_STAFF": PROVIDER_STAFF, "lang": select_locale(),
                "babel_translations": get_translations()}


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


def security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def register_error_pages(app) -> None:
    """A database that is busy (SQLite's writer lock while the scheduler writes) or unreachable
    gives a clean 503 that asks to try again, never a traceback; nothing was half-saved, since the
    request's transaction is rolled back."""
    from flask import jsonify, render_template
    from flask_babel import gettext
    from sqlalchemy.exc import DBAPIError, OperationalError

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


def writes_take_the_lock_first(app) -> None:
    """On SQLite, a request that may write (any POST, PUT, PATCH, DELETE) begins its transaction
    IMMEDIATE, so it waits for the scheduler's write instead of failing after it."""
    @app.before_request
    def _immediate():
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        if db.engine.dialect.name == "sqlite" and not db.session().in_transaction():
            db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
