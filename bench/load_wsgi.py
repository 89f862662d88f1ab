"""The WSGI application `bench/load.py` serves with gunicorn: the portal, and beside it (under
`/_bare`) a bare Flask app whose only endpoint returns "ok", so both run in the same workers with
the same settings and the bare endpoint is the throughput baseline of the same run.

    gunicorn --pythonpath bench -w 4 -k gthread --threads 4 'load_wsgi:application'

The portal reads its settings (DATABASE_URL, SESSION_COOKIE_SECURE, LOGIN_RATE_LIMIT, ...) from
the environment, as it does in production.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from portal import create_app

BARE_PREFIX = "/_bare"

bare = Flask("bare")


@bare.get("/")
def ok():
    return "ok"


portal = create_app()
application = DispatcherMiddleware(portal, {BARE_PREFIX: bare})
