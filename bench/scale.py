"""Benchmark: do the portal's pages, API lists and the scheduler's scan stay flat when the register
grows ten-fold?

Builds the register at 1x as bench/load.py does: a fresh PostgreSQL database, migrated, the demo
register (2,500 providers) loaded and the campaign replayed to 2023-10-01 (`portal simulate`),
then ANALYZEd. Copies it at once (`CREATE DATABASE <name>_10x TEMPLATE <name>`) and grows the copy
in SQL, in one transaction: every provider is copied nine times (`--factor` 10) with its rows, by
INSERT ... SELECT with the ids moved on by a per-table offset (copy k of row `id` is
`id + k * (max id + 1)`), and the sequences set past the copies afterwards:

  providers           a new AGB code of its own (same first two digits), "(kopie k)" after the name
  contracts_held, profile_scores, offers, consent_requests     of the copies
  negotiation_rounds  of the copied offers
  notifications       the providers' own messages (not the insurer's, provider_id NULL, nor personal
                      ones to a user); their unique keys name the copied offer or provider
  outgoing_mail       the mail of those messages
  applications, attachments   those of a registered provider (with its copy's AGB code)
  audit_log           the entries of copied offers, providers, applications and consent requests

Users, tokens and sessions are not copied; offers keep their document_id (a copy shares its
original's document version). The offers' triggers (offer_tallies, if the schema has them) count
the copies as they are inserted. A table with a provider_id or offer_id the bench does not know
is named on stderr, not copied. The row counts of both sizes, as grown, are printed.

Then the scheduler scans the day once at each size (`scheduler.jobs.scan`, as `portal simulate`
runs it: simulated answers on, the mail delivered to the outbox), as it would after any bulk
change: whatever a scan tidies up after one (it folds the offers' tallies, where the schema has
them) is then done at both sizes, and at 10x it plays the few simulated answers the copies of
the demo organisations have due (those are people at 1x, never simulated; their copies have no
users). Then VACUUM ANALYZE both, as autovacuum would have on a database that ran a while. The
two databases now stand on the same simulated day in the same state, the 10x one holding ten of
everything the 1x one holds (the insurer's own messages and the users excepted), and each is
measured the same way, in-process (one request or scan at a time, the portal's speed-ups as
configured, but for the memo of pages: a kept page or API list costs the user's one statement at
any size, so the pages are measured as they are made anew after a change of the records, their
own work, with PAGE_MEMO off; `--memo` keeps it on):

  pages      with the Flask test client: every GET route without URL arguments of the
             manager area (/beheer/..., as manager@vgz.example) and the provider area
             (/zorgaanbieder/..., as the signatory of Apotheek De Linde), and of the API
             (/api/v1/..., both, with a bearer token); and the manager's offers list filtered
             as the dashboard's signals link to it, and the API's offers list
             `?status=aangeboden`. Skipped, with the reason printed: what answers other than 200
             at 1x (the status), downloads (an attachment, or neither HTML nor JSON) and a GET
             that writes (other than the sign-in's own records). Exports (`export.<fmt>`: every
             row by nature), feeds (/agenda/<token>.ics) and logout are outside these (URL
             arguments, another area, POST). Both sizes' apps run in the one process and take
             turns request by request, so a change in the machine's load falls on both alike.
             Per page and size: 3 requests to warm up, then the median wall ms of `--repeats`
             requests, the SQL statements per request (a `before_cursor_execute` listener on the
             engine) and the response's bytes.
  scheduler  the first scan (above), its figures not judged; "nothing due": the median of 5
             scans of the same day again, with and without simulated answers, the sizes taking
             turns (the cost of looking); then "next day": the clock moved on one day
             (`clock.set_today`, as `simulate` does) and one scan (the real daily work), its
             wall ms, what it did and the ms per event (offers issued, answers, reminders,
             escalations, expiries, mails, ...). The simulated providers draw each offer's
             script from its id; here a copy draws its original's (id modulo the offers'
             offset), so the 10x day does ten times the 1x day's work, on the same offers'
             copies.

Prints the setup's seconds, the row counts, a table of every page (ms at 1x and 10x, their
ratio, statements and kB at each size; "OVER" where the ratio is above 1.3), the scans' rows
(for the next day the ratio is of ms per event), and a summary line: pages within 1.3x and over,
the cores and the load average. `--json` prints the same figures as JSON instead. Drops both
databases at the end, also on errors and Ctrl-C, unless `--keep-database`. Asserts nothing about
time.

    python bench/scale.py [--database-url postgresql://postgres@127.0.0.1:5432/scalebench]
                          [--repeats 15] [--factor 10] [--only PATTERN] [--json] [--keep-database]
                          [--memo]

`--only /beheer/aanbiedingen` measures only the rows whose name (a page's path, or "scheduler:
...") contains the text; the databases are built and grown in full all the same.
"""
from __future__ import annotations

