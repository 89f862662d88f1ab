"""Medicine shortages (seed 004, AZWA E5): the uniform definitions, the versions of a shortage
notice and the rules they obey, the notice text in one fixed format, the products' preference
status on a day, the weekly preference file with its changes, and the entitlement check during
a shortage.

The definitions and readings are data in `contracts/policies/shortages.yaml`. Plain Python: the
portal hands in products and versions as the dataclasses below.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Iterable, Mapping, Sequence

from .entitlement import Entitlement, Medicine, Prescription, entitlement
from .errors import CaseError
from .formatting import nl_date
from .seedrules import load_rules

RULES = "shortages"
RESOLVED = "opgelost"
#: The preference statuses of the weekly file (see the reading of agreement 5d).
PREFERENT, TEMPORARY, SELL_OUT, DROPPED, NOT_PREFERRED = (
    "preferent", "tijdelijk_preferent", "uitverkoop", "vervallen", "niet_preferent")
STATUSES = (PREFERENT, TEMPORARY, SELL_OUT, DROPPED, NOT_PREFERRED)
#: Statuses under which a product is reimbursed as the group's preferred product.
REIMBURSED_AS_PREFERRED = (PREFERENT, TEMPORARY, SELL_OUT)
ACTIONS = ("registreren", "wijzigen", "beeindigen")
MAX_NOTE = 2000


class ShortageRefused(CaseError):
    """Bad input for a shortage notice: the field, an English message, and a `code` that the
    pages turn into a Dutch message."""

    def __init__(self, field: str, code: str, message: str, allowed=None):
        self.code = code
        super().__init__(field, message, allowed)


# -- the definitions (agreement 5a) -------------------------------------------------------------

@dataclass(frozen=True)
class Definition:
    slug: str
    term: str
    definition: str
    declared_by: tuple[str, ...]
    unavailable: bool
    quote: tuple[str, ...]
    reading: str | None = None


def rules() -> Mapping:
    return load_rules(RULES)


def definitions() -> dict[str, Definition]:
    """The states a shortage can be in, in the order shown, each with who may declare it."""
    return {slug: Definition(slug, d["term"], " ".join(d["definition"].split()),
                             tuple(d["declared_by"]), bool(d["unavailable"]), tuple(d["quote"]),
                             d.get("reading"))
            for slug, d in rules()["definitions"].items()}


def declarers() -> dict[str, str]:
    """Party slug -> its Dutch label."""
    return {slug: d["label"] for slug, d in rules()["declarers"].items()}


def term(state: str) -> str:
    return definitions()[state].term


def next_states(state: str | None) -> tuple[str, ...]:
    """The states a new version may have after `state` (None: a new shortage)."""
    if state is None:
        return tuple(s for s in definitions() if s != RESOLVED)
    return tuple(rules()["transitions"][state])


# -- products and versions ----------------------------------------------------------------------

@dataclass(frozen=True)
class Product:
    """A product of the register: one article of a group of interchangeable medicines."""

    id: int
    zindex: str
    name: str
    group: str
    aip: Decimal
    #: The periods (first day, last day or None) in which the insurer has it as preferred.
    preferred_periods: tuple[tuple[date, date | None], ...] = ()
    #: An import medicine under an exemption (a TT-artikel with a Vrijstellingsbesluit).
    import_exemption: bool = False
    slug: str = ""

    def preferred_on(self, day: date) -> bool:
        return any(start <= day and (end is None or day <= end)
                   for start, end in self.preferred_periods)


@dataclass(frozen=True)
class Version:
    """One version of a shortage notice: what the insurer said from `effective_on` on."""

    shortage_id: int
    number: int
    product_id: int
    effective_on: date
    action: str
    state: str
    reported_by: str
    started_on: date
    expected_end: date | None = None
    ended_on: date | None = None
    drops_out: bool = False
    temporary_preferred_id: int | None = None
    alternative_ids: tuple[int, ...] = ()
    price_article_id: int | None = None
    sellout_until: date | None = None
    note: str = ""
    patient_note: str = ""

    @property
    def active(self) -> bool:
        return self.state != RESOLVED

    @property
    def unavailable(self) -> bool:
        return definitions()[self.state].unavailable


#: The fields of a version a manager sets, compared between versions ("what changed").
NOTICE_FIELDS = ("state", "reported_by", "started_on", "expected_end", "ended_on", "drops_out",
                 "temporary_preferred_id", "alternative_ids", "price_article_id", "sellout_until",
                 "note", "patient_note")


def changed_fields(previous: Version | None, current: Version) -> tuple[str, ...]:
    if previous is None:
        return ()
    return tuple(f for f in NOTICE_FIELDS if getattr(previous, f) != getattr(current, f))


# -- checking a new version ---------------------------------------------------------------------

def _date(value, field: str, required: bool = False) -> date | None:
    if value is None or value == "":
        if required:
            raise ShortageRefused(field, "required", "is required")
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ShortageRefused(field, "date", f"must be a date (yyyy-mm-dd), got {value!r}")


def _text(value, field: str) -> str:
    value = "" if value is None else value
    if not isinstance(value, str):
        raise ShortageRefused(field, "text", "must be a string")
    value = value.strip()
    if len(value) > MAX_NOTE or "\x00" in value:
        raise ShortageRefused(field, "too_long", f"at most {MAX_NOTE} characters, without NUL")
    return value


def _product_id(value, field: str, products: Mapping[int, Product]) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value not in products:
        raise ShortageRefused(field, "unknown_product", f"no product {value!r} in the register")
    return value


def check_version(data: Mapping, *, action: str, products: Mapping[int, Product], today: date,
                  previous: Version | None = None, product_id: int | None = None) -> Version:
    """A new version of a shortage from the manager's input, or ShortageRefused naming the first
    bad field. `previous`: the current version (None when registering); `today`: the simulated
    date, which the new version takes effect on."""
    if action not in ACTIONS:
        raise ShortageRefused("action", "action", f"unknown action {action!r}", ACTIONS)
    if (previous is None) != (action == "registreren"):
        raise ShortageRefused("action", "action", "a shortage is registered once, then changed")
    if previous is not None and not previous.active:
        raise ShortageRefused("state", "ended", "the shortage has ended; register a new one")
    defs = definitions()
    if previous is None:
        product_id = _product_id(data.get("product_id", product_id), "product_id", products)
        if product_id is None:
            raise ShortageRefused("product_id", "required", "is required")
        if not products[product_id].preferred_on(today):
            raise ShortageRefused("product_id", "not_preferred",
                                  "is not a preferred product today: the insurer announces "
                                  "shortages of its preferred products")
    else:
        product_id = previous.product_id
    product = products[product_id]
    if action == "beeindigen":
        state = RESOLVED
    else:
        state = data.get("state", previous.state if previous else None)
        allowed = tuple(s for s in next_states(previous.state if previous else None)
                        if s != RESOLVED)
        if state not in allowed:
            raise ShortageRefused("state", "state", f"must be one of {', '.join(allowed)}"
                                  + (" (end a shortage with the end action)" if state == RESOLVED
                                     else ""), allowed)
    reported_by = data.get("reported_by", previous.reported_by if previous else None)
    if reported_by not in defs[state].declared_by:
        raise ShortageRefused("reported_by", "declarer", f"{defs[state].term!r} may be declared "
                              f"by {', '.join(defs[state].declared_by)} only",
                              defs[state].declared_by)
    started_on = _date(data.get("started_on", previous.started_on if previous else None),
                       "started_on", required=True)
    if started_on > today:
        raise ShortageRefused("started_on", "future", "must not be after today")
    expected_end = _date(data.get("expected_end", previous.expected_end if previous else None),
                         "expected_end")
    if expected_end is not None and expected_end < started_on:
        raise ShortageRefused("expected_end", "before_start", "must not be before the start")
    ended_on = None
    if action == "beeindigen":
        ended_on = _date(data.get("ended_on"), "ended_on") or today
        if ended_on > today:
            raise ShortageRefused("ended_on", "future", "must not be after today")
        if ended_on < started_on:
            raise ShortageRefused("ended_on", "before_start", "must not be before the start")
        drops_out, temporary, alternatives, price = False, None, (), None
    else:
        drops_out = data.get("drops_out", previous.drops_out if previous else False)
        if not isinstance(drops_out, bool):
            raise ShortageRefused("drops_out", "boolean", "must be true or false")
        temporary = _product_id(data.get("temporary_preferred_id",
                                         previous.temporary_preferred_id if previous else None),
                                "temporary_preferred_id", products)
        alternatives = data.get("alternative_ids",
                                previous.alternative_ids if previous else ())
        if not isinstance(alternatives, (list, tuple)):
            raise ShortageRefused("alternative_ids", "list", "must be a list of product ids")
        alternatives = tuple(_product_id(a, "alternative_ids", products) for a in alternatives)
        price = _product_id(data.get("price_article_id",
                                     previous.price_article_id if previous else None),
                            "price_article_id", products)
        for name, chosen in (("temporary_preferred_id", temporary), ("price_article_id", price)):
            if chosen == product_id:
                raise ShortageRefused(name, "same_product", "must be another product than the "
                                      "one in short supply")
            if chosen is not None and products[chosen].group != product.group:
                raise ShortageRefused(name, "other_group", "must be a product of the same group "
                                      f"of interchangeable medicines ({product.group})")
        if temporary is not None and not drops_out:
            raise ShortageRefused("temporary_preferred_id", "needs_drop_out",
                                  "a temporary preferred product replaces a preferred product "
                                  "that drops out of the preference policy")
        if product_id in alternatives:
            raise ShortageRefused("alternative_ids", "same_product",
                                  "must not name the product in short supply")
        if len(set(alternatives)) != len(alternatives):
            raise ShortageRefused("alternative_ids", "duplicate", "names a product twice")
    sellout = _date(data.get("sellout_until"), "sellout_until")
    candidate = Version(
        shortage_id=previous.shortage_id if previous else 0,
        number=previous.number + 1 if previous else 1, product_id=product_id, effective_on=today,
        action=action, state=state, reported_by=reported_by, started_on=started_on,
        expected_end=expected_end, ended_on=ended_on, drops_out=drops_out,
        temporary_preferred_id=temporary, alternative_ids=alternatives, price_article_id=price,
        sellout_until=sellout, note=_text(data.get("note"), "note"),
        patient_note=_text(data.get("patient_note", previous.patient_note if previous else ""),
                           "patient_note"))
    if sellout is not None:
        if sellout < today:
            raise ShortageRefused("sellout_until", "past", "must not be before today")
        if not _preferred_set(candidate, product) ^ _preferred_set(previous, product):
            raise ShortageRefused("sellout_until", "no_switch", "a sell-out period belongs to a "
                                  "switch of the preferred product (a drop-out, a temporary "
                                  "preferred product, or the end of the shortage)")
    if previous is not None and action == "wijzigen" and not changed_fields(previous, candidate) \
            and sellout is None:
        raise ShortageRefused("state", "unchanged", "nothing changed against the current version")
    return candidate


# -- the preference status on a day (agreements 5d and 6) ---------------------------------------

@dataclass(frozen=True)
class Status:
    """A product's preference status on a day, and the shortage behind it."""

    product: Product
    status: str
    shortage_id: int | None = None
    shortage_state: str | None = None
    temporary_preferred_id: int | None = None
    alternative_ids: tuple[int, ...] = ()
    price_article_id: int | None = None
    sellout_until: date | None = None
    unavailable: bool = False

    def row(self, products: Mapping[int, Product]) -> dict:
        """The product's line in the preference file (without the week and the change)."""
        def names(ids):
            return ", ".join(f"{products[i].zindex} {products[i].name}" for i in ids)
        return {"zindex": self.product.zindex, "product": self.product.name,
                "groep": self.product.group, "aip": f"{self.product.aip:.2f}".replace(".", ","),
                "status": self.status, "tekort": self.shortage_state or "",
                "tijdelijk_preferent": names([self.temporary_preferred_id]
                                             if self.temporary_preferred_id else []),
                "alternatieven": names(self.alternative_ids),
                "prijsbepalend_artikel": names([self.price_article_id]
                                               if self.price_article_id else []),
                "uitverkoop_tot": self.sellout_until.isoformat() if self.sellout_until else ""}


