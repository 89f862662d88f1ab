"""Real scheduler processes (`portal scheduler run`) on a database of their own, mailing a real
local SMTP server: two at once send each reminder once, a restart duplicates nothing, and a
scheduler that was down catches up once and says how late."""
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.extensions import db
from portal.models import (ContractHeld, Notification, Offer, OutgoingMail, Provider,
                           SchedulerState, User)
from portal.operations import clock
from portal.operations.audit import Actor
from portal.operations.offers import issue_offer

pytestmark = pytest.mark.db
MANAGER = Actor("manager@vgz.example", "contract_manager")
PORTAL = Path(sys.executable).with_name("portal")
DEADLINES = [date(2023, 10, 20), date(2023, 10, 22), date(2023, 10, 31), date(2023, 11, 3)]


@pytest.fixture
def campaign(own_database, smtp_server):
    """The own database with four offers whose deadlines fall around 20 October 2023, a manager,
    and the SMTP settings for the processes; emptied again afterwards."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": own_database, "MAIL_BACKEND": "smtp",
                      "MAIL_SERVER": smtp_server.host, "MAIL_PORT": smtp_server.port})
    with app.app_context():
        # every milestone of 2023 counts as run: these tests are about deadlines
        from portal.models import IssueBatch
        from contracts.policy import load_policy
        for milestone in load_policy(2024).milestones:
            db.session.add(IssueBatch(key=f"2024:{milestone}", policy_year=2024, milestone=milestone,
                                      status="klaar", requested_by="test"))
        db.session.add(User(email="manager@vgz.example", name="Manager", role="contract_manager",
                            password_hash="x"))
        clock.set_today(date(2023, 9, 20), MANAGER)
        for n, deadline in enumerate(DEADLINES, 1):
            provider = Provider(agb=f"7700000{n}", name=f"Apotheek Proces {n}",
                                provider_type="openbare_apotheek", city="Zwolle",
                                contact_email=f"apotheek{n}@proces.example")
            db.session.add(provider)
            db.session.flush()
            db.session.add(ContractHeld(provider_id=provider.id, contract="farmaceutische_zorg",
                                        start=date(2022, 1, 1), end=date(2023, 12, 31)))
            db.session.flush()
            db.session.refresh(provider)
            issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=deadline)
        db.session.commit()
    env = {**os.environ, "DATABASE_URL": own_database, "MAIL_BACKEND": "smtp",
           "MAIL_SERVER": smtp_server.host, "MAIL_PORT": str(smtp_server.port),
           "FLASK_APP": "portal:create_app"}
    yield app, env
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "alembic_version":
                db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


def start(env, *args):
    """A scheduler process; what it says goes to a file, so a test can read it while it runs.
    The file is opened for appending (O_APPEND): the process writes at the end whatever offset
    the test's reading left, so a read never makes it overwrite what it said before."""
    handle, path = tempfile.mkstemp(prefix="scheduler-", suffix=".log")
    os.close(handle)
    said = open(path, "a+")
    os.unlink(path)  # gone when both have closed it
    process = subprocess.Popen([str(PORTAL), "scheduler", "run", "--interval", "0.3",
                                "--standby-poll", "0.3", *args], env=env,
                               stdout=subprocess.DEVNULL, stderr=said, text=True)
    process.said = said
    return process


def said(process) -> str:
    process.said.seek(0)
    return process.said.read()


