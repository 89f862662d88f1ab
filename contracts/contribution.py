"""The statutory personal contribution and the compulsory excess of one dispensing (seed 003): the
contribution where the purchase price is above the group's reimbursement limit (or the medicine
is prepared from one that has a contribution), limited by what remains of the year's maximum
(€ 250 in 2025, pro rata for the days insured), what the supplementary plan pays of it, and per
cost part whether it falls under the compulsory excess and how much is charged to it.

Rules, sentences and readings: `contribution_per_dispensing` and `excess` in
`contracts/policies/farmacie_2025.yaml`. Money in exact decimals.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from .dispensing import personal_contribution
from .errors import CaseError
from .formatting import euro
from .seedrules import (boolean, choice, cite, day, integer, load_rules, money, number, obj,
                        unknown_fields)

RULES = "farmacie_2025"
FIELDS = ("dispensing_date", "birth_date", "age", "insured_from", "insured_to", "kind",
          "interchangeable_group", "purchase_price", "reimbursement_limit", "prepared_from",
          "contribution_paid", "supplementary_plan", "costs", "excess_remaining")
PREPARED_FIELDS = ("contribution", "purchase_price", "reimbursement_limit")
ZERO = Decimal(0)
MAX_AGE = 150


def _rules() -> Mapping:
    return load_rules(RULES)


def cost_parts() -> dict[str, str]:
    """The cost parts of a dispensing (slug: Dutch), in the order they are charged."""
    return {slug: part["summary"] for slug, part in _rules()["excess"]["parts"].items()}


def kinds() -> dict[str, str]:
    """What is dispensed, as far as the excess distinguishes it (slug: Dutch)."""
    return {slug: entry["summary"] for slug, entry in _rules()["excess"]["kinds"].items()}


def plans() -> dict[str, str]:
    """The supplementary plans of the seed's table (slug: name), `geen` first."""
    table = _rules()["contribution_per_dispensing"]["supplementary_plans"]["plans"]
    return {slug: entry["summary"] for slug, entry in table.items()}


# -- the answer --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Part:
    """One cost part: its amount, whether (and how much of it) falls under the excess, and what
    is charged to the excess."""

    part: str
    summary: str
    amount: Decimal
    under_excess: bool
    subject: Decimal  # the amount that falls under the excess
    charged: Decimal | None  # charged to the excess (None: the remaining excess was not given)

    def as_json(self) -> dict:
        return {"part": self.part, "summary": self.summary, "amount": number(self.amount),
                "under_excess": self.under_excess, "subject_to_excess": number(self.subject),
                "charged_to_excess": None if self.charged is None else number(self.charged)}


@dataclass(frozen=True)
class Contribution:
    """The contribution and excess of one dispensing."""

    dispensing_date: date
    age: int
    kind: str
    contribution_due: Decimal  # before the cap
    contribution_source: str | None  # "groep", "bereiding" or None
    maximum_eur: int  # the year's maximum for the days insured, rounded
    contribution_paid: Decimal
    contribution_charged: Decimal  # after the cap
    supplementary_plan: str
    plan_percent: int
    plan_pays: Decimal
    insured_pays_contribution: Decimal
    excess_applies: bool
    excess_remaining: Decimal | None
    parts: tuple[Part, ...]
    reasons: tuple[str, ...]

    @property
    def remaining_before(self) -> Decimal:
        """What remained of the year's maximum before this dispensing."""
        return max(ZERO, self.maximum_eur - self.contribution_paid)

    @property
    def waived_by_cap(self) -> Decimal:
        return self.contribution_due - self.contribution_charged

    @property
    def subject_to_excess(self) -> Decimal:
        return sum((p.subject for p in self.parts), ZERO)

    @property
    def charged_to_excess(self) -> Decimal | None:
        if self.excess_remaining is None:
            return None
        return sum((p.charged or ZERO for p in self.parts), ZERO)

    @property
    def insured_pays(self) -> Decimal | None:
        """The contribution the insured pays plus what is charged to the excess (None: the
        remaining excess was not given)."""
        charged = self.charged_to_excess
        return None if charged is None else self.insured_pays_contribution + charged

    def as_json(self) -> dict:
        def amount(value):
            return None if value is None else number(value)
        return {
            "dispensing_date": self.dispensing_date.isoformat(), "age": self.age,
            "kind": self.kind,
            "contribution": {
                "due": number(self.contribution_due), "source": self.contribution_source,
                "maximum_eur": self.maximum_eur, "paid_before": number(self.contribution_paid),
                "remaining_before": number(self.remaining_before),
                "charged": number(self.contribution_charged),
                "waived_by_cap": number(self.waived_by_cap),
                "supplementary_plan": self.supplementary_plan, "plan_percent": self.plan_percent,
                "plan_pays": number(self.plan_pays),
                "insured_pays": number(self.insured_pays_contribution)},
            "excess": {
                "applies": self.excess_applies, "remaining_before": amount(self.excess_remaining),
                "subject": number(self.subject_to_excess),
                "charged": amount(self.charged_to_excess),
                "parts": [p.as_json() for p in self.parts]},
            "insured_pays": amount(self.insured_pays),
            "reasons": list(self.reasons),
        }