def _preferred_set(version: Version | None, product: Product) -> frozenset[int]:
    """The products reimbursed as preferred under a version (the shortage's product when
    preferred and not dropped out; the temporary preferred product). None: before the shortage."""
    own = version is None or not (version.active and version.drops_out)
    result = {product.id} if own else set()
    if version is not None and version.active and version.temporary_preferred_id:
        result.add(version.temporary_preferred_id)
    return frozenset(result)


def versions_by_day(versions: Iterable[Version], day: date) -> dict[int, list[Version]]:
    """Per shortage, its versions that had taken effect by `day`, oldest first: the last one is
    in force."""
    by_shortage: dict[int, list[Version]] = {}
    for version in versions:
        if version.effective_on <= day:
            by_shortage.setdefault(version.shortage_id, []).append(version)
    for items in by_shortage.values():
        items.sort(key=lambda v: v.number)
    return by_shortage


def statuses(products: Mapping[int, Product], versions: Iterable[Version], day: date
             ) -> dict[int, Status]:
    """Every product's preference status on `day`."""
    result = {pid: Status(p, PREFERENT if p.preferred_on(day) else NOT_PREFERRED)
              for pid, p in products.items()}
    sell_out: dict[int, date] = {}
    temporary: dict[int, Status] = {}
    for shortage_id, history in sorted(versions_by_day(versions, day).items()):
        version = history[-1]
        product = products[version.product_id]
        # A switch's sell-out term runs to its end, whatever later versions change.
        for before, switch in zip([None, *history[:-1]], history, strict=False):
            if switch.sellout_until is not None and day <= switch.sellout_until:
                for lost in _preferred_set(before, product) - _preferred_set(switch, product):
                    sell_out[lost] = max(sell_out.get(lost, day), switch.sellout_until)
        if not version.active:
            continue
        own = result[product.id]
        status = own.status
        if own.status == PREFERENT and version.drops_out:
            status = DROPPED
        result[product.id] = replace(
            own, status=status, shortage_id=shortage_id, shortage_state=version.state,
            temporary_preferred_id=version.temporary_preferred_id,
            alternative_ids=version.alternative_ids, price_article_id=version.price_article_id,
            unavailable=version.unavailable)
        if version.temporary_preferred_id:
            temporary[version.temporary_preferred_id] = result[product.id]
    for pid, by in temporary.items():
        result[pid] = replace(result[pid], status=TEMPORARY,
                              shortage_id=result[pid].shortage_id or by.shortage_id)
    for pid, until in sell_out.items():
        if result[pid].status in (NOT_PREFERRED, DROPPED):
            result[pid] = replace(result[pid], status=SELL_OUT, sellout_until=until)
    return result


