"""The policy lab's comparison: two replays of one campaign (a base policy and a variant), side by
side, as a purchasing team would put them on the table.

A replay's result (lab.replay) is plain data: the census (what the policy decides for every
provider and contract on the campaign's first day, with the reasons), the offers as the campaign
left them, the insurer's work per day, each pharmacy's profile group and the pharmacies holding
an Overeenkomst Farmaceutische zorg in the contract year. `compare` turns two of them into:

- per policy (`base`, `variant`): `offers` (route `aanbod` only; `on_application` counts the
  cells where the policy says to apply on the website instead), `refusals` and `exclusions` per
  contract, route and provider type; `answers` (accepted, declined, negotiated, expired, open)
  and the ISO week they came in; `workload_by_week` (offers issued, reminders, escalations,
  negotiation rounds, applications to assess); `spend_eur` (see SPEND);
- `changed_providers`: every provider and contract whose outcome differs (the decision's route,
  exclusion, rule or negotiability, or the offer's final status), with both decisions' reasons;
- `differences`: what the variant changes in the policy (contracts.variants), as given.
"""
from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Mapping

from .offers import OfferStatus

S = OfferStatus

#: The tariff spend is simulated: the seed gives tariffs per profile group ("Het apotheekprofiel
#: is medebepalend voor de tarieven") but no volumes.
#: Prescription lines a year of the insurer's own insured at one pharmacy (about a quarter of a
#: pharmacy's lines, the insurer's share of the market): simulated.
LINES = (15_000, 45_000)
SPEND = ("Gesimuleerd: per apotheek met een Overeenkomst Farmaceutische zorg in het contractjaar "
         "het tarief per regel van haar profielgroep maal een gesimuleerd aantal receptregels "
         f"(vast per AGB-code, tussen {LINES[0]:_} en {LINES[1]:_} per jaar).").replace("_", ".")

#: The kinds of the insurer's work, in the order the report shows them.
WORK = ("offers_issued", "reminders", "escalations", "negotiation_rounds", "applications")
ANSWERS = ("accepted", "declined", "negotiated", "expired", "open")


def simulated_lines(agb: str) -> int:
    """The simulated number of prescription lines a pharmacy dispenses in a year: fixed per AGB
    code, so both replays (and every comparison) use the same volume."""
    return random.Random(f"receptregels:{agb}").randint(*LINES)


def iso_week(day: str | date) -> str:
    """An ISO week as 2023-W37."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def weeks(start: str, end: str) -> list[str]:
    """Every ISO week from the one of `start` to the one of `end`, in order."""
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    monday, found = first - timedelta(days=first.weekday()), []
    while monday <= last:
        found.append(iso_week(monday))
        monday += timedelta(days=7)
    return found


def _cells(rows: Iterable[Mapping], keys: tuple[str, ...]) -> list[dict]:
    counted = Counter(tuple(row[k] for k in keys) for row in rows)
    return [{**dict(zip(keys, cell, strict=True)), "count": count}
            for cell, count in sorted(counted.items(), key=lambda item: tuple(map(str, item[0])))]


def _answer(offer: Mapping) -> str:
    if offer["status"] in (S.AANGEBODEN, S.TEGENVOORSTEL, S.IN_ONDERHANDELING):
        return "open"
    if offer["status"] == S.VERLOPEN:
        return "expired"
    if offer["status"] == S.AFGEWEZEN:
        return "declined"
    if offer["status"] == S.GEACCEPTEERD:
        return "negotiated" if offer["rounds"] else "accepted"
    return str(offer["status"])


def _answered_on(offer: Mapping) -> str | None:
    """The day an answer came in; an expired offer's is its deadline."""
    if offer["status"] == S.VERLOPEN:
        return offer["deadline"]
    return offer["answered"]


def side(result: Mapping, applications: Mapping[str, int]) -> dict:
    """One policy's outcome (see the module's note)."""
    census = result["census"]
    year = result["policy"]["year"]
    offers = [o for o in result["offers"] if o["policy_year"] == year]
    # an `aanvraag` cell is no offer: the policy says to apply on the website
    offered = [r for r in census if r["exclusion"] is None and r["route"] == "aanbod"]
    on_application = sum(1 for r in census if r["exclusion"] is None and r["route"] == "aanvraag")
    refused = [r for r in census if r["exclusion"] is None and r["route"] == "geen"]
    excluded = [r for r in census if r["exclusion"] is not None]
    answers = Counter(_answer(o) for o in offers)
    by_week: dict[str, Counter] = {}
    for offer in offers:
        day = _answered_on(offer)
        if day is not None and _answer(offer) != "open":
            by_week.setdefault(iso_week(day), Counter())[_answer(offer)] += 1
    all_weeks = weeks(result["start"], result["end"])
    work = {kind: Counter() for kind in WORK}
    for kind, per_day in {**result["work"], "applications": applications}.items():
        for day, count in per_day.items():
            work[kind][iso_week(day)] += count
    return {
        "policy": result["policy"],
        "offers": {"total": len(offered), "issued": len(offers),
                   "negotiable": sum(1 for r in offered if r["negotiable"]),
                   "on_application": on_application,
                   "by_cell": _cells(offered, ("contract", "route", "provider_type"))},
        "refusals": {"total": len(refused), "by_cell": _cells(refused, ("contract", "provider_type"))},
        "exclusions": {"total": len(excluded),
                       "by_cell": _cells(excluded, ("contract", "provider_type", "exclusion"))},
        "answers": {**{kind: answers.get(kind, 0) for kind in ANSWERS},
                    "by_week": {week: {kind: by_week.get(week, Counter()).get(kind, 0)
                                       for kind in ANSWERS[:4]} for week in all_weeks}},
        "workload_by_week": {week: {kind: work[kind].get(week, 0) for kind in WORK}
                             for week in all_weeks},
        "spend_eur": spend(result),
    }


