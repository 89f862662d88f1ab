"""Variants of a year's policy, for the policy lab: what if the policy said this instead?

A variant is policy data that names its `base` (a contract year, or another variant by name) and
lists only what differs, merged as a year's file merges onto its base (contracts.policy): rules,
milestones, criteria and exclusion grounds by id, a field given replacing the base's. Unlike a
year's file, a variant may only change what its base has: a rule, milestone, ground or
criterion id the base does not know, a field a rule does not have, or a top-level key outside
VARIANT_KEYS is refused. `acceptance`, `reminders` and `agreement_term` merge field by field,
the profile's `groups` by id. The variant keeps its base's contract year and calendar; a date it
sets must lie in that calendar year. The result is checked by the same loader as a year
(contracts.policy.build_policy): size bands that no longer partition the ranks, an unknown
milestone, a share or tariff out of range are refused with the loader's own message.

Every refusal is a VariantError (a CaseError): one line naming the field (`rules.x.negotiable`),
for the CLI's exit 2 and a form's field error.

`differences(base, variant)` says what a variant changes, in the words of the policy.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping

import yaml

from .diff import diff as rule_diff
from .errors import CaseError, PolicyError
from .formatting import nl_date
from .policy import RULE_FIELDS, Policy, _merged, available_years, build_policy, load_policy
from .vocabulary import Contract, ProviderType, dutch

#: What a variant may say.
VARIANT_KEYS = ("variant", "base", "title", "description", "rules", "milestones", "criteria",
                "exclusion_grounds", "acceptance", "reminders", "agreement_term", "profile")
#: Merged by id, as in a year's file; only ids the base has.
BY_ID = ("rules", "milestones", "criteria", "exclusion_grounds")
#: The fields a variant may set on each kind merged by id (a rule: any rule field but its id).
FIELDS = {
    "rules": RULE_FIELDS,
    "milestones": {"kind", "date", "action", "who", "via", "contract", "provider_types",
                   "relations", "months_after_application", "size_rank", "seed", "reading",
                   "agreement_by", "announces"},
    "criteria": {"kind", "summary", "seed", "date", "requires_confirmation", "reading"},
    "exclusion_grounds": {"summary", "contract", "provider_types", "consecutive_lowest_years",
                          "requires_declining_component", "failing_improvement_agreements",
                          "seed", "reading"},
    "acceptance": {"weeks", "min_days", "latest", "seed", "reading"},
    "reminders": {"days_before", "reading"},
    "agreement_term": {"years", "seed", "reading"},
    "profile": {"simulated", "seed", "provider_types", "components", "bands", "groups", "trend",
                "reading"},
}
GROUP_FIELDS = {"label", "stars", "share", "tariff_per_line_eur"}
NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")

#: A variant named as a base: its data, or None if there is no such variant.
Resolver = Callable[[str], Mapping | None]


class VariantError(CaseError):
    """A variant the lab cannot use: one line naming the field."""


@dataclass(frozen=True)
class Variant:
    """A checked variant: its own data as written, its base, and the policy it makes."""

    name: str
    base: int | str
    data: Mapping[str, Any]
    policy: Policy
    #: The policy of its base: the year's own, or the base variant's.
    parent: Policy

    @property
    def year(self) -> int:
        return self.policy.year


def parse(text: str) -> dict:
    """A variant's YAML text as data; VariantError if it is no YAML mapping."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (regel {mark.line + 1})" if mark else ""
        raise VariantError("yaml", f"geen geldige YAML{where}") from None
    if not isinstance(data, dict):
        raise VariantError("yaml", "een variant is een YAML-mapping met ten minste variant en base")
    return data


def load_variant(data: Mapping | str, resolve: Resolver = lambda name: None) -> Variant:
    """A variant from its data (or YAML text), checked; VariantError naming the field if the lab
    cannot use it. `resolve` finds a variant named as a base."""
    if isinstance(data, str):
        data = parse(data)
    merged = _merge_variant(data, resolve, ())
    name = data["variant"]
    try:
        policy = build_policy(merged, f"variant {name}")
    except PolicyError as error:
        raise VariantError(_field_of(str(error), data), _without_prefix(str(error), name)) from None
    except CaseError as error:
        raise VariantError(error.field, error.message, error.allowed) from None
    base = data["base"]
    parent = (load_policy(base) if isinstance(base, int)
              else load_variant(resolve(base), resolve).policy)
    return Variant(name=name, base=base, data=dict(data), policy=policy, parent=parent)