# -- the weekly preference file (agreement 5d, phase 1) -----------------------------------------

FILE_COLUMNS = ("week", "geldig_vanaf", "zindex", "product", "groep", "aip", "status",
                "vorige_status", "tekort", "tijdelijk_preferent", "alternatieven",
                "prijsbepalend_artikel", "uitverkoop_tot", "wijzigingen")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week(text) -> date:
    """The Monday of an ISO week written 2023-W40; ShortageRefused otherwise."""
    if not isinstance(text, str) or not _WEEK.match(text.strip()):
        raise ShortageRefused("week", "week", f"must be an ISO week such as 2023-W40, got {text!r}")
    year, week = (int(p) for p in _WEEK.match(text.strip()).groups())
    try:
        return date.fromisocalendar(year, week, 1)
    except ValueError:
        raise ShortageRefused("week", "week", f"{year} has no week {week}") from None


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class FileLine:
    values: dict
    changed: tuple[str, ...] = field(default=())


def preference_file(products: Mapping[int, Product], versions: Sequence[Version], week: str
                    ) -> list[FileLine]:
    """The lines of the weekly preference file: every product's status on the Monday of `week`,
    with the columns that changed since the Monday before (in the group's order)."""
    monday = parse_week(week)
    now = statuses(products, versions, monday)
    before = statuses(products, versions, monday - timedelta(days=7))
    lines = []
    for pid in sorted(products, key=lambda i: (products[i].group, products[i].name, i)):
        row, old = now[pid].row(products), before[pid].row(products)
        changed = tuple(k for k in row if row[k] != old[k])
        lines.append(FileLine({"week": week_of(monday), "geldig_vanaf": monday.isoformat(), **row,
                               "vorige_status": old["status"],
                               "wijzigingen": ", ".join(changed)}, changed))
    return lines


