"""The portal as a cluster on one PostgreSQL database, started as `make cluster` starts it (the
Procfile, by honcho): two web servers, two schedulers, two workers. The two web servers share one
login limit; two bulk issues each run once, each offer issued once; the leading scheduler killed
with SIGKILL mid-campaign, the standby takes over and every reminder is sent once."""
import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from portal.extensions import db
from portal.models import ContractHeld, IssueBatch, Notification, Offer, Provider, SchedulerState
from portal.operations.batches import request_batch
from tests.scheduler.test_processes import (MANAGER, campaign, counts, move_clock,  # noqa: F401
                                            wait_for)
from tests.support.databases import own_database  # noqa: F401
from tests.support.smtp import free_port, smtp_server  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
HONCHO = Path(sys.executable).with_name("honcho")
BATCHES = ("fz_aflopend_aanbod", "spoedzorg_aanbod")

pytestmark = [pytest.mark.db, pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="several instances on one database: the PostgreSQL pass (make test runs it)")]


def answer(url: str, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def add_providers(app) -> list[int]:
    """Twenty pharmacies whose agreement ends this year and four zuivere dienstapotheken, none with
    an offer yet: what the two bulk issues are for."""
    with app.app_context():
        ids = []
        for n in range(24):
            kind = "openbare_apotheek" if n < 20 else "zuivere_dienstapotheek"
            provider = Provider(agb=f"7800{n:04d}", name=f"Apotheek Cluster {n}", provider_type=kind,
                                city="Ede", contact_email=f"cluster{n}@apotheek.example")
            db.session.add(provider)
            db.session.flush()
            db.session.add(ContractHeld(provider_id=provider.id, contract="farmaceutische_zorg",
                                        start=date(2022, 1, 1), end=date(2023, 12, 31)))
            ids.append(provider.id)
        # the fixture marks every milestone as run; these two are to run now
        db.session.execute(delete(IssueBatch).where(IssueBatch.key.in_([f"2024:{m}" for m in BATCHES])))
        db.session.commit()
        db.session.remove()
        return ids


def test_a_cluster_shares_its_limit_runs_each_batch_once_and_survives_its_leader(campaign, tmp_path):  # noqa: F811
    app, env = campaign
    providers = add_providers(app)
    ports = free_port(), free_port()
    env = {**env, "WEB1_PORT": str(ports[0]), "WEB2_PORT": str(ports[1]), "WEB_WORKERS": "1",
           "SCHEDULER_INTERVAL": "0.5", "SECRET_KEY": "cluster-test-" + "k" * 32,
           "SESSION_COOKIE_SECURE": "0", "LOGIN_RATE_LIMIT": "3 per minute",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    log = tmp_path / "honcho.log"
    with log.open("w") as out:
        cluster = subprocess.Popen([str(HONCHO), "start", "-f", str(ROOT / "Procfile")], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        webs = [f"http://127.0.0.1:{port}" for port in ports]
        wait_for(lambda: all(answer(f"{web}/ready") == 200 for web in webs), 90, "both web servers")

        # one login limit for the cluster: three wrong passwords in all, wherever they land
        body = b'{"email": "niemand@vgz.example", "password": "fout"}'
        statuses = [answer(f"{webs[n % 2]}/api/v1/tokens", body) for n in range(5)]
        assert statuses == [401, 401, 401, 429, 429], statuses

        # two bulk issues; each provider gets its offer once
        with app.app_context():
            for milestone in BATCHES:
                request_batch(milestone, MANAGER, policy_year=2024)
            db.session.commit()
            db.session.remove()

        def batches_done():
            with app.app_context():
                try:
                    return db.session.scalar(select(func.count()).select_from(IssueBatch).where(
                        IssueBatch.key.in_([f"2024:{m}" for m in BATCHES]),
                        IssueBatch.status == "klaar")) == len(BATCHES)
                finally:
                    db.session.remove()
        wait_for(batches_done, 120, "the bulk issues")
        with app.app_context():
            offered = db.session.execute(select(Offer.provider_id, Offer.contract, func.count())
                                         .where(Offer.provider_id.in_(providers))
                                         .group_by(Offer.provider_id, Offer.contract)).all()
            db.session.remove()
        assert {(p, c) for p, c, _n in offered} >= {(p, "farmaceutische_zorg") for p in providers}
        assert all(n == 1 for _p, _c, n in offered)
        # each batch ran once, by whichever process of the cluster took it first (a worker, or a
        # scheduler's scan, which runs waiting batches too); honcho's lines read
        # "12:00:01 worker1.1 | batch 7 2024:fz_aflopend_aanbod: klaar, 24/24 ..."
        ran = re.findall(r"^\S+ (\w+)\.\d+\s*\|.*?batch \d+ 2024:(\w+): klaar", log.read_text(),
                         re.MULTILINE)
        assert sorted(m for _who, m in ran) == sorted(BATCHES), log.read_text()[-3000:]
        assert {who for who, _m in ran} <= {"worker1", "worker2", "scheduler1", "scheduler2"}

        # the leader dies without a goodbye mid-campaign; the standby takes over
        def leader() -> int | None:
            with app.app_context():
                try:
                    by = db.session.scalar(select(SchedulerState.last_scan_by))
                finally:
                    db.session.remove()
            return int(by.rsplit(":", 1)[1]) if by else None
        wait_for(lambda: leader() is not None, 60, "a leading scheduler")
        killed = leader()
        os.kill(killed, signal.SIGKILL)
        move_clock(app, date(2023, 10, 18))
        def processed(day):  # (not `settled`: the simulated answers leave digests for the next day)
            def check():
                with app.app_context():
                    try:
                        return db.session.scalar(select(SchedulerState.processed_through)) == day
                    finally:
                        db.session.remove()
            return check
        try:
            wait_for(lambda: processed(date(2023, 10, 18))() and leader() not in (None, killed), 120,
                     "the standby scheduler")
        except AssertionError as error:
            raise AssertionError(f"{error}:\n{log.read_text()[-4000:]}") from None
        assert leader() not in (None, killed)
        assert "scheduler1.1 | Killed" in log.read_text() or "scheduler2.1 | Killed" in log.read_text()
        reminders, mails = counts(app)
        assert reminders and len(reminders) == len(set(reminders))
        with app.app_context():
            keys = db.session.scalars(select(Notification.key)).all()
            db.session.remove()
        assert len(keys) == len(set(keys)) and mails > 0
    finally:
        os.killpg(cluster.pid, signal.SIGTERM)
        try:
            cluster.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(cluster.pid, signal.SIGKILL)
            cluster.wait()
    assert "web1" in log.read_text() and "worker2" in log.read_text()
