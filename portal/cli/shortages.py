"""`portal shortages ...`: the weekly preference file and the register of shortages (seed 004)."""
from __future__ import annotations

import click


@click.group()
def shortages():
    """Medicine shortages: notices and the weekly preference file."""
