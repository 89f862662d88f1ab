"""One clock: every business timestamp a user reads (documents, negotiation rounds, the audit
log, batches, the inbox, the outbox) is on the simulated clock, so a replayed 2023 campaign reads
as 2023 everywhere; the wall clock is kept only where operators and the security checks need it.

DESIGN.md: "One clock: every business date (issued, answered, created, sent, audited) is on the
simulated clock; real time appears only in technical logs."
"""
from datetime import date, datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from portal.models.documents import AMSTERDAM

from portal.models import (AuditEntry, DocumentVersion, IssueBatch, NegotiationRound, Notification,
                           OutgoingMail)
from portal.operations import audit, clock
from portal.operations.audit import Actor
from portal.operations.batches import request_batch, run_batch
from portal.operations.mail import queue_mail
from portal.operations.offers import acceptance_of, issue_offer, transition

MANAGER = Actor("manager@vgz.nl", "contract_manager")
#: A simulated day far from the machine's own date, so a wall-clock timestamp cannot pass for it.
DAY = date(2023, 9, 20)


def _day(moment: datetime) -> date:
    """The day a page shows for a stored moment: its date in Amsterdam (SQLite hands back
    naive UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(AMSTERDAM).date()


@pytest.mark.parametrize("wall", ["2026-12-05T22:30:00+00:00", "2026-07-01T22:30:00+00:00",
                                  "2026-07-01T00:30:00+00:00", "2026-12-05T12:00:00+00:00"])
def test_a_moment_late_in_the_evening_stays_on_the_simulated_day(session, wall):
    """22:30 UTC is 23:30 or 00:30 in Amsterdam: the moment is the simulated day at Amsterdam's
    time of day, so a page (which reads it in Amsterdam) shows the simulated day, never the next."""
    clock.set_today(date(2023, 8, 24), MANAGER)
    session.commit()
    with time_machine.travel(datetime.fromisoformat(wall), tick=False):
        assert _day(clock.now()) == date(2023, 8, 24)
        audit.record(MANAGER, "offer", 1, "note", None, None, "laat op de avond")
        session.commit()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "note")).one()
    assert _day(entry.at) == date(2023, 8, 24)


#: The hours when Amsterdam's date is not UTC's: 00:30 in Amsterdam in winter and in summer.
AFTER_MIDNIGHT = ["2026-12-05T23:30:00+00:00", "2026-07-01T22:30:00+00:00"]


@pytest.mark.parametrize("wall", AFTER_MIDNIGHT)
def test_an_offer_made_after_midnight_in_amsterdam_counts_from_the_simulated_day(
        session, make_provider, make_user, wall):
    """Its term, its acceptance (message and receipt) and the managers' digest all count from
    the simulated day, not from the moment's date in UTC (the day before, at that hour)."""
    make_user("contract_manager", email="inkoper@vgz.example")
    with time_machine.travel(datetime.fromisoformat(wall), tick=False):
        clock.set_today(DAY, MANAGER)
        provider = make_provider()
        offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
        # "an offer is to be answered within 6 weeks of" its issue (policy data, `acceptance`)
        assert offer.deadline == date(2023, 11, 1)
        transition(offer.id, "accept", Actor(f"teken@{provider.agb}", "provider_signatory",
                                             provider.id))
        session.commit()
        assert acceptance_of(offer).accepted_on == DAY
        accepted = session.scalars(select(Notification).where(
            Notification.template == "offer.accept")).one()
        assert accepted.params["answered"] == DAY.isoformat()
        assert "op 20-09-2023" in accepted.body
        assert queue_mail() == 0  # the day is not over: its acceptance waits for the digest
        clock.set_today(date(2023, 9, 21), MANAGER)
        session.commit()
        queue_mail()
        digests = session.scalars(select(OutgoingMail.subject).where(
            OutgoingMail.recipient == "inkoper@vgz.example")).all()
        assert digests == ["Dagoverzicht 20-09-2023: 1 bericht"]


def test_an_offers_trail_is_dated_on_the_simulated_day(session, make_provider):
    clock.set_today(DAY, MANAGER)
    provider = make_provider()
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    signatory = Actor(f"signatory@{provider.agb}", "provider_signatory", provider.id)
    transition(offer.id, "accept", signatory)
    session.commit()

    document = session.get(DocumentVersion, offer.document_id)
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "offer",
                                                       AuditEntry.entity_id == offer.id)).all()
    messages = session.scalars(select(Notification)).all()
    assert _day(document.created_at) == DAY
    assert entries and {_day(e.at) for e in entries} == {DAY}
    assert messages and {_day(m.created_at) for m in messages} == {DAY}
    assert _day(offer.issued_at) == _day(offer.answered_at) == DAY


def test_a_negotiation_round_is_dated_on_the_simulated_day(session, make_provider):
    clock.set_today(DAY, MANAGER)
    provider = make_provider()
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    session.add(NegotiationRound(offer_id=offer.id, number=1, party="vgz", author=MANAGER.name,
                                 message="Toelichting"))
    session.commit()
    assert _day(session.scalars(select(NegotiationRound)).one().created_at) == DAY


def test_moving_the_clock_inside_a_transaction_dates_what_follows_on_the_new_day(session, make_provider):
    clock.set_today(DAY, MANAGER)
    audit.record(MANAGER, "provider", 1, "note", None, None)
    session.flush()
    later = date(2023, 11, 12)
    clock.set_today(later, MANAGER)
    audit.record(MANAGER, "provider", 2, "note", None, None)
    session.commit()
    dates = dict(session.execute(select(AuditEntry.entity_id, AuditEntry.at)
                                 .where(AuditEntry.action == "note")).all())
    assert (_day(dates[1]), _day(dates[2])) == (DAY, later)


def test_a_batch_is_requested_and_finished_on_the_simulated_day(session, make_provider):
    clock.set_today(DAY, MANAGER)
    make_provider()
    batch = request_batch("fz_aflopend_aanbod", MANAGER, 2024)
    session.commit()
    run_batch(batch.id)
    batch = session.get(IssueBatch, batch.id)
    assert batch.status == "klaar"
    assert (_day(batch.requested_at), _day(batch.finished_at)) == (DAY, DAY)


def test_the_outbox_is_dated_on_the_simulated_day(session, make_provider, make_user):
    clock.set_today(DAY, MANAGER)
    provider = make_provider()
    make_user("provider_signatory", provider)
    issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    session.commit()
    assert queue_mail() >= 1
    mails = session.scalars(select(OutgoingMail)).all()
    assert mails and {_day(m.created_at) for m in mails} == {DAY}


def test_sign_ins_keep_the_wall_clock(session, make_provider):
    """An admin reads sign-ins beside the server's logs: real time, not the simulated date."""
    clock.set_today(DAY, MANAGER)
    entry = audit.record(MANAGER, "user", 1, "login", None, None)
    session.commit()
    assert _day(entry.at) == datetime.now(AMSTERDAM).date() != DAY
