"""Who counts as a new provider, and the assessment checklist of an application."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Mapping

from .errors import CaseError
from .formatting import nl_date
from .policy import Criterion, Policy
from .vocabulary import NewProviderSituation, Relation


def classify_relation(policy: Policy, *, has_contract: bool, agreement_end: date | None = None,
                      situation: NewProviderSituation | None = None) -> tuple[Relation, str]:
    """The provider's relation to a contract under `policy`, with the reason.

    A provider taking over or starting a pharmacy is new even when it already has an agreement
    (the three situations of "Onder nieuwe zorgaanbieders verstaan wij"). Otherwise an agreement
    that ends within the procurement calendar year is `aflopend`, one that runs on into the
    contract year `doorlopend`; an agreement that ended before that year is no agreement.
    """
    situations = (policy.new_providers or {}).get("situations", {})
    if situation is not None:
        quote = situations.get(str(situation))
        if quote is None:
            return Relation.NIEUW, (f"nieuw: het beleid {policy.year} omschrijft niet wie als nieuwe "
                                    f"zorgaanbieder geldt; gelezen als nieuw ({situation})")
        return Relation.NIEUW, f"nieuw: {situation} (“{quote}”)"
    first_day = date(policy.calendar_year, 1, 1)
    if not has_contract or (agreement_end is not None and agreement_end < first_day):
        quote = situations.get(str(NewProviderSituation.GEEN_OVEREENKOMST))
        return Relation.NIEUW, "nieuw: nog geen overeenkomst" + (f" (“{quote}”)" if quote else "")
    if agreement_end is None:
        raise CaseError("agreement_end", "required for a contracted provider")
    if agreement_end <= date(policy.calendar_year, 12, 31):
        return Relation.AFLOPEND, f"aflopend: de overeenkomst eindigt op {nl_date(agreement_end)}"
    return Relation.DOORLOPEND, f"doorlopend: de overeenkomst loopt tot {nl_date(agreement_end)}"


def start_window(policy: Policy, received_on: date,
                 agb_start: date | None = None) -> tuple[date, date]:
    """The first and last desired start date an application received on `received_on` may name.

    Applications are for one contract year: "Niet-gecontracteerde zorgaanbieders die voor 2024
    in aanmerking willen komen voor een overeenkomst Farmaceutische zorg kunnen dit aan ons
    kenbaar maken" (seed 002; the same for Dieetpreparaten). Reading: the start lies in the
    policy's contract year, not before the day the application is received (on the simulated
    clock: an agreement is not concluded for days gone by; "Continue proces Aanvragen
    overeenkomst" lets applications come in during the contract year too), and not before the
    AGB code starts (the agreement is concluded with the holder of the code). After the
    contract year the window is empty (first > last): the application comes too late.
    """
    first = max(date(policy.year, 1, 1), received_on, agb_start or date.min)
    return first, date(policy.year, 12, 31)


class DateRefused(CaseError):
    """A date the application may not name; `reason` (closed, agb_after_year, before_agb,
    outside) lets a form say it in its own language, with `first` and `last` the desired start
    dates allowed."""

    def __init__(self, field: str, reason: str, message: str, first: date, last: date):
        super().__init__(field, message)
        self.reason, self.first, self.last = reason, first, last


def check_dates(policy: Policy, *, received_on: date, start: date,
                agb_start: date | None) -> None:
    """Refuse (DateRefused) a desired start outside `start_window`. An old AGB start date is no
    reason to refuse: a new provider may take over an existing pharmacy ("ook wanneer zij een
    bestaande, reeds gecontracteerde apotheek ... overnemen"); a starting facility company
    names a start on or after its code's ("met een AGB-code waarvan de startdatum niet ouder is
    dan 1 januari 2024")."""
    first, last = start_window(policy, received_on, agb_start)
    if received_on > last:
        raise DateRefused("start_date", "closed",
                          f"applications for {policy.year} closed on {last.isoformat()}",
                          first, last)
    if agb_start is not None and agb_start > last:
        raise DateRefused("agb_start", "agb_after_year",
                          f"the AGB code starts after {policy.year}", first, last)
    if not first <= start <= last:
        # the contract year and the day of receipt first: a start in 2020 is not "before the AGB"
        outside = not start_window(policy, received_on)[0] <= start <= last
        reason = "outside" if outside else "before_agb"
        raise DateRefused("start_date", reason,
                          f"must be from {first.isoformat()} to {last.isoformat()} (in "
                          f"{policy.year}, not before the day of receipt nor before the AGB "
                          f"code starts)", first, last)


@dataclass(frozen=True)
class Finding:
    """A manager's finding on one criterion of an application."""

    criterion: str
    met: bool
    motivation: str
    confirmed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Assessment:
    """The recorded outcome of an application: granted or refused, with a finding per criterion."""

    granted: bool
    findings: tuple[Finding, ...]
    motivation: str


def checklist(policy: Policy, criteria: tuple[str, ...]) -> list[Criterion]:
    """The criteria a manager weighs for an application (those the decision names)."""
    return [policy.criteria[c] for c in criteria if policy.criteria[c].kind == "assessment"]


def record_assessment(policy: Policy, criteria: tuple[str, ...], granted: bool, motivation: str,
                      findings: Mapping[str, Mapping]) -> Assessment:
    """Check a manager's assessment against the checklist and return it; CaseError if incomplete.

    "Wij maken een afweging op basis van de mate waarin": the outcome is a weighing, which the
    manager records. The product checks that it is complete: every criterion has a finding with a
    motivation, "meer keuze" counts only with the economic viability confirmed, a refusal is
    reasoned, and a grant rests on at least one criterion met (reading: a grant that meets none of
    the published criteria cannot be a weighing "op basis van" them).
    """
    items = checklist(policy, criteria)
    known = {c.id for c in items}
    for key in findings:
        if key not in known:
            raise CaseError(f"findings.{key}", "not a criterion of this application", sorted(known))
    recorded = []
    for criterion in items:
        finding = findings.get(criterion.id)
        if finding is None:
            raise CaseError(f"findings.{criterion.id}", "a finding is required for every criterion")
        text = str(finding.get("motivation") or "").strip()
        if not text:
            raise CaseError(f"findings.{criterion.id}.motivation", "a motivation is required")
        met = finding.get("met")
        if not isinstance(met, bool):
            raise CaseError(f"findings.{criterion.id}.met", "must be true or false")
        confirmed = tuple(finding.get("confirmed") or ())
        if met and criterion.requires_confirmation and criterion.requires_confirmation not in confirmed:
            raise CaseError(f"findings.{criterion.id}.confirmed",
                            f"counts only with {criterion.requires_confirmation} confirmed "
                            f"(“{criterion.seed[0]}”)", [criterion.requires_confirmation])
        recorded.append(Finding(criterion.id, met, text, confirmed))
    if not motivation.strip():
        raise CaseError("motivation", "the outcome needs a motivation")
    if granted and items and not any(f.met for f in recorded):
        raise CaseError("granted", "a grant needs at least one criterion met")
    return Assessment(granted, tuple(recorded), motivation.strip())
