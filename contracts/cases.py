"""A case put to the decision engine: parsed from JSON-like data, with one clear error per mistake."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from .errors import CaseError
from .exclusion import ProfileFacts
from .policy import available_years
from .seedrules import day
from .vocabulary import Contract, ImprovementAgreements, ProviderType, Relation

REQUIRED = ("policy_year", "provider_type", "contract", "relation")
OPTIONAL = ("size_rank", "agb_start", "riz_contra_indication", "application_received", "profile",
            "contracts_held", "represented_by_collective")
PROFILE_FIELDS = ("lowest_group_years", "declining_component", "improvement_agreements")


@dataclass(frozen=True)
class Case:
    """One provider and one contract in one policy year, with the facts the rules look at."""

    policy_year: int
    provider_type: ProviderType
    contract: Contract
    relation: Relation
    size_rank: int | None = None
    agb_start: date | None = None
    riz_contra_indication: bool = False
    application_received: date | None = None
    profile: ProfileFacts | None = None
    contracts_held: frozenset[Contract] | None = None
    #: Whether a collective of pharmacists represents the provider (None: not said).
    represented_by_collective: bool | None = None


def _slug(kind, value, field: str):
    if not isinstance(value, str):
        raise CaseError(field, f"must be a string, got {type(value).__name__}", [m.value for m in kind])
    try:
        return kind(value)
    except ValueError:
        raise CaseError(field, f"unknown value {value!r}", [m.value for m in kind]) from None


def _int(value: Any, field: str, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CaseError(field, f"must be an integer, got {value!r}")
    if minimum is not None and value < minimum:
        raise CaseError(field, f"must be at least {minimum}, got {value}")
    return value


def _bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise CaseError(field, f"must be true or false, got {value!r}")
    return value


def _date(value: Any, field: str) -> date | None:
    if isinstance(value, date):  # JSON has no dates: a case's date is text
        raise CaseError(field, f"must be a date as YYYY-MM-DD or null, got {value!r}")
    return day(value, field)


def _unknown(data: Mapping, known: tuple[str, ...], where: str = "") -> None:
    for key in data:
        if key not in known:
            raise CaseError(f"{where}{key}", "unknown field", [f"{where}{k}" for k in known])


def parse_profile(data: Any) -> ProfileFacts | None:
    """The `profile` member of a case: the facts the exclusion grounds look at."""
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise CaseError("profile", "must be an object or null")
    _unknown(data, PROFILE_FIELDS, "profile.")
    years = data.get("lowest_group_years", [])
    if not isinstance(years, list):
        raise CaseError("profile.lowest_group_years", "must be a list of years")
    years = tuple(sorted({_int(y, "profile.lowest_group_years", 1900) for y in years}))
    declining = data.get("declining_component")
    if declining is not None:
        declining = _bool(declining, "profile.declining_component")
    agreements = _slug(ImprovementAgreements, data.get("improvement_agreements", "geen"),
                       "profile.improvement_agreements")
    return ProfileFacts(years, declining, agreements)


def parse_case(data: Any) -> Case:
    """A Case from decoded JSON; raises CaseError naming the first bad field."""
    if not isinstance(data, Mapping):
        raise CaseError("case", "must be a JSON object")
    _unknown(data, REQUIRED + OPTIONAL)
    for field in REQUIRED:
        if data.get(field) is None:
            raise CaseError(field, "is required")
    year = _int(data["policy_year"], "policy_year")
    if year not in available_years():
        raise CaseError("policy_year", f"no policy for {year}", available_years())
    size_rank = data.get("size_rank")
    held = data.get("contracts_held")
    if held is not None:
        if not isinstance(held, list):
            raise CaseError("contracts_held", "must be a list of contracts or null",
                            [c.value for c in Contract])
        held = frozenset(_slug(Contract, c, "contracts_held") for c in held)
    riz = data.get("riz_contra_indication")
    collective = data.get("represented_by_collective")
    return Case(
        policy_year=year,
        provider_type=_slug(ProviderType, data["provider_type"], "provider_type"),
        contract=_slug(Contract, data["contract"], "contract"),
        relation=_slug(Relation, data["relation"], "relation"),
        size_rank=None if size_rank is None else _int(size_rank, "size_rank", 1),
        agb_start=_date(data.get("agb_start"), "agb_start"),
        riz_contra_indication=False if riz is None else _bool(riz, "riz_contra_indication"),
        application_received=_date(data.get("application_received"), "application_received"),
        profile=parse_profile(data.get("profile")),
        contracts_held=held,
        represented_by_collective=None if collective is None else _bool(
            collective, "represented_by_collective"))
