"""The other answers of seed 003 a pharmacy needs at the counter: the longest period it may
dispense for at once, the statutory personal contribution of a (part) year, and which medicines
need the insurer's prior written consent. Rules and sentences: `contracts/policies/farmacie_2025.yaml`.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any, Mapping

from .errors import CaseError
from .seedrules import boolean, choice, cite, integer, load_rules, number, obj, unknown_fields

RULES = "farmacie_2025"
MEDICINE_KINDS = ("overig", "anticonceptiepil", "antibioticum_acuut", "chemotherapie_acuut",
                  "benzodiazepine", "hypnoticum", "anxiolyticum")
SEDATIVES = ("benzodiazepine", "hypnoticum", "anxiolyticum")
DISPENSING_FIELDS = ("medicine_kind", "chronic", "months_in_use", "well_adjusted",
                     "new_to_patient")
CONSENT_FIELDS = ("category", "doctors_note_procedure")


# -- dispensing period -------------------------------------------------------------------------

@dataclass(frozen=True)
class DispensingPeriod:
    """The case that applies and the period it allows per dispensing."""

    case: str
    summary: str
    min_months: int | None
    max_months: int | None
    max_days: int | None
    or_else: str | None
    reasons: tuple[str, ...]

    def as_json(self) -> dict:
        return {"case": self.case, "summary": self.summary, "min_months": self.min_months,
                "max_months": self.max_months, "max_days": self.max_days,
                "or_else": self.or_else, "reasons": list(self.reasons)}


def dispensing_period(data: Any) -> DispensingPeriod:
    """The maximum (and for chronic use the minimum) period per dispensing, from the facts:
    `medicine_kind` (one of MEDICINE_KINDS), `chronic` (as the prescriber determines),
    `months_in_use`, `well_adjusted`, `new_to_patient`."""
    data = obj(data, "case")
    unknown_fields(data, DISPENSING_FIELDS)
    kind = choice(data.get("medicine_kind"), "medicine_kind", MEDICINE_KINDS, "overig")
    chronic = boolean(data.get("chronic"), "chronic", False)
    months = data.get("months_in_use")
    months = 0 if months is None else integer(months, "months_in_use", 0)
    adjusted = boolean(data.get("well_adjusted"), "well_adjusted", False)
    new = boolean(data.get("new_to_patient"), "new_to_patient", False)
    if new and months > 0:
        raise CaseError("new_to_patient", "a medicine the patient has used for months is not new "
                        "to the patient")
    periods = load_rules(RULES)["dispensing_periods"]
    reasons = []
    if kind == "anticonceptiepil":
        case = "anticonceptiepil"
    elif kind in ("antibioticum_acuut", "chemotherapie_acuut"):
        case = "antibiotica_chemo_acuut"
    elif chronic and months >= periods["chronisch"]["min_months_in_use"] and adjusted:
        case = "chronisch_benzodiazepine" if kind in SEDATIVES else "chronisch"
        if case == "chronisch_benzodiazepine":
            reasons.append(cite("chronisch", "chronisch gebruik, maar een benzodiazepine, "
                                "hypnoticum of anxiolyticum", periods["chronisch"]["quote"]))
    else:
        if chronic:
            missing = [what for what, ok in (
                (f"nog geen {periods['chronisch']['min_months_in_use']} maanden in gebruik",
                 months >= periods["chronisch"]["min_months_in_use"]),
                ("niet goed ingesteld", adjusted)) if not ok]
            reasons.append(cite("chronisch", "geen afleverperiode voor chronisch gebruik: "
                                + " en ".join(missing), periods["chronisch"]["quote"]))
        case = "nieuw" if new else "overig"
    period = periods[case]
    reasons.append(cite(case, _period_text(period), period["quote"]))
    return DispensingPeriod(case=case, summary=period["summary"],
                            min_months=period.get("min_months"), max_months=period.get("max_months"),
                            max_days=period.get("max_days"), or_else=period.get("or_else"),
                            reasons=tuple(reasons))


def _period_text(period: Mapping) -> str:
    if period.get("max_days"):
        most = f"hoogstens {period['max_days']} dagen"
    else:
        most = f"hoogstens {period['max_months']} {'maand' if period['max_months'] == 1 else 'maanden'}"
    if period.get("min_months"):
        most = f"ten minste {period['min_months']} en {most}"
    if period.get("or_else"):
        most += f" of {period['or_else']}"
    return f"{period['summary']}: {most} per aflevering"


# -- statutory personal contribution -----------------------------------------------------------

@dataclass(frozen=True)
class PersonalContribution:
    """The maximum statutory personal contribution for the days insured in one calendar year."""

    year: int
    insured_from: date
    insured_to: date
    days: int
    days_in_year: int
    maximum_eur: int
    exact: Decimal  # the unrounded amount
    reasons: tuple[str, ...]

    @property
    def exact_eur(self) -> Decimal:
        """Cut to whole cents, as the seed's example shows it (€ 136.98)."""
        return self.exact.quantize(Decimal("0.01"), rounding=ROUND_DOWN)

    @property
    def amount_eur(self) -> int:
        """Rounded to whole euros (half up) from the exact amount."""
        return int(self.exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))

    def as_json(self) -> dict:
        return {"year": self.year, "insured_from": self.insured_from.isoformat(),
                "insured_to": self.insured_to.isoformat(), "days": self.days,
                "days_in_year": self.days_in_year, "maximum_eur": self.maximum_eur,
                "amount_eur": self.amount_eur, "exact_eur": number(self.exact_eur),
                "reasons": list(self.reasons)}