import keys  # noqa: F401  (a random SECRET_KEY for this run)
import argparse
import json
import os
import re
import signal
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit, urlunsplit

import load

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/scalebench"
SIMULATE_TO = "2023-10-01"
ROLES = {"manager": ("manager@vgz.example", ("/beheer/", "/api/v1/")),
         "provider": ("signatory@apotheek-de-linde.example", ("/zorgaanbieder/", "/api/v1/"))}
WARM_UP = 3
IDLE_SCANS = 5
#: A ratio 10x / 1x above this is marked OVER.
LIMIT = 1.3
#: What a GET may write: the sign-in's own records (a token's last use, a session's last seen).
BOOKKEEPING = {"api_tokens", "user_sessions", "rate_limit_counts", "login_throttle"}
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
#: The tables counted at each size (document_versions is shared by the copies, not copied).
COUNTED = ("providers", "contracts_held", "profile_scores", "offers", "negotiation_rounds",
           "notifications", "outgoing_mail", "applications", "attachments", "consent_requests",
           "audit_log", "document_versions")


# -- growing the register -------------------------------------------------------------------------

def conninfo(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def renamed(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def row_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(conninfo(url)) as connection:
        return {table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                for table in COUNTED}


def new_agb_codes(rows: list[tuple[int, str]], copies: int) -> list[tuple[int, int, str]]:
    """(provider id, copy k, AGB code) for every copy: unused codes with the original's first two
    digits (the kind of provider), in order."""
    used = {agb for _id, agb in rows}
    following: dict[str, int] = {}
    codes = []
    for k in range(1, copies + 1):
        for provider_id, agb in rows:
            prefix, n = agb[:2], following.get(agb[:2], 0)
            while f"{prefix}{n:06d}" in used:
                n += 1
            if n > 999_999:
                raise SystemExit(f"no AGB codes left after {prefix}999999 for the copies")
            code = f"{prefix}{n:06d}"
            used.add(code)
            following[prefix] = n + 1
            codes.append((provider_id, k, code))
    return codes


@dataclass(frozen=True)
class Copy:
    """How one table's rows are copied: what a copy changes (column: SQL on the original row `t`
    and the copy's number `k`), what else the SELECT reads, and which rows."""

    table: str
    changes: dict[str, str]
    joins: str = ""
    where: str = ""


def copies(off: dict[str, int]) -> list[Copy]:
    """The tables in the order of their foreign keys; `off` holds each table's id offset."""
    def moved(column: str, table: str) -> str:
        return f"t.{column} + k * {off[table]}"

    offer_key = r"'^((?:herinnering:|escalatie:)?offer:)([0-9]+)(.*)$'"
    announcement_key = r"'^(bekendmaking:[0-9]+:[^:]+:)([0-9]+)(.*)$'"
    return [
        Copy("providers", {"id": moved("id", "providers"), "agb": "m.agb",
                           "name": "t.name || ' (kopie ' || k || ')'"},
             "JOIN scale_agb AS m ON m.provider_id = t.id AND m.copy_number = k"),
        Copy("contracts_held", {"id": moved("id", "contracts_held"),
                                "provider_id": moved("provider_id", "providers")}),
        Copy("profile_scores", {"id": moved("id", "profile_scores"),
                                "provider_id": moved("provider_id", "providers")}),
        Copy("offers", {"id": moved("id", "offers"), "provider_id": moved("provider_id", "providers")}),
        Copy("negotiation_rounds", {"id": moved("id", "negotiation_rounds"),
                                    "offer_id": moved("offer_id", "offers")}),
        Copy("notifications", {
            "id": moved("id", "notifications"), "provider_id": moved("provider_id", "providers"),
            # unique keys that name an offer or a provider name the copy's (a reminder already
            # sent is then known as sent); others get the copy's number
            "key": f"""CASE WHEN parts.o IS NOT NULL
                              THEN parts.o[1] || (parts.o[2]::int + k * {off['offers']}) || parts.o[3]
                            WHEN parts.a IS NOT NULL
                              THEN parts.a[1] || (parts.a[2]::int + k * {off['providers']}) || parts.a[3]
                            ELSE t.key || ':kopie:' || k END""",
            "link": f"""CASE WHEN t.link ~ '^/zorgaanbieder/aanbiedingen/[0-9]+$'
                             THEN '/zorgaanbieder/aanbiedingen/'
                                  || (substring(t.link FROM '[0-9]+$')::int + k * {off['offers']})
                             ELSE t.link END"""},
             f"CROSS JOIN LATERAL (SELECT regexp_match(t.key, {offer_key}) AS o, "
             f"regexp_match(t.key, {announcement_key}) AS a) AS parts",
             "t.provider_id IS NOT NULL AND t.user_id IS NULL"),
        Copy("outgoing_mail", {"id": moved("id", "outgoing_mail"),
                               "provider_id": moved("provider_id", "providers"),
                               "notification_id": moved("notification_id", "notifications")},
             "JOIN notifications AS n ON n.id = t.notification_id",
             "n.provider_id IS NOT NULL AND n.user_id IS NULL"),
        Copy("applications", {"id": moved("id", "applications"),
                              "provider_id": moved("provider_id", "providers"), "agb": "m.agb"},
             "JOIN scale_agb AS m ON m.provider_id = t.provider_id AND m.copy_number = k"),
        Copy("attachments", {"id": moved("id", "attachments"),
                             "application_id": moved("application_id", "applications")},
             "JOIN applications AS a ON a.id = t.application_id", "a.provider_id IS NOT NULL"),
        Copy("consent_requests", {"id": moved("id", "consent_requests"),
                                  "provider_id": moved("provider_id", "providers")}),
        Copy("audit_log", {
            "id": moved("id", "audit_log"),
            "entity_id": f"""t.entity_id + k * CASE t.entity WHEN 'offer' THEN {off['offers']}
                                                WHEN 'provider' THEN {off['providers']}
                                                WHEN 'application' THEN {off['applications']}
                                                ELSE {off['consent_requests']} END"""},
             where="t.entity IN ('offer', 'provider', 'consent_request') OR (t.entity = 'application' "
                   "AND t.entity_id IN (SELECT id FROM applications WHERE provider_id IS NOT NULL "
                   f"AND id < {off['applications']}))"),
    ]


#: Tables with a provider_id or offer_id that are deliberately not copied.
NOT_COPIED = ["users"]


def grow(url: str, factor: int) -> dict[str, int]:
    """Copy every provider `factor - 1` times with its rows, in one transaction; the id offset
    of each table."""
    import psycopg

    tables = [plan.table for plan in copies(defaultdict(int))]
    with psycopg.connect(conninfo(url)) as connection, connection.cursor() as cursor:
        off = {table: cursor.execute(f'SELECT coalesce(max(id), 0) + 1 FROM "{table}"').fetchone()[0]
               for table in tables}
        cursor.execute("CREATE TEMPORARY TABLE scale_agb (provider_id integer, copy_number integer, "
                       "agb text, PRIMARY KEY (provider_id, copy_number)) ON COMMIT DROP")
        providers = cursor.execute("SELECT id, agb FROM providers ORDER BY id").fetchall()
        with cursor.copy("COPY scale_agb (provider_id, copy_number, agb) FROM STDIN") as copy:
            for row in new_agb_codes(providers, factor - 1):
                copy.write_row(row)
        for plan in copies(off):
            columns = [row[0] for row in cursor.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND table_name = %s ORDER BY ordinal_position", (plan.table,))]
            names = ", ".join(f'"{column}"' for column in columns)
            values = ", ".join(plan.changes.get(column, f't."{column}"') for column in columns)
            where = f"WHERE {plan.where}" if plan.where else ""
            cursor.execute(f'INSERT INTO "{plan.table}" ({names}) SELECT {values} '
                           f'FROM "{plan.table}" AS t CROSS JOIN generate_series(1, {factor - 1}) AS k '
                           f"{plan.joins} {where}")
            # the portal's next insert takes the id after the copies
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{plan.table}', 'id'), max(id)) "
                           f'FROM "{plan.table}"')
        unknown = cursor.execute(
            "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = "
            "current_schema() AND column_name IN ('provider_id', 'offer_id') "
            "AND NOT table_name = ANY(%s) ORDER BY 1", (tables + NOT_COPIED,)).fetchall()
        for (table,) in unknown:
            print(f"warning: {table} has a provider_id or offer_id and is not copied", file=sys.stderr)
    return off


# -- the pages --------------------------------------------------------------------------------------

#: Whether the pages are measured with the memo of pages on (`--memo`): off, they show the work of
#: a page made anew (portal/web/memo.py).
MEMO = {"on": False}


def make_app(url: str):
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False,
                       "LOGIN_RATE_LIMIT": "100000 per minute", "TWO_FACTOR_REQUIRED_ROLES": (),
                       "RATELIMIT_STORAGE_URI": "memory://", "MAIL_BACKEND": "outbox",
                       "PAGE_MEMO": MEMO["on"]})


