"""Loading and checking the procurement policy of a year from `contracts/policies/<year>.yaml`.

A year's file either stands alone or names a `base` year and lists only what differs: rules,
milestones, criteria and exclusion grounds merge by id (a field given replaces the base's field,
`null` removes the entry), other top-level keys replace the base's. Milestones inherited from a
base move with the calendar year.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any, Iterator, Mapping

import yaml

from .calendar import AcceptancePeriod, Milestone, MilestoneKind, sort_key
from .errors import CaseError, PolicyError
from .vocabulary import (BasedOn, Channel, Contract, DocumentKind, ImprovementAgreements,
                         NewProviderSituation, Party, ProviderType, Relation, Route)

MERGED_BY_ID = ("rules", "milestones", "criteria", "exclusion_grounds")


@dataclass(frozen=True)
class Criterion:
    """A condition a new provider's application is judged on."""

    id: str
    kind: str  # one of CRITERION_KINDS
    summary: str
    seed: tuple[str, ...]
    date: date | None = None
    requires_confirmation: str | None = None
    reading: str | None = None


@dataclass(frozen=True)
class ExclusionGround:
    """An exclusion ground of Bijlage 2: all its conditions together exclude a provider."""

    id: str
    summary: str
    contract: Contract
    provider_types: tuple[ProviderType, ...]
    consecutive_lowest_years: int
    requires_declining_component: bool
    failing_improvement_agreements: tuple[ImprovementAgreements, ...]
    seed: tuple[str, ...]
    reading: str | None = None


@dataclass(frozen=True)
class SizeBand:
    """A range of size ranks (1 = largest by claims); `None` bounds are open."""

    min: int | None = None
    max: int | None = None

    def __contains__(self, rank: int) -> bool:
        return (self.min is None or rank >= self.min) and (self.max is None or rank <= self.max)

    @property
    def is_all(self) -> bool:
        return self.min is None and self.max is None

    def label(self) -> str | None:
        if self.is_all:
            return None
        low = self.min or 1
        return f">={low}" if self.max is None else f"{low}-{self.max}"


@dataclass(frozen=True)
class Rule:
    """What the policy does for the cells (provider type x contract x relation [x size]) it covers."""

    id: str
    summary: str
    provider_types: tuple[ProviderType, ...]
    contract: Contract
    relations: tuple[Relation, ...]
    route: Route
    seed: tuple[str, ...]
    document: DocumentKind | None = None
    negotiable: bool | None = None
    channel: Channel | None = None
    final_channel: Channel | None = None
    milestone: str | None = None
    based_on: tuple[BasedOn, ...] = ()
    criteria: tuple[str, ...] = ()
    requires: tuple[Contract, ...] = ()
    extended: bool = False
    exclusion_grounds: tuple[str, ...] = ()
    size: SizeBand = SizeBand()
    reading: str | None = None
    subject: str | None = None  # the subject of Bijlage 1 a changed rule belongs to

    def covers(self, provider_type, contract, relation) -> bool:
        return (contract == self.contract and provider_type in self.provider_types
                and relation in self.relations)

    def citation(self) -> str:
        """The rule's id, what it says and the first sentence it encodes: a reason's text."""
        return f"{self.id}: {self.summary} (“{self.seed[0]}”)"


@dataclass(frozen=True)
class AgreementTerm:
    """How many contract years an agreement concluded in a year's campaign runs: `years` per
    contract named, one year for every other."""

    years: Mapping[Contract, int]
    seed: tuple[str, ...]
    reading: str | None = None

    def of(self, contract) -> int:
        return self.years.get(Contract(contract), 1)


