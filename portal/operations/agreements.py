"""The agreements providers hold: what an accepted offer makes of them.

An accepted offer is an agreement (a ContractHeld row) for the offer's contract, from 1 January
of its contract year for the term its policy names (`Policy.agreement_start`/`agreement_end`:
an Overeenkomst Farmaceutische zorg of the 2023 campaign runs 2023-2024). The next campaign reads
these rows to tell a provider's relation (`providers.relation_to`): an agreement ending in the
calendar year is `aflopend`, one running on is `doorlopend`.

An agreement the policy extends without an offer ("Bij internetapotheken (voorkeursaanbieders)
verlengen we de overeenkomst", rules with `extended`) runs on the same way from 1 January of the
contract year (`extend_agreements`, which the scheduler runs on that day).
"""
from __future__ import annotations

from typing import Sequence

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.util import identity_key

from contracts.engine import decide
from contracts.errors import CaseError
from contracts.offers import OfferStatus
from contracts.policy import load_policy

from ..extensions import db
from ..models import ContractHeld, Offer, Provider
from .providers import case_for, profile_facts, profile_history


def agreement_of(offer: Offer) -> dict:
    """The agreement row an accepted offer makes: provider, contract and term."""
    policy = load_policy(offer.policy_year)
    return {"provider_id": offer.provider_id, "contract": offer.contract,
            "start": policy.agreement_start(offer.contract),
            "end": policy.agreement_end(offer.contract)}


def record_agreements(offers: Sequence[Offer]) -> int:
    """Write the agreements of the accepted offers among `offers` (the others are skipped), in
    one statement; the number of agreements new.

    Safe to run twice: an agreement the provider already holds for the contract from the same
    start (the unique key provider + contract + start) is left as it is, on SQLite and
    PostgreSQL alike (INSERT ... ON CONFLICT DO NOTHING). Providers loaded in the session see
    their new agreements on their next read of `Provider.contracts`.
    """
    return _write([agreement_of(o) for o in offers if o.status == OfferStatus.GEACCEPTEERD.value])


def extend_agreements(policy_year: int) -> int:
    """Write the agreements the policy of `policy_year` extends without an offer: for every
    provider and contract whose decision is `extended` (the engine leaves out an excluded
    provider), an agreement from 1 January of the contract year for the policy's term; the
    number new. Safe to run twice, like `record_agreements`."""
    policy = load_policy(policy_year)
    rules = [rule for rule in policy.rules.values() if rule.extended]
    if not rules:
        return 0
    types = sorted({str(t) for rule in rules for t in rule.provider_types})
    contracts = sorted({str(rule.contract) for rule in rules})
    history = profile_history(policy_year)
    rows = []
    for provider in db.session.scalars(select(Provider).where(Provider.provider_type.in_(types))
                                       .options(selectinload(Provider.contracts))):
        facts = profile_facts(provider, policy_year, history)
        for contract in contracts:
            try:
                decision = decide(case_for(provider, contract, policy_year, facts))
            except CaseError:
                continue  # a size rank is missing: the register must say it first
            if decision.extended:
                rows.append({"provider_id": provider.id, "contract": contract,
                             "start": policy.agreement_start(contract),
                             "end": policy.agreement_end(contract)})
    return _write(rows)


def _write(rows: list[dict]) -> int:
    """Insert the agreement rows not held yet (by provider, contract and start); the number
    new."""
    values = list({(row["provider_id"], row["contract"], row["start"]): row for row in rows}.values())
    if not values:
        return 0
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    table = ContractHeld.__table__
    # one statement, compiled once; the driver gets the rows in batches (insertmanyvalues)
    statement = (dialect.insert(table)
                 .on_conflict_do_nothing(index_elements=["provider_id", "contract", "start"])
                 .returning(table.c.id))
    written = len(db.session.execute(statement, values).all())
    _forget_contracts({row["provider_id"] for row in values})
    return written


def _forget_contracts(provider_ids: set[int]) -> None:
    """Expire `contracts` of the providers the session holds, so that they read it again."""
    for provider_id in provider_ids:
        provider = db.session.identity_map.get(identity_key(Provider, provider_id))
        if provider is not None:
            db.session.expire(provider, ["contracts"])

