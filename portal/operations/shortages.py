"""Medicine shortages (seed 004): a contract manager registers, changes and ends a shortage of a
preferred product; every change is a new version, an audit entry, and one notice in the fixed
format of contracts.shortages to every contracted pharmacy (in the inbox, e-mailed by the mail
queue the scheduler runs). Also: the product register as the domain sees it, the weekly
preference file, the entitlement check during a shortage, and the demo products.

Who is told (the reading of agreement 2 in shortages.yaml): every provider that dispenses (not a
unique supplier or facility company) and is contracted for farmaceutische zorg on the day: it
holds an Overeenkomst Farmaceutische zorg running that day, or has accepted the offer for it of
that calendar year. Each pharmacy gets each version once: the inbox key is unique per shortage,
version and pharmacy. The caller commits.
"""
from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from decimal import Decimal
from importlib import resources
from typing import Mapping

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from contracts import shortages as domain
from contracts.entitlement import Medicine, parse_prescription
from contracts.errors import CaseError
from contracts.seedrules import obj, text, unknown_fields
from contracts.vocabulary import ProviderType

from ..extensions import db
from ..models import (ContractHeld, Offer, Product, ProductPreference, Provider, Shortage,
                      ShortageAlternative, ShortageVersion)
from . import audit, clock, messages, notifications
from .access import NotFound
from .audit import Actor

ENTITY = "shortage"
#: Who registers and changes shortages.
MANAGER_ROLES = ("contract_manager", "admin")
#: Provider types that dispense to patients, and so are told of a shortage.
DISPENSING = tuple(t.value for t in ProviderType
                   if t not in (ProviderType.UNIEKE_LEVERANCIER, ProviderType.FACILITAIR_BEDRIJF))
CONTRACT = "farmaceutische_zorg"


def public_link(product: Product) -> str:
    """The product's public shortage page (the notice links to it)."""
    return messages.link("shortages.public_page", slug=product.slug)


def manager_link(shortage_id: int) -> str:
    """The shortage's page for the contract managers."""
    return messages.link("shortages.manager_detail", shortage_id=shortage_id)


# -- reading the register -----------------------------------------------------------------------

def products() -> dict[int, domain.Product]:
    """The product register as the domain sees it (one query for the products, one for their
    preference periods)."""
    return {p.id: p.as_domain() for p in db.session.scalars(select(Product).order_by(Product.id))}


def versions() -> list[domain.Version]:
    """Every version of every shortage."""
    rows = db.session.execute(select(ShortageVersion, Shortage.product_id)
                              .join(Shortage, Shortage.id == ShortageVersion.shortage_id)
                              .order_by(ShortageVersion.shortage_id, ShortageVersion.number))
    return [version.as_domain(product_id) for version, product_id in rows]


def get_shortage(shortage_id: int, *, lock: bool = False) -> Shortage:
    query = select(Shortage).where(Shortage.id == shortage_id)
    if lock:
        query = query.with_for_update(of=Shortage)  # PostgreSQL row lock; SQLite serialises writers
    found = db.session.scalar(query)
    if found is None:
        raise NotFound(f"shortage {shortage_id}")
    return found


def current(shortage: Shortage) -> ShortageVersion:
    return next(v for v in shortage.versions if v.number == shortage.current_version)


def contracted_pharmacies(day: date) -> list[int]:
    """The ids of the pharmacies contracted for farmaceutische zorg on `day` (see the module)."""
    held = (select(ContractHeld.provider_id)
            .where(ContractHeld.contract == CONTRACT, ContractHeld.start <= day,
                   ContractHeld.end >= day))
    accepted = (select(Offer.provider_id)
                .where(Offer.contract == CONTRACT, Offer.policy_year == day.year,
                       Offer.status == "geaccepteerd"))
    return list(db.session.scalars(
        select(Provider.id).where(Provider.provider_type.in_(DISPENSING),
                                  or_(Provider.id.in_(held), Provider.id.in_(accepted)))
        .order_by(Provider.id)))


# -- changes ------------------------------------------------------------------------------------

