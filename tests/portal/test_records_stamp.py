"""The records' stamp (portal/models/stamps.py) and the pages and API lists kept under it
(portal.web.memo).

Every table either changes the stamp or is named, with its reason, in UNSTAMPED; a write by any
path (the ORM, a bulk statement, plain SQL) changes it; on PostgreSQL, where its triggers wait for
the commit, two writers do not wait for each other. Each kept page and API list answers a repeat
from the memo, and after a change of what it shows equals a fresh answer."""
from __future__ import annotations

import json
from datetime import date

import pytest
from flask import g
from sqlalchemy import delete, insert, select, text, update

from portal.extensions import db
from portal.models import (AuditEntry, DataStamp, Notification, Offer, OutgoingMail, ProfileScore,
                           Provider)
from portal.models.stamps import RECORDS, UNSTAMPED
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from portal.operations.notifications import notify
from portal.operations.offers import issue_offer
from portal.web import page_memo
from tests.support.tokens import bearer

from .test_page_memo import fresh_request_state, without_tokens

MANAGER = Actor("m", "contract_manager")


def stamp(session) -> str:
    return session.scalar(select(DataStamp.stamp).where(DataStamp.name == RECORDS))


def triggered_tables(session) -> set[str]:
    """The tables with the records' triggers, as the database has them."""
    if session.bind.dialect.name == "postgresql":
        return set(session.scalars(text(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = 'data_stamps_records'")))
    names = session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                 "AND name LIKE 'data_stamps_records_%_insert'"))
    return {name.removeprefix("data_stamps_records_").removesuffix("_insert") for name in names}


def test_every_table_changes_the_stamp_or_says_why_not(session):
    tables = {table.name for table in db.metadata.sorted_tables}
    assert set(UNSTAMPED) <= tables, "UNSTAMPED names a table the schema does not have"
    assert triggered_tables(session) == tables - set(UNSTAMPED)
    assert all(reason.strip() for reason in UNSTAMPED.values())


def _orm_insert(session, provider):
    session.add(Notification(provider_id=provider.id, key="stamp-orm", subject="Nieuw",
                             body="-", kind="bericht"))


def _bulk_update(session, provider):
    session.execute(update(Provider).where(Provider.id == provider.id).values(city="Ede"))


def _plain_sql(session, provider):
    session.execute(text("UPDATE providers SET name = 'Apotheek Hernoemd' WHERE id = :id"),
                    {"id": provider.id})


def _delete(session, provider):
    session.execute(delete(ProfileScore).where(ProfileScore.provider_id == provider.id))


def _clock(session, provider):
    set_today(date(2023, 10, 2), MANAGER)


@pytest.mark.parametrize("write", [_orm_insert, _bulk_update, _plain_sql, _delete, _clock],
                         ids=lambda write: write.__name__.strip("_"))
def test_any_write_changes_the_stamp(session, make_provider, write):
    provider = make_provider()
    session.add(ProfileScore(provider_id=provider.id, year=2022, kwaliteit=50, klantbeleving=50,
                             kosten=50))
    session.flush()
    before = stamp(session)
    write(session, provider)
    session.flush()
    assert stamp(session) != before


def test_a_write_to_an_unstamped_table_leaves_it(session):
    before = stamp(session)
    session.execute(insert(AuditEntry).values(actor="m", role="admin", entity="user",
                                              entity_id=1, action="login"))
    assert stamp(session) == before


# -- PostgreSQL: the stamp at the commit -------------------------------------------------------

@pytest.fixture
def committed_providers(app):
    """Two providers committed on the test database (removed afterwards), on PostgreSQL."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("the deferred triggers are PostgreSQL's (SQLite has one writer at a time)")
    with app.app_context():
        with db.engine.begin() as connection:
            ids = [connection.scalar(insert(Provider).values(
                agb=f"9900000{n}", name=f"Apotheek Stempel {n}", city="Utrecht",
                provider_type="openbare_apotheek", kvk=f"9900000{n}").returning(Provider.id))
                for n in (1, 2)]
        yield ids
        with db.engine.begin() as connection:
            connection.execute(delete(Provider).where(Provider.id.in_(ids)))


def test_two_writers_do_not_wait_for_each_other_and_each_commit_changes_the_stamp(
        app, committed_providers):
    first_id, second_id = committed_providers
    read = select(DataStamp.stamp).where(DataStamp.name == RECORDS)
    with app.app_context(), db.engine.connect() as first, db.engine.connect() as second, \
            db.engine.connect() as reader:
        before = reader.scalar(read)
        first.execute(update(Provider).where(Provider.id == first_id).values(city="Ede"))
        # the first writer holds its transaction open: the second neither waits nor fails
        second.execute(text("SET lock_timeout = '2s'"))
        second.execute(update(Provider).where(Provider.id == second_id).values(city="Epe"))
        second.commit()
        after_second = reader.scalar(read)
        first.commit()
        after_first = reader.scalar(read)
    assert len({before, after_second, after_first}) == 3


def test_a_transaction_that_rolls_back_leaves_the_stamp(app, committed_providers):
    read = select(DataStamp.stamp).where(DataStamp.name == RECORDS)
    with app.app_context(), db.engine.connect() as writer, db.engine.connect() as reader:
        before = reader.scalar(read)
        writer.execute(update(Provider).where(Provider.id == committed_providers[0])
                       .values(city="Ede"))
        writer.rollback()
        assert reader.scalar(read) == before


# -- every kept page and API list --------------------------------------------------------------

@pytest.fixture
def world(session, make_provider, make_user):
    set_today(date(2023, 9, 15), MANAGER)
    provider = make_provider(name="Apotheek De Eik")
    signatory = make_user("provider_signatory", provider)
    issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 9, 29))
    other = make_provider(name="Apotheek De Beuk")
    issue_offer(other, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 9, 29))
    manager = make_user("contract_manager")
    session.flush()
    return {"provider": provider, "signatory": signatory, "manager": manager}


def _later_deadline(session, world):
    session.execute(text("UPDATE offers SET deadline = :day WHERE provider_id = :id"),
                    {"day": date(2023, 10, 20), "id": world["provider"].id})


def _renamed(session, world):
    session.execute(text("UPDATE providers SET name = 'Apotheek De Hernoemde Eik' WHERE id = :id"),
                    {"id": world["provider"].id})


def _message(session, world):
    notify(key="stamp-outbox", subject="Herinnering: uw aanbod", body="Reageer op tijd.",
           provider_id=world["provider"].id)
    message = session.scalar(select(Notification).where(Notification.key == "stamp-outbox"))
    session.add(OutgoingMail(notification_id=message.id, provider_id=world["provider"].id,
                             recipient=world["signatory"].email, subject=message.subject,
                             body=message.body))


#: path, who asks, the change, what the change shows.
PAGES = [
    ("/beheer/aanbiedingen", "manager", _later_deadline, "20-10-2023"),
    ("/beheer/zorgaanbieders", "manager", _renamed, "De Hernoemde Eik"),
    ("/beheer/uitgaande-post", "manager", _message, "Herinnering: uw aanbod"),
    ("/beheer/", "manager", _later_deadline, None),
    ("/zorgaanbieder/aanbiedingen", "signatory", _later_deadline, "20-10-2023"),
    ("/zorgaanbieder/profiel", "signatory", _renamed, "De Hernoemde Eik"),
]


@pytest.mark.parametrize("path,who,change,shown", PAGES, ids=[p[0] for p in PAGES])
def test_a_kept_page_after_a_change_equals_a_fresh_render(client, auth, session, world, path,
                                                          who, change, shown):
    auth.login(world[who])

    def page() -> str:
        fresh_request_state()
        response = client.get(path)
        assert response.status_code == 200
        return without_tokens(response.get_data(as_text=True))

    before = page()
    hits = page_memo.hits
    assert page() == before and page_memo.hits == hits + 1  # the repeat was kept
    change(session, world)
    session.flush()
    session.expire_all()  # as a new request's session would read the rows (one session here)
    after = page()
    assert after != before
    if shown:
        assert shown in after and shown not in before
    page_memo.clear()
    assert page() == after


API_LISTS = [("/api/v1/offers", _later_deadline, "2023-10-20"),
             ("/api/v1/providers", _renamed, "De Hernoemde Eik")]


@pytest.mark.parametrize("path,change,shown", API_LISTS, ids=[p[0] for p in API_LISTS])
def test_a_kept_api_list_keeps_its_headers_and_follows_a_change(client, session, world, path,
                                                                change, shown):
    headers = bearer(world["manager"])

    def answer():
        g.pop("api_user", None)
        response = client.get(path, headers=headers)
        assert response.status_code == 200
        return response.get_json(), json.loads(response.headers["X-Pagination"])

    before = answer()
    hits = page_memo.hits
    assert answer() == before and page_memo.hits == hits + 1
    change(session, world)
    session.flush()
    session.expire_all()
    after = answer()
    assert shown in json.dumps(after[0]) and shown not in json.dumps(before[0])
    assert after[1] == before[1]  # the same rows, one of them changed
    page_memo.clear()
    assert answer() == after


def test_a_provider_never_gets_the_managers_kept_list(client, session, world):
    manager, signatory = bearer(world["manager"]), bearer(world["signatory"])
    everyone = client.get("/api/v1/offers", headers=manager).get_json()
    g.pop("api_user", None)
    own = client.get("/api/v1/offers", headers=signatory).get_json()
    names = {offer["provider"]["name"] for offer in own}
    assert names == {"Apotheek De Eik"}
    assert len(everyone) > len(own)
    assert session.scalar(select(Offer.id).where(Offer.provider_id == world["provider"].id))
