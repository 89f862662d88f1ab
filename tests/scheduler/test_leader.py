"""One scheduler leads, a second stands by: an advisory lock on PostgreSQL, a lease on SQLite."""
from datetime import datetime, timedelta, timezone

import pytest

from portal.database import make_engine
from scheduler.leader import Leadership

pytestmark = pytest.mark.db


@pytest.fixture
def engine(own_database):
    engine = make_engine(own_database)
    yield engine
    engine.dispose()


def test_a_second_scheduler_stands_by_while_the_first_leads(engine):
    first, second = Leadership(engine, holder="host-a:1"), Leadership(engine, holder="host-b:2")
    try:
        assert first.acquire() is True
        assert second.acquire() is False
        assert first.renew() is True and second.renew() is False
        first.release()
        assert second.acquire() is True
        assert first.acquire() is False
    finally:
        first.release()
        second.release()


def test_a_lease_that_expires_is_taken_over_and_the_old_leader_knows(engine, monkeypatch):
    import time_machine
    monkeypatch.setattr(Leadership, "advisory", property(lambda self: False))  # the SQLite way
    first = Leadership(engine, holder="host-a:1", lease_seconds=30)
    second = Leadership(engine, holder="host-b:2", lease_seconds=30)
    try:
        assert first.acquire()
        with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=10)):
            assert not second.acquire()  # still valid
        with time_machine.travel(datetime.now(timezone.utc) + timedelta(seconds=45)):
            assert second.acquire()      # the leader stopped renewing: taken over
            assert first.renew() is False
    finally:
        first.release()
        second.release()


def test_a_leader_that_dies_frees_its_advisory_lock_at_once(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's; SQLite uses the lease (test above)")
    first, second = Leadership(engine, holder="host-a:1"), Leadership(engine, holder="host-b:2")
    try:
        assert first.acquire()
        first._connection.invalidate()  # the process is gone: its connection closes
        assert second.acquire()
        assert first.renew() is False
    finally:
        second.release()