def spend(result: Mapping) -> dict:
    """The simulated tariff spend by profile group (SPEND)."""
    tariffs = {g: Decimal(t) for g, t in result["policy"]["tariffs"].items()}
    groups = result["groups"]
    per_group = {g: {"pharmacies": 0, "lines": 0, "tariff": str(t), "eur": Decimal(0)}
                 for g, t in tariffs.items()}
    for agb in result["contracted"]:
        group = groups.get(agb)
        if group is None:
            continue  # no profile (a zuivere dienstapotheek): no group tariff
        lines = simulated_lines(agb)
        entry = per_group[group]
        entry["pharmacies"] += 1
        entry["lines"] += lines
        entry["eur"] += tariffs[group] * lines
    total = sum((e["eur"] for e in per_group.values()), Decimal(0))
    return {"total": f"{total:.2f}", "simulated": True,
            "note": SPEND,
            "by_group": {g: {**e, "eur": f"{e['eur']:.2f}",
                             "label": result["policy"]["group_labels"].get(g, g)}
                         for g, e in per_group.items()}}


def _outcome(decision: Mapping | None, offer: Mapping | None) -> tuple:
    return (decision and decision["route"], decision and decision["exclusion"],
            decision and decision["rule"], decision and decision["negotiable"],
            offer and offer["status"])


def changed_providers(base: Mapping, variant: Mapping) -> list[dict]:
    """Every provider and contract whose outcome differs between the two replays."""
    def keyed(result):
        year = result["policy"]["year"]
        decisions = {(r["agb"], r["contract"]): r for r in result["census"]}
        offers = {(o["agb"], o["contract"]): o for o in result["offers"] if o["policy_year"] == year}
        return decisions, offers

    (base_decisions, base_offers), (var_decisions, var_offers) = keyed(base), keyed(variant)
    changed = []
    for key in sorted(set(base_decisions) | set(var_decisions) | set(base_offers) | set(var_offers)):
        before = _outcome(base_decisions.get(key), base_offers.get(key))
        after = _outcome(var_decisions.get(key), var_offers.get(key))
        if before == after:
            continue
        first = base_decisions.get(key) or var_decisions.get(key) or {}
        changed.append({
            "agb": key[0], "contract": key[1], "name": first.get("name"),
            "provider_type": first.get("provider_type"),
            "base": _described(base_decisions.get(key), base_offers.get(key)),
            "variant": _described(var_decisions.get(key), var_offers.get(key)),
        })
    return changed


def _described(decision: Mapping | None, offer: Mapping | None) -> dict:
    return {"route": decision and decision["route"], "exclusion": decision and decision["exclusion"],
            "rule": decision and decision["rule"], "negotiable": decision and decision["negotiable"],
            "status": offer and offer["status"], "answer": offer and _answer(offer),
            "reasons": list(decision["reasons"]) if decision else []}


def compare(base: Mapping, variant: Mapping, *, differences: list, applications: Mapping[str, int]) -> dict:
    """The comparison of two replays of one campaign (see the module's note)."""
    left, right = side(base, applications), side(variant, applications)
    return {
        "seed": base["seed"], "start": base["start"], "end": base["end"],
        "base": left, "variant": right,
        "changed_providers": changed_providers(base, variant),
        "differences": [d.as_json() if hasattr(d, "as_json") else d for d in differences],
        "delta": {
            "offers": right["offers"]["total"] - left["offers"]["total"],
            "on_application": right["offers"]["on_application"] - left["offers"]["on_application"],
            "exclusions": right["exclusions"]["total"] - left["exclusions"]["total"],
            "refusals": right["refusals"]["total"] - left["refusals"]["total"],
            **{kind: right["answers"][kind] - left["answers"][kind] for kind in ANSWERS},
            "spend_eur": f"{Decimal(right['spend_eur']['total']) - Decimal(left['spend_eur']['total']):.2f}",
        },
    }


# -- the comparison as tables (CSV, Excel, the report page) ---------------------------------------

ANSWER_WORDS = {"accepted": "aanvaard", "declined": "afgewezen", "negotiated": "aanvaard na onderhandeling",
                "expired": "verlopen", "open": "nog open"}
WORK_WORDS = {"offers_issued": "aanbiedingen verstuurd", "reminders": "herinneringen",
              "escalations": "escalaties", "negotiation_rounds": "onderhandelingsrondes",
              "applications": "aanvragen te beoordelen"}


