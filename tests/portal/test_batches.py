"""Bulk issue per milestone: the engine proposes, exclusions are listed with their ground, and a
batch run twice issues nothing twice."""
from datetime import date

from sqlalchemy import func, select

from portal.models import IssueBatch, Offer, ProfileScore
from portal.operations.audit import Actor
from portal.operations.batches import plan, request_batch, run_batch

MANAGER = Actor("manager@vgz.nl", "contract_manager")
ENDING = (("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),)
RUNNING = (("farmaceutische_zorg", date(2023, 1, 1), date(2024, 12, 31)),)


def test_the_plan_selects_what_the_milestone_names(session, make_provider):
    ending, running = make_provider(contracts=ENDING), make_provider(contracts=RUNNING)
    excluded = make_provider(contracts=ENDING, riz_contra_indication=True)
    make_provider(contracts=ENDING, provider_type="facilitair_bedrijf")
    result = plan("fz_aflopend_aanbod", 2024)
    assert [(p.id, c) for p, c, _ in result.offers] == [(ending.id, "farmaceutische_zorg")]
    assert [(p.id, d.exclusion) for p, _, d in result.excluded] == [(excluded.id, "minimumeis")]
    assert [p.id for p, _, _ in plan("module_doorlopend_aanbod", 2024).offers] == [running.id]


def test_bijlage_2_exclusion_is_computed_from_the_register(session, make_provider):
    # "3 achtereenvolgende jaren behoren tot de groep met het laagst scorende apotheekprofiel én
    # Een dalende trend vertonen op een van de onderdelen ... én Verbeterafspraken onvoldoende
    # zijn nagekomen": the weak pharmacy is last every year and slides on kwaliteit.
    weak = make_provider(contracts=ENDING, improvement_agreements="niet_nagekomen")
    others = [make_provider(contracts=ENDING) for _ in range(24)]
    for year, kwaliteit in ((2021, 45), (2022, 41), (2023, 5)):
        session.add(ProfileScore(provider_id=weak.id, year=year, kwaliteit=kwaliteit,
                                 klantbeleving=10, kosten=10))
        for n, provider in enumerate(others):
            session.add(ProfileScore(provider_id=provider.id, year=year, kwaliteit=40 + 2 * n,
                                     klantbeleving=90 - n, kosten=90 - n))
    session.flush()
    session.expire_all()
    result = plan("fz_aflopend_aanbod", 2024)
    assert [(p.id, d.exclusion) for p, _, d in result.excluded] == [(weak.id, "uitsluitingsgrond")]
    assert len(result.offers) == 24


def test_a_batch_runs_once_and_again_issues_nothing_twice(session, make_provider):
    providers = [make_provider(contracts=ENDING) for _ in range(3)]
    batch = request_batch("fz_aflopend_aanbod", MANAGER, 2024)
    assert request_batch("fz_aflopend_aanbod", MANAGER, 2024).id == batch.id
    done = run_batch(batch.id)
    assert (done.status, done.total, done.done) == ("klaar", 3, 3)
    assert session.scalar(select(func.count()).select_from(Offer)) == 3
    again = run_batch(request_batch("fz_aflopend_aanbod", MANAGER, 2024).id)
    assert (again.status, again.total, again.done) == ("klaar", 3, 3)
    assert session.scalar(select(func.count()).select_from(Offer)) == 3
    assert session.scalar(select(func.count()).select_from(IssueBatch)) == 1
    assert {o.provider_id for o in session.scalars(select(Offer))} == {p.id for p in providers}


def test_a_running_batch_is_left_alone_and_one_whose_worker_died_is_taken_up(session, app,
                                                                             monkeypatch):
    from datetime import datetime, timedelta, timezone

    from portal.operations.batches import claim, next_waiting
    monkeypatch.setitem(app.config, "BATCH_STALE_SECONDS", 300)
    batch = request_batch("fz_aflopend_aanbod", Actor("manager@vgz.example", "contract_manager"), 2024)
    session.commit()
    assert claim(batch.id) is True  # this worker runs it and beats
    session.refresh(batch)
    assert batch.status == "bezig" and batch.heartbeat_at is not None
    assert next_waiting() is None and claim(batch.id) is False  # a second worker keeps off
    batch.heartbeat_at = datetime.now(timezone.utc) - timedelta(seconds=301)  # no sign of life
    session.commit()
    assert next_waiting().id == batch.id
    assert claim(batch.id) is True and claim(batch.id) is False  # taken up again, by one


def test_waiting_batches_run_oldest_first_and_once(session, make_provider):
    # the worker (`portal worker`) and the scheduler's scan both run them through run_waiting
    from portal.operations.batches import run_waiting
    make_provider(contracts=ENDING)
    make_provider(contracts=RUNNING)
    first = request_batch("fz_aflopend_aanbod", MANAGER, 2024)
    second = request_batch("module_doorlopend_aanbod", MANAGER, 2024)
    session.commit()
    lines = []
    assert run_waiting(lines.append) == (2, 0)
    assert lines == [f"batch {first.id} 2024:fz_aflopend_aanbod: klaar, 1/1 (0 uitgesloten)",
                     f"batch {second.id} 2024:module_doorlopend_aanbod: klaar, 1/1 (0 uitgesloten)"]
    assert run_waiting(lines.append) == (0, 0) and len(lines) == 2