@dataclass(frozen=True)
class Policy:
    """The procurement policy of one contract year."""

    year: int
    calendar_year: int
    title: str
    rules: Mapping[str, Rule]
    milestones: Mapping[str, Milestone]
    criteria: Mapping[str, Criterion]
    exclusion_grounds: Mapping[str, ExclusionGround]
    minimum_requirement: Mapping[str, Any]
    new_providers: Mapping[str, Any] | None
    profile: Mapping[str, Any] | None
    acceptance: AcceptancePeriod | None = None
    agreement_term: AgreementTerm | None = None
    #: Days before a deadline that its reminders go out, most first (`reminders.days_before`);
    #: empty where the data names none (the scheduler's default then).
    reminder_days: tuple[int, ...] = ()
    #: The name of the variant (contracts.variants) this policy is, None for a year's own policy.
    variant: str | None = None
    _index: Mapping[tuple, tuple[Rule, ...]] = field(repr=False, compare=False, default=None)

    def rules_for(self, provider_type, contract, relation) -> tuple[Rule, ...]:
        """The rules that cover this cell: none, one, or one per size band."""
        return self._index.get((provider_type, contract, relation), ())

    def rule_for(self, provider_type, contract, relation, size_rank: int | None) -> Rule | None:
        """The one rule for a case, or None when the policy does not speak of it.

        Raises CaseError when the rules differ by size rank and none was given.
        """
        rules = self.rules_for(provider_type, contract, relation)
        if len(rules) == 1 and rules[0].size.is_all:
            return rules[0]
        if not rules:
            return None
        if size_rank is None:
            bands = ", ".join(f"{r.size.label()} ({r.id})" for r in rules)
            raise CaseError("size_rank", "required here: the policy treats providers by their "
                            f"rank in claims differently ({bands})")
        return next(r for r in rules if size_rank in r.size)

    def size_bands(self, provider_type, contract, relation) -> tuple[SizeBand, ...]:
        """The size bands the policy distinguishes for this cell (one open band if none)."""
        rules = self.rules_for(provider_type, contract, relation)
        return tuple(r.size for r in rules) or (SizeBand(),)

    def calendar(self) -> list[Milestone]:
        """The milestones in date order, undated ones last."""
        return sorted(self.milestones.values(), key=sort_key)

    def group_of(self, milestone: Milestone) -> str | None:
        """The group of providers the planning's block of this milestone is for, in the seed's
        words ("reeds gecontracteerde, grootste facilitaire bedrijven"), where the planning
        splits a contract's providers into groups; None where it does not.

        Reading: the seed names the group once, in the block's "Bekendmaken ..." line ("Uiterlijk
        1 mei 2023 Bekendmaken reeds gecontracteerde, grootste facilitaire bedrijven VGZ
        E-mail"); the block's other lines (its offers, "Aanbieden overeenkomst VGZ VECOZO") are
        for the same group: the same contract and the same size ranks. Without it two lines of
        the same day, action and contract cannot be told apart."""
        if milestone.group is not None:
            return milestone.group
        ranks = (milestone.size_rank_min, milestone.size_rank_max)
        return next((m.group for m in self.milestones.values() if m.group is not None
                     and m.contract == milestone.contract
                     and (m.size_rank_min, m.size_rank_max) == ranks), None)

    def milestone_of(self, rule: Rule) -> Milestone | None:
        return self.milestones.get(rule.milestone) if rule.milestone else None

    def agreement_start(self, contract) -> date:
        """The first day of an agreement concluded in this year's campaign: 1 January of the
        contract year."""
        return date(self.year, 1, 1)

    def agreement_end(self, contract) -> date:
        """The last day of an agreement for `contract` concluded in this year's campaign: 31
        December of its last contract year (`agreement_term`; one year where the data names
        none)."""
        years = self.agreement_term.of(contract) if self.agreement_term else 1
        return date(self.year + years - 1, 12, 31)

    def acceptance_deadline(self, rule_id: str, issued: date, negotiable: bool) -> date | None:
        """By when an offer under this rule, issued on `issued`, must be answered.

        A negotiable offer whose milestone names an agreement date runs until then.
        """
        if self.acceptance is None:
            return None
        rule = self.rules.get(rule_id)
        milestone = self.milestone_of(rule) if rule else None
        agreement = (self.milestones.get(milestone.agreement_by)
                     if milestone and milestone.agreement_by else None)
        return self.acceptance.deadline(issued, agreement.date if agreement and negotiable else None)


