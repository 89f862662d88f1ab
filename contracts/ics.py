"""The procurement calendar as an iCalendar file, for a contract manager's agenda."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from icalendar import Calendar, Event

from .calendar import Milestone, MilestoneKind
from .policy import Policy
from .vocabulary import dutch


def calendar_ics(policy: Policy, milestones: list[Milestone], now: datetime | None = None) -> bytes:
    """An iCalendar file with one all-day event per dated milestone.

    Continuous and relative milestones have no date of their own; the calendar's description
    names them so nothing of the planning is silently left out.
    """
    stamp = now or datetime.now(timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//Zorginkoop portal//Planning zorginkoop//NL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Planning zorginkoop {policy.calendar_year}")
    cal.add("x-wr-timezone", "Europe/Amsterdam")
    undated = [f"{m.when()}: {m.describe()}" for m in milestones if m.date is None]
    if undated:
        cal.add("x-wr-caldesc", "Zonder vaste datum: " + "; ".join(undated))
    for m in milestones:
        if m.date is None:
            continue
        event = Event()
        event.add("uid", f"{policy.year}-{m.id}@zorginkoop-portal")
        event.add("dtstamp", stamp)
        event.add("dtstart", m.date)
        event.add("dtend", m.date + timedelta(days=1))
        contract = dutch(m.contract) if m.contract else "alle overeenkomsten"
        prefix = "Vanaf: " if m.kind is MilestoneKind.VANAF else ""
        event.add("summary", f"{prefix}{m.action} ({contract})")
        event.add("description", "\n".join([
            f"Wie: {dutch(m.who)}", f"Via: {dutch(m.via)}", f"Overeenkomst: {contract}",
            f"Zorgaanbieders: {', '.join(dutch(t) for t in m.provider_types)}",
            f"Bron: {' / '.join(m.seed)}"]))
        event.add("categories", [str(m.contract or "alle"), str(m.who)])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
