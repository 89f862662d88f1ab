"""The identifiers of the Dutch health-care registers, each checked in one place.

- AGB code (Algemeen GegevensBeheer zorgverleners, Vektis): 8 digits.
- KvK number (Kamer van Koophandel): 8 digits.
- Z-index number (ZI-nummer of the G-Standaard): 8 digits.

And the Dutch postcode, written the one way the register stores it (1234 AB).
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


_POSTCODE = re.compile(r"([0-9]{4})\s?([A-Za-z]{2})")


def postcode(text: str | None) -> str | None:
    """A Dutch postcode as the register writes it (1234ab and 1234 AB are 1234 AB), or None
    when `text` is not one."""
    match = _POSTCODE.fullmatch((text or "").strip())
    return f"{match[1]} {match[2].upper()}" if match else None
