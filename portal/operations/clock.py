"""The simulation date: the day the portal believes it is (a setting, not the wall clock)."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select

from contracts.campaign import latest_policy, opening_day

from ..extensions import db
from ..models import SimulationClock
from ..models.documents import forget_simulated_today, on_simulated_day
from . import audit
from .audit import Actor

#: Where a portal whose date nobody set stands: the day the latest campaign in the policy data
#: opens (its first milestone; the demo sets its own start when it loads the register).
START = opening_day(latest_policy())


def today_column():
    """The simulated date as a scalar subquery (NULL until someone sets it), so a query that
    reads something else can read the date in the same round trip."""
    return select(SimulationClock.today).where(SimulationClock.id == 1).scalar_subquery()


def today() -> date:
    """The simulated date (START until someone sets it)."""
    return db.session.scalar(select(SimulationClock.today).where(SimulationClock.id == 1)) or START


def now() -> datetime:
    """The simulated moment: the simulated date at the wall clock's time of day in Amsterdam,
    as UTC (`portal.models.documents.on_simulated_day`).

    Offers, answers and documents carry the simulated date, so a replayed 2023 campaign reads as
    2023 on every page.
    """
    return on_simulated_day(today())


def set_today(day: date, actor: Actor, reason: str = "", *, record: bool = True) -> date:
    """Move the simulated date (forwards or back); audited (a simulation records only its last
    move, with `record=False` for the days in between)."""
    clock = db.session.scalar(select(SimulationClock).where(SimulationClock.id == 1).with_for_update())
    before = clock.today if clock else None
    if clock is None:
        clock = SimulationClock(id=1, today=day)
        db.session.add(clock)
    clock.today, clock.updated_at = day, datetime.now(timezone.utc)  # when, for operators
    db.session.flush()  # the new date first, then what is dated by it (the audit entry included)
    forget_simulated_today(db.session.connection())
    if record:
        audit.record(actor, "simulation_clock", 1, "set", before.isoformat() if before else None,
                     day.isoformat(), reason)
    db.session.flush()
    return day
