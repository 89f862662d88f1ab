"""Consent and authorisation requests for import medicines at a rare indication (seed 000).

The rules a request must meet wherever it comes from (the pharmacy's form, the API), the kinds
and statuses, the prescription's file check, and the insurer's answer term in working days.
Plain Python: the policy data lives in `policies/consent.yaml`, each rule with its quote.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Mapping


from .errors import CaseError
from .filetypes import is_pdf
from .identifiers import is_agb, is_zindex
from .seedrules import load_rules


class Kind(StrEnum):
    #: Consent for a medicine in the G-Standaard on F with a condition, or on N (memo 1c, 1d).
    TOESTEMMING = "toestemming"
    #: Authorisation for a medicine not in the G-Standaard (memo 2).
    MACHTIGING = "machtiging"


class Status(StrEnum):
    INGEDIEND = "ingediend"
    IN_BEHANDELING = "in_behandeling"
    VERLEEND = "verleend"
    GEWEIGERD = "geweigerd"
    INGETROKKEN = "ingetrokken"


#: Statuses that still wait for the insurer's answer (and can be withdrawn).
OPEN = (Status.INGEDIEND.value, Status.IN_BEHANDELING.value)
STATUSES = tuple(s.value for s in Status)
KINDS = tuple(k.value for k in Kind)
#: G-Standaard statuses for which consent can be asked.
GSTANDAARD_STATUSES = ("f_met_voorwaarde", "n")


def reference(kind: str, request_id: int) -> str:
    """A request's number as both sides quote it: TM-000012 (toestemming), MA-000012 (machtiging)."""
    return f"{'TM' if kind == Kind.TOESTEMMING else 'MA'}-{request_id:06d}"


@dataclass(frozen=True)
class ConsentPolicy:
    """The numbers of `policies/consent.yaml`."""

    prevalence_one_in: int
    answer_working_days: int
    gstandaard_statuses: tuple[str, ...]


@functools.cache
def load_consent_policy() -> ConsentPolicy:
    """The numbers of `policies/consent.yaml`; the prevalence threshold is the import check's
    `rare_indication` rule (importgeneesmiddel.yaml), so both hold a case to one number."""
    data = load_rules("consent")
    return ConsentPolicy(
        prevalence_one_in=int(load_rules("importgeneesmiddel")["rare_indication"]
                              ["prevalence_one_in_at_least"]),
        answer_working_days=int(data["answer_term"]["working_days"]),
        gstandaard_statuses=tuple(data["kinds"]["toestemming"]["gstandaard_statuses"]))


# -- the answer term -----------------------------------------------------------------------------