def cells() -> Iterator[tuple[ProviderType, Contract, Relation]]:
    """Every provider type x contract x relation, in the vocabulary's order."""
    for contract in Contract:
        for provider_type in ProviderType:
            for relation in Relation:
                yield provider_type, contract, relation


# -- loading -----------------------------------------------------------------------------------

def _raw(year: int) -> dict:
    name = f"{year}.yaml"
    files = resources.files("contracts.policies")
    if not files.joinpath(name).is_file():
        raise CaseError("policy_year", f"no policy for {year}", available_years())
    return yaml.safe_load(files.joinpath(name).read_text(encoding="utf-8"))


@functools.cache
def available_years() -> tuple[int, ...]:
    files = resources.files("contracts.policies")
    found = (re.fullmatch(r"(\d{4})\.yaml", f.name) for f in files.iterdir())
    return tuple(sorted(int(m.group(1)) for m in found if m))


def _merged(year: int, seen: tuple[int, ...] = ()) -> dict:
    """The year's data with its base year's merged in."""
    data = _raw(year)
    base_year = data.pop("base", None)
    if base_year is None:
        return data
    if base_year in seen or base_year == year:
        raise PolicyError(f"policy {year}: circular base {base_year}")
    base = _merged(base_year, seen + (year,))
    shift = data["calendar_year"] - base["calendar_year"]
    for milestone in base.get("milestones", {}).values():
        if milestone.get("date"):
            milestone["date"] = milestone["date"].replace(year=milestone["date"].year + shift)
    if base.get("acceptance"):
        latest = base["acceptance"]["latest"]
        base["acceptance"] = {**base["acceptance"], "latest": latest.replace(year=latest.year + shift)}
    merged = {k: v for k, v in base.items()}
    for key, value in data.items():
        if key not in MERGED_BY_ID:
            merged[key] = value
            continue
        entries = dict(base.get(key) or {})
        for entry_id, entry in (value or {}).items():
            if entry is None:
                entries.pop(entry_id, None)
            elif entry_id in entries:
                entries[entry_id] = {**entries[entry_id], **entry}
            else:
                entries[entry_id] = entry
        merged[key] = entries
    return merged


def _enum(kind, value, where: str):
    try:
        return kind(value)
    except ValueError:
        raise PolicyError(f"{where}: unknown {kind.__name__} {value!r}") from None


def _enums(kind, values, where: str) -> tuple:
    return tuple(_enum(kind, v, where) for v in values or ())


def _seed(entry: Mapping, where: str) -> tuple[str, ...]:
    seed = entry.get("seed")
    if not seed or not all(isinstance(s, str) and s.strip() for s in seed):
        raise PolicyError(f"{where}: every rule carries the seed sentence it encodes")
    return tuple(seed)


def _milestone(mid: str, m: Mapping) -> Milestone:
    where = f"milestone {mid}"
    size = m.get("size_rank") or {}
    kind = _enum(MilestoneKind, m["kind"], where)
    if (kind in (MilestoneKind.UITERLIJK, MilestoneKind.VANAF)) != isinstance(m.get("date"), date):
        raise PolicyError(f"{where}: a dated milestone needs a date, others none")
    if (kind is MilestoneKind.RELATIEF) != bool(m.get("months_after_application")):
        raise PolicyError(f"{where}: a relative milestone needs months_after_application")
    return Milestone(
        id=mid, kind=kind, date=m.get("date"), action=m["action"],
        who=_enum(Party, m["who"], where), via=_enum(Channel, m["via"], where),
        contract=_enum(Contract, m["contract"], where) if m.get("contract") else None,
        provider_types=_enums(ProviderType, m["provider_types"], where),
        relations=_enums(Relation, m["relations"], where),
        months_after_application=m.get("months_after_application"),
        size_rank_min=size.get("min"), size_rank_max=size.get("max"),
        seed=_seed(m, where), reading=m.get("reading"), agreement_by=m.get("agreement_by"),
        **_announces(m.get("announces"), where))


