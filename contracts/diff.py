"""What changed between two years' policies, computed cell by cell from the data."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .policy import Policy, Rule, SizeBand, cells

#: The fields of a rule that make up a decision; a change in any of them is a policy change.
FIELDS = ("route", "document", "negotiable", "channel", "final_channel", "milestone", "based_on",
          "criteria", "requires", "extended", "exclusion_grounds")


@dataclass(frozen=True)
class Change:
    """One field of one cell that differs between two policies."""

    provider_type: str
    contract: str
    relation: str
    size_rank: str | None
    field: str
    before: Any
    after: Any
    subject: str | None
    rule_before: str | None
    rule_after: str | None

    def as_json(self) -> dict:
        return dict(self.__dict__)


def _value(rule: Rule | None, field: str, policy: Policy) -> Any:
    """The field of a rule as plain JSON; no rule reads as route `geen` with nothing else."""
    if rule is None:
        return {"route": "geen", "extended": False}.get(field, [] if field in (
            "based_on", "criteria", "requires", "exclusion_grounds") else None)
    value = getattr(rule, field)
    if field == "milestone" and value is not None:
        # Milestones move with the calendar year; compare what they are, not their dates.
        milestone = policy.milestones[value]
        return f"{milestone.when()[:-5] if milestone.date else milestone.when()}: {milestone.action}"
    if isinstance(value, tuple):
        return [str(v) for v in value]
    return str(value) if value is not None and not isinstance(value, bool) else value


def _subject(rule: Rule | None, field: str) -> str | None:
    if rule is None or rule.subject is None:
        return None
    if isinstance(rule.subject, str):
        return rule.subject
    return rule.subject.get(field)


def _bands(before: Policy, after: Policy, cell) -> list[SizeBand]:
    """The size bands that either policy distinguishes for a cell, cut at every boundary."""
    starts = {1}
    for policy in (before, after):
        for band in policy.size_bands(*cell):
            starts.add(band.min or 1)
            if band.max is not None:
                starts.add(band.max + 1)
    ordered = sorted(starts)
    if len(ordered) == 1:
        return [SizeBand()]
    return [SizeBand(low, ordered[i + 1] - 1 if i + 1 < len(ordered) else None)
            for i, low in enumerate(ordered)]


def diff(before: Policy, after: Policy) -> list[Change]:
    """Every field that differs, per provider type x contract x relation (x size band)."""
    changes = []
    for cell in cells():
        for band in _bands(before, after, cell):
            rank = band.min
            old = before.rule_for(*cell, rank)
            new = after.rule_for(*cell, rank)
            for field in FIELDS:
                was, now = _value(old, field, before), _value(new, field, after)
                if was != now:
                    changes.append(Change(
                        provider_type=str(cell[0]), contract=str(cell[1]), relation=str(cell[2]),
                        size_rank=band.label(), field=field, before=was, after=now,
                        subject=_subject(old, field) or _subject(new, field),
                        rule_before=old.id if old else None, rule_after=new.id if new else None))
    return changes


def by_subject(changes: list[Change]) -> dict[str | None, list[Change]]:
    """Changes grouped by their Bijlage 1 subject, in order of first appearance."""
    grouped: dict[str | None, list[Change]] = {}
    for change in changes:
        grouped.setdefault(change.subject, []).append(change)
    return grouped