def _merge_variant(data: Mapping, resolve: Resolver, seen: tuple[str, ...]) -> dict:
    """The base's data with the variant's differences merged in, checked key by key."""
    _check_shape(data)
    name, base = data["variant"], data["base"]
    if isinstance(base, bool) or not isinstance(base, (int, str)):
        raise VariantError("base", f"een contractjaar of de naam van een variant, niet {base!r}")
    if isinstance(base, int):
        if base not in available_years():
            raise VariantError("base", f"geen inkoopbeleid voor {base}", available_years())
        merged = _merged(base)
    else:
        if base == name or base in seen:
            raise VariantError("base", f"variant {base!r} is (via zijn basis) op zichzelf gebaseerd")
        found = resolve(base)
        if found is None:
            raise VariantError("base", f"geen variant met de naam {base!r}")
        merged = _merge_variant(found, resolve, seen + (name,))
    merged = copy.deepcopy(merged)
    merged.pop("base", None)
    for key, value in data.items():
        if key in ("base", "description"):
            continue
        if key in ("variant", "title"):
            merged[key] = value
        elif key in BY_ID:
            merged[key] = _merge_by_id(key, merged.get(key) or {}, value)
        elif key == "profile":
            merged[key] = _merge_profile(merged.get(key), value)
        else:
            _check_fields(key, value, FIELDS[key])
            merged[key] = {**(merged.get(key) or {}), **value}
    _check_dates(data, merged["calendar_year"])
    return merged


def _check_shape(data: Mapping) -> None:
    unknown = [key for key in data if key not in VARIANT_KEYS]
    if unknown:
        raise VariantError(str(unknown[0]), "onbekend in een variant", VARIANT_KEYS)
    for required in ("variant", "base"):
        if required not in data:
            raise VariantError(required, "ontbreekt")
    if not isinstance(data["variant"], str) or not NAME.fullmatch(data["variant"]):
        raise VariantError("variant", "een naam van kleine letters, cijfers, - en _ "
                                      "(ten hoogste 60 tekens)")
    if "title" in data and (not isinstance(data["title"], str) or not data["title"].strip()):
        raise VariantError("title", "een titel is tekst")
    for key in VARIANT_KEYS[4:]:
        if key in data and not isinstance(data[key], Mapping):
            raise VariantError(key, "een mapping van wat verschilt")


def _check_fields(where: str, entry: Mapping, allowed: set[str]) -> None:
    if not isinstance(entry, Mapping):
        raise VariantError(where, "een mapping van velden")
    for key in entry:
        if key not in allowed:
            raise VariantError(f"{where}.{key}", "onbekend veld", sorted(allowed))


def _merge_by_id(key: str, base: Mapping, changes: Mapping) -> dict:
    entries = dict(base)
    for entry_id, entry in changes.items():
        where = f"{key}.{entry_id}"
        if entry_id not in entries:
            raise VariantError(where, f"de basis kent geen {_KIND[key]} {entry_id!r}")
        if entry is None:
            entries.pop(entry_id)
            continue
        _check_fields(where, entry, FIELDS[key])
        entries[entry_id] = {**entries[entry_id], **entry}
    return entries


_KIND = {"rules": "regel", "milestones": "mijlpaal", "criteria": "criterium",
         "exclusion_grounds": "uitsluitingsgrond"}


def _merge_profile(base: Mapping | None, changes: Mapping) -> dict:
    if base is None:
        raise VariantError("profile", "de basis heeft geen apotheekprofiel")
    _check_fields("profile", changes, FIELDS["profile"])
    merged = {**base, **{k: v for k, v in changes.items() if k != "groups"}}
    groups = changes.get("groups")
    if groups is None:
        return merged
    if not isinstance(groups, Mapping):
        raise VariantError("profile.groups", "per groep (id) wat verschilt, bijvoorbeeld "
                                             "{een_ster: {share: 0.10}}")
    known = {g["id"]: dict(g) for g in base["groups"]}
    for group_id, fields in groups.items():
        where = f"profile.groups.{group_id}"
        if group_id not in known:
            raise VariantError(where, "de basis kent deze profielgroep niet", list(known))
        _check_fields(where, fields, GROUP_FIELDS)
        if "share" in fields and (isinstance(fields["share"], bool)
                                  or not isinstance(fields["share"], (int, float))
                                  or not 0 <= fields["share"] <= 1):
            raise VariantError(f"{where}.share", "een aandeel tussen 0 en 1")
        if "tariff_per_line_eur" in fields:
            fields = {**fields, "tariff_per_line_eur": _money(fields["tariff_per_line_eur"],
                                                              f"{where}.tariff_per_line_eur")}
        known[group_id].update(fields)
    merged["groups"] = [known[g["id"]] for g in base["groups"]]
    shares = sum(Decimal(str(g["share"])) for g in merged["groups"])
    if shares != 1:
        raise VariantError("profile.groups", f"de aandelen van de groepen tellen op tot {shares}, "
                                             "niet tot 1")
    return merged


