"""The scheduler's work: what falls due on a day, done once.

One periodic job (`tick`) asks "what is due now?" for the simulated date; there is no job per
deadline. Every step is safe to run twice: a milestone's batch has a unique key, a reminder or an
escalation a unique notification key, and an offer that expired cannot expire again. So a restart,
a replay of the same period, or a second scheduler changes nothing that was done.

A day is processed in this order: on the first day of a contract year the agreements its policy
extends, the announcements of the planning, the milestones that fall due (bulk issue), the
simulated parties' answers (only in a simulation), expiry and escalation of what was missed,
reminders of what is coming, publication. After the days, the managers' requested batches and the mail.

The campaign of a day is the one `contracts.campaign` says is in force on it, so a period that
crosses a new year runs one campaign after the other: the second reads the agreements the first
concluded (`portal.operations.agreements`).
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import func, select

from contracts.calendar import MilestoneKind
from contracts.campaign import campaign_policy, published_policy
from contracts.errors import CaseError
from contracts.formatting import nl_date
from contracts.offers import OfferStatus, TransitionRefused
from contracts.policy import available_years
from contracts.vocabulary import Route

from portal.extensions import db
from portal.models import IssueBatch, Offer, Provider, SchedulerState
from portal.models.tallies import fold as fold_tallies
from portal.operations import clock
from portal.operations.agreements import extend_agreements
from portal.operations.announcements import announce, announcements
from portal.operations.audit import SYSTEM
from portal.operations.batches import next_waiting, request_batch, run_batch, run_waiting
from portal.operations.deadlines import INSURER, PARTY_NAMES, PROVIDER, Deadline, open_deadlines
from portal.operations.messages import link
from portal.operations.notifications import existing_keys, notify_many
from portal.operations.offers import transition

log = logging.getLogger(__name__)

DEFAULT_OFFSETS = (14, 3, 0)


@dataclass
class Summary:
    """What a scan or a simulation did. `as_json` gives the keys `portal simulate --json` prints."""

    offers_issued: int = 0
    reminders_sent: int = 0
    escalations: int = 0
    expired: int = 0
    accepted: int = 0
    declined: int = 0
    published: int = 0
    countered: int = 0
    agreed: int = 0
    mails_sent: int = 0
    batches_run: int = 0
    extended: int = 0
    announced: int = 0
    #: The offers issued, per policy year (their sum is offers_issued).
    offers_per_year: dict[int, int] = field(default_factory=dict)

    JSON_KEYS = ("offers_issued", "reminders_sent", "escalations", "expired", "accepted",
                 "declined", "published", "announced")

    def add(self, other: "Summary") -> "Summary":
        for f in fields(self):
            if f.name not in ("published", "offers_per_year"):
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        self.published = other.published or self.published  # a state: the latest count stands
        for year, issued in other.offers_per_year.items():
            self.offers_per_year[year] = self.offers_per_year.get(year, 0) + issued
        return self

    def as_json(self) -> dict:
        """The counts, and the offers issued per policy year (keys are years, as JSON's are
        strings)."""
        return {**{key: getattr(self, key) for key in self.JSON_KEYS},
                "offers_per_year": {str(year): self.offers_per_year[year]
                                    for year in sorted(self.offers_per_year)}}

    def anything(self) -> bool:
        return any(v for k, v in asdict(self).items() if k != "published")


def reminder_offsets(day: date | None = None) -> tuple[int, ...]:
    """Days before a deadline that its reminders go out: config REMINDER_OFFSETS ("14,3,0") where
    set, else the `reminders` of the policy whose campaign runs on `day`, else 14, 3 and 0."""
    configured = current_app.config.get("REMINDER_OFFSETS") or os.environ.get("REMINDER_OFFSETS")
    if not configured:
        policy = campaign_policy(day) if day is not None else None
        return policy.reminder_days if policy and policy.reminder_days else DEFAULT_OFFSETS
    if isinstance(configured, str):
        configured = [part for part in configured.replace(" ", "").split(",") if part]
    offsets = tuple(sorted({int(o) for o in configured}, reverse=True))
    if not offsets or offsets[-1] < 0:
        raise CaseError("REMINDER_OFFSETS", "days before a deadline: whole numbers of 0 or more")
    return offsets


# -- the contract year --------------------------------------------------------------------------

def extend_contract_year(day: date) -> Summary:
    """On 1 January of a contract year in the policy data, the agreements its policy extends
    without an offer run on for its term ("Bij internetapotheken (voorkeursaanbieders)
    verlengen we de overeenkomst"), so that the next campaign finds them; done once (an
    agreement held is not written again)."""
    if day.year not in available_years() or (day.month, day.day) != (1, 1):
        return Summary()
    extended = extend_agreements(day.year)
    db.session.commit()
    if extended:
        log.info("contract year %s: %d agreements extended", day.year, extended)
    return Summary(extended=extended)


# -- announcements ------------------------------------------------------------------------------

def make_announcements(day: date) -> Summary:
    """The planning's "Bekendmaken ..." lines that fall on `day`, each made once
    (`portal.operations.announcements`): on their date, as the offers are issued on theirs; a
    scheduler that was down catches the day up in order (`scan`), and a replay sends nothing
    again."""
    policy = campaign_policy(day)
    if policy is None:
        return Summary()
    announced = 0
    for milestone in announcements(policy.year):
        if milestone.date == day:
            sent = announce(milestone.id, policy.year)
            db.session.commit()
            announced += sent
            log.info("milestone %s due %s: %d providers told", milestone.id, day, sent)
    return Summary(announced=announced)


# -- milestones ---------------------------------------------------------------------------------

def issue_due_milestones(day: date) -> Summary:
    """Run the bulk issue of every milestone that has fallen due by `day` and has not run yet.

    "Uiterlijk" is the latest date the planning allows, so the batch runs on it; a batch a
    manager already ran (or requested) is not run again.
    """
    summary = Summary()
    policy = campaign_policy(day)
    if policy is None:
        return summary
    issuing = {r.milestone for r in policy.rules.values()
               if r.route is Route.AANBOD and r.milestone}
    for milestone in policy.calendar():
        if (milestone.id not in issuing or milestone.kind is not MilestoneKind.UITERLIJK
                or milestone.date is None or milestone.date > day):
            continue
        key = f"{policy.year}:{milestone.id}"
        if db.session.scalar(select(IssueBatch.id).where(IssueBatch.key == key)) is not None:
            continue
        batch = request_batch(milestone.id, SYSTEM, policy.year)
        db.session.commit()
        before = _offer_count(policy.year)
        done = run_batch(batch.id)
        issued = _offer_count(policy.year) - before
        summary.offers_issued += issued
        summary.offers_per_year[policy.year] = summary.offers_per_year.get(policy.year, 0) + issued
        summary.batches_run += 1
        log.info("milestone %s due %s: batch %s %s, %d offers issued", milestone.id,
                 milestone.date, done.key, done.status, issued)
    return summary


def _offer_count(policy_year: int) -> int:
    return db.session.scalar(select(func.count(Offer.id)).where(Offer.policy_year == policy_year))


def run_requested_batches() -> Summary:
    """The batches managers requested in the portal (the worker's loop, in the scheduler)."""
    if next_waiting() is None:  # most scans: nothing requested, nothing to count
        return Summary()
    before = _offers_per_year()
    ran, _failed = run_waiting(echo=log.info)
    after = _offers_per_year()
    issued = {year: count - before.get(year, 0) for year, count in after.items()
              if count != before.get(year, 0)}
    return Summary(batches_run=ran, offers_issued=sum(issued.values()), offers_per_year=issued)


def _offers_per_year() -> dict[int, int]:
    return dict(db.session.execute(select(Offer.policy_year, func.count(Offer.id))
                                   .group_by(Offer.policy_year)).all())


# -- expiry and escalation ------------------------------------------------------------------------

def expire_and_escalate(day: date, today: date) -> Summary:
    """Offers still unanswered after their deadline expire; negotiations and applications past
    theirs are escalated to the contract managers, once per deadline.

    `day` is the day processed, `today` the simulated date now: when a scheduler catches up after
    downtime, the escalation says how late it comes.
    """
    summary = Summary()
    yesterday = day - timedelta(days=1)
    expired = []
    for deadline in list(open_deadlines(due_to=yesterday)):  # read all before committing
        if deadline.kind == "aanbod":
            if _expire(deadline):
                expired.append(deadline)
            continue
        summary.escalations += _escalate(deadline, day, today)
    summary.expired = len(expired)
    if expired:
        summary.escalations += _expiry_digest(expired, day, today)
    db.session.commit()
    return summary


def _expire(deadline: Deadline, tries: int = 5) -> bool:
    """Expire one offer; True when it expired now. Someone answering it at the same moment wins;
    a write that collided with another is tried again, so the expiry is not put off a day."""
    for attempt in range(tries):
        try:
            transition(deadline.entity_id, "expire", SYSTEM,
                       reason=f"niet beantwoord vóór het einde van {nl_date(deadline.due)}")
            db.session.commit()
            return True
        except TransitionRefused as refused:
            db.session.rollback()
            if refused.field != "version":
                return False  # answered (or withdrawn) meanwhile: nothing to expire
            time.sleep(0.05 * (attempt + 1))
    log.warning("offer %s: could not expire it now; the next scan tries again", deadline.entity_id)
    return False


def _lateness(due: date, today: date) -> dict:
    """How late a signal about a deadline missed on `due` comes, read on `today`: the values of
    the messages' lateness sentence (none when it is on time)."""
    late = (today - (due + timedelta(days=1))).days
    if late <= 0:
        return {}
    return {"late": late, "idle_from": due + timedelta(days=1), "idle_to": today}


def _escalate(deadline: Deadline, day: date, today: date) -> int:
    return notify_many([dict(
        provider_id=None, kind="escalatie", key=f"escalatie:{deadline.key}",
        template="deadline.escalation",
        params={"task": deadline.task, "action": deadline.action, "about": deadline.about,
                "deadline": deadline.due, "party": PARTY_NAMES[deadline.party],
                **_lateness(deadline.due, today)},
        link=deadline.link(for_provider=False))])


#: The expired offers a digest names one by one; the rest it counts.
DIGEST_LINES = 50


def _expiry_digest(expired: list[Deadline], day: date, today: date) -> int:
    """The managers' one message about the offers that expired on `day`: each by its provider,
    contract and year."""
    named = expired[:DIGEST_LINES]
    providers = dict(db.session.execute(select(Provider.id, Provider.name).where(
        Provider.id.in_({d.provider_id for d in named}))).all())
    offers = [{"provider": providers.get(d.provider_id, ""), "contract": d.contract,
               "year": d.policy_year, "deadline": d.due} for d in named]
    more = len(expired) - len(named)
    return notify_many([dict(
        provider_id=None, kind="escalatie", key=f"verlopen:{day.isoformat()}",
        template="offers.expired",
        params={"count": len(expired), "day": day, "offers": offers, "more": more or None,
                **_lateness(expired[0].due, today)},
        link=link("manager.offers", status=OfferStatus.VERLOPEN.value))])


# -- reminders ----------------------------------------------------------------------------------

def send_reminders(day: date, offsets: tuple[int, ...] | None = None) -> Summary:
    """Remind the party whose move it is of every open deadline within the largest offset.

    A deadline `n` days away gets the reminder of the smallest offset of at least `n` (14, 3 or 0
    days before), keyed (target, deadline, offset): a daily scan sends each offset once, and a
    scheduler that was down sends only the latest one that still makes sense, never a stale
    "14 days left".
    """
    offsets = offsets or reminder_offsets(day)
    # the offset of each number of days left (0 .. the largest offset)
    offset_of = {left: min(o for o in offsets if o >= left) for left in range(offsets[0] + 1)}
    due = []
    for deadline in open_deadlines(due_from=day, due_to=day + timedelta(days=offsets[0])):
        left = (deadline.due - day).days
        due.append((deadline, _reminder_key(deadline, offset_of[left]), left))
    # the messages are written only for the keys not sent yet: a repeated scan builds nothing
    sent = existing_keys([key for _, key, _ in due])
    rows = [_reminder(deadline, key, left) for deadline, key, left in due if key not in sent]
    return Summary(reminders_sent=notify_many(rows, existing=sent))


def _reminder_key(deadline: Deadline, offset: int) -> str:
    return f"herinnering:{deadline.key}:{offset}"


def _reminder(deadline: Deadline, key: str, left: int) -> dict:
    to_provider = deadline.party == PROVIDER and deadline.provider_id is not None
    return dict(
        provider_id=deadline.provider_id if to_provider else None, kind="herinnering",
        key=key,
        template="deadline.reminder_today" if left == 0 else "deadline.reminder",
        params={"task": deadline.task, "action": deadline.action, "about": deadline.about,
                "deadline": deadline.due, "days": left or None,
                "party": None if to_provider else PARTY_NAMES[INSURER]},
        link=deadline.link(for_provider=to_provider))


# -- publication --------------------------------------------------------------------------------

def publish(day: date) -> Summary:
    """From the publication date on, the zorgzoeker lists the contracted providers (it reads the
    accepted offers live, so it stays current); the managers hear of the opening once."""
    policy = published_policy(day)
    if policy is None:
        return Summary()
    count = db.session.scalar(select(func.count(func.distinct(Offer.provider_id))).where(
        Offer.policy_year == policy.year, Offer.status == OfferStatus.GEACCEPTEERD.value))
    opens = policy.milestones["publicatie_zorgzoeker"].date
    notify_many([dict(
        provider_id=None, kind="publicatie", key=f"publicatie:{policy.year}",
        template="zorgzoeker.published",
        params={"year": policy.year, "opens": opens, "count": count},
        link=link("public.zorgzoeker"))])
    db.session.commit()
    return Summary(published=count)


# -- a day, and the scan -------------------------------------------------------------------------

def run_day(day: date, *, today: date | None = None, answers=None,
            offsets: tuple[int, ...] | None = None) -> Summary:
    """Everything that falls due on `day`, in order; `today` is the simulated date now (later
    than `day` when catching up: reminders then go out for today only)."""
    today = today or day
    summary = extend_contract_year(day)
    summary.add(make_announcements(day))
    summary.add(issue_due_milestones(day))
    if answers is not None:
        summary.add(answers.answer(day))
    summary.add(expire_and_escalate(day, today))
    if day == today:
        summary.add(send_reminders(day, offsets))
        db.session.commit()
    summary.add(publish(day))
    if summary.anything():
        log.info("%s%s: %d issued, %d reminders, %d escalations, %d expired, %d accepted, "
                 "%d declined", day, f" (caught up on {today})" if day != today else "",
                 summary.offers_issued, summary.reminders_sent, summary.escalations,
                 summary.expired, summary.accepted, summary.declined)
    return summary


def state() -> SchedulerState:
    found = db.session.get(SchedulerState, 1)
    if found is None:
        found = SchedulerState(id=1)
        db.session.add(found)
    return found


def scan(*, answers=None, by: str = "", mail: bool = True) -> Summary:
    """What is due now: every day from the one after the last processed up to the simulated date,
    in order (a scheduler that was down catches up once), then requested batches and the mail.

    A date moved back is processed as itself; what was done stays done.
    """
    today = clock.today()
    current = state()
    last = current.processed_through
    days = [today]
    if last is not None and last < today:
        days = [last + timedelta(days=n) for n in range(1, (today - last).days + 1)]
    offsets = reminder_offsets(today)
    summary = Summary()
    for day in days:
        summary.add(run_day(day, today=today, answers=answers, offsets=offsets))
        current = state()
        current.processed_through = max(current.processed_through or day, day)
        db.session.commit()
    summary.add(run_requested_batches())
    # The day's changes of the offer counts summed, so the dashboard reads a row per count.
    fold_tallies(db.session.connection())
    db.session.commit()
    if mail:
        summary.mails_sent = deliver_mail()
    current = state()
    current.last_scan_at, current.last_scan_by = datetime.now(timezone.utc), by or None
    if summary.anything():
        current.last_summary = {**asdict(summary), "days": [days[0].isoformat(), days[-1].isoformat()]}
        log.info("scan up to %s (%d day(s)): %s", today, len(days), summary.as_json())
    db.session.commit()
    return summary


def simulate_days(days, answers, actor, *, by: str, mail: bool = True) -> Summary:
    """Move the simulated date to each of `days` in turn (an iterable: a progress bar's) and
    scan it, as `portal simulate` and the policy lab's replays do; what the scans did."""
    total = Summary()
    for day in days:
        clock.set_today(day, actor, record=False)
        db.session.commit()
        total.add(scan(answers=answers, by=by, mail=mail))
    return total


def deliver_mail() -> int:
    """Queue an e-mail for every new inbox message and send what waits (portal.operations.mail)."""
    from portal.operations.mail import queue_mail, send_mail
    queue_mail()
    db.session.commit()
    return send_mail().sent


# -- the APScheduler job ------------------------------------------------------------------------

#: Set by `portal scheduler run` before the scheduler starts: the app, the leadership, the answers.
RUNTIME: dict = {}


def tick() -> None:
    """The periodic job (by reference `scheduler.jobs:tick` in the job store)."""
    app, leadership = RUNTIME["app"], RUNTIME["leadership"]
    with app.app_context():
        if not leadership.renew():
            log.warning("no longer the leader: standing by")
            RUNTIME["scheduler"].shutdown(wait=False)
            return
        try:
            scan(answers=RUNTIME.get("answers"), by=leadership.holder)
        except Exception:
            db.session.rollback()
            log.exception("scan failed; the next tick tries again")
            raise
        finally:
            db.session.remove()
