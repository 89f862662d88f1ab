"""The demo's people: the insurer's staff and five demo organisations with two users each.

Every demo register holds the five organisations, whatever its seed or size, so the accounts of
the README are stable. They share one password, `DEMO_PASSWORD`.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert

from contracts.vocabulary import Contract, ProviderType

from portal.extensions import db
from portal.models import User

from .terms import ENDING, RUNNING

DEMO_PASSWORD = "demo-wachtwoord"
T = ProviderType


@dataclass(frozen=True)
class DemoOrganisation:
    """A provider every demo register holds, whatever the seed, so the accounts are stable."""

    key: str  # the e-mail domain of its users: <key>.example
    agb: str
    name: str
    provider_type: ProviderType
    city: str
    address: str
    postcode: str
    fz: str  # the term of its Overeenkomst Farmaceutische zorg (demo.terms), relative to the start
    extra: tuple[str, ...] = ()  # further contracts, on the same term as the FZ (or their own)
    people: tuple[str, str] = ("", "")  # signatory, employee


DEMO_ORGANISATIONS = (
    DemoOrganisation("apotheek-de-linde", "06100001", "Apotheek De Linde",
                     T.OPENBARE_APOTHEEK, "Utrecht", "Lindelaan 14", "3572 BK", ENDING,
                     (Contract.DIEETPREPARATEN, Contract.STOPPEN_MET_ROKEN),
                     ("Mw. drs. E. (Eva) van Dijk", "Sanne de Boer")),
    DemoOrganisation("service-apotheek-kerkstraat", "06100002", "Service Apotheek Kerkstraat",
                     T.OPENBARE_APOTHEEK, "Amersfoort", "Kerkstraat 3", "3811 CV", RUNNING,
                     (Contract.DIEETPREPARATEN,),
                     ("Dhr. R. (Ruben) Smit", "Lotte Vermeulen")),
    DemoOrganisation("receptenpost-internetapotheek", "06100003", "Receptenpost Internetapotheek",
                     T.INTERNETAPOTHEEK_VOORKEUR, "Heerenveen", "Businesspark 12", "8448 CM",
                     ENDING, (Contract.STOPPEN_MET_ROKEN,),
                     ("Mw. M. (Marloes) Hoekstra", "Jelle Dijkstra")),
    DemoOrganisation("dienstapotheek-regio-utrecht", "06100004", "Dienstapotheek Regio Utrecht",
                     T.ZUIVERE_DIENSTAPOTHEEK, "Utrecht", "Van Swietenlaan 4", "3584 CA",
                     ENDING, (Contract.SPOEDZORG,),
                     ("Dhr. J. (Johan) Mulder", "Fatima El Amrani")),
    DemoOrganisation("dieetservice-thuis", "47100005", "Dieetservice Thuis B.V.",
                     T.FACILITAIR_BEDRIJF, "Zwolle", "Hanzelaan 220", "8017 JM",
                     ENDING, (Contract.DIEETPREPARATEN,),
                     ("Dhr. P. (Pieter) Kok", "Anouk Brouwer")),
)

STAFF = (("manager@vgz.example", "contract_manager", "Karin Verbeek (contractmanager)"),
         ("admin@vgz.example", "admin", "Bas van Leeuwen (beheer)"),
         ("adviseur@vgz.example", "adviseur", "Dr. Noor Hendriks (adviseur farmacie)"))
DEMO_MANAGER = STAFF[0][0]

#: Every demo account: (e-mail, role, AGB code of its organisation or None for VGZ staff).
DEMO_ACCOUNTS: list[tuple[str, str, str | None]] = [
    *((email, role, None) for email, role, _name in STAFF),
    *((f"{kind}@{o.key}.example", role, o.agb) for o in DEMO_ORGANISATIONS
      for kind, role in (("signatory", "provider_signatory"), ("medewerker", "provider_user"))),
]


@dataclass(frozen=True)
class DemoAccount:
    email: str
    role: str
    provider_name: str | None  # None: the insurer's staff
    provider_agb: str | None


def write_accounts(ids: dict[str, int], names: dict[str, str]) -> tuple[DemoAccount, ...]:
    """The insurer's staff and two users per demo organisation (`ids` and `names` by AGB code).
    They share the demo password, so it is hashed once (a strong hash costs a tenth of a
    second)."""
    hasher = User()
    hasher.set_password(DEMO_PASSWORD)
    people = {email: name for email, _role, name in STAFF}
    for o in DEMO_ORGANISATIONS:
        people[f"signatory@{o.key}.example"], people[f"medewerker@{o.key}.example"] = o.people
    rows, accounts = [], []
    for email, role, agb in DEMO_ACCOUNTS:
        rows.append({"email": email, "name": people[email], "password_hash": hasher.password_hash,
                     "role": role, "provider_id": ids[agb] if agb else None, "active": True})
        accounts.append(DemoAccount(email, role, names[agb] if agb else None, agb))
    db.session.execute(insert(User).execution_options(render_nulls=True), rows)
    return tuple(accounts)