def _money(value, where: str) -> str:
    try:
        amount = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise VariantError(where, f"een bedrag in euro's, niet {value!r}") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise VariantError(where, f"een bedrag in euro's met ten hoogste twee decimalen, niet {value!r}")
    return f"{amount:.2f}"


def _check_dates(data: Mapping, calendar_year: int) -> None:
    """Every date the variant sets lies in its calendar year."""
    dated = [(f"milestones.{mid}.date", (m or {}).get("date"))
             for mid, m in (data.get("milestones") or {}).items()]
    dated.append(("acceptance.latest", (data.get("acceptance") or {}).get("latest")))
    for where, value in dated:
        if value is None:
            continue
        if not isinstance(value, date):
            raise VariantError(where, f"een datum (JJJJ-MM-DD), niet {value!r}")
        if value.year != calendar_year:
            raise VariantError(where, f"{nl_date(value)} ligt buiten het kalenderjaar "
                                      f"{calendar_year} van de campagne")


def _field_of(message: str, data: Mapping) -> str:
    """The field of the variant a loader's message is about: the first id the variant changes
    that the message names (a size band's overlap names the rules of its cell)."""
    for key in BY_ID:
        for entry_id, entry in (data.get(key) or {}).items():
            if re.search(rf"\b{re.escape(entry_id)}\b", message):
                fields = [f for f in ("size_rank", "milestone", "route") if f in (entry or {})]
                return f"{key}.{entry_id}" + (f".{fields[0]}" if fields else "")
    match = re.match(r"(?:variant \S+: )?(profile|acceptance|reminders|agreement_term)\S*", message)
    return match.group(1) if match else "variant"


def _without_prefix(message: str, name: str) -> str:
    return message.removeprefix(f"variant {name}: ")


# -- what a variant changes, in the words of the policy ------------------------------------------

@dataclass(frozen=True)
class Difference:
    """One thing a variant changes against its base: where (the field, as in the variant's
    data), what it is in the words of the policy, and both values as shown."""

    field: str
    subject: str
    before: str
    after: str

    def as_json(self) -> dict:
        return dict(self.__dict__)

    def line(self) -> str:
        return f"{self.subject}: {self.before} → {self.after}"


