"""Fixtures of the fault tests."""
from tests.support.databases import own_database  # noqa: F401