@dataclass
class Statements:
    """Counts the statements on an app's engine; keeps their text while `kept` is a list."""

    n: int = 0
    kept: list[str] | None = None

    def listen(self, app) -> None:
        from sqlalchemy import event

        from portal.extensions import db

        with app.app_context():
            engine = db.engine

        def count(_connection, _cursor, statement, *_args) -> None:
            self.n += 1
            if self.kept is not None:
                self.kept.append(statement)

        event.listen(engine, "before_cursor_execute", count)


class Visitor:
    """One role's test clients: a browser signed in with the form, and the API with a bearer token
    (each request in its own app context, as bench/load.py's statements_per_page)."""

    def __init__(self, app, email: str):
        self.web = app.test_client()
        token = load.CSRF.search(self.web.get("/inloggen").get_data(as_text=True)).group(1)
        answer = self.web.post("/inloggen", data={"csrf_token": token, "email": email,
                                                  "password": load.PASSWORD})
        if answer.status_code != 302:
            raise SystemExit(f"{email} could not sign in: status {answer.status_code}")
        self.api = app.test_client()
        answer = self.api.post("/api/v1/tokens", json={"email": email, "password": load.PASSWORD})
        if answer.status_code not in (200, 201):
            raise SystemExit(f"{email} got no API token: status {answer.status_code}")
        self.headers = {"Authorization": f"Bearer {answer.get_json()['token']}"}

    def get(self, path: str):
        if path.startswith("/api/"):
            return self.api.get(path, headers=self.headers)
        return self.web.get(path)


