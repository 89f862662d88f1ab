"""The contract year of the things that do not store one.

An application names no contract year of its own: it is for the year its desired start lies in
(contracts.newproviders.start_window keeps the start inside the contract year applied for). The
pages and the API read it here. (A property `Application.policy_year` would say it beside the
columns it derives from.)
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement

from .models import Application


def application_year(application: Application) -> int:
    """The contract year `application` is for."""
    return application.start_date.year


def applications_of_year(year: int) -> ColumnElement[bool]:
    """The condition that an application is for contract `year`, for a query."""
    return Application.start_date.between(date(year, 1, 1), date(year, 12, 31))
