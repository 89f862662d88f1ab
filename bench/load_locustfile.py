"""Locust users for `bench/load.py`: one target per run, chosen by the environment.

LOAD_TARGET   a name of bench/load_targets.py (bare, floor, offers, dashboard, api, ...)
LOAD_USERS    how many users to wait for before measuring (the -u of the run)
LOAD_DURATION seconds measured once every user has logged in
LOAD_EMAIL / LOAD_PASSWORD  the account (not for `bare`)
LOAD_OUT      where the figures go (JSON)

Every user logs in once in on_start (the form at /inloggen with its CSRF token, or POST
/api/v1/tokens); the measured window opens when the last user is logged in, so the logins'
password hashing is not counted against the page, and closes LOAD_DURATION seconds later, when
the runner is stopped. Requests started in the window count (the last ones are waited for);
requests per second = those requests / the window. The figures are computed here from every
request of the window (exact percentiles, not locust's rounded buckets); locust's own CSV is
written too.
"""
from __future__ import annotations

import json
import os
import re
import time

import gevent
from load_targets import TARGETS
from locust import FastHttpUser, constant, events, task

TARGET = os.environ.get("LOAD_TARGET", "bare")
USERS = int(os.environ.get("LOAD_USERS", "32"))
DURATION = float(os.environ.get("LOAD_DURATION", "20"))
EMAIL = os.environ.get("LOAD_EMAIL", "")
PASSWORD = os.environ.get("LOAD_PASSWORD", "demo-wachtwoord")
OUT = os.environ.get("LOAD_OUT", "load-result.json")

PATH, WHO = TARGETS[TARGET]
CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


class Window:
    """The measured window and what happened in it."""

    ready = 0
    login_failures: list[str] = []
    started: float | None = None
    ended: float | None = None
    latencies: list[float] = []
    errors = 0
    error_samples: list[str] = []
    bytes = 0
    in_flight = 0


def _open_window(environment) -> None:
    Window.started = time.perf_counter()
    with open(OUT + ".open", "w") as marker:  # load.py reads the server's CPU time now
        marker.write("open")

    def close():
        # Requests started in the window count, however long they take: wait for them (15 s
        # at most) before stopping the users, so slow ones at the end are not left out.
        Window.ended = time.perf_counter()
        deadline = time.perf_counter() + 15
        while Window.in_flight and time.perf_counter() < deadline:
            gevent.sleep(0.05)
        _write()
        environment.runner.quit()

    gevent.spawn_later(DURATION, close)


def _write() -> None:
    seconds = (Window.ended or time.perf_counter()) - (Window.started or time.perf_counter())
    lat = sorted(Window.latencies)

    def pct(p: float) -> float | None:
        if not lat:
            return None
        return lat[min(len(lat) - 1, max(0, round(p / 100 * len(lat)) - 1))]

    result = {"target": TARGET, "path": PATH, "users": USERS, "seconds": seconds,
              "requests": len(lat) + Window.errors, "ok": len(lat), "errors": Window.errors,
              "error_samples": Window.error_samples[:5], "login_failures": Window.login_failures,
              "rps": (len(lat) + Window.errors) / seconds if seconds > 0 else 0.0,
              "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99),
              "max_ms": lat[-1] if lat else None,
              "mean_ms": sum(lat) / len(lat) if lat else None,
              "bytes_per_response": Window.bytes / len(lat) if lat else 0}
    with open(OUT, "w") as out:
        json.dump(result, out)


def _measuring() -> bool:
    return Window.started is not None and Window.ended is None


class Target(FastHttpUser):
    wait_time = constant(0)
    # Keep the connection (as a browser does); no retries that would hide an error.
    max_retries = 0
    network_timeout = 30.0
    connection_timeout = 30.0

    def on_start(self):
        try:
            if WHO in ("provider", "manager"):
                self._log_in_form()
            elif WHO == "api":
                self._log_in_api()
        except Exception as error:  # noqa: BLE001 (counted, and the page requests will fail)
            Window.login_failures.append(f"{type(error).__name__}: {error}")
        Window.ready += 1
        if Window.ready == USERS:
            _open_window(self.environment)
        self.headers = getattr(self, "headers", {})

    def _log_in_form(self):
        form = self.client.get("/inloggen", name="login form")
        tag = CSRF.search(form.text or "")
        if form.status_code != 200 or tag is None:
            raise RuntimeError(f"login form: status {form.status_code}, no csrf_token")
        token = VALUE.search(tag.group(0)).group(1)
        with self.client.post("/inloggen", name="login", allow_redirects=False, catch_response=True,
                              data={"csrf_token": token, "email": EMAIL, "password": PASSWORD}
                              ) as answer:
            if answer.status_code != 302:
                answer.failure(f"status {answer.status_code}")
                raise RuntimeError(f"login: status {answer.status_code}")

    def _log_in_api(self):
        with self.client.post("/api/v1/tokens", name="token", catch_response=True,
                              json={"email": EMAIL, "password": PASSWORD}) as answer:
            if answer.status_code != 201:
                answer.failure(f"status {answer.status_code}")
                raise RuntimeError(f"token: status {answer.status_code}")
            self.headers = {"Authorization": f"Bearer {answer.json()['token']}"}

    @task
    def target(self):
        counted = _measuring()  # the requests that start inside the window count
        started = time.perf_counter()
        Window.in_flight += counted
        with self.client.get(PATH, name=TARGET, headers=self.headers, allow_redirects=False,
                             catch_response=True) as answer:
            elapsed = (time.perf_counter() - started) * 1000
            if answer.status_code != 200:
                answer.failure(f"status {answer.status_code}")
                problem = f"status {answer.status_code}"
            elif TARGET == "bare" and answer.text != "ok":
                answer.failure("not ok")
                problem = "body is not 'ok'"
            else:
                problem = None
            if not counted:
                return
            Window.in_flight -= 1
            if problem is None:
                Window.latencies.append(elapsed)
                Window.bytes += len(answer.content or b"")
            else:
                Window.errors += 1
                Window.error_samples.append(problem)


@events.quitting.add_listener
def _on_quit(environment, **_kwargs):
    if Window.started is not None and Window.ended is None:  # stopped early (-t or Ctrl-C)
        Window.ended = time.perf_counter()
        _write()
