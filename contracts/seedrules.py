"""What the pharmacy checks share: their rule files (each rule quoting its seed) and the parsing of
JSON-like input into exact values, one CaseError per mistake."""
from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Iterator, Mapping

import yaml

from .errors import CaseError, PolicyError


@functools.cache
def load_rules(name: str) -> Mapping[str, Any]:
    """The rule file `contracts/policies/<name>.yaml`; every `quote` must be a non-empty list."""
    text = resources.files("contracts.policies").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for where, quotes in quotes_in(data):
        if not isinstance(quotes, list) or not quotes or not all(
                isinstance(q, str) and q.strip() for q in quotes):
            raise PolicyError(f"{name}: {where}: `quote` must be a list of the seed's sentences")
    return data


def quotes_in(data: Any, where: str = "", key: str = "quote") -> Iterator[tuple[str, Any]]:
    """Every `quote` (or the quotes under another `key`, such as `seed_003_quote`) in a rule
    file, with where it stands (for the test against the seed)."""
    if isinstance(data, Mapping):
        for name, value in data.items():
            here = f"{where}.{name}" if where else str(name)
            if name == key:
                yield where or "(top)", value
            else:
                yield from quotes_in(value, here, key)
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from quotes_in(item, f"{where}.{i}", key)


def sentences(entry: Mapping) -> list[str]:
    """What an entry cites: its own seed's sentences (`quote`) where it has them, else those it
    quotes from seed 003, else from seed 000 (a file quoting another seed beside its own)."""
    return entry.get("quote") or entry.get("seed_003_quote") or entry["seed_000_quote"]


def cite(rule_id: str, summary: str, quotes) -> str:
    """One reason: the rule, what it says, and the seed sentence it comes from."""
    return f"{rule_id}: {summary} (“{quotes[0]}”)"


# -- parsing -----------------------------------------------------------------------------------

def unknown_fields(data: Mapping, known, where: str = "") -> None:
    for key in data:
        if key not in known:
            raise CaseError(f"{where}{key}", "unknown field", [f"{where}{k}" for k in known])


def obj(value: Any, field: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise CaseError(field, "must be a JSON object")
    return value


def boolean(value: Any, field: str, default: bool | None = None) -> bool:
    if value is None and default is not None:
        return default
    if not isinstance(value, bool):
        raise CaseError(field, f"must be true or false, got {value!r}")
    return value


def integer(value: Any, field: str, minimum: int | None = None) -> int:
    if isinstance(value, (float, Decimal)):
        value = _whole(value)  # 150000.0 from a JSON parser that reads every number as a float
    if isinstance(value, bool) or not isinstance(value, int):
        raise CaseError(field, f"must be a whole number, got {value!r}")
    if minimum is not None and value < minimum:
        raise CaseError(field, f"must be at least {minimum}, got {value}")
    return value


def _whole(value: float | Decimal):
    try:
        whole = int(value)
    except (ValueError, OverflowError, ArithmeticError):
        return value
    return whole if whole == value and abs(whole) < 10**15 else value


def text(value: Any, field: str, default: str | None = None, max_length: int = 200) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise CaseError(field, f"must be a string, got {value!r}")
    if len(value) > max_length:
        raise CaseError(field, f"must be at most {max_length} characters")
    return value


def choice(value: Any, field: str, allowed, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or value not in allowed:
        raise CaseError(field, f"unknown value {value!r}", list(allowed))
    return value


def day(value: Any, field: str, required: bool = False) -> date | None:
    """A date: a date object (the form, the API) or ISO text, YYYY-MM-DD (the CLI, JSON)."""
    if value is None:
        if required:
            raise CaseError(field, "is required")
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise CaseError(field, f"must be a date as YYYY-MM-DD, got {value!r}")


def money(value: Any, field: str, places: int | None = None) -> Decimal:
    """An amount in euros, exact: a JSON number (or a Decimal) that is finite and not negative."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise CaseError(field, f"must be an amount in euros, got {value!r}")
    try:
        amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        raise CaseError(field, f"must be an amount in euros, got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise CaseError(field, f"must be a finite amount of at least 0, got {value!r}")
    if amount >= 10**9:
        raise CaseError(field, f"must be less than 1,000,000,000 euros, got {value!r}")
    if places is not None and amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise CaseError(field, f"must have at most {places} decimals, got {value!r}")
    return amount


def number(amount: Decimal) -> float | int:
    """An exact amount as a JSON number (whole amounts as integers)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)
