"""The offer tallies (portal/models/tallies.py) equal a count of the offers after every kind of
write: an insert, a change of status, year, contract or provider, a provider's new type, a
delete, a bulk statement. The expected counts are counted here in Python from the offers' rows."""
from __future__ import annotations

import random
from collections import Counter

from sqlalchemy import delete, func, insert, select, update

from portal.models import Offer, OfferTally, Provider
from portal.models.tallies import create_triggers, drop_triggers, fold

STATUSES = ("concept", "aangeboden", "tegenvoorstel", "geaccepteerd", "verlopen")
CONTRACTS = ("farmaceutische_zorg", "dieetpreparaten", "spoedzorg")
TYPES = ("openbare_apotheek", "apotheekhoudende_huisarts", "internetapotheek")


def counted(session) -> Counter:
    """The offers counted per cell, in Python."""
    types = dict(session.execute(select(Provider.id, Provider.provider_type)).all())
    return Counter((o.policy_year, o.contract, types[o.provider_id], o.status)
                   for o in session.execute(select(Offer.policy_year, Offer.contract,
                                                   Offer.provider_id, Offer.status)))


def tallied(session) -> Counter:
    """The tallies' rows summed per cell (Counter's + keeps the cells above nought)."""
    summed = Counter()
    for t in session.scalars(select(OfferTally)):
        summed[t.policy_year, t.contract, t.provider_type, t.status] += t.count
    return +summed


def offer_values(provider_id: int, contract: str, year: int, status: str) -> dict:
    return dict(provider_id=provider_id, contract=contract, policy_year=year, relation="nieuw",
                rule="test", negotiable=False, channel="portaal", final_channel="vecozo",
                status=status, version=1)


def test_the_tallies_count_the_offers_after_each_kind_of_write(session, make_provider):
    providers = [make_provider(provider_type=TYPES[n % len(TYPES)]).id for n in range(6)]
    before = tallied(session)  # the database's offers outside this test (none on a fresh one)
    draw = random.Random(2024)
    cells = set()
    steps, most = [], 0
    for _ in range(100):
        kind = draw.choice(("insert", "insert", "status", "move", "delete", "type", "bulk"))
        ids = session.scalars(select(Offer.id).where(Offer.provider_id.in_(providers))).all()
        if kind == "insert" or not ids:
            provider, contract, year = (draw.choice(providers), draw.choice(CONTRACTS),
                                        draw.choice((2023, 2024)))
            if (provider, contract, year) in cells:
                continue
            cells.add((provider, contract, year))
            session.execute(insert(Offer).values(offer_values(provider, contract, year,
                                                              draw.choice(STATUSES))))
        elif kind == "status":
            session.execute(update(Offer).where(Offer.id == draw.choice(ids))
                            .values(status=draw.choice(STATUSES)))
        elif kind == "move":  # another year: the cell changes on a column other than status
            offer = session.get(Offer, draw.choice(ids))
            key = (offer.provider_id, offer.contract, 2025)
            if key in cells:
                continue
            cells.add(key)
            session.execute(update(Offer).where(Offer.id == offer.id).values(policy_year=2025))
        elif kind == "delete":
            offer = session.get(Offer, draw.choice(ids))
            cells.discard((offer.provider_id, offer.contract, offer.policy_year))
            session.execute(delete(Offer).where(Offer.id == offer.id))
        elif kind == "type":
            session.execute(update(Provider).where(Provider.id == draw.choice(providers))
                            .values(provider_type=draw.choice(TYPES)))
        else:  # one statement over many rows, as the scheduler's expiry does
            session.execute(update(Offer).where(Offer.provider_id.in_(providers),
                                                Offer.status == "aangeboden")
                            .values(status="verlopen"))
        if draw.random() < 0.2:
            fold(session.connection())
            steps.append("fold")
        session.expire_all()
        steps.append(kind)
        assert tallied(session) - before == counted(session) - before, steps
        most = max(most, sum((counted(session) - before).values()))
    assert {"insert", "status", "delete", "type", "bulk", "fold"} <= set(steps)
    assert most >= 4


def test_an_unchanged_cell_writes_no_tally(session, make_provider):
    provider = make_provider()
    session.execute(insert(Offer).values(offer_values(provider.id, "spoedzorg", 2024, "aangeboden")))
    rows = session.scalar(select(func.count()).select_from(OfferTally))
    session.execute(update(Offer).where(Offer.provider_id == provider.id)
                    .values(status="aangeboden", deadline=None))
    assert session.scalar(select(func.count()).select_from(OfferTally)) == rows


def test_a_fold_leaves_one_row_per_cell_and_the_same_counts(session, make_provider):
    provider = make_provider()
    for status in ("concept", "aangeboden", "geaccepteerd"):
        session.execute(insert(Offer).values(offer_values(provider.id, "spoedzorg", 2024, status))
                        if status == "concept" else
                        update(Offer).where(Offer.provider_id == provider.id).values(status=status))
    counts = tallied(session)
    cells = Counter((t.policy_year, t.contract, t.provider_type, t.status)
                    for t in session.scalars(select(OfferTally)))
    assert max(cells.values()) > 1  # the concept cell has a +1 and a -1 row
    assert fold(session.connection()) == sum(cells.values())
    session.expire_all()
    after = Counter((t.policy_year, t.contract, t.provider_type, t.status)
                    for t in session.scalars(select(OfferTally)))
    assert tallied(session) == counts
    assert set(after.values()) == {1} and set(after) == set(counts)


def test_adding_the_triggers_fills_the_tallies_from_the_offers_there_are(session, make_provider):
    """What migration 0014 does on a database with offers: they are counted from the start."""
    connection = session.connection()
    drop_triggers(connection)
    providers = [make_provider(provider_type=kind) for kind in TYPES]
    for n, provider in enumerate(providers):
        for contract in CONTRACTS[:n + 1]:
            session.execute(insert(Offer).values(offer_values(provider.id, contract, 2024,
                                                              STATUSES[n])))
    create_triggers(connection)
    session.expire_all()
    assert sum(tallied(session).values()) >= 6
    assert tallied(session) == counted(session)
