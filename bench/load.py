"""Benchmark: the portal under load on PostgreSQL and gunicorn, against a bare Flask endpoint.

Creates a fresh PostgreSQL database, migrates it, loads the demo register (2,500 providers) and
replays the campaign to 2023-10-01 (`portal simulate`), so the pages have their realistic
content, then ANALYZEs it: a database that has run a while has planner statistics (autovacuum
gathers them), a freshly loaded one looks empty to the planner, which then picks plans no
production database would run (nested loops over "2 rows" that are 2,420). Serves the portal
with gunicorn (gthread workers) together with a bare Flask app that returns "ok"
(bench/load_wsgi.py: same process, same workers), and drives each target in turn with locust,
headless, N users without think time, every user logged in once at its start:

  bare           GET /_bare/                (the baseline; measured first and again last)
  floor          GET /_floor                as the provider: the portal's request handling and
                                            login with a constant page (bench/load_wsgi.py), the
                                            most any logged-in page can serve here
  offers         GET /zorgaanbieder/aanbiedingen   as a demo provider's signatory
  profile        GET /zorgaanbieder/profiel        as the same
  dashboard      GET /beheer/                      as manager@vgz.example
  offers-list    GET /beheer/aanbiedingen          as the same
  register       GET /beheer/zorgaanbieders        as the same
  outbox         GET /beheer/uitgaande-post        as the same
  api            GET /api/v1/offers         with the manager's bearer token (POST /api/v1/tokens)
  api-providers  GET /api/v1/providers      as the same

(the table is bench/load_targets.py, which the locust users read too).

The server is set up as a production deployment on this machine would be: gunicorn's gthread
workers, 2 x cores processes (the pages are CPU-bound Python, one GIL per process) with 4 threads
each, so a worker keeps its CPU busy while one request waits for PostgreSQL; both apps run in
the same workers, so the settings cannot favour one of them. The load generator is locust's
FastHttpUser (geventhttpclient, keep-alive): it costs a fraction of the CPU of the requests-based
HttpUser, and it shares the cores with the server.

Prints, per target, requests per second, p50/p99 in ms, errors, the throughput as a share of the
bare endpoint's (the mean of its two runs), the CPU time the gunicorn workers spent per request,
and (measured afterwards in-process, one request at a time) the SQL statements each page runs.
Stops gunicorn and drops the database at the end, also on errors and Ctrl-C. Asserts nothing
about time. The load generator runs on the same machine and takes CPU from the server.

    python bench/load.py [--users 32] [--duration 20] [--workers 2*cores] [--threads 4]
                         [--database-url postgresql://postgres@127.0.0.1:5432/loadbench]
                         [--targets bare,floor,offers,...] [--json] [--keep-database]
                         [--variant NAME=SETTING=VALUE,... ...] [--rounds 1]

Variants compare settings within one run, on one database: `--variant all= --variant
no-memo=PAGE_MEMO=0` serves the targets once per variant (a gunicorn of its own, the settings in
its environment), `--rounds 3` repeats the sequence of variants, and a summary gives each
variant's median server CPU per request and p99 per target, and their ratio to the first
variant's. The speed-ups' off-switches are named in portal/web/switches.py.
"""
from __future__ import annotations

import keys  # noqa: F401  (a random SECRET_KEY for this run)
from load_targets import DEFAULT, TARGETS
import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
VENV_BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/loadbench"
#: DESIGN.md's target: a page's server CPU per request at most this times the floor's.
FLOOR_TARGET = 1.5
P99_TARGET_MS = 300
#: Databases this bench never creates or drops.
PROTECTED = {"test", "test_scheduler", "postgres", "template0", "template1"}
PASSWORD = "demo-wachtwoord"
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]*)"')


# -- the database -------------------------------------------------------------------------------

def split_database(url: str) -> tuple[str, str]:
    """The URL of the `postgres` maintenance database on the same server, and the database name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres"):
        raise SystemExit(f"--database-url must be a PostgreSQL URL, not {url}")
    if not name or name in PROTECTED:
        raise SystemExit(f"refusing to create or drop the database {name!r}")
    scheme = "postgresql"
    return urlunsplit((scheme, parts.netloc, "/postgres", "", "")), name


def admin(url: str, *statements: str) -> None:
    import psycopg

    maintenance, _name = split_database(url)
    with psycopg.connect(maintenance, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def admin_database(url: str, *statements: str) -> None:
    """Run statements in the bench's own database (autocommit)."""
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(("postgresql", parts.netloc, parts.path, "", "")),
                         autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