def _check_role(actor: Actor) -> None:
    if actor.role not in MANAGER_ROLES:
        raise CaseError("role", "only a contract manager registers or changes a shortage")


def register_shortage(data: Mapping, actor: Actor) -> Shortage:
    """Register a shortage of a preferred product (version 1) and tell the pharmacies."""
    _check_role(actor)
    register = products()
    candidate = domain.check_version(data, action="registreren", products=register,
                                     today=clock.today())
    open_one = db.session.scalar(select(Shortage.id).where(
        Shortage.product_id == candidate.product_id, Shortage.state != domain.RESOLVED))
    if open_one is not None:
        raise domain.ShortageRefused("product_id", "open_shortage", f"the product already has "
                                     f"an open shortage ({open_one}); change that one")
    shortage = Shortage(product_id=candidate.product_id, state=candidate.state,
                        current_version=1, started_on=candidate.started_on,
                        expected_end=candidate.expected_end, created_at=clock.now())
    try:
        with db.session.begin_nested():  # another manager registered one at the same moment
            db.session.add(shortage)
            db.session.flush()
    except IntegrityError:
        raise domain.ShortageRefused("product_id", "open_shortage", "the product already has an "
                                     "open shortage, registered just now; change that one") from None
    return _write(shortage, candidate, None, register, actor)


def update_shortage(shortage_id: int, data: Mapping, actor: Actor, *,
                    expected_version: int | None = None) -> Shortage:
    """A new version of an open shortage (its state, dates, alternatives ...)."""
    return _change(shortage_id, data, actor, "wijzigen", expected_version)


def end_shortage(shortage_id: int, data: Mapping, actor: Actor, *,
                 expected_version: int | None = None) -> Shortage:
    """The last version: the shortage is resolved (with a sell-out term if given)."""
    return _change(shortage_id, data, actor, "beeindigen", expected_version)


def _change(shortage_id, data, actor, action, expected_version) -> Shortage:
    _check_role(actor)
    shortage = get_shortage(shortage_id, lock=True)
    if expected_version is not None and shortage.current_version != expected_version:
        raise CaseError("version", "the shortage was changed by someone else; reload it")
    register = products()
    before = current(shortage).as_domain(shortage.product_id)
    candidate = domain.check_version(data, action=action, products=register,
                                     today=clock.today(), previous=before)
    return _write(shortage, candidate, before, register, actor)


def _write(shortage: Shortage, candidate: domain.Version, before: domain.Version | None,
           register: Mapping[int, domain.Product], actor: Actor) -> Shortage:
    """The version row, the shortage's current columns, the audit entry, the notices."""
    changes = list(domain.changed_fields(before, candidate))
    row = ShortageVersion(
        shortage_id=shortage.id, number=candidate.number, effective_on=candidate.effective_on,
        action=candidate.action, state=candidate.state, reported_by=candidate.reported_by,
        started_on=candidate.started_on, expected_end=candidate.expected_end,
        ended_on=candidate.ended_on, drops_out=candidate.drops_out,
        temporary_preferred_id=candidate.temporary_preferred_id,
        price_article_id=candidate.price_article_id, sellout_until=candidate.sellout_until,
        note=candidate.note, patient_note=candidate.patient_note, changes=changes,
        created_by=actor.name, created_at=clock.now(),
        alternatives=[ShortageAlternative(product_id=pid, position=i)
                      for i, pid in enumerate(candidate.alternative_ids)])
    shortage.versions.append(row)
    shortage.state, shortage.current_version = candidate.state, candidate.number
    shortage.started_on, shortage.expected_end = candidate.started_on, candidate.expected_end
    shortage.ended_on = candidate.ended_on
    try:
        db.session.flush()
    except IntegrityError:  # another manager wrote this version number at the same moment
        db.session.rollback()
        raise CaseError("version", "the shortage was changed at the same moment; reload it") \
            from None
    candidate = replace(candidate, shortage_id=shortage.id)
    product = db.session.get(Product, shortage.product_id)
    what = ", ".join(changes) if changes else domain.term(candidate.state)
    audit.record(actor, ENTITY, shortage.id, candidate.action,
                 before.state if before else None, candidate.state,
                 f"versie {candidate.number}: {product.name}: {what}")
    row.notified = _notify(shortage, candidate, before, register, product)
    db.session.flush()
    return shortage


