"""Agenda feeds: a provider's own deadlines, and the campaign's, as iCalendar behind a secret URL.

Calendar apps (Outlook, Google Agenda) cannot log in, so the URL itself is the key: a token
signed with the portal's key (portal.signing) that names the feed. Whoever holds the URL sees that
feed and nothing else; a forged token answers 404, as a feed that does not exist. A provider's
token also names its feed generation: renewing the link raises it, and every earlier link answers
404 from then on. The feeds are in Dutch, as the deadlines' own texts are: a calendar app sends no
language the portal could follow.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, flash, make_response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from icalendar import Alarm, Calendar, Event
from itsdangerous import BadData, BadPayload

from contracts.campaign import policy_in_force
from contracts.formatting import nl_date
from contracts.ics import calendar_ics

from .extensions import db
from .models import Provider
from .operations.deadlines import INSURER, Deadline, open_deadline_counts, open_deadlines
from .operations.feeds import renew_feed
from .signing import serializer
from .web import PROVIDER_STAFF, current_actor, roles_required, simulation_today

bp = Blueprint("feeds", __name__)

SALT = "agenda-feed"
CAMPAIGN = "campagne"
UID_DOMAIN = "zorginkoop.vgz.example"
PRODID = "-//VGZ//Zorginkoop portal agenda//NL"
#: When the calendar app reminds its user of a deadline.
REMINDER = timedelta(days=3)
#: Calendar apps poll; five minutes of staleness spares the database a scan per poll.
CACHE_CONTROL = "private, max-age=300"


def feed_token(provider_id: int | None, generation: int = 0) -> str:
    """The secret token of a provider's feed in `generation`, or of the campaign feed (None).

    The same feed always gets the same token, so a subscription stays valid; it lapses when the
    provider renews its link (a new generation) or when every key that could check it is gone.
    """
    return serializer(SALT).dumps({"m": CAMPAIGN} if provider_id is None
                                  else {"p": provider_id, "g": generation})


def read_feed_token(token: str) -> tuple[int, int] | None:
    """The provider id and feed generation a token names, or None for the campaign feed.

    A token of before generations ({"p": id}) names generation 0, the one every provider starts
    with, so the links pasted before keep working until the provider renews. Raises
    itsdangerous.BadData when the token is forged, signed with another key or salt, or signs
    anything but a feed.
    """
    payload = serializer(SALT).loads(token)
    if payload == {"m": CAMPAIGN}:
        return None
    if (isinstance(payload, dict) and set(payload) in ({"p"}, {"p", "g"})
            and type(payload["p"]) is int and type(payload.get("g", 0)) is int):
        return payload["p"], payload.get("g", 0)
    raise BadPayload("not an agenda feed")


def feed_url(provider_id: int | None, generation: int = 0) -> str:
    """The feed's full address, to paste into a calendar app (https where the portal runs on it)."""
    return url_for("feeds.agenda", token=feed_token(provider_id, generation), _external=True)


@bp.route("/agenda/<token>.ics")
def agenda(token: str):
    """The feed a token names: no login, the token is the secret; anything else is 404, as is a
    provider's link of an earlier generation."""
    try:
        named = read_feed_token(token)
    except BadData:
        abort(404)
    stamp = datetime.now(timezone.utc)
    if named is None:
        calendar = campaign_calendar(stamp)
    else:
        provider_id, generation = named
        provider = db.session.get(Provider, provider_id)
        if provider is None or (provider.feed_generation or 0) != generation:
            abort(404)
        calendar = provider_calendar(provider, stamp)
    response = make_response(calendar.to_ical())
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


class RenewFeedForm(FlaskForm):
    """Renewing the feed link: nothing to fill in but the CSRF token."""