def create_database(url: str) -> None:
    _maintenance, name = split_database(url)
    admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    _maintenance, name = split_database(url)
    admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fill_database(url: str, simulate_to: str) -> dict[str, float]:
    """Migrate, load the demo register, replay the campaign to `simulate_to`: seconds of each."""
    from flask_migrate import upgrade

    from portal import create_app
    from demo import load_demo
    from portal.extensions import db

    seconds = {}
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        start = time.perf_counter()
        upgrade()
        seconds["migrate"] = time.perf_counter() - start
        start = time.perf_counter()
        load_demo()
        seconds["demo register"] = time.perf_counter() - start
        db.engine.dispose()
    start = time.perf_counter()
    subprocess.run([str(VENV_BIN / "portal"), "simulate", "--to", simulate_to],
                   env={**os.environ, "DATABASE_URL": url}, cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    seconds[f"simulate to {simulate_to}"] = time.perf_counter() - start
    # Planner statistics, as autovacuum would have gathered them on a database that has run a
    # while (freshly loaded tables look empty to the planner, which then picks bad plans).
    start = time.perf_counter()
    admin_database(url, "ANALYZE")
    seconds["analyze"] = time.perf_counter() - start
    return seconds


# -- gunicorn -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(url: str, settings: dict[str, str] | None = None) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": url, "SESSION_COOKIE_SECURE": "0",
            "LOGIN_RATE_LIMIT": "100000 per minute", "RATELIMIT_STORAGE_URI": "memory://",
            # every API target's users ask for tokens from one address (POST /api/v1/tokens is
            # also an anonymous endpoint, 30 an hour per address by default)
            "ANONYMOUS_RATE_LIMIT": "100000 per minute",
            "ANONYMOUS_GLOBAL_RATE_LIMIT": "100000 per minute",
            "MAIL_BACKEND": "outbox",
            # the users log in with the form alone: two-factor costs a login, not a page
            "TWO_FACTOR_REQUIRED_ROLES": "", **(settings or {})}


def start_gunicorn(url: str, port: int, workers: int, threads: int, log: Path,
                   settings: dict[str, str] | None = None) -> subprocess.Popen:
    command = [str(VENV_BIN / "gunicorn"), "--pythonpath", str(BENCH), "--chdir", str(ROOT),
               "-w", str(workers), "-k", "gthread", "--threads", str(threads),
               "-b", f"127.0.0.1:{port}", "--log-level", "warning", "load_wsgi:application"]
    server = subprocess.Popen(command, env=server_env(url, settings), start_new_session=True,
                              stdout=log.open("w"), stderr=subprocess.STDOUT)
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/_bare/", timeout=2).text == "ok" and \
                    requests.get(f"http://127.0.0.1:{port}/inloggen", timeout=5).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.3)
    else:
        raise SystemExit("gunicorn did not answer within 60 s")
    # every worker has imported the portal once it answers; warm each up with a few requests
    for _ in range(workers * threads * 2):
        requests.get(f"http://127.0.0.1:{port}/inloggen", timeout=10)
    return server


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)  # its own session: gunicorn and its workers
        process.wait(timeout=20)
    except (ProcessLookupError, PermissionError):
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def workers_cpu(master: int) -> float:
    """CPU seconds (user + system) used so far by the gunicorn master's children."""
    import psutil

    total = 0.0
    for child in psutil.Process(master).children(recursive=True):
        try:
            times = child.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


# -- locust -------------------------------------------------------------------------------------

