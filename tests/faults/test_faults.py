"""Machines that fail: a bulk issue killed halfway, a database that cannot be reached, a disk that
is full while a document is stored. Each leaves nothing half-done behind."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.extensions import db
from portal.models import DocumentVersion, IssueBatch, Offer

pytestmark = pytest.mark.db
PORTAL = Path(sys.executable).with_name("portal")


@pytest.fixture
def register(own_database):
    """The own database with a demo register, emptied afterwards."""
    from demo import load_demo
    app = create_app({"SQLALCHEMY_DATABASE_URI": own_database})
    with app.app_context():
        load_demo(providers=600)
        db.session.commit()
    yield app, {**os.environ, "DATABASE_URL": own_database}
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


def batch_state(app):
    with app.app_context():
        try:
            return db.session.execute(select(IssueBatch.status, IssueBatch.done, IssueBatch.total)
                                      .where(IssueBatch.key == "2024:fz_aflopend_aanbod")).first()
        finally:
            db.session.remove()


def test_a_bulk_issue_killed_halfway_and_run_again_leaves_no_duplicate_and_no_offer_without_document(
        register):
    app, env = register
    with app.app_context():
        from portal.operations.audit import Actor
        from portal.operations.batches import plan, request_batch
        planned = len(plan("fz_aflopend_aanbod", 2024).offers)
        request_batch("fz_aflopend_aanbod", Actor("manager@vgz.example", "contract_manager"), 2024)
        db.session.commit()
        db.session.remove()
    assert planned > 100
    worker = subprocess.Popen([str(PORTAL), "worker", "--once"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = batch_state(app)
        if state and state.done and 0 < state.done < state.total:
            break
        time.sleep(0.05)
    worker.send_signal(signal.SIGKILL)  # halfway: no chance to clean up
    worker.wait(timeout=30)
    killed_at = batch_state(app)
    assert killed_at.status == "bezig" and killed_at.done < killed_at.total

    # A killed worker leaves its batch claimed (`bezig`) and stops beating: once its heartbeat
    # is older than BATCH_STALE_SECONDS the next worker takes the batch up again by itself.
    env = {**env, "BATCH_STALE_SECONDS": "1"}
    time.sleep(1.2)
    rerun = subprocess.run([str(PORTAL), "worker", "--once"], env=env, capture_output=True,
                           text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with app.app_context():
        offers = db.session.scalar(select(func.count(Offer.id)).where(Offer.contract == "farmaceutische_zorg"))
        distinct = db.session.scalar(select(func.count(func.distinct(Offer.provider_id)))
                                     .where(Offer.contract == "farmaceutische_zorg"))
        without = db.session.scalar(select(func.count(Offer.id)).where(Offer.document_id.is_(None)))
        dangling = db.session.scalar(select(func.count(Offer.id)).outerjoin(
            DocumentVersion, DocumentVersion.id == Offer.document_id).where(DocumentVersion.id.is_(None)))
        assert offers == distinct == planned
        assert without == dangling == 0
        assert batch_state(app).status == "klaar"
        db.session.remove()


def test_a_database_that_cannot_be_reached_gives_a_clean_503():
    # nothing listens on port 9 of the loopback: every connection is refused
    app = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql://postgres@127.0.0.1:9/nowhere",
                      "TESTING": False})
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    page = client.get("/zorgzoeker")
    assert page.status_code == 503
    html = page.get_data(as_text=True)
    assert "Even niet beschikbaar" in html and "Traceback" not in html and "psycopg" not in html
    api = client.post("/api/v1/tokens", json={"email": "a@b.example", "password": "x"})
    assert api.status_code == 503 and api.is_json


def test_a_full_disk_while_storing_a_document_leaves_no_half_written_version(tmp_path):
    """SQLite's page limit plays the full disk: the write fails with "database or disk is full"."""
    from flask_migrate import upgrade

    from portal.operations.documents import issue_document
    url = f"sqlite:///{tmp_path / 'full.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    from tests.portal.test_documents import FACTS as facts
    with app.app_context():
        upgrade()
        pages = db.session.execute(text("PRAGMA page_count")).scalar()
        db.session.commit()
        # this transaction's connection may not grow the file any further
        db.session.execute(text(f"PRAGMA max_page_count = {pages + 2}"))
        with pytest.raises(OperationalError) as failed:
            try:
                issue_document("farmaceutische_zorg", facts, author="test")
                db.session.commit()
            except OperationalError:
                db.session.rollback()
                raise
        # SQLite rolls the whole transaction back on a full disk (so the savepoint is gone too)
        chain = f"{failed.value} {failed.value.__context__}"
        assert "database or disk is full" in chain
        db.engine.dispose()  # space again: fresh connections have no page limit
        assert db.session.scalar(select(func.count(DocumentVersion.id))) == 0
        version = issue_document("farmaceutische_zorg", facts, author="test")
        db.session.commit()
        assert db.session.scalar(select(func.count(DocumentVersion.id))) == 1 and version.intact
        db.engine.dispose()
