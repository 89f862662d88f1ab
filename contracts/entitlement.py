"""Which medicines of a group of interchangeable medicines are reimbursed for a prescription
(seed 003): the preferred medicine; else the cheapest and any at most 3 % dearer; the prescribed
one with a medical necessity (MN); the chemist's choice with a logistical necessity (LN).

The rules and their sentences are data in `contracts/policies/farmacie_2025.yaml`. Money is
compared in exact decimals: "at most 3 % more expensive" includes exactly 3 %.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Mapping

from .errors import CaseError
from .formatting import euro
from .seedrules import boolean, cite, load_rules, money, number, obj, text, unknown_fields

RULES = "farmacie_2025"
FIELDS = ("group", "prescription")
MEDICINE_FIELDS = ("name", "aip", "preferred", "available")
PRESCRIPTION_FIELDS = ("medicine", "medical_necessity", "logistical_necessity", "pharmacist_choice")
MAX_GROUP = 100


@dataclass(frozen=True)
class Medicine:
    """One medicine of the group: its pharmacy purchase price (AIP) in the G-Standaard."""

    name: str
    aip: Decimal
    preferred: bool = False
    available: bool = True


@dataclass(frozen=True)
class Prescription:
    """The prescribed medicine (None: by active substance) and the necessities noted."""

    medicine: str | None = None
    medical_necessity: bool = False
    logistical_necessity: bool = False
    pharmacist_choice: str | None = None


@dataclass(frozen=True)
class Entitlement:
    """The medicines reimbursed, by which rule, and why."""

    rule: str
    reimbursed: tuple[str, ...]
    group: tuple[Medicine, ...]
    prescription: Prescription
    reasons: tuple[str, ...]
    cheapest_aip: Decimal | None = None
    limit_aip: Decimal | None = None

    @property
    def prescribed_reimbursed(self) -> bool | None:
        medicine = self.prescription.medicine
        return None if medicine is None else medicine in self.reimbursed

    def as_json(self) -> dict:
        """The answer in the JSON form of the CLI and the API (amounts as numbers)."""
        return {
            "rule": self.rule,
            "reimbursed": list(self.reimbursed),
            "prescribed_reimbursed": self.prescribed_reimbursed,
            "cheapest_aip": None if self.cheapest_aip is None else number(self.cheapest_aip),
            "limit_aip": None if self.limit_aip is None else number(self.limit_aip),
            "medicines": [{"name": m.name, "aip": number(m.aip), "preferred": m.preferred,
                           "available": m.available, "reimbursed": m.name in self.reimbursed}
                          for m in self.group],
            "reasons": list(self.reasons),
        }


# -- input -------------------------------------------------------------------------------------

def parse_group(data: Any) -> tuple[Medicine, ...]:
    if not isinstance(data, list) or not data:
        raise CaseError("group", "must be a non-empty list of medicines")
    if len(data) > MAX_GROUP:
        raise CaseError("group", f"must hold at most {MAX_GROUP} medicines")
    group, names = [], set()
    for i, item in enumerate(data):
        where = f"group.{i}."
        item = obj(item, f"group.{i}")
        unknown_fields(item, MEDICINE_FIELDS, where)
        for name in ("name", "aip"):
            if item.get(name) is None:
                raise CaseError(f"{where}{name}", "is required")
        name = text(item["name"], f"{where}name").strip()
        if not name:
            raise CaseError(f"{where}name", "must not be empty")
        if name in names:
            raise CaseError(f"{where}name", f"{name!r} appears twice in the group")
        names.add(name)
        group.append(Medicine(name=name, aip=money(item["aip"], f"{where}aip"),
                              preferred=boolean(item.get("preferred"), f"{where}preferred", False),
                              available=boolean(item.get("available"), f"{where}available", True)))
    return tuple(group)


def _member(value: Any, field: str, group: tuple[Medicine, ...]) -> str | None:
    if value is None:
        return None
    name = text(value, field).strip()
    if name not in {m.name for m in group}:
        raise CaseError(field, f"{name!r} is not in the group", [m.name for m in group])
    return name


def parse_prescription(data: Any, group: tuple[Medicine, ...]) -> Prescription:
    data = obj(data if data is not None else {}, "prescription")
    unknown_fields(data, PRESCRIPTION_FIELDS, "prescription.")
    prescription = Prescription(
        medicine=_member(data.get("medicine"), "prescription.medicine", group),
        medical_necessity=boolean(data.get("medical_necessity"), "prescription.medical_necessity",
                                  False),
        logistical_necessity=boolean(data.get("logistical_necessity"),
                                     "prescription.logistical_necessity", False),
        pharmacist_choice=_member(data.get("pharmacist_choice"), "prescription.pharmacist_choice",
                                  group))
    if prescription.medical_necessity and prescription.medicine is None:
        raise CaseError("prescription.medicine", "is required with a medical necessity (MN): MN "
                        "gives the prescribed medicine")
    return prescription


# -- the rules ---------------------------------------------------------------------------------

def _rule(key: str) -> Mapping:
    return load_rules(RULES)["preference"][key]


def _logistical(group, prescription, reasons) -> Entitlement | None:
    """LN: the preferred medicine is unavailable and no other preferred one is: the chemist chooses."""
    rule = _rule("logistical_necessity")
    preferred = [m for m in group if m.preferred]
    if not preferred or any(m.available for m in preferred):
        why = ("er is geen voorkeursmiddel aangewezen in deze groep" if not preferred
               else "het voorkeursmiddel is leverbaar")
        reasons.append(cite("logistieke_noodzaak", f"geen logistieke noodzaak: {why}", rule["quote"][1:]))
        return None
    candidates = [m.name for m in group if m.available and not m.preferred]
    choice = prescription.pharmacist_choice
    if choice is not None and choice not in candidates:
        raise CaseError("prescription.pharmacist_choice", "must be an available medicine of the "
                        "group other than the unavailable preferred one", candidates)
    chosen = [choice] if choice else candidates
    what = (f"de apotheker kiest {choice}" if choice else
            "de apotheker kiest een leverbaar middel uit de groep" if candidates else
            "geen middel uit de groep is leverbaar")
    reasons.append(cite("logistieke_noodzaak", f"{rule['summary']}: {what}", rule["quote"]))
    return Entitlement("logistieke_noodzaak", tuple(chosen), group, prescription, tuple(reasons))


def entitlement(group: tuple[Medicine, ...], prescription: Prescription) -> Entitlement:
    """The medicines of `group` reimbursed for `prescription`, with the reasons."""
    reasons: list[str] = []
    if prescription.logistical_necessity:
        answer = _logistical(group, prescription, reasons)
        if answer is not None:
            return answer
    elif prescription.pharmacist_choice is not None:
        reasons.append("keuze_apotheker: de keuze van de apotheker telt alleen bij een "
                       "logistieke noodzaak (LN)")
    if prescription.medical_necessity:
        rule = _rule("medical_necessity")
        reasons.append(cite("medische_noodzaak", f"{rule['summary']} ({prescription.medicine})",
                            rule["quote"]))
        reasons.append(cite("medische_noodzaak", "de apotheker beoordeelt of de medische "
                            "noodzaak werkelijk bestaat", rule["quote"][1:]))
        return Entitlement("medische_noodzaak", (prescription.medicine,), group, prescription,
                           tuple(reasons))
    preferred = [m for m in group if m.preferred]
    if preferred:
        rule = _rule("preferred")
        names = tuple(m.name for m in preferred)
        reasons.append(cite("voorkeursmiddel", f"{rule['summary']} ({', '.join(names)})",
                            rule["quote"]))
        if not any(m.available for m in preferred):
            ln = _rule("logistical_necessity")
            reasons.append(cite("logistieke_noodzaak", "het voorkeursmiddel is niet leverbaar: "
                                "is dat langdurig zo, dan geldt een logistieke noodzaak (LN) en "
                                "kiest de apotheker", ln["quote"][1:]))
        return Entitlement("voorkeursmiddel", names, group, prescription, tuple(reasons))
    if len(group) == 1:
        rule = _rule("not_interchangeable")
        reasons.append(cite("niet_vervangbaar", rule["summary"], rule["quote"]))
        return Entitlement("niet_vervangbaar", (group[0].name,), group, prescription,
                           tuple(reasons))
    return _cheapest(group, prescription, reasons)


def _cheapest(group, prescription, reasons) -> Entitlement:
    """No preferred medicine: the cheapest, and every one at most 3 % dearer (3 % included)."""
    cheapest_rule, margin = _rule("cheapest"), _rule("margin")
    cheapest = min(m.aip for m in group)
    limit = cheapest * (100 + Decimal(margin["percent"])) / 100
    reimbursed = tuple(m.name for m in group if m.aip <= limit)
    lowest = ", ".join(m.name for m in group if m.aip == cheapest)
    reasons.append(cite("goedkoopste", f"{cheapest_rule['summary']}: {lowest} (AIP "
                        f"{euro(cheapest, exact=True)})", cheapest_rule["quote"]))
    reasons.append(cite("marge_3_procent", f"{margin['summary']}: AIP tot en met {euro(limit, exact=True)}",
                        margin["quote"]))
    return Entitlement("goedkoopste", reimbursed, group, prescription, tuple(reasons),
                       cheapest_aip=cheapest, limit_aip=limit)


def check_entitlement(data: Any) -> Entitlement:
    """Parse and decide: the one call the CLI, the API and the page make."""
    data = obj(data, "case")
    unknown_fields(data, FIELDS)
    group = parse_group(data.get("group"))
    return entitlement(group, parse_prescription(data.get("prescription"), group))