def run_target(target: str, email: str, host: str, users: int, duration: float, master: int,
               workdir: Path, label: str) -> dict:
    out = workdir / f"{label}.json"
    env = {**os.environ, "LOAD_TARGET": target, "LOAD_USERS": str(users),
           "LOAD_DURATION": str(duration), "LOAD_EMAIL": email, "LOAD_PASSWORD": PASSWORD,
           "LOAD_OUT": str(out)}
    command = [str(VENV_BIN / "locust"), "-f", str(BENCH / "load_locustfile.py"), "--headless",
               "-u", str(users), "-r", str(users), "-t", f"{int(duration) + 120}s",
               "--host", host, "--csv", str(workdir / label), "--only-summary",
               "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    opened = workdir / f"{label}.json.open"
    before = None
    server_cpu = None
    started = time.perf_counter()
    import psutil

    locust = subprocess.Popen(command, env=env, cwd=workdir, stdout=subprocess.DEVNULL,
                              stderr=(workdir / f"{label}.log").open("w"))
    gen = psutil.Process(locust.pid)
    gen_cpu = {}
    while locust.poll() is None:
        # the workers' and the generator's CPU time inside the measured window only
        try:
            if before is None and opened.exists():
                before = workers_cpu(master)
                gen_cpu["open"] = sum(gen.cpu_times()[:2])
            if before is not None and server_cpu is None and out.exists():
                server_cpu = workers_cpu(master) - before
                gen_cpu["close"] = sum(gen.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - started
    if not out.exists():
        raise SystemExit(f"locust wrote no figures for {label}:\n"
                         f"{(workdir / f'{label}.log').read_text()[-3000:]}")
    result = json.loads(out.read_text())
    seconds = result["seconds"]
    gen_s = gen_cpu["close"] - gen_cpu["open"] if "close" in gen_cpu else None
    result.update(label=label, server_cpu_s=server_cpu, wall_s=wall,
                  server_cpu_ms_per_request=server_cpu / result["requests"] * 1000
                  if server_cpu is not None and result["requests"] else None,
                  generator_cpu_share=gen_s / seconds if gen_s is not None else None)
    return result


# -- statements per page (in-process, one request at a time) ------------------------------------

def statements_per_page(url: str, accounts: dict[str, str], repeats: int = 20) -> dict[str, dict]:
    """SQL statements and in-process milliseconds per request of each page, the warm mean."""
    from sqlalchemy import event

    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False,
                      "LOGIN_RATE_LIMIT": "100000 per minute", "TWO_FACTOR_REQUIRED_ROLES": ()})
    counted = {"n": 0}
    figures = {}
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args):
        counted["n"] += 1

    # Each request in its own app context (an outer one would keep `g`, and so the logged-in
    # user, from one test client to the next).
    for target, email in accounts.items():
        client = app.test_client()
        headers = {}
        path, who = TARGETS[target]
        if who in ("provider", "manager"):
            token = CSRF.search(client.get("/inloggen").get_data(as_text=True)).group(1)
            client.post("/inloggen", data={"csrf_token": token, "email": email,
                                           "password": PASSWORD})
        elif who == "api":
            answer = client.post("/api/v1/tokens", json={"email": email, "password": PASSWORD})
            headers = {"Authorization": f"Bearer {answer.get_json()['token']}"}
        first = client.get(path, headers=headers)
        if first.status_code != 200:
            figures[target] = {"error": f"status {first.status_code}"}
            continue
        counted["n"] = 0
        start = time.perf_counter()
        for _ in range(repeats):
            client.get(path, headers=headers)
        figures[target] = {"statements": counted["n"] / repeats,
                           "ms": (time.perf_counter() - start) / repeats * 1000,
                           "bytes": len(first.get_data())}
    engine.dispose()
    return figures


# -- the report ---------------------------------------------------------------------------------

