"""Pages and API lists already answered, kept in memory under the records' stamp.

The stamp (portal/models/stamps.py) changes whenever a record a page shows changes, and it is
read with the session's user (or the API token's) in the round trip every request makes anyway.
A view decorated with `memoised` is answered once per stamp and viewer: a repeat is the kept
answer, with no row read and nothing rendered. A change of any record, of the user, the date,
the unread messages, the language or the URL gives another key, so a kept answer is never
stale; a page with a flash message, or an answer other than 200, is made each time.

What it pays, and why the stamp and not the rows (bench/pages.py, bench/load.py, README: "What
keeps the pages fast"): keyed on the rows, a kept page still cost its queries, which on
PostgreSQL are most of a list's cost. Off with PAGE_MEMO=0."""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, g, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .language import select_locale
from .session import SessionUser
from .switches import switched_on

#: Stands for the CSRF token in a kept page; each request puts its own token in its place.
CSRF_MARK = "csrf-mark-" + secrets.token_hex(16)
_MARK = CSRF_MARK.encode()

#: The bytes of the answers kept per process (the demo's pages are 5 to 90 KB: some 1,000 of them);
#: the least recently used go first.
BYTES_KEPT = 48 * 2 ** 20


@dataclass(frozen=True, slots=True)
class Kept:
    """An answer as the view gave it: the body (with CSRF_MARK for each token), the status and
    the headers the view set (the response's own, such as the session cookie, come after)."""

    body: bytes
    status: int
    headers: tuple[tuple[str, str], ...]

    def response(self) -> Response:
        body = self.body
        if _MARK in body:
            body = body.replace(_MARK, generate_csrf().encode())
        return Response(body, self.status, list(self.headers))


class PageMemo:
    """Answers by key, per process, at most `size` bytes of them; the least recently used go
    first."""

    def __init__(self, size: int = BYTES_KEPT):
        self.size = size
        self.pages: OrderedDict[tuple, Kept] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> Kept | None:
        with self.lock:
            page = self.pages.get(key)
            if page is None:
                self.misses += 1
            else:
                self.hits += 1
                self.pages.move_to_end(key)
            return page

    def put(self, key: tuple, page: Kept) -> None:
        with self.lock:
            replaced = self.pages.pop(key, None)
            if replaced is not None:
                self.bytes -= len(replaced.body)
            self.pages[key] = page
            self.bytes += len(page.body)
            while self.bytes > self.size and len(self.pages) > 1:
                self.bytes -= len(self.pages.popitem(last=False)[1].body)

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.bytes = self.hits = self.misses = 0


page_memo = PageMemo()


def init_page_memo(app) -> None:
    """The memo is on unless PAGE_MEMO is off (portal.web.switches)."""
    app.extensions["page_memo"] = switched_on(app, "PAGE_MEMO")


def page_viewer() -> tuple | None:
    """Who sees a page and what every page of theirs shows besides the records: the session's
    user, the simulated date, the unread messages and the language, as `load_user` read them
    (None without them: a user not read with the stamp, or a flash message to show once)."""
    user = current_user._get_current_object()
    if (not isinstance(user, SessionUser) or "unread_messages" not in g
            or "_flashes" in session):
        return None
    return user, g.simulation_today, g.unread_messages, select_locale()


def api_viewer() -> tuple | None:
    """Who reads the API: the token's user (the simulated date is a record)."""
    user = g.get("api_user")
    return None if user is None else (user.id, user.role, user.provider_id)


def memoised(view=None, *, viewer=page_viewer):
    """Answer a GET from the memo, keyed on the URL, the viewer (`viewer`), the database (one
    process may serve two: bench/scale.py) and the records' stamp; otherwise call the view and
    keep its answer if it is a 200 without a flash message. Goes below the access check, which
    reads the user and the stamp."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            stamp = g.get("records_stamp")
            who = viewer() if stamp is not None and request.method == "GET" else None
            if who is None or not current_app.extensions.get("page_memo"):
                return view(*args, **kwargs)
            key = (request.url, who, current_app.config["SQLALCHEMY_DATABASE_URI"], stamp)
            kept = page_memo.get(key)
            if kept is not None:
                return kept.response()
            # While the view runs, the request's CSRF token (Flask-WTF's, kept on `g` for the
            # request: the template's csrf_token() and a form's hidden field alike) is the mark.
            token = g.pop("csrf_token", None)
            g.csrf_token = CSRF_MARK
            try:
                response = current_app.make_response(view(*args, **kwargs))
            finally:
                g.pop("csrf_token")
                if token is not None:
                    g.csrf_token = token
            if response.is_streamed or response.direct_passthrough:
                return response
            kept = Kept(response.get_data(), response.status_code,
                        tuple((name, value) for name, value in response.headers.items()
                              if name.lower() not in ("content-length", "set-cookie")))
            if response.status_code == 200 and "_flashes" not in session:
                page_memo.put(key, kept)
            return kept.response()
        return wrapper
    return decorate(view) if view is not None else decorate