def _notify(shortage, version, before, register, product) -> int:
    """The notice of this version, once to every contracted pharmacy; the number sent."""
    link = public_link(product)
    subject, body = domain.notice(version, register, previous=before, link=link)
    return notifications.notify_many([
        {"provider_id": pid, "key": f"tekort:{shortage.id}:v{version.number}:{pid}",
         "kind": "tekort", "link": link, "subject": subject, "body": body}
        for pid in contracted_pharmacies(version.effective_on)])


# -- the weekly preference file and the entitlement check ---------------------------------------

def preference_file(week: str) -> list[domain.FileLine]:
    return domain.preference_file(products(), versions(), week)


def preference_csv(week: str) -> bytes:
    return domain.write_csv(preference_file(week))


def statuses_on(day: date) -> dict[int, domain.Status]:
    return domain.statuses(products(), versions(), day)


ENTITLEMENT_FIELDS = ("group", "date", "prescription")


def check_entitlement(data, *, today: date | None = None) -> domain.ShortageEntitlement:
    """The entitlement check of seed 003 on a group of the register, on a day (default: the
    simulated date), with the registered shortages applied."""
    data = obj(data, "case")
    unknown_fields(data, ENTITLEMENT_FIELDS)
    group = text(data.get("group"), "group")
    day = data.get("date") or today or clock.today()
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            raise CaseError("date", f"must be a date (yyyy-mm-dd), got {day!r}") from None
    if not isinstance(day, date):
        raise CaseError("date", "must be a date (yyyy-mm-dd)")
    register = products()
    members = tuple(Medicine(p.name, p.aip) for p in register.values() if p.group == group)
    if not members:
        raise CaseError("group", f"no products in group {group!r}",
                        sorted({p.group for p in register.values()}))
    prescription = parse_prescription(data.get("prescription"), members)
    return domain.shortage_entitlement(register, versions(), group, day, prescription)


# -- demo data ----------------------------------------------------------------------------------

#: Three groups of interchangeable medicines with fictitious Z-index numbers and prices, and the
#: periods each is preferred (yyyy-mm-dd/yyyy-mm-dd, open-ended without the end; several
#: separated by ";"): data, as the register an insurer loads is.
DEMO_PRODUCTS_FILE = "data/demo_products.csv"


def _period(text: str) -> tuple[date, date | None]:
    start, _, end = text.partition("/")
    return date.fromisoformat(start), date.fromisoformat(end) if end else None


def demo_products() -> list[dict]:
    """The demo products of DEMO_PRODUCTS_FILE, each with its preference periods."""
    text = resources.files("portal").joinpath(DEMO_PRODUCTS_FILE).read_text("utf-8")
    return [{**row, "aip": Decimal(row["aip"]), "import_exemption": row["import_exemption"] == "yes",
             "preferred": [_period(p) for p in row["preferred"].split(";") if p]}
            for row in csv.DictReader(io.StringIO(text))]


def slugify(name: str) -> str:
    import re
    import unicodedata
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:120]


def load_demo_products() -> int:
    """Add the demo products and their preference periods (those not there yet); the number
    added. Safe to run twice."""
    there = set(db.session.scalars(select(Product.zindex)))
    added = 0
    for row in demo_products():
        if row["zindex"] in there:
            continue
        product = Product(zindex=row["zindex"], name=row["name"], slug=slugify(row["name"]),
                          substance=row["substance"], group_code=row["group"],
                          supplier=row["supplier"], aip=row["aip"],
                          import_exemption=row["import_exemption"],
                          preferences=[ProductPreference(valid_from=start, valid_until=end)
                                       for start, end in row["preferred"]])
        db.session.add(product)
        added += 1
    db.session.flush()
    return added