def contribution_years() -> tuple[int, ...]:
    return tuple(sorted(load_rules(RULES)["personal_contribution"]["maximum_eur"]))


def pro_rata(maximum: int, year: int, insured_from: date, insured_to: date) -> tuple[int, int, Decimal]:
    """(days insured in `year`, days of `year`, maximum x days / days of the year), exact."""
    days_in_year = 366 if calendar.isleap(year) else 365
    days = (insured_to - insured_from).days + 1
    return days, days_in_year, Decimal(maximum) * days / days_in_year


def personal_contribution(year: int, insured_from: date | None = None,
                          insured_to: date | None = None) -> PersonalContribution:
    """The statutory personal contribution of `year` for someone insured from `insured_from` up
    to and including `insured_to` (the whole year where not given)."""
    rule = load_rules(RULES)["personal_contribution"]
    maxima = rule["maximum_eur"]
    year = integer(year, "year")
    if year not in maxima:
        raise CaseError("year", f"the seed gives no maximum for {year}", sorted(maxima))
    first, last = date(year, 1, 1), date(year, 12, 31)
    insured_from = insured_from or first
    insured_to = insured_to or last
    if not first <= insured_from <= last:
        raise CaseError("insured_from", f"must be a date in {year}, got {insured_from.isoformat()}")
    if not first <= insured_to <= last:
        raise CaseError("insured_to", f"must be a date in {year}, got {insured_to.isoformat()}")
    if insured_to < insured_from:
        raise CaseError("insured_to", "must not be before insured_from")
    days, days_in_year, exact = pro_rata(maxima[year], year, insured_from, insured_to)
    reasons = [cite("eigen_bijdrage", f"hoogstens € {maxima[year]} per kalenderjaar",
                    rule["quote"])]
    if days < days_in_year:
        reasons.append(cite("eigen_bijdrage", f"naar rato: € {maxima[year]} / {days_in_year} "
                            f"dagen x {days} dagen, afgerond op hele euro's", rule["quote"][1:]))
    return PersonalContribution(year=year, insured_from=insured_from, insured_to=insured_to,
                                days=days, days_in_year=days_in_year, maximum_eur=maxima[year],
                                exact=exact, reasons=tuple(reasons))


# -- prior consent -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ConsentAnswer:
    category: str
    summary: str
    prior_consent_needed: bool
    reasons: tuple[str, ...]

    def as_json(self) -> dict:
        return {"category": self.category, "summary": self.summary,
                "prior_consent_needed": self.prior_consent_needed, "reasons": list(self.reasons)}


def consent_categories() -> dict[str, str]:
    """The categories of the seed's list (slug: Dutch description), in the seed's order."""
    categories = load_rules(RULES)["prior_consent"]["categories"]
    return {slug: entry["summary"] for slug, entry in categories.items()}


def prior_consent(data: Any) -> ConsentAnswer:
    """Whether a medicine of `category` needs prior written consent; for a medicine added to
    Appendix 2 during the year, not where the doctor's-note procedure exists for it."""
    data = obj(data, "case")
    unknown_fields(data, CONSENT_FIELDS)
    rule = load_rules(RULES)["prior_consent"]
    category = choice(data.get("category"), "category", list(rule["categories"]))
    procedure = boolean(data.get("doctors_note_procedure"), "doctors_note_procedure", False)
    entry = rule["categories"][category]
    needed = bool(entry["needed"])
    reasons = [cite(category, entry["summary"], entry["quote"])]
    if needed and entry.get("unless_doctors_note_procedure") and procedure:
        needed = False
        reasons.append(cite(category, "er bestaat een artsenverklaring met apothekersinstructie: "
                            "volg die procedure", entry["quote"]))
    if needed:
        reasons.append(cite("toestemming_vooraf", "schriftelijke toestemming vóór de aflevering "
                            "nodig; stuur een kopie van het recept mee", rule["quote"]))
    elif category == "overig":
        reasons.append(cite("overig", "niet in de lijst; controleer het Reglement Farmacie en "
                            "de aangewezen (doorgeleverde) apotheekbereidingen", entry["quote"]))
    return ConsentAnswer(category=category, summary=entry["summary"],
                         prior_consent_needed=needed, reasons=tuple(reasons))
