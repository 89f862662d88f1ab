"""Appendix 2 of the Regeling zorgverzekering at the counter (seed 003): may this prescriber issue
the first prescription, is the insurer's written authorisation needed before dispensing, does
the pharmacist decide on the doctor's note and the dispensing chemist's instruction, and what a
request must enclose. Also the designated (transferred) chemist's preparations.

Rules and sentences: `appendix_2` in `contracts/policies/farmacie_2025.yaml`; which medicines need
authorisation is the `prior_consent` list, asked through `contracts.dispensing.prior_consent`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from .dispensing import consent_categories, prior_consent
from .errors import CaseError
from .seedrules import boolean, choice, cite, load_rules, obj, unknown_fields

RULES = "farmacie_2025"
FIELDS = ("medicine", "consent_category", "first_prescription", "prescriber",
          "doctors_note_exists", "doctors_note_prescribers", "doctors_note_complete",
          "objects_to_procedure", "very_rare_condition", "prescriber_specialised",
          "designated_preparation", "transferred_preparation")
PREPARATION = "apotheekbereiding"
#: What the pharmacy does (the answer's `route`).
ROUTES = ("afleveren", "artsenverklaring", "artsenverklaring_onvolledig", "machtiging_aanvragen",
          "niet_vergoed")


def _rules() -> Mapping:
    return load_rules(RULES)["appendix_2"]


def medicines() -> dict[str, str]:
    """The kinds of medicine the first-prescription rules distinguish (slug: Dutch)."""
    return {slug: rule["summary"] for slug, rule in _rules()["first_prescription"].items()}


def prescribers() -> dict[str, str]:
    return dict(_rules()["prescribers"])


@dataclass(frozen=True)
class Appendix2Answer:
    medicine: str
    consent_category: str | None
    prescriber: str
    first_prescription: bool
    allowed_prescribers: tuple[str, ...] | None  # None: the seed does not restrict them
    prescriber_allowed: bool
    authorisation_needed: bool
    pharmacist_determines: bool
    route: str
    enclose: tuple[str, ...]
    reasons: tuple[str, ...]

    def as_json(self) -> dict:
        return {"medicine": self.medicine, "consent_category": self.consent_category,
                "prescriber": self.prescriber, "first_prescription": self.first_prescription,
                "allowed_prescribers": None if self.allowed_prescribers is None
                else list(self.allowed_prescribers),
                "prescriber_allowed": self.prescriber_allowed,
                "authorisation_needed": self.authorisation_needed,
                "pharmacist_determines": self.pharmacist_determines, "route": self.route,
                "enclose": list(self.enclose), "reasons": list(self.reasons)}


# -- input -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    medicine: str
    consent_category: str | None
    first: bool
    prescriber: str
    note: bool
    note_prescribers: tuple[str, ...]
    note_complete: bool
    objects: bool
    very_rare: bool
    specialised: bool
    designated: bool
    transferred: bool


def parse(data: Any) -> Facts:
    data = obj(data, "case")
    unknown_fields(data, FIELDS)
    rules = _rules()
    medicine = choice(data.get("medicine"), "medicine", list(rules["first_prescription"]))
    prescriber = choice(data.get("prescriber"), "prescriber", list(rules["prescribers"]))
    flags = {name: boolean(data.get(name), name, False) for name in (
        "doctors_note_exists", "doctors_note_complete", "objects_to_procedure",
        "very_rare_condition", "prescriber_specialised", "designated_preparation",
        "transferred_preparation")}
    first = boolean(data.get("first_prescription"), "first_prescription", True)
    listed = data.get("doctors_note_prescribers")
    listed = [] if listed is None else listed
    if not isinstance(listed, list):
        raise CaseError("doctors_note_prescribers", "must be a list of prescribers",
                        list(rules["prescribers"]))
    note_prescribers = tuple(dict.fromkeys(
        choice(p, f"doctors_note_prescribers.{i}", list(rules["prescribers"]))
        for i, p in enumerate(listed)))
    if not flags["doctors_note_exists"]:
        for name in ("doctors_note_complete", "objects_to_procedure"):
            if flags[name]:
                raise CaseError(name, "needs a doctor's note procedure for the medicine "
                                "(doctors_note_exists)", reason="needs_doctors_note")
        if note_prescribers:
            raise CaseError("doctors_note_prescribers", "needs a doctor's note for the medicine "
                            "(doctors_note_exists)", reason="needs_doctors_note")
    category = data.get("consent_category")
    if medicine == PREPARATION:
        for name in ("consent_category", "doctors_note_exists", "very_rare_condition"):
            if data.get(name) not in (None, False):
                raise CaseError(name, "does not apply to a chemist's preparation (not an "
                                "Appendix 2 medicine)", reason="not_for_preparation")
        category = None
    else:
        for name in ("designated_preparation", "transferred_preparation"):
            if flags[name]:
                raise CaseError(name, "applies to a chemist's preparation only",
                                reason="preparation_only")
        category = choice(category, "consent_category", list(consent_categories()), "overig")
    if flags["prescriber_specialised"] and not flags["very_rare_condition"]:
        raise CaseError("prescriber_specialised", "applies to a very rare condition only "
                        "(very_rare_condition)", reason="very_rare_only")
    return Facts(medicine=medicine, consent_category=category, first=first,
                 prescriber=prescriber, note=flags["doctors_note_exists"],
                 note_prescribers=note_prescribers, note_complete=flags["doctors_note_complete"],
                 objects=flags["objects_to_procedure"], very_rare=flags["very_rare_condition"],
                 specialised=flags["prescriber_specialised"],
                 designated=flags["designated_preparation"],
                 transferred=flags["transferred_preparation"])


# -- the rules ---------------------------------------------------------------------------------

def _names(slugs) -> str:
    names = prescribers()
    return ", ".join(names[s].lower() if i else names[s] for i, s in enumerate(slugs))


def _prescriber(facts: Facts, reasons: list[str]) -> tuple[tuple[str, ...] | None, bool, bool]:
    """(the prescribers allowed, this one allowed, allowed only by the very-rare rule)."""
    rules = _rules()
    rule = rules["first_prescription"][facts.medicine]
    allowed = rule["prescribers"]
    if allowed is not None:
        allowed = list(allowed)
        if rule.get("doctors_note_adds_prescribers") and facts.note:
            allowed += [p for p in facts.note_prescribers if p not in allowed]
        allowed = tuple(allowed)
    if not facts.first:
        reasons.append(cite("vervolgrecept", rules["repeat"]["summary"], rules["repeat"]["quote"]))
        return allowed, True, False
    if allowed is None:
        reasons.append(cite("voorschrijver", f"{rule['summary']}: geen voorschrijver voorgeschreven "
                            "in Bijlage 2; de algemene regel voor recepten geldt", rule["quote"]))
        return None, True, False
    counts = {facts.prescriber, *rules["counts_as"].get(facts.prescriber, [])}
    ok = bool(counts & set(allowed))
    reasons.append(cite("eerste_recept", f"{rule['summary']}: het eerste recept per indicatie "
                        f"alleen door {_names(rule['prescribers'])}", rule["quote"]))
    if rule.get("doctors_note_adds_prescribers") and facts.note and facts.note_prescribers:
        reasons.append(cite("artsenverklaring_voorschrijvers", "de artsenverklaring van ZN noemt "
                            f"ook: {_names(facts.note_prescribers)}", rule["quote"][1:]))
    if ok:
        return allowed, True, False
    rare = rules["very_rare"]
    if facts.very_rare and facts.specialised:
        reasons.append(cite("zeer_zeldzaam", f"{rare['summary']}: deze voorschrijver mag, met "
                            "onze schriftelijke machtiging", rare["quote"]))
        return allowed, True, True
    reasons.append(cite("eerste_recept", f"{prescribers()[facts.prescriber]} mag het eerste "
                        "recept voor dit middel niet uitschrijven: niet ten laste van de "
                        "basisverzekering", rules["quote"]))
    return allowed, False, False


def appendix2(facts: Facts) -> Appendix2Answer:
    rules = _rules()
    reasons: list[str] = []
    allowed, prescriber_ok, by_rare_rule = _prescriber(facts, reasons)
    needed, determines, category = False, False, facts.consent_category
    if facts.medicine == PREPARATION:
        prep = rules["preparations"]
        needed = facts.designated
        what = ("aangewezen: vooraf onze schriftelijke machtiging nodig" if needed else
                "niet aangewezen: geen machtiging nodig")
        what += " (doorgeleverd)" if facts.transferred else ""
        reasons.append(cite("apotheekbereiding", f"apotheekbereiding {what}", prep["quote"]))
    else:
        if facts.very_rare:
            category = rules["very_rare"]["consent_category"]
        consent = prior_consent({"category": category, "doctors_note_procedure": facts.note})
        reasons.extend(consent.reasons)
        needed = consent.prior_consent_needed or by_rare_rule
        if facts.very_rare and facts.consent_category not in ("overig", category):
            other = prior_consent({"category": facts.consent_category,
                                   "doctors_note_procedure": facts.note})
            reasons.extend(other.reasons)
        if facts.note and not needed:
            note = rules["doctors_note"]
            if facts.objects:
                objection = rules["objection"]
                needed = True
                reasons.append(cite("bezwaar_procedure", objection["summary"], objection["quote"]))
            else:
                determines = True
                reasons.append(cite("artsenverklaring", note["summary"], note["quote"]))
                reasons.append(cite("artsenverklaring", "volledig ingevuld, gedateerd en "
                                    "ondertekend bij het recept: " +
                                    ("ja" if facts.note_complete else "nee, eerst aanvullen"),
                                    note["quote"][1:]))
    if not prescriber_ok:
        route = "niet_vergoed"
    elif needed:
        route = "machtiging_aanvragen"
    elif determines:
        route = "artsenverklaring" if facts.note_complete else "artsenverklaring_onvolledig"
    else:
        route = "afleveren"
    enclose: tuple[str, ...] = ()
    if route == "machtiging_aanvragen":
        entry = rules["enclose"]["preparation" if facts.medicine == PREPARATION else "medicine"]
        enclose = tuple(entry["items"])
        reasons.append(cite("meesturen", f"stuur mee: {entry['summary'].lower()}", entry["quote"]))
    elif route.startswith("artsenverklaring"):
        entry = rules["enclose"]["doctors_note"]
        enclose = tuple(entry["items"])
    return Appendix2Answer(
        medicine=facts.medicine, consent_category=category,
        prescriber=facts.prescriber, first_prescription=facts.first,
        allowed_prescribers=allowed, prescriber_allowed=prescriber_ok,
        authorisation_needed=needed and prescriber_ok, pharmacist_determines=determines and
        prescriber_ok and not needed, route=route, enclose=enclose, reasons=tuple(reasons))


def check_appendix2(data: Any) -> Appendix2Answer:
    """Parse and decide: the one call the CLI, the API and the page make."""
    return appendix2(parse(data))
