"""The WSGI application `bench/load.py` serves with gunicorn: the portal, and beside it (under
`/_bare`) a bare Flask app whose only endpoint returns "ok", so both run in the same workers with
the same settings and the bare endpoint is the throughput baseline of the same run.

One more route is added to the portal here, for the bench only: `/_floor`, a page for a logged-in
provider that returns a constant body the size of the offers page without reading or rendering
anything. It passes the portal's own request handling (session cookie, login, CSRF, language,
rate limiter, headers, the user's one query), so its throughput is the most any logged-in page of
the portal can serve on this machine: the floor under the offers page.

    gunicorn --pythonpath bench -w 4 -k gthread --threads 4 'load_wsgi:application'

The portal reads its settings (DATABASE_URL, SESSION_COOKIE_SECURE, LOGIN_RATE_LIMIT, ...) from
the environment, as it does in production.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from portal import create_app
from portal.web import PROVIDER_STAFF, roles_required

BARE_PREFIX = "/_bare"

bare = Flask("bare")


@bare.get("/")
def ok():
    return "ok"


portal = create_app()
#: The size of the offers page of the bench's demo provider (bytes, roughly).
FLOOR_PAGE = "<!doctype html>" + "x" * 4530


@roles_required(*PROVIDER_STAFF)
def floor():
    return FLOOR_PAGE


portal.add_url_rule("/_floor", "bench_floor", floor)
application = DispatcherMiddleware(portal, {BARE_PREFIX: bare})
