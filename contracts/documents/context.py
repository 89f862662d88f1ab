"""The context a contract document is rendered from: offer facts + the policy's decision + data.

A manager (or the CLI) gives the facts of one offer; `provider.name`, `provider.agb`,
`provider.city`, `provider.provider_type` and `policy_year` suffice. The rest comes from the
policy (the decision: negotiable, channel, the date by which the insurer makes the offer), the
profile model (the tariff group) and `content.yaml` (the insurer, tariffs, zorgprestaties, ANZ
tariffs, appropriate-use themes).

Two dates are easily confused and are named apart: `offer.offer_by`, the policy's date by which
the *insurer* makes the offer, and `offer.answer_by`, the date by which the *provider* must answer
it: the offer record's own deadline, which the portal passes as the fact `answer_by`. The dates
of a document are the portal's: `created` is the simulated date the portal passes; this module
never reads the machine's clock.
"""
from __future__ import annotations

import functools
import hashlib
import json
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Any, Callable, Mapping

import yaml

from ..cases import Case
from ..engine import decide
from ..errors import CaseError
from ..formatting import euro, nl_date
from ..identifiers import is_agb, is_kvk
from ..policy import available_years, load_policy
from ..vocabulary import BasedOn, Contract, ProviderType, Relation, Route, dutch

ABBREVIATION = {
    Contract.FARMACEUTISCHE_ZORG: "FZ", Contract.MODULE_ZORGPRESTATIES: "MZ",
    Contract.SPOEDZORG: "SZ", Contract.AANVULLENDE_AFSPRAKEN: "AA",
    Contract.DIEETPREPARATEN: "DP", Contract.STOPPEN_MET_ROKEN: "SR",
}
BASED_ON = {
    BasedOn.APOTHEEKPROFIEL: "het apotheekprofiel", BasedOn.TYPE_ZORGAANBIEDER: "het type zorgaanbieder",
    BasedOn.ONDERHANDELING: "onderhandeling", BasedOn.LANDELIJKE_ANZ_AFSPRAKEN: "de regionale ANZ-afspraken",
    BasedOn.COLLECTIEF: "afspraken met het collectief",
}
PROVIDER_FIELDS = ("name", "agb", "kvk", "address", "postcode", "city", "provider_type",
                   "contact_email", "signatory", "collective")
FACT_FIELDS = ("policy_year", "provider", "relation", "size_rank", "profile_group", "version",
               "author", "created", "answer_by", "application_received", "tariff_overrides",
               "final_offer")
#: Relations tried, in order, when the facts do not name one: an offer to a contracted
#: provider whose agreement ends is the common case.
DEFAULT_RELATIONS = (Relation.AFLOPEND, Relation.DOORLOPEND, Relation.NIEUW)


@functools.cache
def content() -> dict:
    """The insurer, tariffs and lists the documents show (`content.yaml`; simulated figures)."""
    text = resources.files("contracts.documents").joinpath("content.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def _text(facts: Mapping, field: str, required: bool = False,
          check: Callable[[str], bool] | None = None, hint: str = "") -> str:
    value = facts.get(field.split(".")[-1])
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise CaseError(field, "is required")
        return ""
    if not isinstance(value, str):
        raise CaseError(field, f"must be text, got {value!r}")
    value = value.strip()
    if check and not check(value):
        raise CaseError(field, f"{hint}, got {value!r}")
    return value


def _provider(data: Any) -> dict:
    if not isinstance(data, Mapping):
        raise CaseError("provider", "is required: an object with name, agb, city and provider_type")
    for key in data:
        if key not in PROVIDER_FIELDS:
            raise CaseError(f"provider.{key}", "unknown field", [f"provider.{k}" for k in PROVIDER_FIELDS])
    provider = {
        "name": _text(data, "provider.name", True),
        "agb": _text(data, "provider.agb", True, is_agb, "must be an AGB code of 8 digits"),
        "kvk": _text(data, "provider.kvk", False, is_kvk, "must be a KvK number of 8 digits"),
        "city": _text(data, "provider.city", True),
    }
    for key in ("address", "postcode", "contact_email", "signatory", "collective"):
        provider[key] = _text(data, f"provider.{key}")
    kind = data.get("provider_type")
    try:
        provider["provider_type"] = ProviderType(kind)
    except ValueError:
        raise CaseError("provider.provider_type", f"unknown value {kind!r}" if kind else "is required",
                        [t.value for t in ProviderType]) from None
    provider["provider_type_label"] = dutch(provider["provider_type"])
    provider["signatory"] = provider["signatory"] or "(tekenbevoegde volgens KvK)"
    return provider


