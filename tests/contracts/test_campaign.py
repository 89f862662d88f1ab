"""Which contract year is in force on a day, from the policy data alone (contracts.campaign)."""
from datetime import date

import pytest

from contracts.campaign import (campaign_policy, latest_policy, opening_day, policy_in_force,
                                published_policy, year_in_force)
from contracts.policy import load_policy


@pytest.mark.parametrize("day, year", [
    (date(2022, 5, 1), 2023),    # the 2023 campaign runs in 2022 (calendar_year 2022)
    (date(2022, 12, 31), 2023),
    (date(2023, 1, 1), 2024),    # the 2024 campaign runs in 2023
    (date(2023, 9, 20), 2024),
    (date(2024, 1, 1), 2024),    # no 2025 policy: the contract year that is running
    (date(2026, 6, 1), 2024),
    (date(2019, 6, 1), 2023),    # before the first campaign: the first (the register ahead of it)
])
def test_the_year_in_force_follows_the_day(day, year):
    assert year_in_force(day) == policy_in_force(day).year == year


def test_a_campaign_runs_only_in_its_calendar_year():
    assert campaign_policy(date(2023, 9, 15)).year == 2024
    assert campaign_policy(date(2022, 9, 15)).year == 2023
    assert campaign_policy(date(2024, 9, 15)) is None


def test_the_zorgzoeker_publishes_from_its_milestone():
    # "Vanaf 12 november 2023 maken wij het reeds gecontracteerde zorgaanbod voor 2024 bekend
    # via onze Zorgzoekers."
    assert published_policy(date(2023, 11, 11)) is None
    assert published_policy(date(2023, 11, 12)).year == 2024
    assert published_policy(date(2024, 3, 1)).year == 2024


def test_a_campaign_opens_on_its_first_milestone():
    # "Uiterlijk 1 mei 2023 Bekendmaken reeds gecontracteerde, grootste facilitaire bedrijven" is
    # the first date of the 2024 planning; the 2023 planning (the 2024 one a year earlier,
    # without the milestones 2023 did not have) opens with its 15 September offers
    assert latest_policy() == load_policy(2024)
    assert opening_day(load_policy(2024)) == date(2023, 5, 1)
    assert opening_day(load_policy(2023)) == date(2022, 9, 15)