def _shown(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return nl_date(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown(v) for v in value) or "—"
    try:
        return dutch(value)
    except (KeyError, TypeError):
        return str(value)


def differences(base: Policy, variant: Policy) -> list[Difference]:
    """What `variant` changes against `base`: the title, the answer term, the reminders, the
    planning's dates, the exclusion grounds, the criteria, the agreement terms, the profile's
    groups and every rule's outcome per cell (contracts.diff)."""
    found: list[Difference] = []

    def add(field, subject, before, after):
        if before != after:
            found.append(Difference(field, subject, _shown(before), _shown(after)))

    add("title", "Titel", base.title, variant.title)
    a, b = base.acceptance, variant.acceptance
    if a and b:
        add("acceptance.weeks", "Antwoordtermijn van een aanbod (weken)", a.weeks, b.weeks)
        add("acceptance.min_days", "Antwoordtermijn ten minste (dagen)", a.min_days, b.min_days)
        add("acceptance.latest", "Uiterste antwoorddatum", a.latest, b.latest)
    add("reminders.days_before", "Herinneringen (dagen voor de termijn)",
        list(base.reminder_days), list(variant.reminder_days))
    for mid, milestone in base.milestones.items():
        other = variant.milestones.get(mid)
        if other is None:
            add(f"milestones.{mid}", f"Planning: {milestone.action}", milestone.when(), None)
            continue
        add(f"milestones.{mid}.date", f"Planning: {milestone.action}", milestone.date, other.date)
    for gid, ground in base.exclusion_grounds.items():
        other = variant.exclusion_grounds.get(gid)
        subject = ground.summary
        if other is None:
            add(f"exclusion_grounds.{gid}", subject, "van kracht", None)
            continue
        add(f"exclusion_grounds.{gid}.consecutive_lowest_years",
            f"{subject}: achtereenvolgende jaren in de laagst scorende groep",
            ground.consecutive_lowest_years, other.consecutive_lowest_years)
        add(f"exclusion_grounds.{gid}.requires_declining_component",
            f"{subject}: een dalende trend vereist",
            ground.requires_declining_component, other.requires_declining_component)
        add(f"exclusion_grounds.{gid}.failing_improvement_agreements",
            f"{subject}: verbeterafspraken die tellen",
            [str(s) for s in ground.failing_improvement_agreements],
            [str(s) for s in other.failing_improvement_agreements])
        add(f"exclusion_grounds.{gid}.provider_types", f"{subject}: soorten zorgaanbieders",
            [dutch(t) for t in ground.provider_types], [dutch(t) for t in other.provider_types])
    for cid, criterion in base.criteria.items():
        other = variant.criteria.get(cid)
        if other is not None:
            add(f"criteria.{cid}.date", f"Criterium: {criterion.summary}", criterion.date, other.date)
    if base.agreement_term and variant.agreement_term:
        for contract in Contract:
            add(f"agreement_term.years.{contract}", f"Looptijd (jaren): {dutch(contract)}",
                base.agreement_term.of(contract), variant.agreement_term.of(contract))
    found.extend(_profile_differences(base.profile or {}, variant.profile or {}))
    for change in rule_diff(base, variant):
        if change.field == "milestone" and _same_milestone(base, variant, change):
            continue  # only the milestone's date moved: said once, under Planning
        cell = (f"{dutch(Contract(change.contract))}, {dutch(ProviderType(change.provider_type))}"
                f" ({change.relation}{', rang ' + change.size_rank if change.size_rank else ''})")
        rule = change.rule_after or change.rule_before
        found.append(Difference(f"rules.{rule}.{change.field}", f"{cell}: {FIELD_WORDS[change.field]}",
                                _shown(change.before), _shown(change.after)))
    return found


def _same_milestone(base: Policy, variant: Policy, change) -> bool:
    before = base.rules.get(change.rule_before) if change.rule_before else None
    after = variant.rules.get(change.rule_after) if change.rule_after else None
    return bool(before and after and before.milestone == after.milestone)


FIELD_WORDS = {"route": "route", "document": "document", "negotiable": "onderhandelbaar",
               "channel": "kanaal", "final_channel": "kanaal definitief", "milestone": "mijlpaal",
               "based_on": "gebaseerd op", "criteria": "criteria", "requires": "vereist",
               "extended": "verlengd zonder aanbod", "exclusion_grounds": "uitsluitingsgronden"}


def _profile_differences(base: Mapping, variant: Mapping) -> list[Difference]:
    found = []
    groups = {g["id"]: g for g in variant.get("groups") or ()}
    for group in base.get("groups") or ():
        other = groups.get(group["id"], {})
        for key, words in (("share", "aandeel apotheken"), ("tariff_per_line_eur", "tarief per regel (€)")):
            if str(group.get(key)) != str(other.get(key)):
                found.append(Difference(f"profile.groups.{group['id']}.{key}",
                                        f"Apotheekprofiel, groep {group['label']}: {words}",
                                        _shown(group.get(key)), _shown(other.get(key))))
    for key in ("bands", "trend"):
        if base.get(key) != variant.get(key):
            found.append(Difference(f"profile.{key}", f"Apotheekprofiel: {key}",
                                    _shown(base.get(key)), _shown(variant.get(key))))
    return found


# -- the parameters a manager edits in the portal's form ------------------------------------------

@dataclass(frozen=True)
class Parameter:
    """One value of a policy a variant may change through the portal's form: where it sits in a
    variant's data (`path`, as a VariantError names it), its kind, its value in the base, and
    what it is in the words of the policy (`label`, under the heading `section`)."""

    path: str
    kind: str          # "int", "bool", "date", "days" (a list of days), "share", "money"
    value: Any
    label: str
    section: str


def base_data(base: int | str, resolve: Resolver = lambda name: None) -> dict:
    """The merged data of a base: a contract year's policy (with its own base year merged in)
    or a variant's (with its bases). VariantError if there is no such base."""
    if isinstance(base, int) or (isinstance(base, str) and base.isdigit()):
        year = int(base)
        if year not in available_years():
            raise VariantError("base", f"geen inkoopbeleid voor {year}", available_years())
        return copy.deepcopy(_merged(year))
    found = resolve(base)
    if found is None:
        raise VariantError("base", f"geen variant met de naam {base!r}")
    return _merge_variant(found, resolve, ())


def parameters(data: Mapping) -> list[Parameter]:
    """The parameters of merged policy data that matter to a purchasing team, in the order of
    the form: the answer term, the reminders, the exclusion grounds' conditions, the planning's
    dates, negotiable or not per offering rule, the profile groups' shares and tariffs."""
    found = []
    acceptance = data.get("acceptance") or {}
    term = "Antwoordtermijn van een aanbod"
    for key, kind, label in (("weeks", "int", "Weken na de uitgifte"),
                             ("min_days", "int", "Ten minste (dagen)"),
                             ("latest", "date", "Uiterste antwoorddatum")):
        if key in acceptance:
            found.append(Parameter(f"acceptance.{key}", kind, acceptance[key], label, term))
    reminders = data.get("reminders") or {}
    found.append(Parameter("reminders.days_before", "days", list(reminders.get("days_before") or []),
                           "Dagen voor de termijn", "Herinneringen"))
    for gid, ground in (data.get("exclusion_grounds") or {}).items():
        section = f"Uitsluitingsgrond: {ground.get('summary', gid)}"
        if "consecutive_lowest_years" in ground:
            found.append(Parameter(f"exclusion_grounds.{gid}.consecutive_lowest_years", "int",
                                   ground["consecutive_lowest_years"],
                                   "Achtereenvolgende jaren in de laagst scorende groep", section))
        if "requires_declining_component" in ground:
            found.append(Parameter(f"exclusion_grounds.{gid}.requires_declining_component", "bool",
                                   bool(ground["requires_declining_component"]),
                                   "Een dalende trend op een onderdeel is vereist", section))
    for mid, milestone in (data.get("milestones") or {}).items():
        if milestone.get("date") is not None:
            contract = milestone.get("contract")
            label = milestone.get("action", mid) + (f" ({dutch(Contract(contract))})" if contract else "")
            found.append(Parameter(f"milestones.{mid}.date", "date", milestone["date"], label, "Planning"))
    for rid, rule in (data.get("rules") or {}).items():
        if rule.get("route") == "aanbod":
            found.append(Parameter(f"rules.{rid}.negotiable", "bool", bool(rule.get("negotiable")),
                                   rule.get("summary", rid), "Onderhandelbaar aanbod per regel"))
    for group in (data.get("profile") or {}).get("groups") or ():
        section = f"Apotheekprofiel, groep {group.get('label', group['id'])}"
        found.append(Parameter(f"profile.groups.{group['id']}.share", "share", group["share"],
                               "Aandeel apotheken (0 tot 1)", section))
        found.append(Parameter(f"profile.groups.{group['id']}.tariff_per_line_eur", "money",
                               Decimal(str(group["tariff_per_line_eur"])),
                               "Tarief per receptregel (€)", section))
    return found


def _same(kind: str, before, after) -> bool:
    if kind in ("share", "money"):
        return Decimal(str(before)) == Decimal(str(after))
    return before == after


def with_parameters(head: Mapping, base_merged: Mapping, values: Mapping[str, Any],
                    keep: Mapping | None = None) -> dict:
    """A variant's data: `head` (variant, base, title, description), what `keep` (the variant's
    data as saved before, when it is edited) changes beyond the form's parameters, and every
    parameter of `base_merged` whose value in `values` differs from the base's; a parameter equal
    to its base's is left out (and dropped from `keep`), one not in `values` stays as it was."""
    data: dict = {k: v for k, v in head.items() if v not in (None, "")}
    for key, value in (keep or {}).items():
        if key not in ("variant", "base", "title", "description"):
            data[key] = copy.deepcopy(value)
    for parameter in parameters(base_merged):
        if parameter.path not in values:
            continue
        value = values[parameter.path]
        keys = parameter.path.split(".")
        if _same(parameter.kind, parameter.value, value):
            _drop(data, keys)
            continue
        if parameter.kind == "share":
            value = float(value)
        elif parameter.kind == "money":
            value = f"{Decimal(str(value)):.2f}"
        elif parameter.kind == "days":
            value = [int(v) for v in value]
        entry = data
        for key in keys[:-1]:
            entry = entry.setdefault(key, {})
        entry[keys[-1]] = value
    return data


def _drop(data: dict, keys: list[str]) -> None:
    """Remove the value at `keys` and the mappings it leaves empty."""
    trail, entry = [], data
    for key in keys[:-1]:
        if not isinstance(entry.get(key), dict):
            return
        trail.append((entry, key))
        entry = entry[key]
    entry.pop(keys[-1], None)
    for parent, key in reversed(trail):
        if parent[key]:
            break
        parent.pop(key)


def dump(data: Mapping) -> str:
    """A variant's data as the YAML a manager downloads, edits and uploads again (the order of
    its keys kept; dates as JJJJ-MM-DD, read back as dates)."""
    return yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False, default_flow_style=False)