def candidates(app) -> list[tuple[str, str]]:
    """(role, path) of every page to try: the GET routes without URL arguments of the role's
    areas, and the filtered offers lists."""
    from contracts.campaign import year_in_force
    from portal.fields import date_input
    from portal.manager.dashboard import NEAR_DAYS

    rules = sorted(rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments)
    pages = [(role, path) for role, (_email, areas) in ROLES.items()
             for path in rules if path.startswith(areas)]
    today = date.fromisoformat(SIMULATE_TO)
    year = year_in_force(today)
    # as the dashboard's signals link to the offers list (portal.manager.dashboard.signals)
    for filters in ({"status": "open"},
                    {"status": "open", "deadline_to": date_input(today - timedelta(days=1))},
                    {"status": "open", "deadline_from": date_input(today),
                     "deadline_to": date_input(today + timedelta(days=NEAR_DAYS))},
                    {"status": "verlopen"}):
        pages.append(("manager", "/beheer/aanbiedingen?" + urlencode({"year": year, **filters})))
    pages += [(role, "/api/v1/offers?status=aangeboden") for role in ROLES]
    return pages


def refusal(visitor: Visitor, path: str, statements: Statements) -> str | None:
    """Why a page is not measured, from one request; None: it is."""
    statements.kept = []
    try:
        answer = visitor.get(path)
        answer.get_data()
    finally:
        kept, statements.kept = statements.kept, None
    if answer.status_code != 200:
        return f"status {answer.status_code}"
    kind = answer.headers.get("Content-Type", "")
    if "attachment" in answer.headers.get("Content-Disposition", "") or \
            not kind.startswith(("text/html", "application/json")):
        return f"a download ({kind})"
    written = sorted({match.group(1) for match in map(WRITE.match, kept) if match} - BOOKKEEPING)
    if written:
        return f"writes on GET ({', '.join(written)})"
    return None


