"""An import medicine during a shortage (seed 004 agreement 10, seed 003, seed 000's pointer): its
own route, not the rare-indication import of seed 000. May the pharmacy dispense it as the
insured's entitlement, and how is it declared?

The grounds, conditions, routes and their sentences are data in `contracts/policies/shortages.yaml`
(`import_shortage`; agreement 2's open point on authorisations and doctor's statements under
`authorisations`, agreement 10's milestones under `exemptions`). This module only walks them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .errors import CaseError
from .seedrules import boolean, choice, cite, load_rules, obj, sentences, unknown_fields

RULES = "shortages"
GROUNDS = ("vrijstelling", "cbg_vergunning")
ROUTES = ("declareren_z_index", "declaratie_navragen", "eerst_vrijstelling",
          "eerst_artsenverklaring", "niet_afleveren", "zeldzame_indicatie")
FIELDS = ("shortage", "ground", "rational_pharmacotherapy", "exemption", "doctors_order",
          "not_available_in_nl", "available_in_eu", "in_g_standaard", "equivalent_to_registered",
          "ministerial_exception")
#: The boolean facts of the grounds' conditions (`conditions` in the rule data).
CONDITION_FIELDS = {"exemption": "exemption", "doctors_order": "doctors_order",
                    "not_available_in_nl": "not_available_in_nl",
                    "available_in_eu": "available_in_eu"}


@dataclass(frozen=True)
class ShortageImportCase:
    """The facts of one import medicine during a shortage."""

    shortage: bool
    ground: str | None = None
    rational_pharmacotherapy: bool = False
    exemption: bool = False
    doctors_order: bool = False
    not_available_in_nl: bool = False
    available_in_eu: bool = False
    in_g_standaard: bool = False
    equivalent_to_registered: bool = False
    ministerial_exception: bool = False


@dataclass(frozen=True)
class ShortageImportAdvice:
    """What to do, whether the insured is entitled, and the open points the seeds leave."""

    route: str
    entitled: bool
    reasons: tuple[str, ...]
    open_points: tuple[str, ...]

    def as_json(self) -> dict:
        return {"route": self.route, "entitled": self.entitled, "reasons": list(self.reasons),
                "open_points": list(self.open_points)}


def rules() -> Mapping:
    return load_rules(RULES)["import_shortage"]


def parse_case(data: Any) -> ShortageImportCase:
    """A ShortageImportCase from decoded JSON; CaseError naming the first bad field."""
    data = obj(data, "case")
    unknown_fields(data, FIELDS)
    if data.get("shortage") is None:
        raise CaseError("shortage", "is required")
    shortage = boolean(data["shortage"], "shortage")
    ground = data.get("ground")
    if shortage and ground is None:
        raise CaseError("ground", "is required when the import replaces a medicine in short "
                        "supply", GROUNDS)
    flags = {name: boolean(data.get(name), name, False)
             for name in FIELDS if name not in ("shortage", "ground")}
    return ShortageImportCase(shortage=shortage,
                              ground=None if ground is None else choice(ground, "ground", GROUNDS),
                              **flags)


def open_points() -> tuple[str, ...]:
    """Agreement 2's open question, with its milestones (shown with every answer)."""
    data = load_rules(RULES)["authorisations"]
    points = [cite("afspraak_2", data["summary"], data["quote"])]
    points += [cite("afspraak_2", f"mijlpaal: {m['label']} ({m['due']})", m["quote"])
               for m in data["milestones"]]
    return tuple(points)


def advise(case: ShortageImportCase) -> ShortageImportAdvice:
    """Walk the route: a shortage, rational pharmacotherapy, not excluded, the ground's
    conditions; then how to declare."""
    data = rules()
    points = open_points()
    if not case.shortage:
        rule = data["no_shortage"]
        return ShortageImportAdvice(rule["route"], False,
                                    (cite("geen_tekort", rule["summary"], sentences(rule)),), points)
    own = data["route_of_its_own"]
    reasons = [cite("tekortroute", own["summary"], own["quote"])]
    refused = data["not_entitled"]

    def no(route: str, *why: str) -> ShortageImportAdvice:
        tail = [] if route != "niet_afleveren" else [
            cite("geen_aanspraak", refused["summary"], sentences(refused))]
        return ShortageImportAdvice(route, False, tuple([*reasons, *why, *tail]), points)

    rational = data["rational_pharmacotherapy"]
    if not case.rational_pharmacotherapy:
        return no("niet_afleveren", cite("rationele_farmacotherapie", "geen aanspraak: "
                                         + rational["summary"].lower(), sentences(rational)))
    excluded = data["excluded"]
    if case.equivalent_to_registered and not case.ministerial_exception:
        return no(excluded["route"], cite("gelijkwaardig", "geen aanspraak: "
                                          + excluded["summary"], sentences(excluded)))
    ground = data["grounds"][case.ground]
    reasons.append(cite(case.ground, ground["summary"], sentences(ground)))
    for name, condition in ground["conditions"].items():
        met = getattr(case, CONDITION_FIELDS[name])
        verdict = "voldaan" if met else "niet voldaan"
        why = cite(name, f"{verdict}: {condition['summary']}", sentences(condition))
        if not met:
            return no(condition["route"], why)
        reasons.append(why)
    entitled = data["entitled"]
    way = entitled["in_g_standaard" if case.in_g_standaard else "not_in_g_standaard"]
    reasons.append(cite("aanspraak", entitled["summary"], entitled["quote"]))
    reasons.append(cite("declareren", way["summary"], way["quote"]))
    tariff = data["tariff"]
    reasons.append(cite("tarief", tariff["summary"], sentences(tariff)))
    return ShortageImportAdvice(way["route"], True, tuple(reasons), points)


def check_shortage_import(data: Mapping) -> ShortageImportAdvice:
    """Parse and advise: the one call the page, the API and the CLI make."""
    return advise(parse_case(data))
