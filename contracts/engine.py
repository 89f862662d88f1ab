"""The decision engine: a case in, one decision out, with the reasons, each citing its rule."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .cases import Case
from .exclusion import ground_applies
from .formatting import nl_date
from .policy import Policy, Rule, load_policy
from .vocabulary import (BasedOn, Channel, DocumentKind, Exclusion, Route, dutch)


@dataclass(frozen=True)
class Decision:
    """What the policy does for a case. `deadline` is the date by which the insurer must act."""

    route: Route
    document: DocumentKind | None
    negotiable: bool | None
    channel: Channel | None
    final_channel: Channel | None
    deadline: date | None
    exclusion: Exclusion | None
    reasons: tuple[str, ...]
    rule: str | None = None
    milestone: str | None = None
    based_on: tuple[BasedOn, ...] = ()
    criteria: tuple[str, ...] = ()
    extended: bool = False

    def as_json(self) -> dict:
        """The decision in the JSON form of the CLI and the API (ISO dates, slugs)."""
        return {
            "route": str(self.route),
            "document": _slug(self.document),
            "negotiable": self.negotiable,
            "channel": _slug(self.channel),
            "final_channel": _slug(self.final_channel),
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "exclusion": _slug(self.exclusion),
            "reasons": list(self.reasons),
            "rule": self.rule,
            "milestone": self.milestone,
            "based_on": [str(b) for b in self.based_on],
            "criteria": list(self.criteria),
            "extended": self.extended,
        }


def _slug(value) -> str | None:
    return None if value is None else str(value)


def _nothing(reasons, rule: Rule | None = None, exclusion: Exclusion | None = None) -> Decision:
    return Decision(route=Route.GEEN, document=None, negotiable=None, channel=None,
                    final_channel=None, deadline=None, exclusion=exclusion,
                    reasons=tuple(reasons), rule=rule.id if rule else None,
                    extended=bool(rule and rule.extended and exclusion is None))


def decide(case: Case, policy: Policy | None = None) -> Decision:
    """The decision for `case` under the policy of its year.

    Order: the rule for the cell; the minimum requirement (no contract of any kind); the
    exclusion grounds the rule names; contracts the rule requires; criteria that can be checked
    on data (the AGB start date); the deadline from the rule's milestone.
    """
    policy = policy or load_policy(case.policy_year)
    rule = policy.rule_for(case.provider_type, case.contract, case.relation, case.size_rank)
    if rule is None:
        reasons = [f"geen_regel: het inkoopbeleid {policy.year} kent geen route voor "
                   f"{dutch(case.contract)} bij {dutch(case.provider_type)} ({case.relation})"]
    else:
        reasons = [rule.citation()]
        if rule.size.label():
            reasons.append(f"{rule.id}: grootte-rang {case.size_rank} valt in {rule.size.label()}")

    if case.riz_contra_indication:
        requirement = policy.minimum_requirement
        reasons.append(f"minimumeis: {requirement['summary']} (“{requirement['seed'][0]}”)")
        return _nothing(reasons, rule, Exclusion.MINIMUMEIS)
    if rule is None or rule.route is Route.GEEN:
        return _nothing(reasons, rule)

    for ground_id in rule.exclusion_grounds:
        ground = policy.exclusion_grounds[ground_id]
        if case.provider_type not in ground.provider_types:
            continue
        applies, why = ground_applies(ground, case.profile, policy.year)
        reasons.extend(why)
        if applies:
            reasons.append(f"{ground.id}: {ground.summary} (“{ground.seed[0]}”)")
            return _nothing(reasons, rule, Exclusion.UITSLUITINGSGROND)

    for required in rule.requires:
        if case.contracts_held is None:
            reasons.append(f"{rule.id}: voorwaarde: er moet al een {dutch(required)} zijn")
        elif required not in case.contracts_held:
            reasons.append(f"{rule.id}: niet in aanmerking: er is geen {dutch(required)}")
            return _nothing(reasons, rule)

    for criterion_id in rule.criteria:
        criterion = policy.criteria[criterion_id]
        if criterion.kind == "agb_start_not_before":
            if case.agb_start is None:
                reasons.append(f"{criterion.id}: voorwaarde, nog te toetsen (AGB-startdatum "
                               f"ontbreekt): {criterion.summary}")
            elif case.agb_start < criterion.date:
                reasons.append(f"{criterion.id}: niet in aanmerking: AGB-startdatum "
                               f"{nl_date(case.agb_start)} ligt voor {nl_date(criterion.date)} "
                               f"(“{criterion.seed[0]}”)")
                return _nothing(reasons, rule)
            else:
                reasons.append(f"{criterion.id}: voldaan: AGB-startdatum "
                               f"{nl_date(case.agb_start)} (“{criterion.seed[0]}”)")
        elif criterion.kind == "represented_by_collective":
            if case.represented_by_collective is None:
                reasons.append(f"{criterion.id}: voorwaarde, nog te toetsen: {criterion.summary}")
            elif not case.represented_by_collective:
                reasons.append(f"{criterion.id}: niet in aanmerking: geen collectief vertegenwoordigt "
                               f"de zorgaanbieder (“{criterion.seed[0]}”)")
                return _nothing(reasons, rule)
            else:
                reasons.append(f"{criterion.id}: voldaan: {criterion.summary}")
        else:
            reasons.append(f"{criterion.id}: criterium voor de beoordeling: {criterion.summary}")

    milestone = policy.milestone_of(rule)
    deadline = None
    if milestone is not None:
        deadline = milestone.due(case.application_received)
        if deadline is not None:
            reasons.append(f"{milestone.id}: {milestone.when()}: {milestone.describe()}")
        elif rule.route is Route.AANVRAAG:
            reasons.append(f"{milestone.id}: {milestone.when()} (datum van ontvangst nog onbekend)")
    return Decision(route=rule.route, document=rule.document, negotiable=rule.negotiable,
                    channel=rule.channel, final_channel=rule.final_channel, deadline=deadline,
                    exclusion=None, reasons=tuple(reasons), rule=rule.id,
                    milestone=rule.milestone, based_on=rule.based_on, criteria=rule.criteria,
                    extended=rule.extended)
