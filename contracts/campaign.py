"""Which contract year the portal works for on a day: the one function everyone asks.

The policy files give each contract year a procurement calendar that runs in the year before
(`calendar_year`: 2023 for contract year 2024). On a day, the portal, the API, the scheduler and
the demo all work for the same year, answered here from the data alone:

- while a campaign runs (the day's year is a policy's calendar year), that policy: on
  20-09-2023 the 2024 campaign, on 01-05-2022 the 2023 one;
- after the last campaign in the data, the contract year that is running: on 01-01-2024 (no
  2025 policy) contract year 2024;
- before the first, the first campaign: the register is loaded ahead of it.

A campaign opens on the first dated milestone of its planning (`opening_day`): 01-05-2023 for
2024. A portal whose date nobody set stands where the latest campaign in the data opens.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .errors import CaseError
from .policy import Policy, available_years, calendar_policy, load_policy


def campaign_policy(day: date) -> Policy | None:
    """The policy whose procurement calendar runs in the day's year (2024's in 2023), if any."""
    return calendar_policy(day.year)


def policy_in_force(day: date) -> Policy:
    """The policy of the contract year the portal works for on `day` (see the module's note)."""
    campaign = campaign_policy(day)
    if campaign is not None:
        return campaign
    years = available_years()
    begun = [year for year in years if year <= day.year]
    return load_policy(begun[-1] if begun else years[0])


def year_in_force(day: date) -> int:
    """The contract year of policy_in_force(day)."""
    return policy_in_force(day).year


def published_policy(day: date) -> Policy | None:
    """The policy whose contracted providers the zorgzoeker shows on `day`, once its
    `publicatie_zorgzoeker` milestone has come: the campaign of the day's year, or, in a contract
    year without a campaign of its own in the data, that contract year's policy."""
    policy = campaign_policy(day)
    if policy is None and day.year in available_years():
        policy = load_policy(day.year)
    milestone = policy.milestones.get("publicatie_zorgzoeker") if policy else None
    if milestone is None or milestone.date is None or milestone.date > day:
        return None
    return policy


def latest_policy() -> Policy:
    """The policy of the last contract year in the data."""
    return load_policy(available_years()[-1])


def opening_day(policy: Policy) -> date:
    """The day the policy's campaign opens: the date of the first dated milestone of its
    planning (the first of its calendar year if none is dated)."""
    dated = [m.date for m in policy.milestones.values() if m.date is not None]
    return min(dated) if dated else date(policy.calendar_year, 1, 1)


#: A comparison of the policy lab replays at most this many days.
MAX_REPLAY_DAYS = 3 * 366


@dataclass(frozen=True)
class Window:
    """The days a replay of a campaign covers (the policy lab's comparisons)."""

    start: date
    end: date

    @classmethod
    def default(cls, policy: Policy) -> "Window":
        """From the day the campaign opens (the first dated milestone: 01-05-2023 for 2024) to
        31 January of the contract year, when every answer term has run out."""
        return cls(opening_day(policy), date(policy.year, 1, 31))

    @classmethod
    def checked(cls, policy: Policy, start: date | None, end: date | None) -> "Window":
        """The days asked for, the default's where not given; CaseError naming the field when
        the last day lies before the first or the window is longer than MAX_REPLAY_DAYS."""
        default = cls.default(policy)
        window = cls(start or default.start, end or default.end)
        if window.end < window.start:
            raise CaseError("to", f"{window.end} ligt voor {window.start}")
        if window.days > MAX_REPLAY_DAYS:
            raise CaseError("to", "ten hoogste drie jaar per vergelijking")
        return window

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1