@dataclass
class Size:
    """One database measured: its app, the statements on its engine, a visitor per role."""

    name: str
    app: object
    statements: Statements
    visitors: dict[str, Visitor]


def open_size(name: str, url: str) -> Size:
    app = make_app(url)
    statements = Statements()
    statements.listen(app)
    return Size(name, app, statements,
                {role: Visitor(app, email) for role, (email, _areas) in ROLES.items()})


def time_page(sizes: list[Size], role: str, path: str, repeats: int) -> dict[str, dict]:
    """A page's figures at each size; the sizes take turns, request by request, so a change in
    the machine's load falls on both alike."""
    for size in sizes:
        for _ in range(WARM_UP):
            size.visitors[role].get(path).get_data()
        size.statements.n = 0
    wall: dict[str, list[float]] = {size.name: [] for size in sizes}
    statuses: dict[str, set[int]] = {size.name: set() for size in sizes}
    length: dict[str, int] = {}
    for _ in range(repeats):
        for size in sizes:
            start = time.perf_counter()
            answer = size.visitors[role].get(path)
            length[size.name] = len(answer.get_data())
            wall[size.name].append((time.perf_counter() - start) * 1000)
            statuses[size.name].add(answer.status_code)
    figures = {}
    for size in sizes:
        bad = sorted(statuses[size.name] - {200})
        figures[size.name] = {"ms": statistics.median(wall[size.name]),
                              "statements": size.statements.n / repeats, "bytes": length[size.name],
                              "error": f"status {', '.join(map(str, bad))}" if bad else None}
    return figures


def measure_pages(urls: dict[str, str], repeats: int, only: str
                  ) -> tuple[list[tuple[str, str]], dict[tuple[str, str], dict[str, dict]], list[dict]]:
    """The pages measured (those the first size serves; see `refusal`), their figures by page
    and size, and the pages skipped with the reason."""
    from portal.extensions import db

    sizes = [open_size(name, url) for name, url in urls.items()]
    first = sizes[0]
    pages, skipped = [], []
    for role, path in candidates(first.app):
        if only not in path:
            continue
        reason = refusal(first.visitors[role], path, first.statements)
        if reason is None:
            pages.append((role, path))
        else:
            skipped.append({"role": role, "page": path, "reason": reason})
    figures = {}
    for n, (role, path) in enumerate(pages, 1):
        print(f"  {n}/{len(pages)} {role} {path}", file=sys.stderr)
        figures[role, path] = time_page(sizes, role, path, repeats)
    for size in sizes:
        with size.app.app_context():
            db.engine.dispose()
    return pages, figures, skipped


# -- the scheduler ------------------------------------------------------------------------------------

def copied_scripts(stride: int):
    """The simulated answers of `portal simulate`, with a copy of an offer (id + k * stride)
    following its original's script."""
    from scheduler.simulation import AnswerModel

    @dataclass(frozen=True)
    class CopiedScripts(AnswerModel):
        stride: int = 1

        def script(self, offer_id: int, negotiable: bool):
            return super().script(offer_id % self.stride, negotiable)

    return CopiedScripts(stride=stride)


#: The counts of a scan's Summary that are events handled (not `published`, a state, nor
#: `batches_run`, whose offers are counted).
EVENTS = ("offers_issued", "reminders_sent", "escalations", "expired", "accepted", "declined",
          "countered", "agreed", "mails_sent", "extended", "announced")