def _decision(year: int, provider_type, contract, facts: Mapping):
    """The policy's decision for this offer; the relation and size rank default sensibly."""
    policy = load_policy(year)
    relations = (Relation(facts["relation"]),) if facts.get("relation") else DEFAULT_RELATIONS
    for relation in relations:
        rules = policy.rules_for(provider_type, contract, relation)
        if not rules or all(r.route is Route.GEEN for r in rules):
            continue
        rank = facts.get("size_rank")
        if rank is None and len(rules) > 1:
            rank = rules[-1].size.min  # default: not among the two largest (the common case)
        case = Case(year, provider_type, contract, relation, size_rank=rank,
                    application_received=_date(facts.get("application_received"),
                                               "application_received"))
        decision = decide(case, policy)
        if decision.route is not Route.GEEN:
            return decision
    raise CaseError("contract", f"het inkoopbeleid {year} doet {dutch(provider_type)} geen aanbod "
                                f"voor de {dutch(contract)}")


def _date(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise CaseError(field, f"must be a date as YYYY-MM-DD, got {value!r}") from None


def _profile(year: int, provider_type, group_id: str | None) -> tuple[dict, list]:
    from ..profile import load_profile_model
    model = load_profile_model(year)
    annex = content()["tariff_annex"]
    if not model.applies_to(provider_type):
        if group_id:
            raise CaseError("profile_group", f"{dutch(provider_type)} heeft geen apotheekprofiel")
        return ({"present": False, "group": "", "group_label": "", "stars": 0, "tariff_per_line": ""},
                annex["zonder_profiel"])
    ids = [g.id for g in model.groups]
    group_id = group_id or ids[0]
    if group_id not in ids:
        raise CaseError("profile_group", f"unknown value {group_id!r}", ids)
    group = model.group(group_id)
    # tariff_per_line is filled from the tariff table (_tariffs), where a negotiation changes it
    return ({"present": True, "group": group.id, "group_label": group.label, "stars": group.stars,
             "tariff_per_line": ""}, annex[group_id])


def _amount(line: Mapping, *keys) -> str:
    for key in keys:
        if line.get(key) is not None:
            return euro(line[key])
    return ""


def _overrides(lines: Any, tariffs: list[dict]) -> dict[str, str]:
    """Negotiated tariff lines ({code, amount}) as {code: "€ 7,50"}; CaseError for a bad line."""
    if lines in (None, []):
        return {}
    codes = [t["code"] for t in tariffs]
    if not isinstance(lines, list):
        raise CaseError("tariff_overrides", "must be a list of {code, amount}")
    found = {}
    for n, line in enumerate(lines):
        code = line.get("code") if isinstance(line, Mapping) else None
        if code not in codes:
            raise CaseError(f"tariff_overrides.{n}.code", f"unknown tariff code {code!r}", codes)
        try:
            amount = Decimal(str(line.get("amount")).replace(",", "."))
        except (ArithmeticError, ValueError):
            raise CaseError(f"tariff_overrides.{n}.amount",
                            f"not an amount: {line.get('amount')!r}") from None
        if not amount.is_finite() or amount < 0 or amount > 100_000:
            raise CaseError(f"tariff_overrides.{n}.amount", f"not a sensible amount: {amount}")
        found[code] = euro(amount)
    return found


def _tariffs(lines: list[dict], overrides: dict[str, str]) -> tuple[list[dict], list[dict]]:
    """The tariff table with the negotiated amounts in place, and the negotiated lines alone
    (documents without a tariff table state those)."""
    table = [{"code": t["code"], "description": t["description"], "unit": t.get("unit", ""),
              "amount": overrides.get(t["code"]) or _amount(t, "amount_eur", "amount")}
             for t in lines]
    return table, [line for line in table if line["code"] in overrides]


def _answer_by(facts: Mapping, year: int, decision, negotiable: bool,
               created: date | None) -> date | None:
    """The date by which the provider must answer: the offer record's own deadline (the fact
    `answer_by`, which the portal passes). A document rendered without an offer record (`portal
    documents render`, the samples) states the date the portal would give an offer issued on
    the document's creation date; without that date either, none (the text then names none)."""
    given = _date(facts.get("answer_by"), "answer_by")
    if given is not None or created is None:
        return given
    return load_policy(year).acceptance_deadline(decision.rule, created, negotiable)


def build_context(contract: str | Contract, facts: Mapping[str, Any]) -> dict:
    """The full rendering context for one offer of `contract`; CaseError names a bad field."""
    if not isinstance(facts, Mapping):
        raise CaseError("context", "must be a JSON object")
    for key in facts:
        if key not in FACT_FIELDS:
            raise CaseError(key, "unknown field", FACT_FIELDS)
    try:
        contract = Contract(contract)
    except ValueError:
        raise CaseError("contract", f"unknown value {contract!r}", [c.value for c in Contract]) from None
    year = facts.get("policy_year")
    if isinstance(year, bool) or not isinstance(year, int) or year not in available_years():
        raise CaseError("policy_year", f"no policy for {year!r}", available_years())
    if facts.get("relation") is not None and facts["relation"] not in [r.value for r in Relation]:
        raise CaseError("relation", f"unknown value {facts['relation']!r}", [r.value for r in Relation])
    rank = facts.get("size_rank")
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, int) or rank < 1):
        raise CaseError("size_rank", f"must be an integer of at least 1, got {rank!r}")
    version = facts.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise CaseError("version", f"must be an integer of at least 1, got {version!r}")
    provider = _provider(facts.get("provider"))
    decision = _decision(year, provider["provider_type"], contract, facts)
    profile, tariffs = _profile(year, provider["provider_type"], facts.get("profile_group"))
    data = content()
    table, agreed = _tariffs(tariffs, _overrides(facts.get("tariff_overrides"), tariffs))
    if profile["present"]:
        profile["tariff_per_line"] = next(t["amount"] for t in table
                                          if t["code"] == data["tariff_per_line_code"])
    # the offer made after agreement is final: accepted, no longer negotiated
    negotiable = bool(decision.negotiable) and not facts.get("final_offer")
    created = _date(facts.get("created"), "created")
    context = {
        "policy_year": year,
        "period": {"start": f"01-01-{year}", "end": f"31-12-{year}"},
        "insurer": {k: v for k, v in data["insurer"].items() if k != "simulated"},
        "provider": {k: str(v) for k, v in provider.items()},
        "offer": {
            "negotiable": negotiable,
            "route": str(decision.route),
            "channel": str(decision.channel), "channel_label": dutch(decision.channel),
            "final_channel_label": dutch(decision.final_channel),
            # the policy's date by which the insurer makes the offer ...
            "offer_by": nl_date(decision.deadline),
            # ... and the date by which the provider must answer it
            "answer_by": nl_date(_answer_by(facts, year, decision, negotiable, created)),
            "based_on_labels": [BASED_ON[b] for b in decision.based_on],
        },
        "profile": profile,
        "tariffs": table,
        "agreed_tariffs": agreed,
        "zorgprestaties": [{"code": p["code"], "name": p["name"], "description": p["description"],
                            "tariff": _amount(p, "tariff_eur", "tariff"), "status": p.get("status", "")}
                           for p in data["zorgprestaties"]],
        "anz_tariffs": [{"code": a["code"], "period": a["period"], "description": a["description"],
                         "amount": _amount(a, "amount_eur", "amount")} for a in data["anz_tariffs"]],
        "themes": [{"code": t["code"], "title": t["title"], "description": t["description"]}
                   for t in data["themes"]],
    }
    fingerprint = hashlib.sha256(json.dumps(context, sort_keys=True, ensure_ascii=False)
                                 .encode("utf-8")).hexdigest()[:10]
    context["document"] = {
        "title": f"{dutch(contract)} {year}", "contract": str(contract),
        "contract_name": dutch(contract),
        "kind": str(decision.document),
        "version": version,
        "reference": f"{ABBREVIATION[contract]}-{year}-{provider['agb']}-v{version}-{fingerprint}",
        "created": nl_date(created), "author": _text(facts, "author") or "zorginkoop portal",
    }
    return context
