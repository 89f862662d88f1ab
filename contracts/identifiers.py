"""The identifiers of the Dutch health-care registers, each checked in one place.

- AGB code (Algemeen GegevensBeheer zorgverleners, Vektis): 8 digits.
- KvK number (Kamer van Koophandel): 8 digits.
- Z-index number (ZI-nummer of the G-Standaard): 8 digits.
"""
from __future__ import annotations

import re

_EIGHT_DIGITS = re.compile(r"[0-9]{8}")  # not \d: that also matches Arabic-Indic digits


def is_agb(text: str | None) -> bool:
    """An AGB code: exactly 8 digits (ASCII; no spaces)."""
    return bool(text) and _EIGHT_DIGITS.fullmatch(text) is not None


def is_kvk(text: str | None) -> bool:
    """A KvK number: exactly 8 digits."""
    return bool(text) and _EIGHT_DIGITS.fullmatch(text) is not None


def is_zindex(text: str | None) -> bool:
    """A Z-index (ZI) number: exactly 8 digits."""
    return bool(text) and _EIGHT_DIGITS.fullmatch(text) is not None