#: The scans measured at each size, and what their 1x/10x ratio is judged by (the first scan
#: is not judged: at 10x it plays the copies' moves the originals' people never made).
FIRST_SCAN = "scheduler: first scan of the day (catch-up)"
IDLE_ANSWERS = "scheduler: nothing due, simulated answers"
IDLE_PLAIN = "scheduler: nothing due, no simulated answers"
NEXT_DAY = "scheduler: next day, simulated answers"
JUDGED_BY = {FIRST_SCAN: None, IDLE_ANSWERS: "ms", IDLE_PLAIN: "ms", NEXT_DAY: "ms per event"}


class Scheduler:
    """The scheduler's scan at each size, in-process: an app per database, the statements on its
    engine and the simulated answers (their scripts drawn once, as a running scheduler keeps them)."""

    def __init__(self, urls: dict[str, str], stride: int):
        self.apps = {size: make_app(url) for size, url in urls.items()}
        self.statements = {size: Statements() for size in urls}
        for size, app in self.apps.items():
            self.statements[size].listen(app)
        self.answers = {size: copied_scripts(stride) for size in urls}

    def scan(self, size: str, *, simulated: bool, next_day: bool = False) -> dict:
        """One scan (after moving the clock on a day with `next_day`): its figures."""
        from portal.extensions import db
        from portal.operations import clock
        from scheduler.cli import SIMULATOR
        from scheduler.jobs import scan

        with self.apps[size].app_context():
            if next_day:
                clock.set_today(clock.today() + timedelta(days=1), SIMULATOR, record=False)
                db.session.commit()
            self.statements[size].n = 0
            start = time.perf_counter()
            summary = scan(by="bench/scale.py", answers=self.answers[size] if simulated else None)
            ms = (time.perf_counter() - start) * 1000
            return {"ms": ms, "statements": self.statements[size].n, "day": clock.today().isoformat(),
                    "events": sum(getattr(summary, name) for name in EVENTS),
                    "did": {name: value for name, value in asdict(summary).items() if value}}

    def idle(self, simulated: bool) -> dict[str, dict]:
        """Scans of a day already scanned, the sizes taking turns: the median by size."""
        runs: dict[str, list[dict]] = {size: [] for size in self.apps}
        for _ in range(IDLE_SCANS):
            for size in self.apps:
                runs[size].append(self.scan(size, simulated=simulated))
        return {size: {**done[-1], "ms": statistics.median(r["ms"] for r in done),
                       "statements": statistics.median(r["statements"] for r in done),
                       "events": sum(r["events"] for r in done)}
                for size, done in runs.items()}

    def close(self) -> None:
        from portal.extensions import db

        for app in self.apps.values():
            with app.app_context():
                db.engine.dispose()


def measure_scans(scheduler: Scheduler, first: dict[str, dict], only: str) -> dict[str, dict[str, dict]]:
    """The first scan's figures by size (`first`) and those of the scans after it (see the
    module's docstring) whose name contains `only`, by size and name."""
    rows = {size: {FIRST_SCAN: row} for size, row in first.items()}
    for name, simulated in ((IDLE_ANSWERS, True), (IDLE_PLAIN, False)):
        if only in name:
            for size, row in scheduler.idle(simulated).items():
                rows[size][name] = row
    if only in NEXT_DAY:
        for size in scheduler.apps:
            rows[size][NEXT_DAY] = scheduler.scan(size, simulated=True, next_day=True)
    return rows


# -- the report -------------------------------------------------------------------------------------

def ratio(at_1x: float | None, at_nx: float | None) -> float | None:
    return at_nx / at_1x if at_1x and at_nx is not None else None


def per_event(row: dict) -> float | None:
    return row["ms"] / row["events"] if row["events"] else None


def page_rows(pages: list[tuple[str, str]], figures: dict) -> list[dict]:
    rows = []
    for role, path in pages:
        one, big = figures[role, path]["1x"], figures[role, path]["nx"]
        rows.append({"page": path, "role": role, "ms_1x": one["ms"], "ms_nx": big["ms"],
                     "ratio": ratio(one["ms"], big["ms"]), "statements_1x": one["statements"],
                     "statements_nx": big["statements"], "bytes_1x": one["bytes"],
                     "bytes_nx": big["bytes"], "error": one["error"] or big["error"]})
    return rows


