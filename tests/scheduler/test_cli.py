"""`portal simulate` and `portal scheduler`: a replayed campaign, the same replay doing nothing
new, bad input in one line with exit 2, and a portal that never starts the scheduler itself."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Notification, Offer, OutgoingMail

PORTAL = Path(sys.executable).with_name("portal")
KEYS = {"offers_issued", "reminders_sent", "escalations", "expired", "accepted", "declined",
        "published", "announced", "offers_per_year"}


def test_create_app_never_starts_the_scheduler(tmp_path):
    probe = ("import sys, threading; from portal import create_app; create_app(); "
             "print(sorted(m for m in sys.modules if m == 'scheduler' or m.startswith('scheduler.') "
             "or m.startswith('apscheduler'))); "
             "print(sorted(t.name for t in threading.enumerate()))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"},
                         cwd=tmp_path).stdout.splitlines()
    assert out == ["[]", "['MainThread']"]


def test_the_scheduler_commands_join_the_portal_cli():
    out = subprocess.run([str(PORTAL), "--help"], capture_output=True, text=True, check=True).stdout
    assert "scheduler" in out and "simulate" in out


@pytest.mark.parametrize("args, field", [
    (["--to", "2023-13-01"], "--to"),
    (["--from", "2023-06-01", "--to", "2023-05-01"], "--from"),
    (["--to", "2023-06-01", "--step", "0d"], "--step"),
    (["--to", "2023-06-01", "--step", "soms"], "--step"),
    (["--to", "2023-06-01", "--accept", "1.5"], "--accept"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, field):
    run = subprocess.run([str(PORTAL), "simulate", *args], capture_output=True, text=True,
                         env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert run.returncode == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and field in run.stderr


@pytest.mark.db
def test_a_replayed_campaign_and_the_same_replay_again(app, session):
    from demo import load_demo
    from scheduler.cli import simulate

    load_demo(providers=120)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(simulate, ["--from", "2023-09-10", "--to", "2023-11-15", "--json"])
    assert first.exit_code == 0, first.output
    counts = json.loads(first.stdout.strip().splitlines()[-1])
    assert set(counts) == KEYS
    offers = db.session.scalar(select(func.count(Offer.id)))
    accepted = db.session.scalar(select(func.count(Offer.id)).where(Offer.status == "geaccepteerd"))
    expired = db.session.scalar(select(func.count(Offer.id)).where(Offer.status == "verlopen"))
    contracted = db.session.scalar(select(func.count(func.distinct(Offer.provider_id)))
                                   .where(Offer.status == "geaccepteerd", Offer.policy_year == 2024))
    assert counts["offers_issued"] == offers > 0
    assert counts["offers_per_year"] == {"2024": offers}
    # the demo's people (providers with an account) answer for themselves: the rest is simulated
    assert 0 < counts["accepted"] <= accepted
    assert counts["expired"] == expired and counts["published"] == contracted > 0
    assert counts["reminders_sent"] == db.session.scalar(
        select(func.count(Notification.id)).where(Notification.kind == "herinnering"))
    # every message went out by mail (the development outbox)
    assert db.session.scalar(select(func.count(OutgoingMail.id)).where(OutgoingMail.sent_at.is_(None))) == 0

    again = runner.invoke(simulate, ["--from", "2023-09-10", "--to", "2023-11-15", "--json"])
    assert json.loads(again.stdout.strip().splitlines()[-1]) == {
        **{key: 0 for key in KEYS}, "offers_per_year": {}, "published": contracted}
    assert db.session.scalar(select(func.count(Offer.id))) == offers
