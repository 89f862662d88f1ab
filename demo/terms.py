"""The terms of the agreements in the demo register, relative to the campaign it is loaded for.

The register stands as on its start date; the campaign in force then
(`contracts.campaign.policy_in_force(start)`) reads each agreement by its end (an agreement that
ends in the calendar year is `aflopend`, one running into the contract year `doorlopend`). With C
that campaign's calendar year (2023 for the 2024 campaign):

- ENDING: a two-year agreement from 1-1-(C-1) to 31-12-C: `aflopend`;
- ENDING_ONE: a one-year agreement of C: `aflopend`;
- RUNNING: an agreement of the last campaign, from 1-1-C to 31-12-(C+1), running into the
  contract year ("Zorgovereenkomst Farmaceutische zorg 2023-2024" for the 2024 campaign):
  `doorlopend`.
"""
from __future__ import annotations

from datetime import date

from contracts.policy import Policy

ENDING, ENDING_ONE, RUNNING = "ending", "ending_one", "running"


def term(name: str, policy: Policy) -> tuple[date, date]:
    """The first and last day of an agreement of kind `name`, for the campaign of `policy`."""
    c = policy.calendar_year
    first = date(c - 1, 1, 1) if name == ENDING else date(c, 1, 1)
    last = date(c + 1, 12, 31) if name == RUNNING else date(c, 12, 31)
    return first, last
