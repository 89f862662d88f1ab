"""`portal check ...`: the import-medicine and entitlement checks (seeds 000 and 003)."""
from __future__ import annotations

import click


@click.group()
def check():
    """Checks for contracted pharmacies: import-medicine claims and entitlement."""