# -- input -------------------------------------------------------------------------------------

def age_on(birth: date, on: date) -> int:
    """Whole years completed on `on` (a 29 February birthday turns over on 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _age(data: Mapping, dispensed: date) -> int:
    birth, age = day(data.get("birth_date"), "birth_date"), data.get("age")
    if birth is not None and age is not None:
        raise CaseError("age", "give either age or birth_date, not both", reason="age_and_birth_date")
    if birth is not None:
        if birth > dispensed:
            raise CaseError("birth_date", "must not be after dispensing_date",
                            reason="born_after_dispensing")
        return age_on(birth, dispensed)
    if age is None:
        raise CaseError("age", "is required (or birth_date)", reason="age_or_birth_date")
    age = integer(age, "age", 0)
    if age > MAX_AGE:
        raise CaseError("age", f"must be at most {MAX_AGE}, got {age}")
    return age


def _over_limit(price: Decimal, limit: Decimal) -> Decimal:
    return price - limit if price > limit else ZERO


def _own(data: Mapping) -> Decimal | None:
    """The contribution by the medicine's own group (None: not in a group)."""
    in_group = boolean(data.get("interchangeable_group"), "interchangeable_group", False)
    if not in_group:
        if data.get("reimbursement_limit") is not None:
            raise CaseError("reimbursement_limit", "only a medicine in a group of "
                            "interchangeable medicines has a reimbursement limit",
                            reason="limit_outside_group")
        return None
    for name in ("purchase_price", "reimbursement_limit"):
        if data.get(name) is None:
            raise CaseError(name, "is required for a medicine in a group of interchangeable "
                            "medicines", reason="required_in_group")
    return _over_limit(money(data["purchase_price"], "purchase_price"),
                       money(data["reimbursement_limit"], "reimbursement_limit"))


def _prepared(value: Any) -> Decimal | None:
    """The contribution of the medicine a preparation is made from (None: not a preparation)."""
    if value is None:
        return None
    value = obj(value, "prepared_from")
    unknown_fields(value, PREPARED_FIELDS, "prepared_from.")
    given = value.get("contribution")
    priced = [name for name in ("purchase_price", "reimbursement_limit")
              if value.get(name) is not None]
    if given is not None:
        if priced:
            raise CaseError(f"prepared_from.{priced[0]}", "give either the contribution or the "
                            "price and limit of the medicine prepared from, not both",
                            reason="prepared_both")
        return money(given, "prepared_from.contribution")
    if len(priced) < 2:
        missing = "purchase_price" if "purchase_price" not in priced else "reimbursement_limit"
        raise CaseError(f"prepared_from.{missing}", "is required (or prepared_from.contribution)",
                        reason="prepared_missing")
    return _over_limit(money(value["purchase_price"], "prepared_from.purchase_price"),
                       money(value["reimbursement_limit"], "prepared_from.reimbursement_limit"))


def _costs(value: Any, data: Mapping) -> dict[str, Decimal]:
    parts = cost_parts()
    value = obj(value if value is not None else {}, "costs")
    unknown_fields(value, parts, "costs.")
    costs = {name: ZERO if value.get(name) is None else money(value[name], f"costs.{name}", 2)
             for name in parts}
    if value.get("geneesmiddel") is None and data.get("purchase_price") is not None:
        costs["geneesmiddel"] = money(data["purchase_price"], "purchase_price")
    return costs


# -- the rules ---------------------------------------------------------------------------------