def _words(value) -> str:
    from .vocabulary import Contract, Exclusion, ProviderType, Route, dutch
    for kind in (Contract, ProviderType, Route, Exclusion):
        try:
            return dutch(kind(value))
        except ValueError:
            continue
    return str(value)


def outcome_words(side: Mapping) -> str:
    """A provider's outcome in one replay, in words."""
    if side["exclusion"]:
        return f"uitgesloten ({_words(side['exclusion'])})"
    if side["route"] is None:
        return "geen beslissing"
    words = _words(side["route"])
    if side["negotiable"]:
        words += ", onderhandelbaar"
    if side["answer"]:
        words += f", {ANSWER_WORDS.get(side['answer'], side['answer'])}"
    return words


def tables(comparison: Mapping) -> list[tuple[str, list[str], list[list]]]:
    """The comparison as tables: (title, headers, rows) each, in the report's order."""
    base, variant = comparison["base"], comparison["variant"]

    def both(label, left, right):
        return [label, left, right, right - left]

    overview = [both(label, base[key][count], variant[key][count]) for label, key, count in (
        ("aanbiedingen volgens het beleid", "offers", "total"),
        ("aanbiedingen verstuurd", "offers", "issued"),
        ("waarvan onderhandelbaar", "offers", "negotiable"),
        ("aanvraag via de website", "offers", "on_application"),
        ("weigeringen", "refusals", "total"), ("uitsluitingen", "exclusions", "total"))]
    overview += [both(ANSWER_WORDS[k], base["answers"][k], variant["answers"][k]) for k in ANSWERS]
    overview.append(both("tariefuitgaven in € (gesimuleerd)", Decimal(base["spend_eur"]["total"]),
                         Decimal(variant["spend_eur"]["total"])))

    cells = []
    for kind, key, keys in (("aanbod", "offers", ("contract", "route", "provider_type")),
                            ("weigering", "refusals", ("contract", "provider_type")),
                            ("uitsluiting", "exclusions", ("contract", "provider_type", "exclusion"))):
        left = {tuple(c[k] for k in keys): c["count"] for c in base[key]["by_cell"]}
        right = {tuple(c[k] for k in keys): c["count"] for c in variant[key]["by_cell"]}
        for cell in sorted(set(left) | set(right)):
            named = dict(zip(keys, cell, strict=True))
            why = named.get("route") or named.get("exclusion") or ""
            cells.append([kind, _words(named["contract"]), _words(why), _words(named["provider_type"]),
                          left.get(cell, 0), right.get(cell, 0), right.get(cell, 0) - left.get(cell, 0)])

    answer_weeks = [[week] + [side["answers"]["by_week"][week][k]
                              for k in ANSWERS[:4] for side in (base, variant)]
                    for week in base["answers"]["by_week"]]
    work_weeks = [[week] + [side["workload_by_week"][week][k] for k in WORK for side in (base, variant)]
                  for week in base["workload_by_week"]]
    spend_rows = []
    for group, left in base["spend_eur"]["by_group"].items():
        right = variant["spend_eur"]["by_group"].get(group, {"pharmacies": 0, "lines": 0,
                                                             "tariff": "0", "eur": "0"})
        spend_rows.append([left["label"], left["pharmacies"], right["pharmacies"], left["lines"],
                           right["lines"], Decimal(left["tariff"]), Decimal(right["tariff"]),
                           Decimal(left["eur"]), Decimal(right["eur"]),
                           Decimal(right["eur"]) - Decimal(left["eur"])])
    changed = [[c["agb"], c["name"], _words(c["provider_type"]), _words(c["contract"]),
                outcome_words(c["base"]), outcome_words(c["variant"]),
                " | ".join(c["base"]["reasons"]), " | ".join(c["variant"]["reasons"])]
               for c in comparison["changed_providers"]]
    policy = [[d["subject"], d["before"], d["after"], d["field"]] for d in comparison["differences"]]
    pair = [f"{ANSWER_WORDS[k]} {s}" for k in ANSWERS[:4] for s in ("basis", "variant")]
    work = [f"{WORK_WORDS[k]} {s}" for k in WORK for s in ("basis", "variant")]
    return [
        ("Overzicht", ["onderwerp", "basis", "variant", "verschil"], overview),
        ("Per contract en soort", ["uitkomst", "contract", "route of grond", "soort zorgaanbieder",
                                   "basis", "variant", "verschil"], cells),
        ("Antwoorden per week", ["ISO-week", *pair], answer_weeks),
        ("Werklast per week", ["ISO-week", *work], work_weeks),
        ("Tariefuitgaven (gesimuleerd)", ["profielgroep", "apotheken basis", "apotheken variant",
                                          "regels basis", "regels variant", "tarief basis",
                                          "tarief variant", "€ basis", "€ variant", "verschil €"],
         spend_rows),
        ("Zorgaanbieders met een andere uitkomst", ["AGB", "naam", "soort", "contract", "uitkomst basis",
                                                    "uitkomst variant", "redenen basis", "redenen variant"],
         changed),
        ("Wat de variant verandert", ["onderwerp", "basis", "variant", "veld"], policy),
    ]