def _announces(a: Mapping | None, where: str) -> dict:
    """What a "Bekendmaken ..." line announces: the offers of a milestone, to a group."""
    if a is None:
        return {}
    if not (isinstance(a, Mapping) and isinstance(a.get("offers"), str)
            and isinstance(a.get("group"), str) and a["group"].strip()):
        raise PolicyError(f"{where}: announces needs the milestone of its offers and a group")
    return {"announces": a["offers"], "group": a["group"]}


def _acceptance(a: Mapping | None) -> AcceptancePeriod | None:
    if a is None:
        return None
    if not isinstance(a.get("latest"), date) or a.get("weeks", 0) < 1 or a.get("min_days", -1) < 0:
        raise PolicyError("acceptance: needs weeks >= 1, min_days >= 0 and a latest date")
    return AcceptancePeriod(weeks=a["weeks"], min_days=a["min_days"], latest=a["latest"],
                            seed=_seed(a, "acceptance"), reading=a.get("reading"))


def _agreement_term(t: Mapping | None) -> AgreementTerm | None:
    if t is None:
        return None
    years = {}
    for contract, count in (t.get("years") or {}).items():
        where = f"agreement_term.years.{contract}"
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise PolicyError(f"{where}: a term is a whole number of years, 1 or more, not {count!r}")
        years[_enum(Contract, contract, where)] = count
    return AgreementTerm(years=years, seed=_seed(t, "agreement_term"), reading=t.get("reading"))


def _reminders(r: Mapping | None) -> tuple[int, ...]:
    if r is None:
        return ()
    days = r.get("days_before") if isinstance(r, Mapping) else None
    if (not isinstance(days, list) or not days
            or not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 366 for d in days)):
        raise PolicyError(f"reminders.days_before: whole numbers of days from 0 to 366, not {days!r}")
    return tuple(sorted(set(days), reverse=True))


RULE_FIELDS = {"summary", "provider_types", "contract", "relations", "route", "seed", "document",
               "negotiable", "channel", "final_channel", "milestone", "based_on", "criteria",
               "requires", "extended", "exclusion_grounds", "size_rank", "reading", "subject"}


def _rule(rid: str, r: Mapping) -> Rule:
    where = f"rule {rid}"
    unknown = set(r) - RULE_FIELDS
    if unknown:
        raise PolicyError(f"{where}: unknown fields {sorted(unknown)}")
    route = _enum(Route, r["route"], where)
    offered = route is not Route.GEEN
    if offered != all(r.get(k) is not None for k in ("document", "negotiable", "channel", "final_channel")):
        raise PolicyError(f"{where}: an offer or application names document, negotiable, channel "
                          "and final_channel; a rule with route geen names none")
    size = r.get("size_rank") or {}
    return Rule(
        id=rid, summary=r["summary"],
        provider_types=_enums(ProviderType, r["provider_types"], where),
        contract=_enum(Contract, r["contract"], where),
        relations=_enums(Relation, r["relations"], where),
        route=route, seed=_seed(r, where),
        document=_enum(DocumentKind, r["document"], where) if offered else None,
        negotiable=r.get("negotiable") if offered else None,
        channel=_enum(Channel, r["channel"], where) if offered else None,
        final_channel=_enum(Channel, r["final_channel"], where) if offered else None,
        milestone=r.get("milestone"),
        based_on=_enums(BasedOn, r.get("based_on"), where),
        criteria=tuple(r.get("criteria") or ()),
        requires=_enums(Contract, r.get("requires"), where),
        extended=bool(r.get("extended", False)),
        exclusion_grounds=tuple(r.get("exclusion_grounds") or ()),
        size=SizeBand(size.get("min"), size.get("max")),
        reading=r.get("reading"), subject=r.get("subject"))


