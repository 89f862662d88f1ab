"""Agenda feeds: each provider's own open deadlines and the campaign's, as iCalendar behind a
secret token; nothing of another provider, nothing closed, and 404 for any token we did not sign."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from itsdangerous import BadData, URLSafeSerializer

from contracts.ics import calendar_ics
from contracts.policy import load_policy
from portal.feeds import feed_token, read_feed_token
from portal.operations.applications import assess_application, submit_application
from portal.operations.audit import Actor
from portal.operations.deadlines import open_deadlines
from portal.operations.offers import issue_offer, transition

MANAGER = Actor("manager@vgz.nl", "contract_manager")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PORTAL = "https://zorginkoop.vgz.example"


@pytest.fixture(autouse=True)
def portal_url(app, monkeypatch):
    """The address the feeds link to (a trailing slash, as an operator may write it)."""
    monkeypatch.setitem(app.config, "PORTAL_URL", PORTAL + "/")
    return PORTAL


def staff(provider, role="provider_signatory"):
    return Actor(f"{role}@{provider.agb}", role, provider.id)


def apply(provider, received_on=date(2023, 6, 1)):
    """An application linked to a registered provider, answered by VGZ a month after receipt.

    The form refuses a registered provider's AGB code now; linked by hand, as the form linked
    one before."""
    application = submit_application(
        {"organisation": provider.name, "agb": "8" + provider.agb[1:], "kvk": provider.kvk,
         "provider_type": provider.provider_type, "city": provider.city,
         "contact_email": "info@apotheek.example", "contracts": ["farmaceutische_zorg"],
         "motivations": {"bereikbaarheid": "Geen apotheek binnen 10 km"}},
        [("vergunning.pdf", PDF)], received_on=received_on, policy_year=2024)
    application.provider_id = provider.id
    return application


def feed(client, token):
    response = client.get(f"/agenda/{token}.ics")
    assert response.status_code == 200, response.status_code
    return Calendar.from_ical(response.data)


def events(calendar):
    return {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def expected(provider_id=None):
    """UID and date of every open deadline, as the one definition in operations lists them."""
    return {f"{d.key.replace(':', '-')}@zorginkoop.vgz.example": d.due
            for d in open_deadlines(provider_id=provider_id)}


@pytest.fixture
def two_providers(session, make_provider):
    """Mine: an offer awaiting its answer, a negotiation awaiting VGZ, an application awaiting
    VGZ's answer. Theirs: an offer of their own."""
    mine, theirs = make_provider(name="Apotheek De Linde",
                                                             collective="Apothekerscollectief Utrecht"), make_provider(name="Apotheek Elders")
    offer = issue_offer(mine, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 10, 27))
    negotiation = issue_offer(mine, "aanvullende_afspraken", 2024, MANAGER, deadline=date(2023, 11, 3))
    transition(negotiation.id, "counter", staff(mine, "provider_user"), reason="Graag 7,60 per regel")
    application = apply(mine)
    their_offer = issue_offer(theirs, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 10, 27))
    session.commit()
    return mine, theirs, offer, negotiation, application, their_offer


# -- the token ------------------------------------------------------------------------------------

def test_a_token_names_its_feed_and_generation_and_stays_the_same(session):
    assert read_feed_token(feed_token(12)) == (12, 0)
    assert read_feed_token(feed_token(12, 3)) == (12, 3)
    assert read_feed_token(feed_token(None)) is None
    assert feed_token(12) == feed_token(12) != feed_token(13)
    assert feed_token(12, 1) != feed_token(12)


@pytest.mark.parametrize("payload", [{"p": "12"}, {"p": True}, {"p": 12, "m": "campagne"},
                                     {"m": "iets"}, [12], 12, {"p": 12, "g": "1"},
                                     {"p": 12, "g": True}, {"p": 12, "g": None},
                                     {"p": 12, "g": 0, "x": 1}, {"g": 0}])
def test_a_signed_token_that_names_no_feed_is_refused(app, session, payload):
    token = URLSafeSerializer(app.config["SECRET_KEY"], salt="agenda-feed").dumps(payload)
    with pytest.raises(BadData):
        read_feed_token(token)


def forged_tokens(app, provider_id):
    good = feed_token(provider_id)
    # a character inside the signature: the last one carries base64 padding bits, and a change
    # there alone may decode to the same signature
    flipped = good[:-5] + ("A" if good[-5] != "A" else "B") + good[-4:]
    return [
        flipped,                                                                   # bad signature
        URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps({"p": provider_id}),
        URLSafeSerializer("another-key", salt="agenda-feed").dumps({"p": provider_id}),
        URLSafeSerializer("another-key", salt="agenda-feed").dumps({"p": provider_id, "g": 0}),
        URLSafeSerializer(app.config["SECRET_KEY"], salt="agenda-feed").dumps({"p": str(provider_id)}),
        "niets", str(provider_id),
    ]


