"""Helpers of the scheduler's tests: move the simulated date and scan, as the scheduler does."""
from datetime import date, timedelta

import pytest

from portal.extensions import db
from portal.models import Offer
from portal.operations import clock
from portal.operations.audit import Actor
from portal.operations.offers import issue_offer

MANAGER = Actor("manager@vgz.example", "contract_manager")


@pytest.fixture
def scan_on(session):
    """scan_on(day): the scheduler's scan with the simulated date set to `day`."""
    from scheduler.jobs import scan

    def run(day: date, **options):
        clock.set_today(day, MANAGER, record=False)
        db.session.commit()
        return scan(**options)

    return run


@pytest.fixture
def scan_daily(scan_on):
    """scan_daily(first, last): one scan a day, as a running scheduler does; the summed Summary."""
    from scheduler.jobs import Summary

    def run(first: date, last: date, **options):
        total = Summary()
        for n in range((last - first).days + 1):
            total.add(scan_on(first + timedelta(days=n), **options))
        return total

    return run


@pytest.fixture
def offer_due(session, make_provider):
    """offer_due(deadline, **provider fields): an issued offer with that acceptance deadline."""

    def make(deadline: date, issued: date | None = None, **fields) -> Offer:
        provider = make_provider(**fields)
        clock.set_today(issued or deadline - timedelta(days=30), MANAGER, record=False)
        offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=deadline)
        db.session.commit()
        return offer

    return make


@pytest.fixture(scope="module")
def own_database(database_url, tmp_path_factory):
    """A database of this module's own, migrated, for tests whose processes must see committed
    data: a SQLite file, or on PostgreSQL a database `test_scheduler` next to the test one."""
    from sqlalchemy import create_engine, text

    from portal.config import normalise_database_url

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('scheduler') / 'portal.sqlite'}"
    else:
        base, _, _name = database_url.rpartition("/")
        url = f"{base}/test_scheduler"
        admin = create_engine(normalise_database_url(database_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS test_scheduler WITH (FORCE)"))
            connection.execute(text("CREATE DATABASE test_scheduler"))
        admin.dispose()
    migrate(url)
    return url


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
