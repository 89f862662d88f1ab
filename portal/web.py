"""What every page shares: who is logged in, access rules, language, formats, headers."""
from __future__ import annotations

import base64
import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timezone
from functools import wraps
from zoneinfo import ZoneInfo

from flask import abort, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import get_translations, gettext
from flask_login import UserMixin, current_user, login_required
from flask_wtf.csrf import generate_csrf
from jinja2 import pass_context
from sqlalchemy import and_, bindparam, event, func, select
from sqlalchemy.orm import Session as OrmSession

from contracts.documents.context import euro
from contracts.vocabulary import dutch

from .extensions import db
from .models import Notification, Provider, User, UserSession
from .operations.audit import Actor
from .operations.sessions import token_hash
from .operations.clock import START, today, today_column

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MANAGERS = ("contract_manager", "admin")
#: The insurer's advisors, who decide consent and authorisation requests (admins may too).
ADVISORS = ("adviseur", "admin")
PROVIDER_STAFF = ("provider_user", "provider_signatory")


#: The session's user with what every page of theirs shows: the organisation's name and AGB code,
#: the simulated date and the organisation's unread messages (0 for the insurer's staff), and the
#: session record the cookie names (None if it names none of this user's), as plain columns in
#: one round trip. Built once: building a statement costs about as much CPU as running
#: it, and a row costs a fraction of an ORM entity (the account pages that change a user load the
#: `User` itself).
SESSION_USER = (
    select(User.id, User.email, User.name, User.role, User.provider_id, User.active,
           Provider.name, Provider.agb, Provider.feed_generation, today_column(),
           select(func.count(Notification.id))
           .where(Notification.provider_id == User.provider_id, Notification.read_at.is_(None))
           .correlate(User).scalar_subquery(),
           UserSession.created_at, UserSession.ended_at)
    .outerjoin(Provider, Provider.id == User.provider_id)
    .outerjoin(UserSession, and_(UserSession.user_id == User.id,
                                 UserSession.token_hash == bindparam("session_hash")))
    .where(User.id == bindparam("user_id")))


@dataclass(frozen=True, slots=True)
class Organisation:
    """What the pages show of the session user's organisation."""

    id: int
    name: str
    agb: str
    #: Renewing the agenda feed raises it: a page that shows the feed's address is keyed on it.
    feed_generation: int = 0


@dataclass(frozen=True, slots=True)
class SessionUser(UserMixin):
    """The logged-in user as every request sees it (`current_user`): what the pages and the audit
    read, not the ORM entity. Equal users compare and hash equal, so a page can be keyed on one."""

    id: int
    email: str
    name: str
    role: str
    provider_id: int | None
    active: bool
    provider: Organisation | None

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account is logged out
        return self.active


#: The session cookie's record of the time of its last request; renewed at most this often (in
#: seconds), so most requests send no new cookie.
SEEN_GRANULARITY = 60


def session_limits(role: str) -> tuple[int, int]:
    """Idle and absolute lifetime of a session of `role`, in seconds (shorter for the insurer's
    staff)."""
    config = current_app.config
    if role in MANAGERS or role in ADVISORS:
        return config["STAFF_SESSION_IDLE_MINUTES"] * 60, config["STAFF_SESSION_MAX_HOURS"] * 3600
    return config["SESSION_IDLE_MINUTES"] * 60, config["SESSION_MAX_HOURS"] * 3600


def load_user(user_id: str) -> SessionUser | None:
    """The session's user if active and the session the cookie names still open, with what
    every page of theirs shows, in one round trip (the date and the unread messages are kept on
    `g` for this request, as `simulation_today` keeps the date).

    A session ends on the server (logout, password change, deactivation, "log out everywhere":
    every copy of the cookie is refused), after SESSION_MAX_HOURS from its login, and after
    SESSION_IDLE_MINUTES without a request (the time of the last one is in the signed cookie)."""
    sid = session.get("sid")
    if not user_id.isdigit() or not isinstance(sid, str):
        return None
    row = db.session.connection().execute(
        SESSION_USER, {"user_id": int(user_id), "session_hash": token_hash(sid)}).first()
    if row is None:
        return None
    (id_, email, name, role, provider_id, active, organisation, agb, feed_generation, day, unread,
     started, ended) = row
    g.simulation_today = day or START
    g.unread_messages = unread
    if not active or started is None or ended is not None:
        return None
    idle, lifetime = session_limits(role)
    now = time.time()
    seen = session.get("seen")
    if started.tzinfo is None:  # SQLite hands back naive date-times, stored as UTC
        started = started.replace(tzinfo=timezone.utc)
    if not isinstance(seen, int) or now - seen > idle or now - started.timestamp() > lifetime:
        return None
    if now - seen > SEEN_GRANULARITY:
        session["seen"] = int(now)
    provider = (Organisation(provider_id, organisation, agb, feed_generation or 0)
                if provider_id is not None else None)
    return SessionUser(id_, email, name, role, provider_id, active, provider)


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