#: "assessment": a manager weighs it; "agb_start_not_before": the AGB start date, checked on data;
#: "represented_by_collective": whether a collective represents the provider, checked on data.
CRITERION_KINDS = ("assessment", "agb_start_not_before", "represented_by_collective")


def _criterion(cid: str, c: Mapping) -> Criterion:
    if c["kind"] not in CRITERION_KINDS:
        raise PolicyError(f"criterion {cid}: unknown kind {c['kind']!r}")
    if c["kind"] == "agb_start_not_before" and not isinstance(c.get("date"), date):
        raise PolicyError(f"criterion {cid}: needs a date")
    return Criterion(id=cid, kind=c["kind"], summary=c["summary"], seed=_seed(c, f"criterion {cid}"),
                     date=c.get("date"), requires_confirmation=c.get("requires_confirmation"),
                     reading=c.get("reading"))


def _ground(gid: str, g: Mapping) -> ExclusionGround:
    where = f"exclusion ground {gid}"
    return ExclusionGround(
        id=gid, summary=g["summary"], contract=_enum(Contract, g["contract"], where),
        provider_types=_enums(ProviderType, g["provider_types"], where),
        consecutive_lowest_years=int(g["consecutive_lowest_years"]),
        requires_declining_component=bool(g["requires_declining_component"]),
        failing_improvement_agreements=_enums(ImprovementAgreements,
                                              g["failing_improvement_agreements"], where),
        seed=_seed(g, where), reading=g.get("reading"))


def _named(cell: tuple) -> str:
    """A cell as its slugs: openbare_apotheek/stoppen_met_roken/aflopend."""
    return "/".join(str(part) for part in cell)


def _index(rules: Mapping[str, Rule]) -> dict[tuple, tuple[Rule, ...]]:
    """Rules per cell, checking that each cell's rules partition the size ranks 1..∞."""
    index: dict[tuple, list[Rule]] = {}
    for rule in rules.values():
        for provider_type in rule.provider_types:
            for relation in rule.relations:
                index.setdefault((provider_type, rule.contract, relation), []).append(rule)
    for cell, found in index.items():
        found.sort(key=lambda r: r.size.min or 1)
        if len(found) == 1 and found[0].size.is_all:
            continue
        expected = 1
        for rule in found:
            if (rule.size.min or 1) != expected:
                raise PolicyError(f"cell {_named(cell)}: rules {[r.id for r in found]} overlap or leave "
                                  f"size rank {expected} uncovered")
            expected = None if rule.size.max is None else rule.size.max + 1
            if expected is None and rule is not found[-1]:
                raise PolicyError(f"cell {_named(cell)}: rules {[r.id for r in found]} overlap")
        if expected is not None:
            raise PolicyError(f"cell {_named(cell)}: no rule for size ranks from {expected}")
    return {cell: tuple(found) for cell, found in index.items()}


def _check_references(policy: Policy) -> None:
    offering = {rule.milestone for rule in policy.rules.values() if rule.route is Route.AANBOD}
    for milestone in policy.milestones.values():
        if milestone.announces is not None and milestone.announces not in offering:
            raise PolicyError(f"milestone {milestone.id}: announces {milestone.announces!r}, "
                              "which is no milestone whose rules issue offers")
    for rule in policy.rules.values():
        for criterion in rule.criteria:
            if criterion not in policy.criteria:
                raise PolicyError(f"rule {rule.id}: unknown criterion {criterion!r}")
        for ground in rule.exclusion_grounds:
            if ground not in policy.exclusion_grounds:
                raise PolicyError(f"rule {rule.id}: unknown exclusion ground {ground!r}")
        if rule.milestone is None:
            continue
        milestone = policy.milestones.get(rule.milestone)
        if milestone is not None and milestone.agreement_by and (
                policy.milestones.get(milestone.agreement_by) is None
                or policy.milestones[milestone.agreement_by].date is None):
            raise PolicyError(f"milestone {milestone.id}: agreement_by names no dated milestone")
        if milestone is None:
            raise PolicyError(f"rule {rule.id}: unknown milestone {rule.milestone!r}")
        outside = (set(rule.provider_types) - set(milestone.provider_types)) | (
            set(rule.relations) - set(milestone.relations))
        if outside or milestone.contract not in (None, rule.contract):
            raise PolicyError(f"rule {rule.id}: milestone {milestone.id} does not apply to "
                              f"{sorted(outside) or rule.contract}")