def fmt(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def report(results: list[dict], statements: dict[str, dict], args, setup: dict[str, float]) -> None:
    bare = [r for r in results if r["target"] == "bare"]
    bare_rps = sum(r["rps"] for r in bare) / len(bare) if bare else None
    floor = next((r for r in results if r["target"] == "floor"), None)
    floor_cpu = floor["server_cpu_ms_per_request"] if floor else None
    print(f"portal load bench: {args.users} users, {args.duration:g} s per target, gunicorn "
          f"{args.workers} workers x {args.threads} threads (gthread), PostgreSQL, "
          f"{os.cpu_count()} cores, load average before {os.getloadavg()[0]:.2f}")
    for step, seconds in setup.items():
        print(f"  setup: {step:<26} {seconds:7.1f} s")
    print(f"  {'target':<14} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'errors':>7} "
          f"{'vs bare':>8} {'srv CPU ms/req':>15} {'vs floor':>8} {'locust CPU':>10} "
          f"{'SQL/req':>8} {'1-req ms':>9}")
    over = []
    for r in results:
        share = r["rps"] / bare_rps if bare_rps and r["target"] != "bare" else None
        cpu = r["server_cpu_ms_per_request"]
        to_floor = (cpu / floor_cpu if cpu and floor_cpu and r["target"] not in ("bare", "floor")
                    else None)
        st = statements.get(r["target"], {})
        errors = r["errors"] + len(r["login_failures"])
        print(f"  {r['label']:<14} {r['rps']:8.1f} {fmt(r['p50_ms'], '8.1f'):>8} "
              f"{fmt(r['p99_ms'], '8.1f'):>8} {fmt(r['max_ms'], '8.1f'):>8} {errors:7d} "
              f"{fmt(share, '8.1%'):>8} {fmt(cpu, '15.2f'):>15} {fmt(to_floor, '7.2f') + 'x':>8} "
              f"{fmt(r['generator_cpu_share'], '10.0%'):>10} "
              f"{fmt(st.get('statements'), '8.1f'):>8} {fmt(st.get('ms'), '9.1f'):>9}")
        for sample in r["error_samples"][:3] + r["login_failures"][:3]:
            print(f"      error: {sample}")
        if r["target"] not in ("bare", "floor") and (
                (to_floor or 0) > FLOOR_TARGET or (r["p99_ms"] or 0) >= P99_TARGET_MS or errors):
            over.append(r["label"])
    pages = [r for r in results if r["target"] not in ("bare", "floor")]
    if pages and floor_cpu:
        print(f"  target (DESIGN): every page at most {FLOOR_TARGET}x the floor's server CPU, p99 "
              f"under {P99_TARGET_MS} ms, no errors -> "
              + (f"not met by {', '.join(over)}" if over else f"met by all {len(pages)}"))
    if floor and bare_rps:
        print(f"  floor: a logged-in page that reads and renders nothing serves "
              f"{floor['rps'] / bare_rps:.1%} of bare here")
    print("  (bare is the mean of its runs; srv CPU = gunicorn workers' CPU time in the window per "
          "request; locust CPU = the load generator's CPU time / the window (1 core = 100 %); "
          "SQL/req and 1-req ms measured in-process afterwards, warm, "
          "one request at a time; the load generator shares the machine)")
    if args.json:
        print(json.dumps({"bare_rps": bare_rps, "setup_s": setup, "results": results,
                          "statements": statements}, indent=2))


def parse_variant(text: str) -> tuple[str, dict[str, str]]:
    """ "no-memo=PAGE_MEMO=0,COMMIT_READS=0" -> ("no-memo", {"PAGE_MEMO": "0", ...})."""
    name, _, settings = text.partition("=")
    pairs = [item.split("=", 1) for item in settings.split(",") if item.strip()]
    if not name or any(len(pair) != 2 for pair in pairs):
        raise argparse.ArgumentTypeError(f"not NAME=SETTING=VALUE,...: {text!r}")
    return name, {key.strip(): value.strip() for key, value in pairs}


def run_plan(url: str, targets: list[str], accounts: dict[str, str], args, workdir: Path,
             settings: dict[str, str], prefix: str = "") -> list[dict]:
    """One gunicorn with `settings` in its environment; each target in turn (bare first and
    last). Stops gunicorn, also on errors."""
    port = free_port()
    tag = prefix.replace(" ", "").replace("/", "-")
    server = start_gunicorn(url, port, args.workers, args.threads,
                            workdir / f"gunicorn{tag}.log", settings)
    try:
        host = f"http://127.0.0.1:{port}"
        plan = list(targets)
        if "bare" in targets and len(targets) > 1:
            plan = ["bare"] + [t for t in targets if t != "bare"] + ["bare"]
        results = []
        for n, target in enumerate(plan):
            label = target if plan.count(target) == 1 or n == plan.index(target) else f"{target} (2)"
            print(f"  {prefix}{label}: {args.users} users, {args.duration:g} s ...", file=sys.stderr)
            results.append(run_target(target, accounts[target], host, args.users, args.duration,
                                      server.pid, workdir, tag + label.replace(" ", "")
                                      .replace("(", "-").replace(")", "")))
            results[-1]["label"] = label
        return results
    finally:
        stop(server)


def median(values: list[float]) -> float | None:
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def report_variants(runs: list[tuple[str, int, list[dict]]], variants: list[tuple[str, dict]]) -> None:
    """Per target and variant: the median over the rounds of server CPU ms per request, p99 and
    req/s, and each median's ratio to the first variant's."""
    print("  variants, medians over the rounds (ratio to the first variant):")
    for name, settings in variants:
        shown = ", ".join(f"{k}={v}" for k, v in settings.items()) or "(as configured)"
        print(f"    {name}: {shown}")
    print(f"  {'target':<10} {'variant':<14} {'runs':>4} {'srv CPU ms/req':>15} {'ratio':>7} "
          f"{'p99 ms':>8} {'ratio':>7} {'req/s':>8} {'ratio':>7} {'errors':>7}")
    targets = []
    for _name, _round, results in runs:
        targets += [r["target"] for r in results if r["target"] not in targets]
    for target in targets:
        first = None
        for name, _settings in variants:
            mine = [r for variant, _round, results in runs if variant == name
                    for r in results if r["target"] == target]
            figures = (median([r["server_cpu_ms_per_request"] for r in mine]),
                       median([r["p99_ms"] for r in mine]), median([r["rps"] for r in mine]))
            first = first or figures
            ratios = [f / b if f is not None and b else None for f, b in zip(figures, first, strict=True)]
            errors = sum(r["errors"] + len(r["login_failures"]) for r in mine)
            print(f"  {target:<10} {name:<14} {len(mine):4d} {fmt(figures[0], '15.2f'):>15} "
                  f"{fmt(ratios[0], '7.2f'):>7} {fmt(figures[1], '8.1f'):>8} "
                  f"{fmt(ratios[1], '7.2f'):>7} {fmt(figures[2], '8.1f'):>8} "
                  f"{fmt(ratios[2], '7.2f'):>7} {errors:7d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--duration", type=float, default=20, help="seconds measured per target")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--targets", default=",".join(DEFAULT),
                        help="comma-separated, of: " + ", ".join(TARGETS))
    parser.add_argument("--simulate-to", default="2023-10-01")
    parser.add_argument("--provider", default="signatory@apotheek-de-linde.example")
    parser.add_argument("--manager", default="manager@vgz.example")
    parser.add_argument("--api-user", default="manager@vgz.example")
    parser.add_argument("--json", action="store_true", help="also print every figure as JSON")
    parser.add_argument("--keep-database", action="store_true",
                        help="do not drop the database at the end")
    parser.add_argument("--reuse-database", action="store_true",
                        help="use the database as it is (made by an earlier --keep-database run)")
    parser.add_argument("--variant", action="append", type=parse_variant, default=[],
                        metavar="NAME=SETTING=VALUE,...",
                        help="serve the targets once per variant, with these settings in the "
                             "server's environment (NAME= for none); repeat for each variant")
    parser.add_argument("--rounds", type=int, default=1,
                        help="with --variant: how often the sequence of variants is run")
    args = parser.parse_args()
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    url = args.database_url
    split_database(url)  # refuses the protected names before anything is touched
    emails = {"": "", "provider": args.provider, "manager": args.manager, "api": args.api_user}
    accounts = {name: emails[target.who] for name, target in TARGETS.items()}

    def interrupted(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    workdir = Path(tempfile.mkdtemp(prefix="loadbench-"))
    created = False
    setup: dict[str, float] = {}
    try:
        if not args.reuse_database:
            created = True
            create_database(url)
            print(f"database {split_database(url)[1]}: migrate, demo register, campaign to "
                  f"{args.simulate_to} ...", file=sys.stderr)
            setup = fill_database(url, args.simulate_to)
        variants = args.variant or [("", {})]
        runs = []
        for round_ in range(1, (args.rounds if args.variant else 1) + 1):
            for name, settings in variants:
                prefix = f"{name} {round_}/" if args.variant else ""
                runs.append((name, round_, run_plan(url, targets, accounts, args, workdir,
                                                    settings, prefix)))
        statements = statements_per_page(url, {t: accounts[t] for t in targets
                                               if t not in ("bare", "floor")})
        for name, round_, results in runs:
            if args.variant:
                print(f"variant {name}, round {round_}:")
            report(results, statements, args, setup if (name, round_) == runs[0][:2] else {})
        if args.variant:
            report_variants(runs, variants)
        for log in sorted(workdir.glob("gunicorn*.log")):
            text = log.read_text().strip()
            if text:
                print(f"{log.name} said:\n" + text[-2000:])
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        sys.exit(130)
    finally:
        if created and not args.keep_database:
            drop_database(url)
        print(f"(locust CSVs and logs in {workdir})", file=sys.stderr)


if __name__ == "__main__":
    main()
