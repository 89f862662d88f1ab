"""The offers page is rendered once per state and served from the memo after that: a repeat
costs no render, and every change of what the page shows (its rows, the user, the date, the
unread messages, the language, the URL) gives a page equal to a fresh render (every other kept
page and API list: test_records_stamp.py). A safe request that
read only ends its transaction with COMMIT (psycopg keeps its prepared statements), one that
failed or flushed is rolled back."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date

import pytest
from flask import g
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session as OrmSession

from portal import create_app
from portal.extensions import db
from portal.models import (Application, ContractHeld, Notification, Offer, Provider,
                           SchedulerState, User)
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from portal.operations.offers import issue_offer, transition
from portal.web import CSRF_MARK, SessionUser, page_memo

MANAGER = Actor("m", "contract_manager")
OFFERS = "/zorgaanbieder/aanbiedingen"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def fresh_request_state() -> None:
    """As each request in production starts: no user loaded yet (the test's app context, and so
    `g`, outlives its requests; in production `load_user` reads the user, date and unread
    messages anew for every request)."""
    for name in ("_login_user", "simulation_today", "unread_messages", "csrf_token"):
        g.pop(name, None)


def offers_page(client, path: str = OFFERS) -> str:
    fresh_request_state()
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def without_tokens(page: str) -> str:
    return TOKEN.sub('name="csrf_token" value=""', page)


@pytest.fixture
def provider(make_provider):
    return make_provider(name="Apotheek De Eik")


@pytest.fixture
def user(make_user, provider):
    return make_user("provider_signatory", provider)


@pytest.fixture
def logged_in(client, auth, user, session):
    page_memo.clear()
    set_today(date(2023, 9, 15), MANAGER)
    issue_offer(session.get(Provider, user.provider_id), "farmaceutische_zorg", 2024, MANAGER,
                deadline=date(2023, 9, 29))
    auth.login(user)
    yield client
    page_memo.clear()


def test_a_repeat_comes_from_the_memo_with_its_own_working_csrf_token(logged_in, user):
    first = offers_page(logged_in)
    second = offers_page(logged_in)
    assert (page_memo.misses, page_memo.hits) == (1, 1)
    assert isinstance(g._login_user, SessionUser)
    assert CSRF_MARK not in first + second
    assert without_tokens(first) == without_tokens(second)
    # the memoised page's token is this session's: the language switch on it works
    token = TOKEN.search(second).group(1)
    switched = logged_in.post("/taal", data={"csrf_token": token, "lang": "en", "next": OFFERS})
    assert switched.status_code == 302
    assert "Offers and contracts" in offers_page(logged_in)


def _own_offer(session, user) -> Offer:
    return session.scalar(select(Offer).where(Offer.provider_id == user.provider_id))


def _new_offer(session, user):
    provider = session.get(Provider, user.provider_id)
    provider.collective = "Apothekerscollectief Utrecht"  # the addendum is for its members
    issue_offer(provider, "aanvullende_afspraken", 2024, MANAGER, deadline=date(2023, 10, 6))


def _accept(session, user):
    offer = _own_offer(session, user)
    transition(offer.id, "accept", Actor(user.email, user.role, user.provider_id),
               expected_version=offer.version)


def _later_deadline(session, user):
    _own_offer(session, user).deadline = date(2023, 10, 20)


def _contract(session, user):
    session.add(ContractHeld(provider_id=user.provider_id, contract="farmaceutische_zorg",
                             start=date(2024, 1, 1), end=date(2024, 12, 31)))


def _unread(session, user):
    session.add(Notification(provider_id=user.provider_id, key="test-memo-unread",
                             subject="Nieuw bericht", body="Er is iets voor u.", kind="bericht"))


def _date(session, user):
    set_today(date(2023, 9, 27), MANAGER)


def _renamed_provider(session, user):
    session.get(Provider, user.provider_id).name = "Apotheek De Linde"


def _renamed_user(session, user):
    session.get(User, user.id).name = "Mevrouw Van Dam"


@pytest.mark.parametrize("change", [_new_offer, _accept, _later_deadline, _contract, _unread,
                                    _date, _renamed_provider, _renamed_user],
                         ids=lambda change: change.__name__.strip("_"))
def test_after_each_change_the_page_equals_a_fresh_render(logged_in, session, user, change):
    before = offers_page(logged_in)
    offers_page(logged_in)  # in the memo now
    change(session, user)
    session.flush()
    after = offers_page(logged_in)
    assert without_tokens(after) != without_tokens(before), "the change shows on the page"
    page_memo.clear()
    fresh = offers_page(logged_in)
    assert without_tokens(after) == without_tokens(fresh)


def test_another_organisation_never_gets_this_page(logged_in, client, auth, make_provider,
                                                   make_user):
    own = offers_page(logged_in)
    other = make_user("provider_signatory", make_provider(name="Apotheek De Beuk"))
    auth.logout()
    auth.login(other)
    theirs = offers_page(client)
    assert "Apotheek De Beuk" in theirs and "Apotheek De Eik" not in theirs
    assert "Apotheek De Eik" in own


def test_a_flash_is_shown_once_and_not_kept(logged_in):
    offers_page(logged_in)
    with logged_in.session_transaction() as cookie_session:
        cookie_session["_flashes"] = [("info", "Uw antwoord is ontvangen.")]
    assert "Uw antwoord is ontvangen." in offers_page(logged_in)
    assert "Uw antwoord is ontvangen." not in offers_page(logged_in)


def test_the_memo_keeps_its_bytes_and_forgets_the_least_recently_used_page():
    from portal.web import PageMemo
    from portal.web.memo import Kept

    def page(body: str) -> Kept:
        return Kept(body.encode(), 200, ())

    memo = PageMemo(size=10)
    memo.put(("a",), page("AAAA"))
    memo.put(("b",), page("BBBB"))
    assert memo.get(("a",)).body == b"AAAA"  # a is now the most recently used
    memo.put(("c",), page("CCCC"))  # 12 bytes: b goes
    assert memo.get(("b",)) is None and memo.get(("a",)) and memo.get(("c",))
    assert memo.bytes == 8
    memo.put(("a",), page("A"))  # a page kept again replaces its bytes
    assert memo.bytes == 5
    memo.put(("d",), page("D" * 50))  # one page larger than the memo is kept alone
    assert list(memo.pages) == [("d",)] and memo.bytes == 50


@contextmanager
def session_endings():
    seen = {"commit": 0, "rollback": 0}

    def committed(_session):
        seen["commit"] += 1

    def rolled_back(_session):
        seen["rollback"] += 1

    event.listen(OrmSession, "after_commit", committed)
    event.listen(OrmSession, "after_soft_rollback", rolled_back)
    try:
        yield seen
    finally:
        event.remove(OrmSession, "after_commit", committed)
        event.remove(OrmSession, "after_soft_rollback", rolled_back)


def test_a_page_that_read_commits_and_one_that_failed_does_not(logged_in):
    with session_endings() as ended:
        offers_page(logged_in)
    assert ended["commit"] == 1
    with session_endings() as ended:
        fresh_request_state()
        assert logged_in.get(f"{OFFERS}/987654").status_code == 404
    assert ended["commit"] == 0


def test_a_safe_request_that_flushed_a_write_is_rolled_back(app, session, provider):
    """No page writes on GET; if one ever did, its write would not be committed by the page."""
    other = create_app({"TESTING": True,
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})

    @other.get("/_t/writes")
    def writes():
        db.session.add(Notification(provider_id=provider.id, key="test-memo-get-write",
                                    subject="Geschreven op GET", body="-", kind="bericht"))
        db.session.flush()
        return "ok"

    with session_endings() as ended:
        assert other.test_client().get("/_t/writes").status_code == 200
    assert ended["commit"] == 0
    assert session.scalar(select(func.count(Notification.id))
                          .where(Notification.key == "test-memo-get-write")) == 0


# -- the campaign dashboard ---------------------------------------------------------------------

DASHBOARD = "/beheer/"


@pytest.fixture
def manager_logged_in(client, auth, make_user, user, session):
    """A manager on the dashboard; the provider's offer of `logged_in` is past its deadline."""
    page_memo.clear()
    set_today(date(2023, 10, 2), MANAGER)
    issue_offer(session.get(Provider, user.provider_id), "farmaceutische_zorg", 2024, MANAGER,
                deadline=date(2023, 9, 29))
    auth.login(make_user("contract_manager"))
    yield client
    page_memo.clear()


