"""Benchmark: the CPU time of one request to each of bench/load.py's targets, in this process
(Flask's test client, one request at a time), against the logged-in floor. No server, no load
generator: a figure that shared cores disturb less than bench/load.py's, for a page's own cost.

Reads the database of DATABASE_URL as it is (the demo's, after `make demo` or `portal demo
load` and `portal simulate`); writes nothing but the logins' sessions. Prints per target the
median CPU milliseconds a request (of 5 rounds) and the ratio to the floor. Asserts nothing.

    DATABASE_URL=sqlite:///instance/portal.sqlite python bench/pages.py [--requests 200]
        [--targets floor,offers-list,...] [--profile offers-list]

`--profile TARGET` prints cProfile's 40 most costly functions of 50 more requests to it.
"""
from __future__ import annotations

import keys  # noqa: F401  (a random SECRET_KEY for this run)
import argparse
import cProfile
import os
import pstats
import re
import statistics
import time

# The bench logs in with the form over plain HTTP, as often as it likes, without two-factor.
os.environ["SESSION_COOKIE_SECURE"] = "0"
os.environ["TWO_FACTOR_REQUIRED_ROLES"] = ""
os.environ["RATELIMIT_STORAGE_URI"] = "memory://"

import load_wsgi  # noqa: E402  (the portal with the bench's /_floor)
from load_targets import TARGETS  # noqa: E402

EMAILS = {"provider": "signatory@apotheek-de-linde.example", "manager": "manager@vgz.example",
          "api": "manager@vgz.example"}
PASSWORD = "demo-wachtwoord"


def logged_in(app, who: str):
    """A test client logged in as `who` (the form, or a bearer token for the API), and the
    headers its requests carry."""
    client = app.test_client()
    if who == "api":
        token = client.post("/api/v1/tokens", json={"email": EMAILS[who], "password": PASSWORD})
        return client, {"Authorization": f"Bearer {token.get_json()['token']}"}
    if who:
        page = client.get("/inloggen").get_data(as_text=True)
        csrf = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
        answer = client.post("/inloggen", data={"email": EMAILS[who], "password": PASSWORD,
                                                "csrf_token": csrf})
        if answer.status_code != 302:
            raise SystemExit(f"cannot log in as {EMAILS[who]} (is the demo loaded?)")
    return client, {}


def cost(client, headers, path: str, requests: int) -> float:
    """The median CPU milliseconds of one request, over 5 rounds (after 10 to warm up)."""
    for _ in range(10):
        answer = client.get(path, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"{path}: {answer.status_code}")
    rounds = []
    for _ in range(5):
        began = time.process_time()
        for _ in range(requests // 5):
            client.get(path, headers=headers)
        rounds.append((time.process_time() - began) / (requests // 5) * 1000)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--targets", default=",".join(t for t in TARGETS if t != "bare"))
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()
    app = load_wsgi.portal
    app.config["RATELIMIT_ENABLED"] = False
    clients: dict[str, tuple] = {}
    figures = {}
    for name in args.targets.split(","):
        target = TARGETS[name]
        if target.who not in clients:
            clients[target.who] = logged_in(app, target.who)
        figures[name] = cost(*clients[target.who], target.path, args.requests)
    floor = figures.get("floor")
    print(f"pages in process, {args.requests} requests each, {os.cpu_count()} cores, "
          f"{app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")
    for name, ms in figures.items():
        print(f"  {name:14} {ms:6.2f} ms CPU/request" + (f"  {ms / floor:5.2f}x floor" if floor else ""))
    if args.profile:
        target = TARGETS[args.profile]
        client, headers = clients.get(target.who) or logged_in(app, target.who)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            client.get(target.path, headers=headers)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