def easter(year: int) -> date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.cache
def public_holidays(year: int) -> frozenset[date]:
    """The generally recognised public holidays of the Algemene termijnenwet (art. 3)."""
    sunday = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it is celebrated the day before
        kings_day = date(year, 4, 26)
    return frozenset({date(year, 1, 1), sunday + timedelta(days=1), kings_day, date(year, 5, 5),
                      sunday + timedelta(days=39), sunday + timedelta(days=50),
                      date(year, 12, 25), date(year, 12, 26)})


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The `days`-th working day after `start` (`start` itself not counted)."""
    if days < 1:
        raise CaseError("working_days", "an answer term is at least one working day")
    day, counted = start, 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day):
            counted += 1
    return day


def answer_due(submitted_on: date, working_days: int | None = None) -> date:
    """By when the insurer answers a request submitted on `submitted_on` (policy: 10 working days)."""
    return add_working_days(submitted_on, working_days or load_consent_policy().answer_working_days)


# -- the prescription ----------------------------------------------------------------------------

#: What a prescription may be, recognised by its content (never by its name).
PRESCRIPTION_TYPES = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def prescription_type(content: bytes) -> str | None:
    """The media type of a prescription file by its content: a whole PDF, PNG or JPEG; else None."""
    if is_pdf(content):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n") and b"IEND" in content[-32:]:
        return "image/png"
    if content.startswith(b"\xff\xd8\xff") and content.rstrip(b"\x00\r\n")[-2:] == b"\xff\xd9":
        return "image/jpeg"
    return None


def check_prescription(filename: str, content: bytes, limit: int) -> str:
    """The prescription's media type; CaseError("prescription") when it is empty, too large or
    not a PDF, PNG or JPEG by its content."""
    if not content:
        raise CaseError("prescription", "the prescription is required (PDF, PNG or JPEG)")
    if len(content) > limit:
        raise CaseError("prescription", f"{filename}: larger than {limit // (1024 * 1024)} MB")
    kind = prescription_type(content)
    if kind is None:
        raise CaseError("prescription", f"{filename}: not a PDF, PNG or JPEG file (checked by content)",
                        list(PRESCRIPTION_TYPES))
    return kind


# -- the request ---------------------------------------------------------------------------------

#: Initials: letters in groups of one or two (Th., IJ.), each group ended by a dot or a space.
INITIALS = re.compile(r"[A-Za-zÀ-ÿ]{1,2}(?:[.\s]\s*[A-Za-zÀ-ÿ]{1,2}){0,5}\.?")


def looks_like_bsn(text: str) -> bool:
    """Whether `text` holds a 9-digit number that passes the BSN eleven-test: a reference must not
    carry a citizen service number (the portal keeps pseudonymous references only)."""
    for match in re.finditer(r"(?<!\d)\d{9}(?!\d)", re.sub(r"[\s.-]", "", text or "")):
        digits = [int(c) for c in match.group()]
        total = sum(d * w for d, w in zip(digits[:8], range(9, 1, -1), strict=True)) - digits[8]
        if total % 11 == 0 and any(digits):
            return True
    return False


def _text(data: Mapping, field: str, limit: int, *, required: bool = True) -> str:
    value = data.get(field)
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise CaseError(field, "is required")
    if "\x00" in value:
        raise CaseError(field, "must not contain a NUL character")
    if len(value) > limit:
        raise CaseError(field, f"at most {limit} characters")
    return value


def validate_request(data: Mapping, *, today: date) -> dict:
    """The request's fields, checked and cleaned, as the model stores them; CaseError names the
    first bad field. The same rules for the form and the API."""
    policy = load_consent_policy()
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        raise CaseError("kind", "unknown kind of request", KINDS)
    clean: dict = {"kind": kind}
    clean["substance"] = _text(data, "substance", 200)
    clean["brand"] = _text(data, "brand", 200, required=kind == Kind.MACHTIGING)
    if kind == Kind.TOESTEMMING:
        zindex = _text(data, "zindex_number", 8)
        if not is_zindex(zindex):
            raise CaseError("zindex_number", "a Z-index number has 8 digits")
        status = str(data.get("gstandaard_status") or "")
        if status not in policy.gstandaard_statuses:
            raise CaseError("gstandaard_status", "consent is asked for status F with a condition, or N",
                            policy.gstandaard_statuses)
        clean.update(zindex_number=zindex, gstandaard_status=status, importer=None)
    else:
        if str(data.get("zindex_number") or "").strip():
            raise CaseError("zindex_number", "an authorisation is for a medicine without a "
                                             "Z-index number; ask consent for one with it")
        clean.update(zindex_number=None, gstandaard_status=None,
                     importer=_text(data, "importer", 200))
    clean["indication"] = _text(data, "indication", 300)
    initials = _text(data, "insured_initials", 20)
    if not INITIALS.fullmatch(initials):
        raise CaseError("insured_initials", "initials only, e.g. J.P.")
    clean["insured_initials"] = initials.upper()
    birth = data.get("insured_birth_date")
    if not isinstance(birth, date):
        raise CaseError("insured_birth_date", "is required (a date)")
    if birth > today or birth.year < 1900:
        raise CaseError("insured_birth_date", "not a possible date of birth")
    clean["insured_birth_date"] = birth
    reference = _text(data, "patient_reference", 40, required=False)
    if looks_like_bsn(reference):
        raise CaseError("patient_reference", "looks like a BSN: use the pharmacy's own reference")
    clean["patient_reference"] = reference
    clean["prescriber"] = _text(data, "prescriber", 200)
    prescriber_agb = _text(data, "prescriber_agb", 8, required=False)
    if prescriber_agb and not is_agb(prescriber_agb):
        raise CaseError("prescriber_agb", "an AGB code has 8 digits")
    clean["prescriber_agb"] = prescriber_agb
    substantiation = _text(data, "substantiation", 10000)
    if looks_like_bsn(substantiation):
        raise CaseError("substantiation", "looks like it holds a BSN: leave it out")
    clean["substantiation"] = substantiation
    if data.get("rational_pharmacotherapy") is not True:
        raise CaseError("rational_pharmacotherapy", "a request needs rational pharmacotherapy (confirm it)")
    clean["rational_pharmacotherapy"] = True
    prevalence = data.get("prevalence_one_in")
    if isinstance(prevalence, bool) or not isinstance(prevalence, int):
        raise CaseError("prevalence_one_in", "is required (a whole number: 1 in how many inhabitants)")
    if prevalence < policy.prevalence_one_in:
        raise CaseError("prevalence_one_in",
                        f"only for a condition of at most 1 in {policy.prevalence_one_in} inhabitants")
    if prevalence > 2**31 - 1:
        raise CaseError("prevalence_one_in", "too large")
    clean["prevalence_one_in"] = prevalence
    clean["igj_reference"] = _text(data, "igj_reference", 100, required=False)
    return clean
