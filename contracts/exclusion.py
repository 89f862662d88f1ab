"""The minimum requirement and the exclusion grounds of Bijlage 2, applied to profile facts."""
from __future__ import annotations

from dataclasses import dataclass, field

from .vocabulary import ImprovementAgreements


@dataclass(frozen=True)
class ProfileFacts:
    """What the exclusion grounds need to know of a pharmacy's profile history.

    `lowest_group_years`: the profile years in which the pharmacy was in the lowest-scoring group.
    `declining_component`: whether one of the profile's parts shows a declining trend (None: unknown).
    `improvement_agreements`: the state of the improvement agreements (verbeterafspraken).
    """

    lowest_group_years: tuple[int, ...] = ()
    declining_component: bool | None = None
    improvement_agreements: ImprovementAgreements = ImprovementAgreements.GEEN
    declining_components: tuple[str, ...] = field(default=(), compare=False)


def lowest_group_run(years, length: int, policy_year: int) -> tuple[int, ...] | None:
    """The run of `length` consecutive lowest-group years that reaches the latest profile year.

    Reading of "3 achtereenvolgende jaren behoren tot de groep met het laagst scorende
    apotheekprofiel": the run must end in the policy year or the year before (the latest
    profiles known when the offer is made); an old run followed by better years does not count.
    """
    present = set(years)
    for last in (policy_year, policy_year - 1):
        run = tuple(range(last - length + 1, last + 1))
        if present.issuperset(run):
            return run
    return None


def ground_applies(ground, facts: ProfileFacts | None, policy_year: int) -> tuple[bool, list[str]]:
    """Whether all conditions of an exclusion ground hold, with a reason per condition.

    The ground needs every condition together ("én"); with no profile facts it is not assessed
    and does not apply.
    """
    if facts is None:
        return False, [f"{ground.id}: niet getoetst, geen profielgegevens opgegeven"]
    run = lowest_group_run(facts.lowest_group_years, ground.consecutive_lowest_years, policy_year)
    declining = bool(facts.declining_component) or not ground.requires_declining_component
    failing = facts.improvement_agreements in ground.failing_improvement_agreements
    checks = [
        (run is not None,
         f"{ground.consecutive_lowest_years} achtereenvolgende jaren in de laagst scorende groep"
         + (f" ({run[0]}-{run[-1]})" if run else
            f" (laagste groep in: {', '.join(map(str, facts.lowest_group_years)) or 'geen jaar'})")),
        (declining, "dalende trend op een onderdeel van het apotheekprofiel"
         + ("" if facts.declining_component is not None else " (onbekend)")),
        (failing, f"verbeterafspraken: {facts.improvement_agreements}"),
    ]
    reasons = [f"{ground.id}: {'voldaan' if ok else 'niet voldaan'}: {text}" for ok, text in checks]
    return all(ok for ok, _ in checks), reasons