def b64encode(text: str) -> str:
    """For a data: URL of an inline image (the enrolment's QR code)."""
    return base64.b64encode(text.encode()).decode()


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

#: What an audit entry's action says (`{{ entry.action|label }}`): the verbs the operations
#: record, as what happened, in the user's language.
AUDIT_ACTIONS = {
    # offers (contracts/offers.py TRANSITIONS, and the record an issue writes first)
    "create": _l("aangemaakt"), "issue": _l("aangeboden"), "accept": _l("aanvaard"),
    "decline": _l("afgewezen door de zorgaanbieder"), "counter": _l("tegenvoorstel gedaan"),
    "respond": _l("gereageerd op tegenvoorstel"), "agree": _l("overeenstemming bereikt"),
    "expire": _l("verlopen"), "withdraw": _l("ingetrokken"),
    "record": _l("vastgelegd zonder acceptatie"),
    # applications, consent and authorisation requests
    "submit": _l("ingediend"), "answer": _l("beantwoord"), "take": _l("in behandeling genomen"),
    "grant": _l("verleend"), "refuse": _l("geweigerd"),
    # shortages (contracts/shortages.py ACTIONS)
    "registreren": _l("geregistreerd"), "wijzigen": _l("gewijzigd"), "beeindigen": _l("beëindigd"),
    # batches, imports, the clock, messages, feeds
    "request": _l("aangevraagd"), "run": _l("uitgevoerd"), "import": _l("geïmporteerd"),
    "set": _l("simulatiedatum verzet"), "read": _l("gelezen"), "read_all": _l("alles gelezen"),
    "feed_renewed": _l("agendalink vernieuwd"),
    # accounts (as the account pages name them)
    "invite": _l("uitgenodigd"), "login": _l("ingelogd"), "login_failed": _l("inloggen mislukt"),
    "logout": _l("uitgelogd"), "logout_everywhere": _l("overal uitgelogd"),
    "password_changed": _l("wachtwoord gewijzigd"), "password_set": _l("wachtwoord ingesteld"),
    "password_reset": _l("wachtwoord hersteld"),
    "password_reset_requested": _l("herstellink aangevraagd"),
    "2fa_enrolled": _l("tweestaps ingesteld"), "2fa_used": _l("tweestapscode gebruikt"),
    "2fa_failed": _l("tweestapscode onjuist"), "recovery_code_used": _l("herstelcode gebruikt"),
    "2fa_disabled": _l("tweestaps uitgezet"), "token_issued": _l("API-token gemaakt"),
    "token_revoked": _l("API-token ingetrokken"), "deactivated": _l("gedeactiveerd"),
    "reactivated": _l("weer geactiveerd"),
}


def label(value, translate=None) -> str:
    """The word for a slug (LABELS) or an audit entry's action (AUDIT_ACTIONS) in the user's
    language; an unknown slug with its underscores as spaces.
    `translate`: the render's gettext (templates), else Flask-Babel's."""
    if value is None:
        return ""
    text = str(value)
    word = LABELS.get(text) or AUDIT_ACTIONS.get(text)
    return (translate or gettext)(word) if word else text.replace("_", " ")


@pass_context
def label_filter(context, value) -> str:
    """`label` for templates, with the render's translations."""
    return label(value, _translations(context).ugettext)


#: "rule_id: " before a reason of the policy engine or a check ("geen_regel: ...",
#: "voorkeursmiddel: ..."): the rule's internal name, which pages leave out.
RULE_ID = re.compile(r"^[a-z0-9_]+: ")


def reason_text(reason: str) -> str:
    """A reason as a page shows it (`{{ r|reason }}`): without the rule's internal name, as a
    sentence."""
    text = RULE_ID.sub("", str(reason), count=1)
    return text[:1].upper() + text[1:]


@pass_context
def dutch_filter(context, value) -> str:
    """The vocabulary's label of a slug (contracts.vocabulary.dutch: provider types, contracts,
    channels), in the user's language: Dutch as the documents say it, else its translation."""
    return _translations(context).ugettext(dutch(value)) if value is not None else ""


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
    app.jinja_env.filters.update(nl_date=nl_date, euro=euro, dutch=dutch_filter, days_left=days_left,
                                label=label_filter, b64encode=b64encode,
                                reason=reason_text)

    @app.context_processor
    def shared():
        return {"simulation_today": simulation_today, "MANAGERS": MANAGERS,
                "PROVIDER_STAFF": PROVIDER_STAFF, "lang": select_locale(),
                "babel_translations": get_translations()}


