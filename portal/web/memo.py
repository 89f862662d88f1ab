"""Pages already rendered, by everything they show (the provider's offers page and the
campaign dashboard, whose `build` works out the page's context only when it is not kept).

What it pays (bench/load.py, PostgreSQL, gunicorn 4x4, 32 users, three interleaved rounds,
medians): the offers page costs 2.0 ms of server CPU per request with the memo and 4.1 ms
without it (p99 177 against 240 ms, 448 against 361 req/s). Off with PAGE_MEMO=0."""
from __future__ import annotations

import secrets
import threading
from collections import OrderedDict

from flask import current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .language import select_locale
from .session import SessionUser, simulation_today
from .switches import switched_on

#: Stands for the CSRF token in a memoised page; each request puts its own token in its place.
CSRF_MARK = "csrf-mark-" + secrets.token_hex(16)


#: Pages kept per process, a power of two: some 10 MB at the offers page's 4.5 KB.
PAGES_KEPT = 2 ** 11


class PageMemo:
    """Pages already rendered, by everything they show: the template, the language, the URL, the
    session's user, the simulated date, the unread messages and the rows the page lists. A page
    whose rows, user or date changed has another key, so a stored page is never stale; what it
    does not know it renders again. Per process, the least recently used go first."""

    def __init__(self, size: int = PAGES_KEPT):
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


def init_page_memo(app) -> None:
    """The memo is on unless PAGE_MEMO is off (portal.web.switches)."""
    app.extensions["page_memo"] = switched_on(app, "PAGE_MEMO")


def render_memoised(template: str, rows: tuple, build=None, **context) -> str:
    """`render_template`, memoised on `rows` (everything of `context` the page shows, as hashable
    database rows) and on what every page shows (`PageMemo`): the user, date and unread messages
    as `load_user` read them. A page with a flash message is rendered each time (the message is
    shown once). `build`, if given, returns more of the context, and is called only when the page
    is rendered: what is worked out from the rows costs nothing when the memo has the page."""
    def render(**extra) -> str:
        return render_template(template, **context, **(build() if build else {}), **extra)

    user = current_user._get_current_object()
    if (not current_app.extensions.get("page_memo") or not isinstance(user, SessionUser)
            or "unread_messages" not in g or "_flashes" in session):
        return render()  # facts not read with the user, or a flash
    key = (template, select_locale(), request.url, user, simulation_today(), g.unread_messages,
           rows)
    page = page_memo.get(key)
    if page is None:
        page = render(csrf_token=lambda: CSRF_MARK)
        page_memo.put(key, page)
    return page.replace(CSRF_MARK, generate_csrf())