#: Policies put in the place of a year's own (use_policy): a replay under a variant.
_IN_PLACE: dict[int, Policy] = {}


def load_policy(year: int) -> Policy:
    """The policy of contract year `year`, checked; CaseError if there is none. Where a variant
    was put in its place (use_policy), that variant."""
    if year in _IN_PLACE:
        return _IN_PLACE[year]
    return _year_policy(year)


@functools.cache
def _year_policy(year: int) -> Policy:
    if year not in available_years():
        raise CaseError("policy_year", f"no policy for {year}", available_years())
    return build_policy(_merged(year), f"policy {year}", year)


def use_policy(policy: Policy | None, year: int | None = None) -> None:
    """Put `policy` (a variant) in the place of its year's own policy for everything this
    process does from now on, or (None) give `year` its own policy back. Only a replay on a
    copy of the register does this (lab.replay); what is worked out from a year's policy and
    kept (the profile model) is forgotten."""
    from .profile import load_profile_model  # import late, no cycle

    if policy is None:
        _IN_PLACE.pop(year, None)
    else:
        _IN_PLACE[policy.year] = policy
    load_profile_model.cache_clear()


def build_policy(data: Mapping, where: str, year: int | None = None) -> Policy:
    """A Policy from merged data (a year's file with its base merged in, or a variant's),
    checked; PolicyError naming what is wrong, with `where` (the file) in front."""
    try:
        rules = {rid: _rule(rid, r) for rid, r in data["rules"].items()}
        policy = Policy(
            year=data["year"], calendar_year=data["calendar_year"], title=data["title"],
            rules=rules,
            milestones={mid: _milestone(mid, m) for mid, m in data["milestones"].items()},
            criteria={cid: _criterion(cid, c) for cid, c in (data.get("criteria") or {}).items()},
            exclusion_grounds={gid: _ground(gid, g)
                               for gid, g in (data.get("exclusion_grounds") or {}).items()},
            minimum_requirement=data["minimum_requirement"],
            new_providers=data.get("new_providers"),
            profile=data.get("profile"),
            acceptance=_acceptance(data.get("acceptance")),
            agreement_term=_agreement_term(data.get("agreement_term")),
            reminder_days=_reminders(data.get("reminders")),
            variant=data.get("variant"),
            _index=_index(rules))
    except KeyError as missing:
        raise PolicyError(f"{where}: missing {missing}") from None
    if year is not None and policy.year != year:
        raise PolicyError(f"{year}.yaml says year {policy.year}")
    if policy.new_providers:
        _enums(NewProviderSituation, policy.new_providers["situations"], "new_providers")
    _check_references(policy)
    if policy.profile is not None:
        from .profile import ProfileModel  # checks the profile model's data
        ProfileModel.from_data(policy.profile)
    return policy


def calendar_policy(calendar_year: int) -> Policy | None:
    """The policy whose procurement calendar runs in `calendar_year` (2024's in 2023), if any."""
    for year in available_years():
        policy = load_policy(year)
        if policy.calendar_year == calendar_year:
            return policy
    return None


def policy_for_calendar_year(calendar_year: int) -> Policy:
    """The policy whose procurement calendar runs in `calendar_year` (2023 for contract year
    2024); CaseError naming the calendar years there are if none."""
    policy = calendar_policy(calendar_year)
    if policy is not None:
        return policy
    raise CaseError("year", f"no procurement calendar for {calendar_year}",
                    [load_policy(y).calendar_year for y in available_years()])