def stop(process, sig=signal.SIGTERM) -> str:
    """Stop the process; what it said."""
    if process.poll() is None:
        process.send_signal(sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    try:
        return said(process)
    finally:
        process.said.close()


def wait_for(condition, timeout=60.0, what="the schedulers"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"{what} did not get there in {timeout} s")


def move_clock(app, day):
    """Move the date as a manager does while the scheduler writes. On SQLite a transaction that
    read before another committed is refused ("database is locked"): try again, as a manager would."""
    from sqlalchemy.exc import OperationalError
    for _ in range(50):
        with app.app_context():
            try:
                clock.set_today(day, MANAGER)
                db.session.commit()
                return
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
                db.session.rollback()
            finally:
                db.session.remove()
        time.sleep(0.1)
    raise AssertionError("the clock could not be moved")


def settled(app, day):
    """Processed through `day`, and no mail waiting."""
    def check():
        with app.app_context():
            try:
                done = db.session.scalar(select(SchedulerState.processed_through)) == day
                waiting = db.session.scalar(select(func.count(OutgoingMail.id))
                                            .where(OutgoingMail.sent_at.is_(None)))
                queued = db.session.scalar(select(func.count(Notification.id))
                                           .where(Notification.emailed_at.is_(None)))
                return done and waiting == 0 and queued == 0
            finally:
                db.session.remove()
    return check


def counts(app):
    with app.app_context():
        try:
            reminders = db.session.scalars(select(Notification.key)
                                           .where(Notification.kind == "herinnering")).all()
            mails = db.session.scalar(select(func.count(OutgoingMail.id)))
            return reminders, mails
        finally:
            db.session.remove()


def test_two_schedulers_send_each_reminder_once(campaign, smtp_server):
    app, env = campaign
    move_clock(app, date(2023, 10, 18))
    first, second = start(env), start(env)
    try:
        # both are up before the test goes on: one leads, the other stands by (on a busy machine
        # the second may take seconds to start, and the first alone would settle both days)
        wait_for(lambda: "actief" in said(first) + said(second)
                 and "stand-by" in said(first) + said(second), what="a scheduler standing by")
        wait_for(settled(app, date(2023, 10, 18)))
        move_clock(app, date(2023, 10, 19))
        wait_for(settled(app, date(2023, 10, 19)))
    finally:
        errors = stop(first) + stop(second)
    reminders, mails = counts(app)
    # 18 October: deadlines 20 and 22 October are 2 and 4 days away (offsets 3 and 14), 31
    # October and 3 November 13 and 16 days (14, and none yet); 19 October: 22 October is now 3
    # days away (offset 3); the others stay within offsets already sent
    assert sorted(k.split(":")[-1] for k in reminders) == ["14", "14", "3", "3"]
    assert len(reminders) == len(set(reminders))
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == len(set(ids)) == mails > 0
    assert "stand-by" in errors  # one of the two stood by
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert any(s.startswith("Herinnering: Aanbod beantwoorden uiterlijk 20-10-2023") for s in subjects)
    body = next(m for m in smtp_server.messages if "20-10-2023" in m["Subject"]).get_content()
    assert "/zorgaanbieder/aanbiedingen/" in body


def test_a_restart_mid_campaign_duplicates_nothing(campaign, smtp_server):
    app, env = campaign
    move_clock(app, date(2023, 10, 18))
    process = start(env)
    try:
        wait_for(settled(app, date(2023, 10, 18)))
    finally:
        stop(process, signal.SIGKILL)  # no goodbye: the lease or lock is simply left behind
    before = counts(app), len(smtp_server.messages)
    process = start(env)
    try:
        wait_for(settled(app, date(2023, 10, 18)), timeout=90)  # after the lease ran out, if any
        time.sleep(1.0)  # several ticks of the new process
    finally:
        stop(process)
    assert (counts(app), len(smtp_server.messages)) == before


def test_catch_up_after_weeks_of_downtime_in_order_and_says_how_late(campaign, smtp_server):
    app, env = campaign
    move_clock(app, date(2023, 10, 10))
    process = start(env)
    try:
        wait_for(settled(app, date(2023, 10, 10)))
    finally:
        stop(process)
    move_clock(app, date(2023, 11, 10))  # three weeks and more without a scheduler
    process = start(env)
    try:
        wait_for(settled(app, date(2023, 11, 10)))
    finally:
        stop(process)
    with app.app_context():
        statuses = db.session.scalars(select(Offer.status)).all()
        digests = db.session.scalars(select(Notification).where(Notification.key.startswith("verlopen:"))
                                     .order_by(Notification.key)).all()
        assert statuses == ["verlopen"] * 4
        # one digest per day the offers expired on, each saying how late it comes
        assert [d.key for d in digests] == ["verlopen:2023-10-21", "verlopen:2023-10-23",
                                            "verlopen:2023-11-01", "verlopen:2023-11-04"]
        late = (date(2023, 11, 10) - date(2023, 10, 21)).days
        assert f"{late} dagen te laat" in digests[0].body
        db.session.remove()
    assert sum("verlopen" in m["Subject"] for m in smtp_server.messages) >= 4