def scan_rows(small: dict, large: dict) -> list[dict]:
    rows = []
    for name, one in small.items():
        big = large[name]
        row = {"scan": name, "day": one["day"], "judged_by": JUDGED_BY[name],
               "ms_1x": one["ms"], "ms_nx": big["ms"], "ratio": ratio(one["ms"], big["ms"]),
               "statements_1x": one["statements"], "statements_nx": big["statements"],
               "events_1x": one["events"], "events_nx": big["events"], "did_1x": one["did"],
               "did_nx": big["did"], "ms_per_event_1x": per_event(one), "ms_per_event_nx": per_event(big)}
        row["ratio_per_event"] = ratio(row["ms_per_event_1x"], row["ms_per_event_nx"])
        row["over"] = bool(row["judged_by"]) and (
            row["ratio_per_event" if row["judged_by"] == "ms per event" else "ratio"] or 0) > LIMIT
        rows.append(row)
    return rows


def fmt(value, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def report(figures: dict, factor: int) -> None:
    x = f"{factor}x"
    print(f"portal scale bench: 1x against {x}, in-process (Flask test client), PostgreSQL, "
          f"{figures['repeats']} requests per page after {WARM_UP} to warm up")
    for step, seconds in figures["setup_s"].items():
        print(f"  setup: {step:<34} {seconds:7.1f} s")
    print(f"  {'rows':<20} {'1x':>9} {x:>9}")
    for table, count in figures["rows_1x"].items():
        print(f"  {table:<20} {count:9,d} {figures['rows_nx'][table]:9,d}")
    width = max([len(row["page"]) for row in figures["pages"]] + [4])
    if figures["pages"]:
        print(f"\n  {'page':<{width}} {'role':<8} {'ms 1x':>7} {'ms ' + x:>7} {'ratio':>6} "
              f"{'SQL 1x':>6} {'SQL ' + x:>7} {'kB 1x':>6} {'kB ' + x:>7}")
    for row in figures["pages"]:
        mark = "OVER" if row["ratio"] is not None and row["ratio"] > LIMIT else ""
        print(f"  {row['page']:<{width}} {row['role']:<8} {row['ms_1x']:7.1f} {row['ms_nx']:7.1f} "
              f"{fmt(row['ratio'], '6.2f'):>6} {row['statements_1x']:6.1f} {row['statements_nx']:7.1f} "
              f"{row['bytes_1x'] / 1000:6.1f} {row['bytes_nx'] / 1000:7.1f} {mark}"
              f"{'  error: ' + row['error'] if row['error'] else ''}")
    for skip in figures["skipped"]:
        print(f"  skipped: {skip['page']} ({skip['role']}): {skip['reason']}")
    if figures["scans"]:
        print(f"\n  {'scan':<48} {'day':<10} {'ms 1x':>8} {'ms ' + x:>8} {'ratio':>6} {'SQL 1x':>7} "
              f"{'SQL ' + x:>7} {'ev 1x':>6} {'ev ' + x:>6} {'ms/ev 1x':>8} {'ms/ev ' + x:>8} {'ratio':>6}")
    for row in figures["scans"]:
        print(f"  {row['scan']:<48} {row['day']:<10} {row['ms_1x']:8.1f} {row['ms_nx']:8.1f} "
              f"{fmt(row['ratio'], '6.2f'):>6} {row['statements_1x']:7.0f} {row['statements_nx']:7.0f} "
              f"{row['events_1x']:6d} {row['events_nx']:6d} {fmt(row['ms_per_event_1x'], '8.2f'):>8} "
              f"{fmt(row['ms_per_event_nx'], '8.2f'):>8} {fmt(row['ratio_per_event'], '6.2f'):>6} "
              f"{'OVER' if row['over'] else ''}{'' if row['judged_by'] else '(not judged)'}")
        for size, label in (("1x", "1x"), ("nx", x)):
            did = ", ".join(f"{k} {v}" for k, v in row[f"did_{size}"].items()) or "nothing"
            print(f"      {label:>4}: {did}")
    summary = figures["summary"]
    print(f"\n  {summary['within']} pages within {LIMIT}x, {len(summary['over_pages'])} over, "
          f"{summary['errors']} with errors, {len(figures['skipped'])} skipped; scans "
          f"{summary['scans_within']} within, {len(summary['over_scans'])} over; "
          f"{summary['cores']} cores, load average "
          f"{' '.join(f'{v:.2f}' for v in summary['load_average'])}")
    print("  (ms: median wall ms of one request, in-process; SQL: statements per request; kB: the "
          "response; a next day's scan is judged by its ms per event, the scans of nothing due by ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help="the 1x database; the grown one is <name>_<factor>x beside it")
    parser.add_argument("--repeats", type=int, default=15, help="requests timed per page")
    parser.add_argument("--factor", type=int, default=10, help="how many times the register grows")
    parser.add_argument("--only", default="", metavar="PATTERN",
                        help="measure only the pages (and scans) whose name contains PATTERN")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON instead")
    parser.add_argument("--keep-database", action="store_true",
                        help="do not drop the two databases at the end")
    parser.add_argument("--memo", action="store_true",
                        help="measure the pages with the memo of pages on (kept pages)")
    args = parser.parse_args()
    MEMO["on"] = args.memo
    if args.factor < 2 or args.repeats < 1:
        parser.error("--factor must be at least 2 and --repeats at least 1")
    url = args.database_url
    _maintenance, name = load.split_database(url)  # refuses the protected names
    grown = renamed(url, f"{name}_{args.factor}x")
    _maintenance, grown_name = load.split_database(grown)

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    created: list[str] = []
    setup: dict[str, float] = {}
    try:
        created.append(url)
        load.create_database(url)
        print(f"database {name}: migrate, demo register, campaign to {SIMULATE_TO} ...", file=sys.stderr)
        setup.update(load.fill_database(url, SIMULATE_TO))
        start = time.perf_counter()
        created.append(grown)
        load.admin(url, f'DROP DATABASE IF EXISTS "{grown_name}" WITH (FORCE)',
                   f'CREATE DATABASE "{grown_name}" TEMPLATE "{name}"')
        setup["copy the database"] = time.perf_counter() - start
        print(f"database {grown_name}: growing to {args.factor}x ...", file=sys.stderr)
        start = time.perf_counter()
        offsets = grow(grown, args.factor)
        setup[f"grow to {args.factor}x (SQL)"] = time.perf_counter() - start
        counts = {"rows_1x": row_counts(url), "rows_nx": row_counts(grown)}
        scheduler = Scheduler({"1x": url, "nx": grown}, offsets["offers"])
        try:
            print("the first scan at each size ...", file=sys.stderr)
            first = {size: scheduler.scan(size, simulated=True) for size in scheduler.apps}
            start = time.perf_counter()
            for database in (url, grown):
                load.admin_database(database, "VACUUM ANALYZE")
            setup["vacuum analyze both"] = time.perf_counter() - start
            print(f"pages at 1x and {args.factor}x ...", file=sys.stderr)
            pages, timed, skipped = measure_pages({"1x": url, "nx": grown}, args.repeats, args.only)
            print(f"scheduler at 1x and {args.factor}x ...", file=sys.stderr)
            scanned = measure_scans(scheduler, first, args.only)
        finally:
            scheduler.close()
        rows = page_rows(pages, timed)
        over = [f"{r['page']} ({r['role']})" for r in rows if r["ratio"] is not None and r["ratio"] > LIMIT]
        scans = [row for row in scan_rows(scanned["1x"], scanned["nx"]) if args.only in row["scan"]]
        judged = [row for row in scans if row["judged_by"]]
        figures = {
            "factor": args.factor, "repeats": args.repeats, "setup_s": setup,
            **counts,
            "pages": rows, "skipped": skipped, "scans": scans,
            "summary": {"within": len(rows) - len(over), "over_pages": over,
                        "scans_within": sum(1 for row in judged if not row["over"]),
                        "over_scans": [row["scan"] for row in judged if row["over"]],
                        "errors": sum(1 for r in rows if r["error"]), "cores": os.cpu_count(),
                        "load_average": os.getloadavg()}}
        if args.json:
            print(json.dumps(figures, indent=2, default=str))
        else:
            report(figures, args.factor)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        if not args.keep_database:
            for database in created:
                load.drop_database(database)


if __name__ == "__main__":
    main()