def check_contribution(data: Any) -> Contribution:
    """Parse and decide: the one call the CLI, the API and the page make."""
    data = obj(data, "case")
    unknown_fields(data, FIELDS)
    dispensed = day(data.get("dispensing_date"), "dispensing_date", required=True)
    age = _age(data, dispensed)
    insured_from, insured_to = day(data.get("insured_from"), "insured_from"), \
        day(data.get("insured_to"), "insured_to")
    try:
        year_max = personal_contribution(dispensed.year, insured_from, insured_to)
    except CaseError as error:
        if error.field == "year":
            raise CaseError("dispensing_date", error.message, error.allowed,
                            reason="no_maximum_for_year") from None
        raise
    if not year_max.insured_from <= dispensed <= year_max.insured_to:
        raise CaseError("dispensing_date", "must lie within the period insured",
                        reason="outside_insured_period")
    kind = choice(data.get("kind"), "kind", list(kinds()), "overig")
    plan = choice(data.get("supplementary_plan"), "supplementary_plan", list(plans()), "geen")
    paid = data.get("contribution_paid")
    paid = ZERO if paid is None else money(paid, "contribution_paid", 2)
    remaining_excess = data.get("excess_remaining")
    remaining_excess = None if remaining_excess is None else \
        money(remaining_excess, "excess_remaining", 2)
    own, prepared = _own(data), _prepared(data.get("prepared_from"))
    if own is not None and prepared is not None:
        raise CaseError("prepared_from", "a medicine in a group of interchangeable medicines is "
                        "not also prepared from another medicine here: give one of the two",
                        reason="group_and_prepared")
    costs = _costs(data.get("costs"), data)

    rule = _rules()["contribution_per_dispensing"]
    reasons: list[str] = []
    source = "groep" if own is not None else "bereiding" if prepared is not None else None
    due = own if own is not None else prepared if prepared is not None else ZERO
    if source == "groep":
        text = (f"inkoopprijs boven de vergoedingslimiet: eigen bijdrage {euro(due, exact=True)}"
                if due else "inkoopprijs niet boven de vergoedingslimiet: geen eigen bijdrage")
        reasons.append(cite("eigen_bijdrage_groep", text, rule["group"]["quote"]))
    elif source == "bereiding":
        reasons.append(cite("eigen_bijdrage_bereiding", f"{rule['prepared_from']['summary']}: "
                            f"{euro(due, exact=True)}" if due else
                            "het middel waaruit bereid is heeft geen eigen bijdrage",
                            rule["prepared_from"]["quote"]))
    else:
        reasons.append(cite("eigen_bijdrage_groep", "het middel zit niet in een groep onderling "
                            "vervangbare middelen: geen eigen bijdrage", rule["group"]["quote"]))
    maximum = year_max.amount_eur
    charged = min(due, max(ZERO, maximum - paid))
    if due:
        reasons.extend(year_max.reasons[1:])  # the pro rata line, where the year is not whole
        reasons.append(cite("maximum_per_jaar", f"al betaald dit jaar {euro(paid)} van "
                            f"€ {maximum}: deze aflevering {euro(charged, exact=True)}"
                            + (f", {euro(due - charged, exact=True)} valt boven het maximum"
                               if charged < due else ""), rule["cap"]["quote"]))
    if charged > costs["geneesmiddel"]:
        raise CaseError("costs.geneesmiddel", f"must be at least the personal contribution "
                        f"charged ({charged}): the contribution is part of the medicine's cost")
    table = rule["supplementary_plans"]["plans"]
    percent = int(table[plan]["percent"])
    plan_pays = charged * percent / 100
    if charged:
        reasons.append(cite(f"aanvullend_{plan}", f"{table[plan]['summary']}: "
                            f"{percent} % van de eigen bijdrage vergoed", table[plan]["quote"]))

    parts, excess_reasons = _excess(age, kind, costs, charged, remaining_excess)
    return Contribution(
        dispensing_date=dispensed, age=age, kind=kind, contribution_due=due,
        contribution_source=source, maximum_eur=maximum, contribution_paid=paid,
        contribution_charged=charged, supplementary_plan=plan, plan_percent=percent,
        plan_pays=plan_pays, insured_pays_contribution=charged - plan_pays,
        excess_applies=age >= _rules()["excess"]["min_age"], excess_remaining=remaining_excess,
        parts=parts, reasons=tuple(reasons + excess_reasons))


def _excess(age: int, kind: str, costs: Mapping[str, Decimal], contribution: Decimal,
            remaining: Decimal | None) -> tuple[tuple[Part, ...], list[str]]:
    """Per cost part: under the excess or not, the amount subject to it, what is charged."""
    rule = _rules()["excess"]
    names = cost_parts()
    reasons: list[str] = []
    applies = age >= rule["min_age"]
    reasons.append(cite("eigen_risico", f"{age} jaar: " + (
        "de kosten gaan af van het eigen risico" if applies
        else f"jonger dan {rule['min_age']}: geen eigen risico"), rule["quote"]))
    exempt: dict[str, str] = {}
    for slug, exemption in rule["exemptions"].items():
        if exemption.get("kind", kind) != kind:
            continue
        touched = [p for p in exemption["parts"] if costs[p]]
        for part in exemption["parts"]:
            exempt.setdefault(part, slug)
        if applies and touched:
            reasons.append(cite(slug, exemption["summary"], exemption["quote"]))
            if slug == "voorkeursmiddel" and any(costs[p] for p in names if p not in exemption["parts"]
                                                 and p != "medicatiebeoordeling"):
                reasons.append(cite(slug, "afleverkosten, begeleidingsgesprek en "
                                    "inhalatie-instructie vallen wel onder het eigen risico",
                                    exemption["quote"][1:]))
    if applies and contribution and "geneesmiddel" not in exempt:
        note = rule["statutory_contribution"]
        reasons.append(cite("eigen_bijdrage_niet_eigen_risico", f"{note['summary']}: "
                            f"{euro(contribution, exact=True)} van het geneesmiddel telt niet mee",
                            note["quote"]))
    parts, left = [], remaining
    for part, amount in costs.items():
        under = applies and part not in exempt
        subject = amount - contribution if under and part == "geneesmiddel" else \
            amount if under else ZERO
        charged = None
        if left is not None:
            charged = min(subject, left)
            left -= charged
        parts.append(Part(part, names[part], amount, under, subject, charged))
    if applies and remaining is None and any(p.subject for p in parts):
        reasons.append(cite("eigen_risico", "het resterende eigen risico is niet opgegeven: "
                            "alleen wat eronder valt is berekend", rule["quote"]))
    return tuple(parts), reasons
