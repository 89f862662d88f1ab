"""The deadline calendar ("Planning zorginkoop") as data, and calendar-month arithmetic."""
from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .formatting import nl_date
from .vocabulary import Channel, Contract, Party, ProviderType, Relation, dutch


class MilestoneKind(StrEnum):
    """How the seed words the date: "Uiterlijk", "Vanaf", "Continue proces", "1 maand na"."""

    UITERLIJK = "uiterlijk"
    VANAF = "vanaf"
    CONTINU = "continu"
    RELATIEF = "relatief"


@dataclass(frozen=True)
class Milestone:
    """One line of the planning: what is done, by whom, through which channel, for whom, by when."""

    id: str
    kind: MilestoneKind
    date: date | None
    action: str
    who: Party
    via: Channel
    contract: Contract | None
    provider_types: tuple[ProviderType, ...]
    relations: tuple[Relation, ...]
    months_after_application: int | None = None
    size_rank_min: int | None = None
    size_rank_max: int | None = None
    seed: tuple[str, ...] = ()
    reading: str | None = None
    #: For an offer that starts a negotiation: the milestone by which it must be agreed.
    agreement_by: str | None = None
    #: For a "Bekendmaken ..." line: the milestone whose offers it announces, and the group it
    #: names in the seed's words ("reeds gecontracteerde, grootste zorgaanbieders").
    announces: str | None = None
    group: str | None = None

    def due(self, application_received: date | None = None) -> date | None:
        """The date this milestone falls on; a relative one needs the date the application came in."""
        if self.kind is MilestoneKind.RELATIEF:
            if application_received is None:
                return None
            return add_months(application_received, self.months_after_application)
        return self.date

    def when(self) -> str:
        """The date as the seed words it, in Dutch."""
        if self.kind is MilestoneKind.CONTINU:
            return "Continu proces"
        if self.kind is MilestoneKind.RELATIEF:
            months = self.months_after_application
            return f"Uiterlijk {months} maand{'en' if months != 1 else ''} na ontvangen aanvraag"
        prefix = "Vanaf" if self.kind is MilestoneKind.VANAF else "Uiterlijk"
        return f"{prefix} {nl_date(self.date)}"

    def as_json(self) -> dict:
        """The milestone in the API's and CLI's JSON form (ISO dates, slugs)."""
        return {
            "id": self.id,
            "date": self.date.isoformat() if self.date else None,
            "kind": str(self.kind),
            "months_after_application": self.months_after_application,
            "action": self.action,
            "who": str(self.who),
            "via": str(self.via),
            "provider_types": [str(t) for t in self.provider_types],
            "contract": str(self.contract) if self.contract else None,
            "relations": [str(r) for r in self.relations],
            "seed": list(self.seed),
        }

    def describe(self) -> str:
        """One line for humans: who does what via which channel."""
        return f"{self.action} — {dutch(self.who)} via {dutch(self.via)}"


@dataclass(frozen=True)
class AcceptancePeriod:
    """How long a provider has to answer an offer (the seed sets no term: see `reading`)."""

    weeks: int
    min_days: int
    latest: date
    seed: tuple[str, ...]
    reading: str | None = None

    def deadline(self, issued: date, agreement_by: date | None = None) -> date:
        """The acceptance deadline of an offer issued on `issued`.

        `weeks` after issue, but no later than `latest` (the day before the contracted providers
        are published); an offer that opens a negotiation runs until the date the planning sets
        for agreement. Never fewer than `min_days` days, however late the offer comes.
        """
        if agreement_by is not None:
            due = agreement_by
        else:
            due = min(issued + timedelta(weeks=self.weeks), self.latest)
        return max(due, issued + timedelta(days=self.min_days))


def add_months(day: date, months: int) -> date:
    """`day` plus whole calendar months, clamped to the end of the month (31 Jan + 1 = 28/29 Feb).

    The seed's "uiterlijk 1 maand na ontvangen aanvraag" counts calendar months, and a month
    that has no such day ends on its last day.
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def sort_key(milestone: Milestone) -> tuple:
    """Dated milestones in date order, then continuous and relative ones."""
    return (milestone.date is None, milestone.date or date.max, milestone.id)