@bp.route("/zorgaanbieder/agenda/vernieuwen", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def renew():
    """A new feed link for the user's organisation; the old one answers 404 from now on."""
    if current_user.provider_id is None:
        abort(403)
    if RenewFeedForm().validate_on_submit():
        renew_feed(current_user.provider_id, current_actor())
        db.session.commit()
        flash(_("De agendalink is vernieuwd. De oude link werkt niet meer: plak de nieuwe link "
                "hieronder in uw agenda-app."), "success")
    return redirect(url_for("provider.offers", _anchor="agenda"))


# -- the calendars -------------------------------------------------------------------------------

def provider_calendar(provider: Provider, stamp: datetime) -> Calendar:
    """The provider's own open deadlines: its offers', applications' and consent requests'."""
    calendar = _calendar(f"VGZ zorginkoop – {provider.name}")
    for deadline in open_deadlines(provider_id=provider.id):
        link = _portal_link(deadline.link(for_provider=True) if deadline.entity != "application"
                            # no application page for providers: VGZ's answer comes as a message
                            else url_for("provider.messages"))
        summary = provider_summary(deadline)
        lines = [summary, f"Uiterlijk: {nl_date(deadline.due)}"]
        if deadline.party == INSURER:
            lines.append("VGZ is aan zet; u hoeft voor deze datum niets te doen.")
        lines.append(f"In het portaal: {link}")
        calendar.add_component(_event(deadline_uid(deadline), deadline.due, summary,
                                      "\n".join(lines), link, stamp))
    return calendar


def provider_summary(deadline: Deadline) -> str:
    """What is due, for the provider: its own move, or the answer VGZ owes it."""
    if deadline.party == INSURER:
        return f"Uiterlijk antwoord van VGZ op uw {deadline.kind}: {deadline.subject}"
    return f"{deadline.action}: {deadline.subject}"


def deadline_uid(deadline: Deadline) -> str:
    """offer-12-aanbod-2023-10-27@...: stable while the deadline stands, new when it moves."""
    return f"{deadline.key.replace(':', '-')}@{UID_DOMAIN}"


def campaign_calendar(stamp: datetime) -> Calendar:
    """The milestones of the campaign in force on the simulated date, and per day one event
    counting its open deadlines due then.

    One event per day, not per offer: a campaign has up to 100,000 open offers.
    """
    policy = policy_in_force(simulation_today())
    calendar = _calendar(f"VGZ zorginkoop – campagne {policy.year} "
                         f"(planning {policy.calendar_year})")
    planning = Calendar.from_ical(calendar_ics(policy, policy.calendar(), stamp))
    if "x-wr-caldesc" in planning:
        calendar.add("x-wr-caldesc", planning["x-wr-caldesc"])
    for milestone in planning.walk("VEVENT"):
        calendar.add_component(milestone)
    due = open_deadline_counts(policy.year)
    for day in sorted(due):
        calendar.add_component(_day_event(day, due[day], stamp))
    return calendar


def day_summary(counts: Counter) -> str:
    """'12 aanbiedingen, 3 aanvragen: uiterlijk beantwoorden' (a count of none is left out)."""
    offers = sum(n for (entity, *_), n in counts.items() if entity == "offer")
    applications = sum(n for (entity, *_), n in counts.items() if entity == "application")
    parts = []
    if offers:
        parts.append(f"{offers} {'aanbieding' if offers == 1 else 'aanbiedingen'}")
    if applications:
        parts.append(f"{applications} {'aanvraag' if applications == 1 else 'aanvragen'}")
    return f"{', '.join(parts)}: uiterlijk beantwoorden"


def _day_event(day: date, counts: Counter, stamp: datetime) -> Event:
    summary = day_summary(counts)
    lines = [f"Open met uiterste datum {nl_date(day)}:"]
    lines += [f"- {action} (aan zet: {'VGZ' if party == INSURER else 'zorgaanbieder'}): {n}"
              for (_, action, party), n in sorted(counts.items())]
    dashboard = _portal_link(url_for("manager.dashboard"))
    lines += [f"Overzicht: {dashboard}",
              f"Onderhandelingen: {_portal_link(url_for('manager.negotiations'))}",
              f"Aanvragen: {_portal_link(url_for('manager.applications'))}"]
    return _event(f"open-{day.isoformat()}@{UID_DOMAIN}", day, summary, "\n".join(lines),
                  dashboard, stamp)


# -- iCalendar pieces ----------------------------------------------------------------------------

def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    calendar.add("x-published-ttl", "PT1H")  # how often Outlook should look again
    return calendar


def _event(uid: str, day: date, summary: str, description: str, link: str,
           stamp: datetime) -> Event:
    """An all-day event on `day` with a reminder REMINDER before it."""
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", link)
    event.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", summary)
    alarm.add("trigger", -REMINDER)
    event.add_component(alarm)
    return event


def _portal_link(path: str) -> str:
    """A page of the portal at PORTAL_URL (a feed is read outside any request to the portal)."""
    base = current_app.config.get("PORTAL_URL", "http://127.0.0.1:5000").rstrip("/")
    return base + path.removeprefix(request.script_root)