def _dashboard_accept(session, user):
    _accept(session, user)


def _dashboard_application(session, user):
    session.add(Application(organisation="Apotheek De Wilg", agb="06900999", kvk="12345678",
                            provider_type="openbare_apotheek", city="Ede",
                            contact_email="a@b.example", contracts=["farmaceutische_zorg"],
                            start_date=date(2024, 1, 1), received_on=date(2023, 8, 1),
                            answer_due=date(2023, 9, 1)))


def _dashboard_escalation(session, user):
    session.add(Notification(provider_id=None, key="test-memo-escalation", kind="escalatie",
                             subject="Aanbieding Apotheek De Eik verlopen", body="Zie aanbod."))


def _dashboard_scheduler(session, user):
    session.merge(SchedulerState(id=1, processed_through=date(2023, 9, 30)))


def _dashboard_date(session, user):
    set_today(date(2023, 10, 9), MANAGER)


@pytest.mark.parametrize("change", [_dashboard_accept, _dashboard_application,
                                    _dashboard_escalation, _dashboard_scheduler, _dashboard_date],
                         ids=lambda change: change.__name__.removeprefix("_dashboard_"))
def test_the_dashboard_after_each_change_equals_a_fresh_render(manager_logged_in, session, user,
                                                                change):
    before = offers_page(manager_logged_in, DASHBOARD)
    offers_page(manager_logged_in, DASHBOARD)
    assert page_memo.hits == 1  # the repeat came from the memo
    change(session, user)
    session.flush()
    after = offers_page(manager_logged_in, DASHBOARD)
    assert without_tokens(after) != without_tokens(before), "the change shows on the page"
    page_memo.clear()
    assert without_tokens(after) == without_tokens(offers_page(manager_logged_in, DASHBOARD))
