"""Plain-text renderings for a terminal: the decision table, the calendar and a policy diff."""
from __future__ import annotations

from .calendar import Milestone
from .diff import Change, by_subject
from .formatting import nl_date
from .policy import Policy, cells
from .vocabulary import Contract, dutch


def columns(rows: list[list[str]], header: list[str]) -> list[str]:
    """Rows aligned in columns under a header and a rule line."""
    widths = [max(len(str(row[i])) for row in [header] + rows) for i in range(len(header))]

    def line(row):
        return "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)).rstrip()
    return [line(header), "  ".join("-" * w for w in widths)] + [line(row) for row in rows]


def _yes_no(value: bool | None) -> str:
    return "-" if value is None else ("ja" if value else "nee")


def _deadline(policy: Policy, milestone_id: str | None) -> str:
    if milestone_id is None:
        return "-"
    milestone = policy.milestones[milestone_id]
    if milestone.date:
        return nl_date(milestone.date)
    return f"{milestone.months_after_application} mnd na aanvraag"


def decision_table(policy: Policy) -> str:
    """Every cell the policy speaks of, per contract, one line each."""
    out = [f"{policy.title} (contractjaar {policy.year}, planning {policy.calendar_year})", ""]
    header = ["type zorgaanbieder", "relatie", "grootte", "route", "document", "onderh.",
              "kanaal", "definitief", "deadline", "op basis van", "regel"]
    silent = 0
    for contract in Contract:
        rows = []
        for provider_type, cell_contract, relation in cells():
            if cell_contract is not contract:
                continue
            rules = policy.rules_for(provider_type, contract, relation)
            silent += not rules
            for rule in rules:
                route = str(rule.route) + (" (verlengd)" if rule.extended else "")
                rows.append([provider_type, relation, rule.size.label() or "", route,
                             rule.document or "-", _yes_no(rule.negotiable), rule.channel or "-",
                             rule.final_channel or "-", _deadline(policy, rule.milestone),
                             ", ".join(rule.based_on) or "-", rule.id])
        out.append(f"== {dutch(contract)} ({contract})")
        out.extend(columns(rows, header) if rows else ["(geen regels)"])
        out.append("")
    out.append(f"Overige {silent} combinaties van type, contract en relatie: het beleid spreekt er "
               "niet over (route geen).")
    return "\n".join(out)


def calendar_text(policy: Policy, milestones: list[Milestone]) -> str:
    """The planning as a table: when, what, who, via, for whom."""
    rows = []
    for m in milestones:
        who = ", ".join(m.provider_types)
        rows.append([m.when(), m.action, dutch(m.who), dutch(m.via),
                     dutch(m.contract) if m.contract else "alle overeenkomsten", who])
    header = ["datum", "actie", "wie", "via", "overeenkomst", "zorgaanbieders"]
    title = f"Planning zorginkoop {policy.calendar_year} (contractjaar {policy.year})"
    return "\n".join([title, ""] + columns(rows, header))


def _show(value) -> str:
    if value is None or value == []:
        return "-"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return ", ".join(value) if isinstance(value, list) else str(value)


def diff_text(before: Policy, after: Policy, changes: list[Change]) -> str:
    """Changes grouped by Bijlage 1 subject; cells with the same changes share one entry."""
    out = [f"Wijzigingen beleid {before.year} -> {after.year}: {len(changes)} verschillen", ""]
    for subject, group in by_subject(changes).items():
        out.append(f"== {subject or '(geen onderwerp in Bijlage 1)'}")
        per_cell: dict[tuple, list[Change]] = {}
        for c in group:
            per_cell.setdefault((c.provider_type, c.contract, c.relation, c.size_rank), []).append(c)
        relations_of: dict[tuple, dict[str, list[str]]] = {}
        for (provider_type, contract, relation, size), cell_changes in per_cell.items():
            what = tuple((c.field, _show(c.before), _show(c.after)) for c in cell_changes)
            relations_of.setdefault((contract, size, what), {}).setdefault(
                provider_type, []).append(relation)
        for (contract, size, what), by_type in relations_of.items():
            same: dict[tuple, list[str]] = {}
            for provider_type, relations in by_type.items():
                same.setdefault(tuple(relations), []).append(provider_type)
            band = f", grootte {size}" if size else ""
            for relations, types in same.items():
                out.append(f"  {contract} ({', '.join(relations)}{band}): {', '.join(types)}")
            for field, was, now in what:
                out.append(f"      {field}: {was} -> {now}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"