def write_csv(lines: Sequence[FileLine]) -> bytes:
    """The file as Dutch spreadsheets read it: UTF-8 with BOM, `;`, CRLF, a header row; a text
    that a spreadsheet would take for a formula gets a leading `'`."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(FILE_COLUMNS)
    for line in lines:
        writer.writerow([_cell(line.values[c]) for c in FILE_COLUMNS])
    return out.getvalue().encode("utf-8-sig")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r", "'")) else text


# -- the notice, in one fixed format (agreement 2) ----------------------------------------------

KIND_OF_NOTICE = {"registreren": "Nieuw tekort", "wijzigen": "Wijziging tekort",
                  "beeindigen": "Einde tekort"}
#: The labels of the notice's lines, always all of them, in this order.
NOTICE_LINES = ("Bericht", "Product", "Groep", "Status", "Betekenis", "Gemeld door",
                "Begonnen op", "Verwacht einde", "Beëindigd op", "Preferentiebeleid",
                "Tijdelijk preferent product", "Aangewezen alternatieven",
                "Prijsbepalend artikel (LPG)", "Uitverkoop-/vergoedingstermijn tot", "Gewijzigd",
                "Toelichting", "Meer informatie")
CHANGE_WORDS = {"state": "status", "reported_by": "gemeld door", "started_on": "begonnen op",
                "expected_end": "verwacht einde", "ended_on": "beëindigd op",
                "drops_out": "preferentiebeleid", "temporary_preferred_id": "tijdelijk preferent",
                "alternative_ids": "alternatieven", "price_article_id": "prijsbepalend artikel",
                "sellout_until": "uitverkooptermijn", "note": "toelichting",
                "patient_note": "informatie voor patiënten"}
#: What a notice says for a date not (yet) known.
UNKNOWN = "onbekend"


def notice(version: Version, products: Mapping[int, Product], *, previous: Version | None = None,
           link: str = "") -> tuple[str, str]:
    """The subject and body of the pharmacies' notice of a version: every line every time, so a
    new shortage, an update and the end read the same way."""
    product = products[version.product_id]
    defs = definitions()

    def name(pid):
        return f"{products[pid].name} (Z-index {products[pid].zindex})" if pid else "geen"

    if version.state == RESOLVED:
        preference = "het product is weer preferent" if product.preferred_on(
            version.effective_on) else "het product is niet preferent"
    elif version.drops_out:
        preference = "vervalt uit het preferentiebeleid wegens leveringsproblemen"
    else:
        preference = "blijft preferent"
    values = {
        "Bericht": f"{KIND_OF_NOTICE[version.action]} (versie {version.number}, "
                   f"geldig vanaf {nl_date(version.effective_on, UNKNOWN)})",
        "Product": name(product.id),
        "Groep": product.group,
        "Status": defs[version.state].term,
        "Betekenis": defs[version.state].definition,
        "Gemeld door": declarers()[version.reported_by],
        "Begonnen op": nl_date(version.started_on, UNKNOWN),
        "Verwacht einde": nl_date(version.expected_end, UNKNOWN) if version.active else "-",
        "Beëindigd op": nl_date(version.ended_on, "-"),
        "Preferentiebeleid": preference,
        "Tijdelijk preferent product": name(version.temporary_preferred_id),
        "Aangewezen alternatieven": ", ".join(name(a) for a in version.alternative_ids) or "geen",
        "Prijsbepalend artikel (LPG)": name(version.price_article_id) if version.price_article_id
        else "ongewijzigd",
        "Uitverkoop-/vergoedingstermijn tot": nl_date(version.sellout_until, "geen"),
        "Gewijzigd": ", ".join(CHANGE_WORDS[f] for f in changed_fields(previous, version)) or "-",
        "Toelichting": version.note or "-",
        "Meer informatie": link or "-",
    }
    subject = (f"{KIND_OF_NOTICE[version.action]}: {product.name} – "
               f"{defs[version.state].term.lower()}")[:300]
    body = "\n".join(f"{label}: {values[label]}" for label in NOTICE_LINES)
    return subject, body


# -- the agreements' milestones (agreements 2, 3, 4 and 10) -------------------------------------

@dataclass(frozen=True)
class Milestone:
    label: str
    due: str
    begins: date | None
    quote: tuple[str, ...]

    def possibly_reached(self, day: date) -> bool:
        """False when `day` is before the milestone's period begins; True when it may have been
        reached (the portal cannot know whether it was)."""
        return self.begins is not None and day >= self.begins


def milestones(key: str, within: str | None = None) -> tuple[Milestone, ...]:
    """The milestones of an agreement as data (`procurement_guideline`, `exemptions`,
    `authorisations`, or `substitution.legal_basis`)."""
    data = load_rules(RULES)[key]
    if within:
        data = data[within]
    return tuple(Milestone(m["label"], str(m["due"]), m.get("from"), tuple(m["quote"]))
                 for m in data["milestones"])


def guideline_questions() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Agreement 4: the availability questions a manager weighs when setting a (temporary)
    preferred product, each with its sentence."""
    return tuple((q["text"], tuple(q["quote"])) for q in rules()["procurement_guideline"]["questions"])


