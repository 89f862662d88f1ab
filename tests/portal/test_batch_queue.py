"""The bulk-issue queue under concurrency, on a database of its own with real connections: when
many workers reach for the same batch at the same instant, one takes it (the claim is one
conditional UPDATE, re-checked by the database after the first writer commits; no row lock is
held while a batch runs, so nothing waits behind a running batch)."""
import threading

import pytest
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import IssueBatch
from portal.operations.audit import Actor
from portal.operations.batches import claim, next_waiting, request_batch
from tests.support.databases import own_database  # noqa: F401  (fixture)

pytestmark = pytest.mark.db


@pytest.fixture
def queue_app(own_database):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": own_database})
    yield app
    with app.app_context():
        db.session.execute(IssueBatch.__table__.delete())
        db.session.commit()
        db.engine.dispose()


def test_eight_workers_reaching_at_once_take_the_batch_once(queue_app):
    with queue_app.app_context():
        batch_id = request_batch("fz_aflopend_aanbod", Actor("m@vgz.example", "contract_manager"),
                                 2024).id
        db.session.commit()
    start, taken = threading.Barrier(8), []

    def worker():
        with queue_app.app_context():
            start.wait()
            taken.append(claim(batch_id))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(taken) == [False] * 7 + [True]
    with queue_app.app_context():
        assert db.session.scalar(select(IssueBatch.status).where(IssueBatch.id == batch_id)) == "bezig"
        assert next_waiting() is None  # running, and alive: no other worker sees it
