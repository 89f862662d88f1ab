"""Flask extensions, created unbound and attached in `create_app`; the limits of the endpoints
anyone may call."""
from flask import current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


def client_address() -> str:
    return request.remote_addr or "unknown"


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
#: Counts in RATELIMIT_STORAGE_URI: the portal's database (portal+database://, the default) or
#: redis://host:6379, shared by all processes and instances; memory:// per process. Should the
#: storage fail, each process counts on its own meanwhile rather than failing every limited
#: request (the login among them).
limiter = Limiter(key_func=client_address, default_limits=[], in_memory_fallback_enabled=True)
babel = Babel()


def _per_client() -> str:
    return current_app.config["ANONYMOUS_RATE_LIMIT"]


def _all_clients() -> str:
    return current_app.config["ANONYMOUS_GLOBAL_RATE_LIMIT"]


def _everyone() -> str:
    """The key of the count all clients share (no client address looks like it)."""
    return "*"


def _served(response) -> bool:
    return response.status_code != 429


def anonymous_limits(scope: str, **options) -> list:
    """The limits of an endpoint anyone may call, as limiter decorators: ANONYMOUS_RATE_LIMIT
    per client address and ANONYMOUS_GLOBAL_RATE_LIMIT for all clients together, both counted
    over every endpoint of `scope` (the form and the API take one kind of application).

    The limits are read from the config at each request, so a test can lower them. The count of
    all clients takes only the requests that were let through: one address refused for its own
    flood does not use up everyone's limit. `options` go to Flask-Limiter (`methods`,
    `exempt_when`)."""
    return [limiter.shared_limit(_per_client, scope, **options),
            limiter.shared_limit(_all_clients, f"{scope}:iedereen", key_func=_everyone,
                                 deduct_when=_served, **options)]


def not_an_anonymous_search() -> bool:
    """A public list's own page (no filters, no page number), or a logged-in user's search: not
    limited like an anonymous search (the insurer's staff search the zorgzoeker all day)."""
    from flask_login import current_user
    return not request.args or current_user.is_authenticated


def anonymous_limited(scope: str, **options):
    """`anonymous_limits` as one decorator of a view function."""
    def decorate(view):
        for limit in anonymous_limits(scope, **options):
            view = limit(view)
        return view
    return decorate