def test_a_forged_or_foreign_token_answers_404_without_a_hint(app, client, two_providers):
    mine = two_providers[0]
    for token in forged_tokens(app, mine.id):
        response = client.get(f"/agenda/{token}.ics")
        assert response.status_code == 404, token
        assert b"VEVENT" not in response.data and b"signature" not in response.data.lower()


def test_a_token_of_a_provider_that_is_gone_answers_404(client, session):
    assert client.get(f"/agenda/{feed_token(987654)}.ics").status_code == 404


# -- the provider's feed --------------------------------------------------------------------------

def test_the_feed_is_icalendar_private_and_cached_briefly(client, two_providers):
    response = client.get(f"/agenda/{feed_token(two_providers[0].id)}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers  # a calendar app gets no session


def test_a_provider_feed_lists_exactly_its_own_open_deadlines(client, two_providers):
    mine, theirs, offer, negotiation, application, their_offer = two_providers
    calendar = feed(client, feed_token(mine.id))
    listed = events(calendar)
    assert {uid: e.decoded("dtstart") for uid, e in listed.items()} == expected(mine.id)
    assert set(listed) == {f"offer-{offer.id}-aanbod-2023-10-27@zorginkoop.vgz.example",
                           f"offer-{negotiation.id}-tegenvoorstel-2023-11-03@zorginkoop.vgz.example",
                           f"application-{application.id}-aanvraag-2023-07-01@zorginkoop.vgz.example"}
    assert not set(listed) & set(expected(theirs.id))
    assert f"offer-{their_offer.id}-" not in calendar.to_ical().decode()
    assert str(calendar["x-wr-calname"]) == "VGZ zorginkoop – Apotheek De Linde"
    assert str(calendar["x-wr-timezone"]) == "Europe/Amsterdam" and calendar["prodid"]


def test_each_deadline_is_an_all_day_event_with_a_reminder_and_a_link(client, two_providers):
    mine, _, offer, negotiation, application, _ = two_providers
    listed = events(feed(client, feed_token(mine.id)))
    for event in listed.values():
        start = event.decoded("dtstart")
        assert type(start) is date and event["dtstart"].params.get("VALUE") == "DATE"
        assert event.decoded("dtend") == start + timedelta(days=1)
        assert isinstance(event.decoded("dtstamp"), datetime)
        [alarm] = event.walk("VALARM")
        assert alarm.decoded("trigger") == -timedelta(days=3) and str(alarm["action"]) == "DISPLAY"
    answer = listed[f"offer-{offer.id}-aanbod-2023-10-27@zorginkoop.vgz.example"]
    assert str(answer["summary"]) == ("Aanbod beantwoorden (aanvaarden of afwijzen): "
                                      "Overeenkomst Farmaceutische zorg 2024")
    assert f"{PORTAL}/zorgaanbieder/aanbiedingen/{offer.id}" in str(answer["description"])
    countered = listed[f"offer-{negotiation.id}-tegenvoorstel-2023-11-03@zorginkoop.vgz.example"]
    assert str(countered["summary"]).startswith("Uiterlijk antwoord van VGZ op uw tegenvoorstel")
    applied = listed[f"application-{application.id}-aanvraag-2023-07-01@zorginkoop.vgz.example"]
    assert str(applied["summary"]).startswith("Uiterlijk antwoord van VGZ op uw aanvraag")
    assert f"{PORTAL}/zorgaanbieder/berichten" in str(applied["description"])
    assert "/beheer/" not in str(applied["description"])  # never a page the provider cannot open


def test_answered_and_expired_deadlines_drop_out(client, session, two_providers):
    mine, theirs, offer, negotiation, application, their_offer = two_providers
    transition(offer.id, "accept", staff(mine))
    transition(negotiation.id, "expire", MANAGER)
    assess_application(application.id, MANAGER, granted=False, motivation="Geen knelpunt",
                       findings={c: {"met": False, "motivation": "Beoordeeld"} for c in (
                           "effectievere_zorg", "onderscheidend", "meer_keuze", "bereikbaarheid")},
                       answered_on=date(2023, 6, 20), policy_year=2024)
    session.commit()
    assert events(feed(client, feed_token(mine.id))) == {}
    assert set(events(feed(client, feed_token(theirs.id)))) == set(expected(theirs.id)) == {
        f"offer-{their_offer.id}-aanbod-2023-10-27@zorginkoop.vgz.example"}


def test_a_moved_deadline_gets_a_new_uid(client, session, two_providers):
    mine, _, offer, *_ = two_providers
    offer.deadline = date(2023, 11, 10)  # as the deadline extension would
    session.commit()
    listed = events(feed(client, feed_token(mine.id)))
    assert f"offer-{offer.id}-aanbod-2023-11-10@zorginkoop.vgz.example" in listed
    assert f"offer-{offer.id}-aanbod-2023-10-27@zorginkoop.vgz.example" not in listed


# -- the campaign's feed --------------------------------------------------------------------------

def test_the_campaign_feed_has_every_dated_milestone(client, session):
    policy = load_policy(2024)
    planning = events(Calendar.from_ical(calendar_ics(policy, policy.calendar())))
    calendar = feed(client, feed_token(None))
    listed = events(calendar)
    assert planning and set(planning) <= set(listed)
    for uid, milestone in planning.items():
        assert listed[uid].decoded("dtstart") == milestone.decoded("dtstart")
        assert str(listed[uid]["summary"]) == str(milestone["summary"])
    assert "2024" in str(calendar["x-wr-calname"])


def test_the_campaign_feed_counts_the_open_deadlines_per_day(client, session, make_provider,
                                                            two_providers):
    third = make_provider()
    issue_offer(third, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 11, 3))
    apply(third, received_on=date(2023, 5, 31))  # due 30-06-2023
    session.commit()
    days = {uid: e for uid, e in events(feed(client, feed_token(None))).items()
            if uid.startswith("open-")}
    # one event per day with open deadlines, however many there are
    assert set(days) == {f"open-{d.isoformat()}@zorginkoop.vgz.example" for d in set(expected().values())}
    summaries = {e.decoded("dtstart"): str(e["summary"]) for e in days.values()}
    assert summaries == {
        date(2023, 6, 30): "1 aanvraag: uiterlijk beantwoorden",
        date(2023, 7, 1): "1 aanvraag: uiterlijk beantwoorden",
        date(2023, 10, 27): "2 aanbiedingen: uiterlijk beantwoorden",
        date(2023, 11, 3): "2 aanbiedingen: uiterlijk beantwoorden",
    }
    november = days["open-2023-11-03@zorginkoop.vgz.example"]
    description = str(november["description"])
    assert "Tegenvoorstel beantwoorden (aan zet: VGZ): 1" in description
    assert "Aanbod beantwoorden (aanvaarden of afwijzen) (aan zet: zorgaanbieder): 1" in description
    assert f"{PORTAL}/beheer/" in description
    assert november.walk("VALARM")