def register_favicon(app) -> None:
    """/favicon.ico, which browsers ask for whatever the page links: the portal's icon (the SVG
    every page links), by a permanent redirect to the static file, not a 404 in the log."""
    @app.get("/favicon.ico")
    def favicon():
        return redirect(url_for("static", filename="favicon.svg"), 301)


#: Stands for the CSRF token in a memoised page; each request puts its own token in its place.
CSRF_MARK = "csrf-mark-" + secrets.token_hex(16)


class PageMemo:
    """Pages already rendered, by everything they show: the template, the language, the URL, the
    session's user, the simulated date, the unread messages and the rows the page lists. A page
    whose rows, user or date changed has another key, so a stored page is never stale; what it
    does not know it renders again. Per process, the least recently used go first."""

    def __init__(self, size: int = 2048):
        self.size = size
        self.pages: OrderedDict[tuple, str] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> str | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                self.misses += 1
            else:
                self.hits += 1
                self.pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: str) -> None:
        with self.lock:
            self.pages[key] = page
            if len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.hits = self.misses = 0


page_memo = PageMemo()


def render_memoised(template: str, rows: tuple, **context) -> str:
    """`render_template`, memoised on `rows` (everything of `context` the page shows, as hashable
    database rows) and on what every page shows (`PageMemo`): the user, date and unread messages
    as `load_user` read them. A page with a flash message is rendered each time (the message is
    shown once)."""
    user = current_user._get_current_object()
    if not isinstance(user, SessionUser) or "unread_messages" not in g or "_flashes" in session:
        return render_template(template, **context)  # facts not read with the user, or a flash
    key = (template, select_locale(), request.url, user, simulation_today(), g.unread_messages,
           rows)
    page = page_memo.get(key)
    if page is None:
        page = render_template(template, csrf_token=lambda: CSRF_MARK, **context)
        page_memo.put(key, page)
    return page.replace(CSRF_MARK, generate_csrf())


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


#: No page uses a camera, microphone, location, payment or the like.
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                      "interest-cohort=()")
#: Two years, as the HSTS preload list asks; sent only over HTTPS (RFC 6797 7.2).
HSTS = "max-age=63072000; includeSubDomains"


def security_headers(response):
    """Headers of every answer: what the browser may load and share, HTTPS from now on, and no
    caching of anything a logged-in user or an API token saw. (The Server header is the WSGI
    server's: see portal.cli for the development server's.)"""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    user = g.get("_login_user")  # as the request loaded it (a static file loads nobody)
    if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def register_error_pages(app) -> None:
    """A database that is busy (SQLite's writer lock while the scheduler writes) or unreachable
    gives a clean 503 that asks to try again, never a traceback; nothing was half-saved, since the
    request's transaction is rolled back."""
    from flask import jsonify
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
        from .api import api
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


#: Requests that only read.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def writes_take_the_lock_first(app) -> None:
    """On SQLite, a request that may write (any POST, PUT, PATCH, DELETE) begins its transaction
    IMMEDIATE, so it waits for the scheduler's write instead of failing after it."""
    @app.before_request
    def _immediate():
        if request.method in SAFE_METHODS:
            return
        if db.engine.dialect.name == "sqlite" and not db.session().in_transaction():
            db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def _mark_written(session, *_args) -> None:
    session.info["wrote"] = True


def _mark_orm_write(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


def reads_end_in_commit(app) -> None:
    """A request that only read ends its transaction with COMMIT instead of the session's closing
    ROLLBACK. On PostgreSQL this keeps the pages' statements prepared: psycopg forgets its
    prepared statements at every ROLLBACK, so every query of every page was parsed and planned
    anew (the offers page's three statements cost PostgreSQL 1.5 ms of CPU that way, 0.6 ms
    prepared). Only a safe method that answered below 400 and flushed nothing commits; anything
    else is rolled back as before, so nothing is half-saved."""
    for name, listener in (("after_flush", _mark_written), ("do_orm_execute", _mark_orm_write)):
        if not event.contains(OrmSession, name, listener):  # once, however many apps are made
            event.listen(OrmSession, name, listener)

    @app.before_request
    def _nothing_written_yet():  # a session that outlives a request (tests) starts it clean
        if db.session.registry.has():
            db.session().info.pop("wrote", None)

    @app.after_request
    def _commit_reads(response):
        if (request.method in SAFE_METHODS and response.status_code < 400
                and db.session.registry.has()):  # a request that used no session made none
            session = db.session()
            if (session.in_transaction() and not session.info.get("wrote")
                    and not (session.new or session.dirty or session.deleted)):
                session.commit()
        return response
