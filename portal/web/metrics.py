"""/metrics for Prometheus, with the official client (prometheus_client).

- Requests and their latency, per endpoint (the view's name, never the raw path: bounded labels)
  and status. Under `portal serve` every gunicorn worker counts into PROMETHEUS_MULTIPROC_DIR and
  the answer adds them up (the client's multi-process mode); in one process it counts in memory.
- What the portal holds, read from the database when scraped: open deadlines by what they are
  of, the mail queue (waiting, given up), and each running bulk issue's progress.

Off unless METRICS_TOKEN is set; then a scrape must send it as a bearer token (the counts are
the insurer's business). There is no default token.
"""
from __future__ import annotations

import hmac
import os
import time

from flask import Response, abort, current_app, g, request
from prometheus_client import (CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram,
                               generate_latest, multiprocess)
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from ..extensions import db, limiter

REQUESTS = Counter("portal_requests_total", "HTTP requests answered", ["method", "endpoint", "status"])
LATENCY = Histogram("portal_request_seconds", "Time to answer a request", ["endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))


class PortalCollector:
    """The portal's own state, read when scraped (one scrape, a few counting queries)."""

    def collect(self):
        from ..models import IssueBatch, OutgoingMail
        from ..operations.deadlines import open_deadline_totals

        deadlines = GaugeMetricFamily("portal_open_deadlines", "Open deadlines", labels=["of"])
        for of, n in open_deadline_totals().items():
            deadlines.add_metric([of], n)
        yield deadlines
        mail = GaugeMetricFamily("portal_mail_queue", "Outgoing mail not sent", labels=["state"])
        waiting = db.session.scalar(select(func.count()).select_from(OutgoingMail).where(
            OutgoingMail.sent_at.is_(None), OutgoingMail.refused_at.is_(None)))
        refused = db.session.scalar(select(func.count()).select_from(OutgoingMail).where(
            OutgoingMail.refused_at.is_not(None)))
        mail.add_metric(["waiting"], waiting)
        mail.add_metric(["refused"], refused)
        yield mail
        done = GaugeMetricFamily("portal_batch_done", "Providers handled by a running bulk issue",
                                 labels=["milestone", "batch"])
        total = GaugeMetricFamily("portal_batch_total", "Providers of a running bulk issue",
                                  labels=["milestone", "batch"])
        for key, milestone, n_done, n_total in db.session.execute(
                select(IssueBatch.key, IssueBatch.milestone, IssueBatch.done, IssueBatch.total)
                .where(IssueBatch.status.in_(("wachtend", "bezig")))):
            done.add_metric([milestone, key], n_done)
            total.add_metric([milestone, key], n_total)
        yield done
        yield total


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        from prometheus_client import REGISTRY
        registry = REGISTRY
    return registry


def init_metrics(app) -> None:
    @app.before_request
    def _start():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response):
        started = g.pop("metrics_started", None)
        if started is not None:
            endpoint = request.endpoint or "unmatched"
            REQUESTS.labels(request.method, endpoint, str(response.status_code)).inc()
            LATENCY.labels(endpoint).observe(time.perf_counter() - started)
        return response

    portal_state = CollectorRegistry(auto_describe=False)  # read anew on every scrape
    portal_state.register(PortalCollector())

    @app.get("/metrics")
    @limiter.exempt
    def metrics():
        token = current_app.config.get("METRICS_TOKEN")
        if not token:
            abort(404)
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            abort(401)
        registry = _registry()
        body = generate_latest(registry) + generate_latest(portal_state)
        return Response(body, mimetype=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

