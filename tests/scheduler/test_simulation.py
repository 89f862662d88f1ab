"""The simulated parties (scheduler/simulation.py): a day on which nothing was due, scanned again
as the demo's scheduler does every few seconds, reads no offer; any change of the simulated
parties' open offers is answered on that same day."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from portal.models import Offer
from portal.operations import clock
from portal.operations.offers import issue_offer
from scheduler.simulation import AnswerModel
from tests.support.statements import statements

from .conftest import MANAGER

ISSUED = date(2023, 9, 15)
#: Every simulated provider accepts, five days after the offer was issued.
ACCEPTS = dict(accept=1.0, decline=0.0, negotiate=0.0, min_delay=5, max_delay=5)


def test_a_quiet_day_again_reads_no_offer_and_a_change_that_day_is_answered(session,
                                                                            make_provider):
    clock.set_today(ISSUED, MANAGER, record=False)
    waiting = issue_offer(make_provider(), "farmaceutische_zorg", 2024, MANAGER,
                          deadline=date(2023, 10, 27))
    session.flush()
    model = AnswerModel(**ACCEPTS)
    day = date(2023, 9, 17)  # two days after the offer: its provider answers on the 20th
    assert model.answer(day).accepted == 0
    with statements() as run:
        assert model.answer(day).accepted == 0
    assert len(run) == 1 and "sum(" in run[0].lower()  # the signature, no offer read

    # an offer issued ten days earlier comes in on the same simulated day: its answer is due
    late = issue_offer(make_provider(), "farmaceutische_zorg", 2024, MANAGER,
                       deadline=date(2023, 10, 27))
    late.issued_at = datetime(2023, 9, 5, 9, tzinfo=timezone.utc)
    session.flush()
    assert model.answer(day).accepted == 1
    statuses = dict(session.execute(select(Offer.id, Offer.status)
                                    .where(Offer.id.in_((waiting.id, late.id)))).all())
    assert statuses == {waiting.id: "aangeboden", late.id: "geaccepteerd"}
    # on the provider's own answer day the waiting offer is accepted too
    assert model.answer(date(2023, 9, 20)).accepted == 1
