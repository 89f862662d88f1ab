"""Proof of acceptance: after the signatory accepts, the organisation and the insurer get a
receipt (PDF) that names who accepted, on which simulated day, and the accepted document's
reference and SHA-256; only for an accepted offer, and a provider only its own. The accepted
offer then reads as answered, not as running out, and its agreement is listed."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from flask import g
from sqlalchemy import select

from portal.models import DocumentVersion, Notification
from portal.operations.audit import Actor
from portal.operations.clock import set_today
from portal.operations.offers import issue_offer, transition
from tests.contracts.test_receipt import pdf_text

MANAGER = Actor("manager@vgz.nl", "contract_manager")
ACCEPTED_ON = date(2023, 10, 16)


def receipt_path(offer, audience="zorgaanbieder") -> str:
    return f"/{audience}/aanbiedingen/{offer.id}/ontvangstbewijs.pdf"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


@pytest.fixture
def provider(make_provider):
    return make_provider(name="Apotheek De Linde")


@pytest.fixture
def signatory(make_user, provider, session):
    user = make_user("provider_signatory", provider)
    user.name = "Anna de Vries"
    session.flush()
    return user


@pytest.fixture
def offer(provider, session):
    return issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 10, 27))


@pytest.fixture
def accepted(client, auth, session, offer, signatory):
    """The offer, accepted through its page by the signatory on the simulated ACCEPTED_ON."""
    set_today(ACCEPTED_ON, Actor("t", "admin"))
    g.pop("simulation_today", None)
    auth.login(signatory)
    path = f"/zorgaanbieder/aanbiedingen/{offer.id}"
    response = client.post(f"{path}/aanvaarden", data={
        "accept-csrf_token": auth.csrf(path), "accept-version": offer.version, "accept-confirm": "y"})
    assert response.status_code == 302
    session.refresh(offer)
    assert offer.status == "geaccepteerd"
    return offer


def test_the_receipt_names_who_accepted_when_and_which_document(client, session, accepted):
    response = client.get(receipt_path(accepted))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = session.get(DocumentVersion, accepted.document_id)
    assert document.reference in response.headers["Content-Disposition"]
    text = "\n".join(pdf_text(response.data))
    assert "Anna de Vries" in text
    assert "16-10-2023" in text  # the simulated day, as Dutch readers write it
    assert document.reference in text
    assert hashlib.sha256(document.content).hexdigest() in text  # the bytes the provider has
    assert "Apotheek De Linde" in text and "Overeenkomst Farmaceutische zorg 2024" in text
    assert client.get(receipt_path(accepted)).data == response.data  # made again, the same


def test_the_signatory_and_the_insurer_are_sent_to_the_receipt(client, session, accepted):
    messages = session.scalars(select(Notification).where(
        Notification.key.like(f"offer:{accepted.id}:%")).order_by(Notification.id)).all()
    to_provider = [m for m in messages if m.provider_id == accepted.provider_id]
    to_insurer = [m for m in messages if m.provider_id is None]
    assert to_provider[-1].link == receipt_path(accepted)
    assert "16-10-2023" in to_provider[-1].body and "Ontvangstbewijs" in to_provider[-1].subject
    assert to_insurer[-1].link == receipt_path(accepted, "beheer")
    assert "Apotheek De Linde" in to_insurer[-1].subject
    assert client.get(to_provider[-1].link).status_code == 200  # the link works


def test_the_accepted_offer_page_links_the_receipt_and_shows_the_answer_date(client, accepted):
    html = page(client, f"/zorgaanbieder/aanbiedingen/{accepted.id}")
    assert receipt_path(accepted) in html
    assert "Aanvaard op" in html and "16-10-2023" in html
    assert "nog " not in html and "dagen)" not in html  # no days left on an answered offer
    listing = page(client, "/zorgaanbieder/aanbiedingen")
    assert "beantwoord op 16-10-2023" in listing and "nog 11 dagen" not in listing


def test_the_accepted_agreement_is_listed_with_the_running_ones(client, accepted):
    listing = page(client, "/zorgaanbieder/aanbiedingen")
    agreements = listing[listing.index("Lopende en afgelopen overeenkomsten"):]
    agreements = agreements[:agreements.index("</table>")]
    # the accepted agreement: two contract years from 2024 (policy 2024 `agreement_term`: "two
    # cohorts of two-year agreements", the last campaign's "Farmaceutische zorg 2023-2024")
    assert "01-01-2024" in agreements and "31-12-2025" in agreements
    assert "gaat nog in" in agreements  # on 16-10-2023
    assert "01-01-2022" in agreements and "31-12-2023" in agreements  # the one held, still there


def test_an_open_offer_still_counts_its_days(client, auth, offer, signatory):
    set_today(ACCEPTED_ON, Actor("t", "admin"))
    g.pop("simulation_today", None)
    auth.login(signatory)
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "nog 11 dagen" in html and receipt_path(offer) not in html
    assert client.get(receipt_path(offer)).status_code == 404  # nothing accepted yet


def test_the_manager_downloads_the_receipt_beside_the_offer(client, auth, session, make_user,
                                                           accepted):
    auth.logout()
    auth.login(make_user("contract_manager"))
    html = page(client, f"/beheer/aanbiedingen/{accepted.id}")
    assert receipt_path(accepted, "beheer") in html
    response = client.get(receipt_path(accepted, "beheer"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Anna de Vries" in "\n".join(pdf_text(response.data))


def test_another_provider_gets_no_receipt(client, auth, make_provider, make_user, accepted):
    auth.logout()
    other = make_provider()
    auth.login(make_user("provider_signatory", other))
    assert client.get(receipt_path(accepted)).status_code == 404


def test_a_colleague_of_the_signatory_gets_it_too(client, auth, make_user, provider, accepted):
    auth.logout()
    auth.login(make_user("provider_user", provider))
    assert client.get(receipt_path(accepted)).status_code == 200


def test_no_receipt_without_a_login(app, accepted):
    anonymous = app.test_client()  # a browser without the signatory's session
    anonymous.environ_base["wsgi.url_scheme"] = "https"
    response = anonymous.get(receipt_path(accepted))
    assert response.status_code == 302 and "/inloggen" in response.headers["Location"]


def test_no_receipt_for_a_declined_or_recorded_offer(client, auth, session, make_provider,
                                                     make_user):
    declined_by = make_provider()
    declined = issue_offer(declined_by, "farmaceutische_zorg", 2024, MANAGER)
    transition(declined.id, "decline", Actor("s", "provider_signatory", declined_by.id),
               reason="te laag")
    recorded = issue_offer(make_provider(), "farmaceutische_zorg", 2024, MANAGER)
    transition(recorded.id, "record", MANAGER, reason="per post getekend")
    assert recorded.status == "geaccepteerd"  # recorded as agreed, but accepted by no one
    auth.login(make_user("contract_manager"))
    assert client.get(receipt_path(declined, "beheer")).status_code == 404
    assert client.get(receipt_path(recorded, "beheer")).status_code == 404
    auth.logout()
    auth.login(make_user("provider_signatory", declined_by))
    assert client.get(receipt_path(declined)).status_code == 404
