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


from tests.support.databases import own_database  # noqa: E402,F401
