"""What the provider pages read of one organisation.

Every function takes the organisation's id and looks only at its rows: a record of another
organisation is not found, exactly as a record that does not exist.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

from sqlalchemy import Row, bindparam, func, or_, select
from sqlalchemy.orm import defer

from contracts.policy import load_policy

from ..extensions import db
from ..models import ContractHeld, DocumentVersion, NegotiationRound, Notification, Offer
from ..operations.offers import NotFound


#: The organisation's offers as its list shows them (concepts are the insurer's drafts, not shown),
#: by deadline. Plain rows, the statement built once: the list is the portal's busiest page.
OFFER_ROWS = (
    select(Offer.id, Offer.contract, Offer.policy_year, Offer.status, Offer.negotiable,
           Offer.channel, Offer.deadline, Offer.answered_at)
    .where(Offer.provider_id == bindparam("provider_id"), Offer.status != "concept")
    .order_by(Offer.deadline.is_(None), Offer.deadline, Offer.policy_year.desc(), Offer.id))

#: The agreements the organisation holds, latest term first.
CONTRACT_ROWS = (
    select(ContractHeld.contract, ContractHeld.start, ContractHeld.end)
    .where(ContractHeld.provider_id == bindparam("provider_id"))
    .order_by(ContractHeld.end.desc(), ContractHeld.contract))


def offers_of(provider_id: int) -> tuple[Row, ...]:
    """The organisation's offers, by deadline (rows of `OFFER_ROWS`)."""
    return tuple(db.session.connection().execute(OFFER_ROWS, {"provider_id": provider_id}))


class Agreement(NamedTuple):
    """An agreement the organisation holds or has accepted, with its term."""

    contract: str
    start: date
    end: date


def contracts_of(provider_id: int, offers: tuple[Row, ...] = ()) -> tuple[Agreement, ...]:
    """The agreements the organisation holds (`CONTRACT_ROWS`) and those it accepted among
    `offers` (its offers, as `offers_of` reads them: no query of their own), each for the term
    its policy gives it (operations.agreements records the same); latest term first."""
    held = [Agreement(*row) for row in
            db.session.connection().execute(CONTRACT_ROWS, {"provider_id": provider_id})]
    starts = {(a.contract, a.start) for a in held}
    accepted = [Agreement(o.contract, policy.agreement_start(o.contract),
                          policy.agreement_end(o.contract))
                for o in offers if o.status == "geaccepteerd"
                for policy in (load_policy(o.policy_year),)]
    return tuple(sorted(held + [a for a in accepted if (a.contract, a.start) not in starts],
                        key=lambda a: (-a.end.toordinal(), a.contract)))


def document_of(document_id: int, provider_id: int) -> DocumentVersion:
    """A document version of one of the organisation's offers (or of a negotiation round of one)."""
    of_offers = select(Offer.document_id).where(Offer.provider_id == provider_id,
                                                Offer.status != "concept")
    of_rounds = (select(NegotiationRound.document_id).join(Offer)
                 .where(Offer.provider_id == provider_id))
    document = db.session.scalar(select(DocumentVersion).where(
        DocumentVersion.id == document_id,
        or_(DocumentVersion.id.in_(of_offers), DocumentVersion.id.in_(of_rounds))))
    if document is None:
        raise NotFound(f"document {document_id}")
    return document


def documents_of_rounds(offer: Offer) -> dict[int, DocumentVersion]:
    """The documents the negotiation rounds of an offer carry, by id (one query, no contents)."""
    ids = [r.document_id for r in offer.rounds if r.document_id is not None]
    if not ids:
        return {}
    return {d.id: d for d in db.session.scalars(
        select(DocumentVersion).where(DocumentVersion.id.in_(ids))
        .options(defer(DocumentVersion.context)))}


def unread_count(provider_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.provider_id == provider_id, Notification.read_at.is_(None))) or 0

