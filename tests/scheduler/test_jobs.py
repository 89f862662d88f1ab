"""The scheduler's scan: milestones issued once, reminders at their offsets once, expiry and
escalation of what was missed (saying how late after downtime), publication, in any week."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from contracts.policy import load_policy
from portal.extensions import db
from portal.models import Application, IssueBatch, Notification, Offer, Provider
from portal.models.documents import day_of
from portal.operations.audit import Actor
from portal.operations.offers import transition

pytestmark = pytest.mark.db


def messages(prefix: str) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.key.startswith(prefix))
                                   .order_by(Notification.id)))


def signatory(offer: Offer) -> Actor:
    return Actor("tekenbevoegde@apotheek.example", "provider_signatory", offer.provider_id)


# -- milestones ---------------------------------------------------------------------------------

def test_a_milestone_issues_its_batch_on_its_date_and_once(make_provider, scan_on):
    # "Uiterlijk 15 september 2023 Aanbieden overeenkomst (op basis van apotheekprofiel) VGZ VECOZO"
    provider = make_provider()
    due = load_policy(2024).milestones["fz_aflopend_aanbod"].date
    scan_on(due - timedelta(days=1))
    assert db.session.scalar(select(func.count(Offer.id)).where(Offer.provider_id == provider.id)) == 0

    first = scan_on(due)
    offer = db.session.scalar(select(Offer).where(Offer.provider_id == provider.id,
                                                  Offer.contract == "farmaceutische_zorg"))
    assert offer is not None and offer.status == "aangeboden" and first.offers_issued >= 1
    # the acceptance term of the policy data (README `acceptance`): six weeks after issue
    assert offer.deadline == due + timedelta(weeks=6)
    batch = db.session.scalar(select(IssueBatch).where(IssueBatch.key == "2024:fz_aflopend_aanbod"))
    assert batch.status == "klaar" and batch.requested_by == "scheduler"
    assert messages(f"offer:{offer.id}:issue")[0].provider_id == provider.id

    again = scan_on(due)
    later = scan_on(due + timedelta(days=1))
    assert again.offers_issued == later.offers_issued == 0
    assert db.session.scalar(select(func.count(Offer.id)).where(Offer.provider_id == provider.id)) \
        == db.session.scalar(select(func.count(func.distinct(Offer.contract)))
                             .where(Offer.provider_id == provider.id))


def test_a_batch_a_manager_already_ran_is_not_run_again(make_provider, scan_on):
    from portal.operations.batches import request_batch, run_batch
    make_provider()
    batch = request_batch("fz_aflopend_aanbod", Actor("m@vgz.example", "contract_manager"), 2024)
    db.session.commit()
    run_batch(batch.id)
    issued = db.session.scalar(select(func.count(Offer.id)))
    scan_on(date(2023, 9, 15))
    assert db.session.scalar(select(IssueBatch.requested_by).where(
        IssueBatch.key == "2024:fz_aflopend_aanbod")) == "m@vgz.example"
    fz = db.session.scalar(select(func.count(Offer.id)).where(Offer.contract == "farmaceutische_zorg"))
    assert fz == issued


# -- reminders ----------------------------------------------------------------------------------

def test_reminders_go_out_14_3_and_0_days_before_once_each(offer_due, scan_daily):
    deadline = date(2023, 10, 20)
    offer = offer_due(deadline)
    scan_daily(deadline - timedelta(days=20), deadline)
    scan_daily(deadline - timedelta(days=3), deadline)  # a replay sends nothing again
    sent = messages(f"herinnering:offer:{offer.id}:aanbod:")
    assert [m.key.rsplit(":", 1)[1] for m in sent] == ["14", "3", "0"]
    assert all(m.provider_id == offer.provider_id and m.kind == "herinnering" for m in sent)
    assert all("20-10-2023" in m.subject and "20-10-2023" in m.body for m in sent)
    assert [m.body.split("(")[-1] for m in sent] == ["over 14 dagen).", "over 3 dagen).", "vandaag)."]
    assert all(m.link == f"/zorgaanbieder/aanbiedingen/{offer.id}" for m in sent)


def test_reminder_offsets_are_configurable(app, offer_due, scan_daily, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_OFFSETS", "7,1")
    deadline = date(2023, 10, 20)
    offer = offer_due(deadline)
    scan_daily(deadline - timedelta(days=10), deadline)
    assert [m.key.rsplit(":", 1)[1] for m in messages(f"herinnering:offer:{offer.id}:")] == ["7", "1"]


def test_a_reminder_reads_in_the_readers_language_with_the_days_in_the_right_number(
        offer_due, scan_on, client, auth, make_user):
    deadline = date(2023, 10, 20)
    offer = offer_due(deadline)
    scan_on(deadline - timedelta(days=1))  # the 3-day reminder, one day before
    [sent] = messages(f"herinnering:offer:{offer.id}:")
    assert sent.subject == "Herinnering: Aanbod beantwoorden uiterlijk 20-10-2023"
    assert sent.body == ("Aanbod beantwoorden (aanvaarden of afwijzen): Overeenkomst "
                         "Farmaceutische zorg 2024. Dit moet uiterlijk op 20-10-2023 gebeuren "
                         "(over 1 dag).")
    db.session.commit()
    auth.login(make_user("provider_user", offer.provider))
    path = "/zorgaanbieder/berichten"
    client.post("/taal", data={"lang": "en", "next": path, "csrf_token": auth.csrf(path)})
    english = client.get(path).get_data(as_text=True)
    assert "Reminder: Answer the offer by Oct 20, 2023" in english
    # the contract by its name (a proper name, as on every English page)
    assert ("Answer the offer (accept or decline): Overeenkomst Farmaceutische zorg 2024. This "
            "must be done by Oct 20, 2023 (in 1 day).") in english


def test_a_scheduler_back_from_downtime_sends_only_the_reminder_that_still_makes_sense(
        offer_due, scan_on):
    deadline = date(2023, 10, 20)
    offer = offer_due(deadline)
    scan_on(date(2023, 9, 30))
    scan_on(date(2023, 10, 18))  # down for 18 days: the 14-day reminder is stale by now
    sent = messages(f"herinnering:offer:{offer.id}:")
    assert [m.key.rsplit(":", 1)[1] for m in sent] == ["3"]
    assert "over 2 dagen" in sent[0].body


def test_the_party_whose_move_it_is_gets_the_reminder(offer_due, scan_on, make_provider):
    # a counter-proposal waits for the insurer: the managers are reminded, not the provider
    provider = make_provider(provider_type="unieke_leverancier")
    from portal.operations.offers import issue_offer
    from tests.scheduler.conftest import MANAGER
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 10, 20))
    assert offer.negotiable
    transition(offer.id, "counter", signatory(offer), reason="Hoger tarief graag.")
    db.session.commit()
    scan_on(date(2023, 10, 17))
    sent = messages(f"herinnering:offer:{offer.id}:tegenvoorstel:")
    assert len(sent) == 1 and sent[0].provider_id is None
    assert sent[0].link == f"/beheer/aanbiedingen/{offer.id}"


# -- expiry and escalation ----------------------------------------------------------------------

def test_an_unanswered_offer_expires_the_day_after_its_deadline(offer_due, scan_on):
    deadline = date(2023, 10, 20)
    offer = offer_due(deadline)
    assert scan_on(deadline).expired == 0
    assert db.session.get(Offer, offer.id).status == "aangeboden"
    summary = scan_on(deadline + timedelta(days=1))
    assert summary.expired == 1 and db.session.get(Offer, offer.id).status == "verlopen"
    assert messages(f"offer:{offer.id}:expire")[0].provider_id == offer.provider_id
    digest = messages("verlopen:2023-10-21")
    assert len(digest) == 1 and digest[0].provider_id is None and digest[0].kind == "escalatie"
    # each offer by its provider, contract and year, not by an internal number
    assert digest[0].subject == "1 aanbieding verlopen op 21-10-2023"
    assert digest[0].body == ("Deze aanbieding is niet op tijd beantwoord en is verlopen:\n"
                              f"- {offer.provider.name}: Overeenkomst Farmaceutische zorg 2024, "
                              "termijn 20-10-2023")
    assert digest[0].link == "/beheer/aanbiedingen?status=verlopen"
    assert scan_on(deadline + timedelta(days=1)).expired == 0


def test_an_answered_offer_does_not_expire(offer_due, scan_on):
    offer = offer_due(date(2023, 10, 20))
    transition(offer.id, "accept", signatory(offer))
    db.session.commit()
    assert scan_on(date(2023, 10, 25)).expired == 0
    assert db.session.get(Offer, offer.id).status == "geaccepteerd"


def test_catch_up_after_downtime_works_in_order_once_and_says_how_late(offer_due, scan_on):
    first, second = offer_due(date(2023, 10, 20)), offer_due(date(2023, 10, 25))
    scan_on(date(2023, 10, 10))
    summary = scan_on(date(2023, 11, 5))  # the scheduler was down from 11 October
    assert summary.expired == 2
    # each expired on the day after its deadline, in order, each day's digest its own
    late_first = (date(2023, 11, 5) - date(2023, 10, 21)).days
    digest = messages("verlopen:2023-10-21")[0]
    assert first.provider.name in digest.body and second.provider.name not in digest.body
    assert digest.body.endswith(f"Deze melding komt {late_first} dagen te laat: de planner was "
                                "niet actief tussen 21-10-2023 en 05-11-2023.")
    assert second.provider.name in messages("verlopen:2023-10-26")[0].body
    assert scan_on(date(2023, 11, 5)).expired == 0


def test_a_negotiation_past_its_deadline_is_escalated_once_not_expired(make_provider, scan_on):
    from portal.operations.offers import issue_offer
    from tests.scheduler.conftest import MANAGER
    provider = make_provider(provider_type="unieke_leverancier")
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 10, 20))
    transition(offer.id, "counter", signatory(offer), reason="Hoger tarief graag.")
    db.session.commit()
    first = scan_on(date(2023, 10, 21))
    again = scan_on(date(2023, 10, 22))
    assert db.session.get(Offer, offer.id).status == "tegenvoorstel"
    escalation = messages(f"escalatie:offer:{offer.id}:")
    assert len(escalation) == 1 and escalation[0].provider_id is None
    assert "20-10-2023" in escalation[0].body and "de zet is aan VGZ" in escalation[0].body
    assert first.escalations >= 1 and again.escalations == 0 and first.expired == 0


def test_applications_remind_and_escalate_the_managers(session, scan_daily):
    received = date(2023, 9, 1)
    # "Uiterlijk 1 maand na ontvangen aanvraag Reactie op aanvraag VGZ E-mail"
    due = date(2023, 10, 1)
    application = Application(organisation="Apotheek Nieuw", agb="12345678", kvk="87654321",
                              provider_type="openbare_apotheek", city="Ede",
                              contact_email="info@nieuw.example", contracts=["farmaceutische_zorg"],
                              start_date=date(2024, 1, 1), received_on=received, answer_due=due)
    session.add(application)
    session.commit()
    scan_daily(date(2023, 9, 15), date(2023, 10, 3))
    reminders = messages(f"herinnering:application:{application.id}:")
    assert [m.key.rsplit(":", 1)[1] for m in reminders] == ["14", "3", "0"]
    assert all(m.provider_id is None and m.link == f"/beheer/aanvragen/{application.id}"
               for m in reminders)
    escalations = messages(f"escalatie:application:{application.id}:")
    assert len(escalations) == 1 and "01-10-2023" in escalations[0].body


# -- publication --------------------------------------------------------------------------------

def test_the_zorgzoeker_is_published_on_12_november_once(offer_due, scan_on):
    # "Vanaf 12 november 2023 maken wij het reeds gecontracteerde zorgaanbod voor 2024 bekend"
    offer = offer_due(date(2023, 11, 30), issued=date(2023, 11, 1))
    transition(offer.id, "accept", signatory(offer))
    db.session.commit()
    before = scan_on(date(2023, 11, 11))
    assert before.published == 0 and messages("publicatie:") == []
    opened = scan_on(date(2023, 11, 12))
    accepted = db.session.scalar(select(func.count(func.distinct(Offer.provider_id))).where(
        Offer.policy_year == 2024, Offer.status == "geaccepteerd"))
    assert opened.published == accepted >= 1
    scan_on(date(2023, 11, 20))
    assert len(messages("publicatie:2024")) == 1


# -- time ---------------------------------------------------------------------------------------

def test_a_daylight_saving_week_sends_each_reminder_once_and_expires_once(offer_due, scan_daily):
    """Summer time ends in the Netherlands on Sunday 29 October 2023 (03:00 CEST -> 02:00 CET).
    The scan counts simulated calendar dates, and the wall clock runs in UTC, so the week of the
    change neither skips nor doubles anything."""
    import time_machine
    deadline = date(2023, 10, 29)
    offer = offer_due(deadline)
    with time_machine.travel(datetime(2023, 10, 29, 0, 30, tzinfo=timezone.utc), tick=True):
        summary = scan_daily(date(2023, 10, 25), date(2023, 11, 1))
    sent = messages(f"herinnering:offer:{offer.id}:")
    # the first scan, 4 days before, sends the reminder of the 14-day offset ("over 4 dagen")
    assert [m.key.rsplit(":", 1)[1] for m in sent] == ["14", "3", "0"]
    assert "over 4 dagen" in sent[0].body and "vandaag" in sent[2].body
    assert summary.expired >= 1 and db.session.get(Offer, offer.id).status == "verlopen"
    assert len(messages(f"offer:{offer.id}:expire")) == 1


def test_the_interval_trigger_runs_in_utc_through_the_change_of_summer_time():
    import time_machine
    from apscheduler.triggers.interval import IntervalTrigger
    trigger = IntervalTrigger(hours=1, timezone=timezone.utc)
    start = datetime(2023, 10, 28, 23, 0, tzinfo=timezone.utc)  # 01:00 CEST, before the change
    with time_machine.travel(start, tick=False):
        fire, times = None, []
        now = datetime.now(timezone.utc)
        for _ in range(5):
            fire = trigger.get_next_fire_time(fire, now)
            times.append(fire)
            now = fire
    gaps = {(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)}
    assert gaps == {3600.0}


def test_a_scan_twice_on_one_day_does_nothing_the_second_time(offer_due, scan_on):
    offer_due(date(2023, 10, 20))
    scan_on(date(2023, 10, 17))
    assert not scan_on(date(2023, 10, 17)).anything()


def test_inbox_messages_are_dated_on_the_simulated_day(offer_due, scan_on, make_provider):
    # a replayed 2023 campaign must read as 2023 in the inbox, not as the day it was replayed
    deadline = date(2023, 10, 20)
    offer = offer_due(deadline, issued=date(2023, 9, 15))
    issued = messages(f"offer:{offer.id}:issue")
    assert [day_of(m.created_at) for m in issued] == [date(2023, 9, 15)]
    scan_on(date(2023, 10, 6))  # the 14-day reminder
    transition(offer.id, "accept", signatory(offer))
    db.session.commit()
    reminder = messages(f"herinnering:offer:{offer.id}:")
    accepted = messages(f"offer:{offer.id}:accept")
    assert [day_of(m.created_at) for m in reminder] == [date(2023, 10, 6)]
    assert [day_of(m.created_at) for m in accepted] == [date(2023, 10, 6)]


def test_one_insert_of_messages_to_providers_and_managers_stores_each_once(session, make_provider):
    # rows with and without a provider in one call, and a key given twice in it: each key once
    from portal.operations.notifications import notify_many
    provider = make_provider()
    rows = [dict(provider_id=provider.id if n % 2 else None, kind="herinnering",
                 key=f"test-mixed:{n}", subject=f"onderwerp {n}", body="tekst", link=None)
            for n in range(7)]
    assert notify_many(rows + rows[:2]) == 7
    assert notify_many(rows) == 0
    stored = messages("test-mixed:")
    assert [m.key for m in stored] == [f"test-mixed:{n}" for n in range(7)]
    assert [m.provider_id for m in stored] == [provider.id if n % 2 else None for n in range(7)]


def test_the_scan_runs_the_requested_batches_and_counts_their_offers_per_year(make_provider):
    from portal.operations.batches import request_batch
    from scheduler.jobs import run_requested_batches
    make_provider()
    request_batch("fz_aflopend_aanbod", Actor("m@vgz.example", "contract_manager"), 2024)
    db.session.commit()
    done = run_requested_batches()
    assert (done.batches_run, done.offers_issued, done.offers_per_year) == (1, 1, {2024: 1})
    assert done.as_json()["offers_per_year"] == {"2024": 1}


def test_a_scan_that_issued_offers_leaves_one_tally_row_per_count(make_provider, scan_on):
    """The batch's changes of the offer counts (+1 concept, -1 concept, +1 aangeboden per offer)
    are folded, so the dashboard sums one row per count (portal/models/tallies.py)."""
    from portal.models import OfferTally

    make_provider()
    scan_on(load_policy(2024).milestones["fz_aflopend_aanbod"].date)
    cells = db.session.execute(
        select(OfferTally.policy_year, OfferTally.contract, OfferTally.provider_type,
               OfferTally.status, func.count(), func.sum(OfferTally.count))
        .group_by(OfferTally.policy_year, OfferTally.contract, OfferTally.provider_type,
                  OfferTally.status)).all()
    issued = db.session.execute(
        select(Offer.policy_year, Offer.contract, Provider.provider_type, Offer.status,
               func.count()).join(Provider, Provider.id == Offer.provider_id)
        .group_by(Offer.policy_year, Offer.contract, Provider.provider_type, Offer.status)).all()
    assert issued and {cell[:4]: cell[5] for cell in cells} == {row[:4]: row[4] for row in issued}
    assert {cell[4] for cell in cells} == {1}
