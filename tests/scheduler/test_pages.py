"""What the managers see of the scheduler: its progress on the dashboard, and its escalations and
reminders among their messages; a provider sees its reminders in its own inbox only."""
from datetime import date

import pytest

from portal.extensions import db

pytestmark = pytest.mark.db


@pytest.fixture
def expired(offer_due, scan_on):
    offer = offer_due(date(2023, 10, 20))
    other = offer_due(date(2023, 10, 20))
    scan_on(date(2023, 10, 17))           # reminders
    scan_on(date(2023, 10, 21))           # expiry, and the managers' digest
    return offer, other


def test_the_dashboard_shows_how_far_the_scheduler_got_and_its_escalations(client, auth, make_user,
                                                                           expired):
    auth.login(make_user("contract_manager"))
    page = client.get("/beheer/").get_data(as_text=True)
    assert "Verwerkt tot en met 21-10-2023" in page
    assert "2 aanbiedingen verlopen op 21-10-2023" in page


def test_the_managers_messages_list_and_filter(client, auth, make_user, expired):
    auth.login(make_user("contract_manager"))
    everything = client.get("/beheer/meldingen").get_data(as_text=True)
    escalations = client.get("/beheer/meldingen?soort=escalatie").get_data(as_text=True)
    assert "2 aanbiedingen verlopen op 21-10-2023" in everything
    assert "2 aanbiedingen verlopen op 21-10-2023" in escalations
    assert "Herinnering:" not in escalations and "Herinneringen (0)" in escalations
    # reminders of offers go to the provider, not to the managers
    assert "Herinnering: Aanbod beantwoorden" not in everything


def test_a_provider_sees_its_own_reminders_only(client, auth, make_user, expired):
    offer, other = expired
    auth.login(make_user("provider_user", offer.provider))
    inbox = client.get("/zorgaanbieder/berichten").get_data(as_text=True)
    assert "Herinnering: Aanbod beantwoorden uiterlijk 20-10-2023" in inbox
    assert "Aanbod verlopen" in inbox
    assert other.provider.name not in inbox
    assert db.session.get(type(offer), offer.id).status == "verlopen"
