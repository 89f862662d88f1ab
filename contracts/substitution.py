"""Substitution by the pharmacist during a shortage (seed 004 agreement 3, with seed 003's
logistical necessity): may the pharmacist replace the prescribed medicine, and on what footing?

Agreement 3 is an intention and its leidraad is a concept; the check decides only what the seed
states (see the reading `substitution` in `contracts/policies/shortages.yaml`) and always says
that the legal anchoring is not there yet, with its milestones.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .errors import CaseError
from .seedrules import boolean, cite, load_rules, obj, sentences, unknown_fields
from .shortages import milestones

RULES = "shortages"
ROUTES = ("geen_tekort", "wisselen_zelfde_stof", "voorschrijver_raadplegen",
          "substitueren_lokale_afspraak")
FIELDS = ("shortage", "national", "same_substance", "local_agreement")


@dataclass(frozen=True)
class SubstitutionCase:
    #: The prescribed medicine is not available because of a shortage.
    shortage: bool
    #: The shortage is national (landelijk verminderde beschikbaarheid), not only the pharmacy's.
    national: bool = False
    #: The replacement has the same active substance, strength, route and release pattern.
    same_substance: bool = False
    #: A structured local agreement with the prescriber covers this substitution.
    local_agreement: bool = False


@dataclass(frozen=True)
class SubstitutionAdvice:
    route: str
    may_substitute: bool
    reasons: tuple[str, ...]
    open_points: tuple[str, ...]

    def as_json(self) -> dict:
        return {"route": self.route, "may_substitute": self.may_substitute,
                "reasons": list(self.reasons), "open_points": list(self.open_points)}


def parse_case(data: Any) -> SubstitutionCase:
    data = obj(data, "case")
    unknown_fields(data, FIELDS)
    if data.get("shortage") is None:
        raise CaseError("shortage", "is required")
    return SubstitutionCase(**{name: boolean(data.get(name), name, False) for name in FIELDS})


def open_points() -> tuple[str, ...]:
    legal = load_rules(RULES)["substitution"]["legal_basis"]
    return (cite("juridische_verankering", legal["summary"], legal["quote"]),
            *(cite("juridische_verankering", f"mijlpaal: {m.label} ({m.due})", m.quote)
              for m in milestones("substitution", "legal_basis")))


def advise(case: SubstitutionCase) -> SubstitutionAdvice:
    rules = load_rules(RULES)["substitution"]
    points = open_points()

    def answer(key: str, allowed: bool) -> SubstitutionAdvice:
        entry = rules[key]
        return SubstitutionAdvice(entry["route"], allowed,
                                  (cite(key, entry["summary"], sentences(entry)),), points)

    if not case.shortage:
        return answer("only_in_shortage", False)
    if case.same_substance:
        return answer("same_substance", True)
    if not case.national:
        return answer("national", False)
    return answer("local_agreement", True) if case.local_agreement else \
        answer("no_local_agreement", False)


def check_substitution(data: Mapping) -> SubstitutionAdvice:
    """Parse and advise: the one call the page, the API and the CLI make."""
    return advise(parse_case(data))
