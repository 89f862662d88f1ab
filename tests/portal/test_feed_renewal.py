"""Renewing a provider's agenda link: the offers page shows the new address at once (memoised or
not), the old link answers 404, the new one 200, audited; a link signed with any other key is
404; the campaign feed is not touched."""
from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from portal.feeds import feed_token
from portal.models import AuditEntry, Provider
from portal.operations.audit import Actor
from portal.operations.feeds import NoSuchProvider, renew_feed
from portal.web import page_memo

from .test_page_memo import fresh_request_state, offers_page

RENEW = "/zorgaanbieder/agenda/vernieuwen"
ADDRESS = re.compile(r'href="https?://localhost(/agenda/[^"]+\.ics)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def address(page: str) -> str:
    return ADDRESS.search(page).group(1)


def renew(client, page: str):
    fresh_request_state()
    return client.post(RENEW, data={"csrf_token": CSRF.search(page).group(1)})


@pytest.fixture
def pharmacy(make_provider, session):
    provider = make_provider(name="Apotheek De Eik")
    session.commit()
    return provider


@pytest.fixture
def staff(client, auth, make_user, pharmacy):
    page_memo.clear()
    auth.login(make_user("provider_user", pharmacy))
    yield client
    page_memo.clear()


def test_renewal_shows_the_new_address_at_once_and_only_it_works(staff, session, pharmacy):
    before = offers_page(staff)
    assert address(offers_page(staff)) == address(before) and page_memo.hits == 1  # memoised
    old = address(before)
    assert staff.get(old).status_code == 200
    renewed = renew(staff, before)
    assert renewed.status_code == 302
    assert renewed.headers["Location"].endswith("/zorgaanbieder/aanbiedingen#agenda")
    told = offers_page(staff)
    assert "De oude link werkt niet meer" in told
    new = address(told)
    assert new != old
    again = offers_page(staff)  # no message: the memo, keyed on the new generation
    assert address(again) == new and "De oude link werkt niet meer" not in again
    assert address(offers_page(staff)) == new and page_memo.hits == 2
    assert staff.get(old).status_code == 404
    assert staff.get(new).status_code == 200
    assert new == f"/agenda/{feed_token(pharmacy.id, 1)}.ics"


def test_each_renewal_ends_the_link_before_it_and_is_audited(staff, session, pharmacy):
    links = [address(offers_page(staff))]
    for _ in range(2):
        renew(staff, offers_page(staff))
        links.append(address(offers_page(staff)))
    assert len(set(links)) == 3
    assert [staff.get(link).status_code for link in links] == [404, 404, 200]
    entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "provider",
                                                       AuditEntry.entity_id == pharmacy.id,
                                                       AuditEntry.action == "feed_renewed")
                              .order_by(AuditEntry.id)).all()
    assert [(e.from_state, e.to_state) for e in entries] == [("0", "1"), ("1", "2")]
    assert entries[0].role == "provider_user"


def test_a_link_of_before_generations_works_until_the_first_renewal(app, client, session,
                                                                    pharmacy):
    legacy = URLSafeSerializer(app.config["SECRET_KEY"],
                               salt="agenda-feed").dumps({"p": pharmacy.id})
    assert client.get(f"/agenda/{legacy}.ics").status_code == 200
    renew_feed(pharmacy.id, Actor("apotheker@eik.example", "provider_signatory", pharmacy.id))
    session.commit()
    assert client.get(f"/agenda/{legacy}.ics").status_code == 404


@pytest.mark.parametrize("key", ["", "dev", "secret", "changeme", "development-key",
                                 "zorginkoop", "x" * 64])
def test_a_link_signed_with_any_other_key_is_404(client, session, pharmacy, key):
    for payload in ({"p": pharmacy.id, "g": 0}, {"p": pharmacy.id}, {"m": "campagne"}):
        forged = URLSafeSerializer(key, salt="agenda-feed").dumps(payload)
        assert client.get(f"/agenda/{forged}.ics").status_code == 404, (key, payload)


def test_a_link_signed_before_a_key_rotation_keeps_working(app, client, session, pharmacy,
                                                           monkeypatch):
    link = f"/agenda/{feed_token(pharmacy.id)}.ics"
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [app.config["SECRET_KEY"]])
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-" + "k" * 54)
    assert client.get(link).status_code == 200
    assert feed_token(pharmacy.id) not in link  # new links are signed with the new key


def test_renewal_leaves_the_campaign_feed_and_other_providers_alone(client, session, pharmacy,
                                                                   make_provider):
    other = make_provider()
    session.commit()
    renew_feed(pharmacy.id, Actor("apotheker@eik.example", "provider_signatory", pharmacy.id))
    session.commit()
    assert client.get(f"/agenda/{feed_token(None)}.ics").status_code == 200
    assert client.get(f"/agenda/{feed_token(other.id)}.ics").status_code == 200
    assert session.get(Provider, other.id).feed_generation == 0


@pytest.mark.parametrize("role, status", [("provider_signatory", 302), ("contract_manager", 403),
                                          ("adviseur", 403), ("admin", 403)])
def test_only_the_providers_staff_renew(client, auth, session, make_user, pharmacy, role, status):
    auth.login(make_user(role, pharmacy if role.startswith("provider") else None))
    token = auth.csrf("/")
    assert client.post(RENEW, data={"csrf_token": token}).status_code == status
    session.expire_all()
    assert session.get(Provider, pharmacy.id).feed_generation == (1 if status == 302 else 0)


def test_without_a_login_or_its_csrf_token_nothing_is_renewed(client, auth, session, make_user,
                                                              pharmacy):
    response = client.post(RENEW)
    assert response.status_code in (302, 400)
    auth.login(make_user("provider_signatory", pharmacy))
    assert client.post(RENEW, data={}).status_code == 400
    session.expire_all()
    assert session.get(Provider, pharmacy.id).feed_generation == 0


def test_a_provider_that_does_not_exist_cannot_be_renewed(session):
    with pytest.raises(NoSuchProvider):
        renew_feed(987654, Actor("m", "contract_manager"))