def test_a_day_with_offers_and_applications_names_both(client, session, make_provider):
    provider = make_provider()
    application = apply(provider, received_on=date(2023, 5, 31))  # due 30-06-2023
    issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=application.answer_due)
    issue_offer(make_provider(), "farmaceutische_zorg", 2024, MANAGER, deadline=application.answer_due)
    session.commit()
    day = events(feed(client, feed_token(None)))["open-2023-06-30@zorginkoop.vgz.example"]
    assert str(day["summary"]) == "2 aanbiedingen, 1 aanvraag: uiterlijk beantwoorden"


def test_the_campaign_token_opens_no_provider_feed_and_back(client, two_providers):
    mine = two_providers[0]
    assert not any(uid.startswith("open-") for uid in events(feed(client, feed_token(mine.id))))
    assert not any(uid.startswith(("offer-", "application-"))
                   for uid in events(feed(client, feed_token(None))))


# -- where the links are shown --------------------------------------------------------------------

def test_the_offers_page_shows_the_provider_its_own_feed(client, auth, make_user, two_providers):
    mine = two_providers[0]
    auth.login(make_user("provider_user", mine))
    html = client.get("/zorgaanbieder/aanbiedingen").get_data(as_text=True)
    assert re.search(rf'href="https?://localhost/agenda/{re.escape(feed_token(mine.id))}\.ics"', html)
    assert feed_token(two_providers[1].id) not in html and feed_token(None) not in html
    assert "Google Agenda" in html and "Outlook" in html


def test_the_milestones_page_shows_managers_the_campaign_feed(client, auth, make_user, session):
    auth.login(make_user("contract_manager"))
    html = client.get("/beheer/aanbiedingen/uitgeven").get_data(as_text=True)
    assert re.search(rf'href="https?://localhost/agenda/{re.escape(feed_token(None))}\.ics"', html)
