"""What the load bench's pages cost per request, and that the shortcuts show what they showed:
the user brings the simulated date and the unread messages in one statement, the API list
counts its total in the statement that reads the page."""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from flask import g

from portal.models import Notification
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from portal.operations.offers import issue_offer
from portal.provider.actions import unread_count
from tests.support.statements import statements
from tests.support.tokens import bearer

MANAGER = Actor("m", "contract_manager")
API = "/api/v1"




def fresh_request_state() -> None:
    """As a new request in production starts: no user loaded yet (the test's app context, and
    so `g`, outlives its requests)."""
    g.pop("_login_user", None)
    g.pop("simulation_today", None)


@pytest.fixture
def provider(make_provider):
    return make_provider()


@pytest.fixture
def user(make_user, provider):
    return make_user("provider_user", provider)


def test_the_offers_page_reads_user_date_and_unread_count_in_one_statement(
        client, auth, session, provider, user):
    issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 9, 29))
    set_today(date(2023, 9, 15), MANAGER)
    now = datetime.now(timezone.utc)
    session.add_all([Notification(provider_id=provider.id, key="c:1", subject="a", body="a"),
                     Notification(provider_id=provider.id, key="c:2", subject="b", body="b"),
                     Notification(provider_id=provider.id, key="c:3", subject="c", body="c",
                                  read_at=now)])
    session.flush()
    auth.login(user)
    fresh_request_state()
    with statements() as seen:
        html = client.get("/zorgaanbieder/aanbiedingen").get_data(as_text=True)
    assert len(seen) == 3  # the user with date and unread count; the offers; the contracts
    assert "15-09-2023" in html and "nog 14 dagen" in html
    unread = unread_count(provider.id)  # the offer's own message, and the two above
    assert unread == 3 and f'<span class="badge">{unread}<' in html


def test_the_unread_count_follows_a_message_marked_read(client, auth, session, provider, user):
    message = Notification(provider_id=provider.id, key="c:read", subject="Lees mij", body="b")
    session.add(message)
    session.flush()
    auth.login(user)
    fresh_request_state()
    assert '<span class="badge">1' in client.get("/zorgaanbieder/berichten").get_data(as_text=True)
    response = client.post(f"/zorgaanbieder/berichten/{message.id}/gelezen",
                           data={"csrf_token": auth.csrf("/zorgaanbieder/berichten")})
    assert response.status_code == 302
    fresh_request_state()
    assert 'class="badge"' not in client.get("/zorgaanbieder/berichten").get_data(as_text=True)


def test_a_deactivated_user_is_logged_out_by_the_loader(client, auth, session, user):
    auth.login(user)
    user.active = False
    session.flush()
    fresh_request_state()
    response = client.get("/zorgaanbieder/aanbiedingen")
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_status_labels_are_translated_in_english_pages(client, auth, provider, user):
    issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    auth.login(user)
    fresh_request_state()
    dutch = client.get("/zorgaanbieder/aanbiedingen").get_data(as_text=True)
    english = client.get("/zorgaanbieder/aanbiedingen",
                         headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ">aangeboden</span>" in dutch and ">offered</span>" in english


def test_the_api_list_reads_its_total_from_the_tallies_beside_the_page(client, session, make_provider, make_user):
    for _ in range(5):
        issue_offer(make_provider(), "farmaceutische_zorg", 2024, MANAGER)
    manager = make_user("contract_manager")
    session.commit()
    headers = bearer(manager)

    def listing(query: str):
        with statements() as seen:
            response = client.get(f"{API}/offers?{query}", headers=headers)
        assert response.status_code == 200
        return response.get_json(), json.loads(response.headers["X-Pagination"]), len(seen)

    everything, _meta, _n = listing("page_size=100")
    first, meta, n = listing("page=1&page_size=2")
    assert meta["total"] == len(everything) >= 5 and meta["total_pages"] == -(-meta["total"] // 2)
    assert [o["id"] for o in first] == [o["id"] for o in everything[:2]]
    # the token's user (unless the session holds it already), the total as the database keeps it
    # counted (portal/models/tallies.py), and the page
    assert n <= 3
    last, meta, _n = listing(f"page={meta['total_pages']}&page_size=2")
    assert [o["id"] for o in last] == [o["id"] for o in everything[-len(last):]]
    beyond, meta, _n = listing("page=1000&page_size=2")
    assert beyond == [] and meta["total"] == len(everything)
    none, meta, _n = listing("contract=spoedzorg")
    assert none == [] and meta["total"] == 0
    assert all(o["document"] is None or set(o["document"]) >= {"sha256", "filename"}
               for o in everything)