# -- entitlement during a shortage (issue 8, part 6) --------------------------------------------

@dataclass(frozen=True)
class ShortageEntitlement:
    """The entitlement answer of seed 003 on the group as the shortage register has it."""

    answer: Entitlement
    group: str
    day: date
    statuses: tuple[Status, ...]
    logistical_necessity_from_register: bool
    imports_under_exemption: tuple[str, ...]
    notes: tuple[str, ...]


def shortage_entitlement(products: Mapping[int, Product], versions: Sequence[Version],
                         group: str, day: date, prescription: Prescription
                         ) -> ShortageEntitlement:
    """Which medicines of `group` are reimbursed on `day` for `prescription`, with the register's
    shortages applied (see the reading `entitlement` in shortages.yaml)."""
    members = {pid: p for pid, p in products.items() if p.group == group}
    if not members:
        raise ShortageRefused("group", "unknown_group", f"no products in group {group!r}",
                              sorted({p.group for p in products.values()}))
    on_day = statuses(products, versions, day)
    in_group = [on_day[pid] for pid in sorted(members, key=lambda i: (members[i].name, i))]
    has_temporary = any(s.status == TEMPORARY for s in in_group)
    medicines = tuple(Medicine(
        name=s.product.name, aip=s.product.aip,
        preferred=s.status in REIMBURSED_AS_PREFERRED or (s.status == DROPPED and not has_temporary),
        available=not s.unavailable) for s in in_group)
    notes = []
    preferred = [m for m in medicines if m.preferred]
    register_ln = bool(preferred) and not any(m.available for m in preferred)
    if register_ln and not prescription.logistical_necessity:
        prescription = replace(prescription, logistical_necessity=True)
        notes.append("logistieke noodzaak volgt uit het tekortenregister: het voorkeursmiddel is "
                     "niet leverbaar en er is geen tijdelijk preferent product aangewezen")
    for s in in_group:
        if s.status == TEMPORARY:
            notes.append(f"{s.product.name} is tijdelijk preferent tijdens het tekort")
        elif s.status == SELL_OUT:
            notes.append(f"{s.product.name} wordt vergoed tot en met "
                         f"{nl_date(s.sellout_until, UNKNOWN)} (uitverkooptermijn)")
    answer = entitlement(medicines, prescription)
    imports = tuple(s.product.name for s in in_group
                    if s.product.import_exemption and s.product.name in answer.reimbursed)
    return ShortageEntitlement(answer, group, day, tuple(in_group), register_ln, imports,
                               tuple(notes))
