"""E-mail of the inbox messages: queued per recipient, then sent by SMTP or kept in the outbox.

Every Notification goes out once to everyone it concerns: a provider's message to the provider's
contact address and its active staff, a message for the insurer to the staff of its audience
(contract managers and admins, or advisors and admins). Urgent messages for the insurer and
every provider's message go one by one; the insurer's routine messages go as one daily digest
per recipient (see IMMEDIATE_KINDS). `queue_mail` turns messages into OutgoingMail rows and
marks them `emailed_at`; `send_mail` delivers the waiting rows. Both commit as they go (the
scheduler calls them outside any request) and both are safe to run twice: a message is queued
once (emailed_at, and the unique notification and recipient), a mail is sent once (sent_at,
committed after each message the server accepted). Their times are on the simulated clock, as
every business date; a real time an operator needs is in the log lines, which name the mail.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from flask_babel import force_locale, ngettext
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.exc import OperationalError

from contracts.formatting import nl_date

from ..extensions import db
from ..models import Notification, OutgoingMail, Provider, User
from ..models.documents import AMSTERDAM, day_of
from . import clock
from .deadlines import AUDIENCE_ROLES, audience_of_key

log = logging.getLogger(__name__)

#: Messages queued per transaction (and per recipient lookup).
BATCH = 500
FOOTER = ("Dit bericht is automatisch verstuurd door het Zorginkoopportaal van VGZ. "
          "U vindt het ook in uw berichten in het portaal.")

#: The kinds of the insurer's messages that are e-mailed at once, each on its own:
#: - escalatie: a deadline was missed; someone at the insurer must act now.
#: - herinnering: the insurer's own move is due within days; the last reminder says "vandaag",
#:   so a digest the day after would come after the deadline.
#: - publicatie: the zorgzoeker opened; once a year.
#: Every other message for the insurer (kind "bericht": an offer accepted, declined or countered,
#: an application received) is news of what a provider did, and goes in the daily digest: one
#: mail per recipient a day instead of one per event (thousands in a campaign). Where such news
#: asks the insurer to move (a counter-proposal, an application), its deadline's reminders and
#: escalation still come at once, so nothing urgent waits for the digest.
IMMEDIATE_KINDS = ("escalatie", "herinnering", "publicatie")
#: The insurer's routine messages: mailed in the daily digest.
ROUTINE = and_(Notification.provider_id.is_(None), Notification.user_id.is_(None),
               Notification.kind.not_in(IMMEDIATE_KINDS))


# -- queueing -----------------------------------------------------------------------------------

def mail_body(notification, portal_url: str) -> str:
    """The plain-text e-mail of a message (a Notification, or a row with its body and link): its
    text, the link into the portal, the footer."""
    parts = [notification.body.rstrip()]
    if notification.link:
        parts.append(f"Open in het portaal: {portal_url.rstrip('/')}{notification.link}")
    parts.append(f"-- \n{FOOTER}")
    return "\n\n".join(parts) + "\n"


def _unique(addresses) -> list[str]:
    """The addresses without blanks and without case-insensitive repeats, first spelling kept."""
    seen, result = set(), []
    for address in addresses:
        address = (address or "").strip()
        if address and address.lower() not in seen:
            seen.add(address.lower())
            result.append(address)
    return result


def _staff_addresses(roles: tuple[str, ...]) -> list[str]:
    """The active insurer's staff with one of `roles` (contract managers, or the advisors)."""
    return _unique(db.session.scalars(
        select(User.email).where(User.active.is_(True), User.role.in_(roles)).order_by(User.id)))


def _provider_addresses(provider_ids: set[int]) -> dict[int, list[str]]:
    """Per provider: its contact address, then its active staff's (two queries for a batch)."""
    found: dict[int, list[str]] = {pid: [] for pid in provider_ids}
    if not provider_ids:
        return found
    for pid, email in db.session.execute(select(Provider.id, Provider.contact_email)
                                         .where(Provider.id.in_(provider_ids))):
        found[pid].append(email)
    for pid, email in db.session.execute(
            select(User.provider_id, User.email)
            .where(User.provider_id.in_(provider_ids), User.active.is_(True))
            .order_by(User.id)):
        found[pid].append(email)
    return {pid: _unique(emails) for pid, emails in found.items()}


def _user_addresses(user_ids: set[int]) -> dict[int, list[str]]:
    """The address of each user a personal message is for (a password reset: that user alone)."""
    if not user_ids:
        return {}
    return {user_id: [email] for user_id, email in db.session.execute(
        select(User.id, User.email).where(User.id.in_(user_ids), User.active.is_(True)))}


def _claim(condition, limit: int | None, now: datetime):
    """Mark the unqueued messages that meet `condition` queued (at most `limit`, oldest first)
    and return their columns.

    Claiming by a write first keeps two schedulers apart: on PostgreSQL each skips the other's
    locked messages, on SQLite the second waits for the first's commit and then finds the
    messages taken."""
    oldest = (select(Notification.id).where(Notification.emailed_at.is_(None), condition)
              .order_by(Notification.id).limit(limit).with_for_update(skip_locked=True))
    return sorted(db.session.execute(
        update(Notification).where(Notification.id.in_(oldest.scalar_subquery()))
        .values(emailed_at=now)
        .returning(Notification.id, Notification.provider_id, Notification.key,
                   Notification.subject, Notification.body, Notification.link,
                   Notification.user_id, Notification.created_at)
        .execution_options(synchronize_session=False)).all(), key=lambda m: m.id)


def _existing(pairs) -> set[tuple[int, str]]:
    """The (notification, recipient) pairs that already have a mail: one queued before
    emailed_at was reset by hand is not made again."""
    ids = {nid for nid, _recipient in pairs}
    return {(nid, recipient.lower()) for nid, recipient in db.session.execute(
        select(OutgoingMail.notification_id, OutgoingMail.recipient)
        .where(OutgoingMail.notification_id.in_(ids)))} if ids else set()


def _insert(rows: list[dict]) -> None:
    if rows:  # one executemany (a NULL provider_id must not split the rows into groups)
        db.session.execute(insert(OutgoingMail).execution_options(render_nulls=True), rows)


def queue_mail(limit: int | None = None) -> int:
    """Queue the e-mail of every message not yet queued; returns the number of mails queued.

    First the messages mailed one by one, oldest first (at most `limit`), then the digests of
    the insurer's routine messages of every simulated day that is over (whole days, whatever
    `limit`: a digest lists its day's messages together)."""
    queued, done = _queue_each(limit)
    digests, listed = _queue_digests()
    if done or listed:
        log.info("mail: %d messages queued as %d e-mails, %d in %d digests", done, queued,
                 listed, digests)
    return queued + digests


def _queue_each(limit: int | None) -> tuple[int, int]:
    """One mail per recipient of every message that is not routine for the insurer; the
    numbers of mails queued and messages done. Per batch: one statement claims the messages,
    one lookup of their recipients, one insert, one commit."""
    portal_url = current_app.config["PORTAL_URL"]
    staff: dict[str, list[str]] = {}  # per audience at the insurer, read once when needed
    queued = done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        now = clock.now()
        messages = _claim(~ROUTINE, size, now)
        if not messages:
            db.session.commit()
            break
        addresses = _provider_addresses({m.provider_id for m in messages
                                         if m.provider_id is not None})
        personal = _user_addresses({m.user_id for m in messages if m.user_id is not None})
        for audience in {audience_of_key(m.key) for m in messages
                         if m.provider_id is None and m.user_id is None}:
            if audience not in staff:  # contract managers, or the advisors for their requests
                staff[audience] = _staff_addresses(AUDIENCE_ROLES[audience])
        pairs = [(m, recipient)
                 for m in messages
                 for recipient in (personal.get(m.user_id, []) if m.user_id is not None
                                   else addresses[m.provider_id] if m.provider_id is not None
                                   else staff[audience_of_key(m.key)])]
        existing = _existing((m.id, recipient) for m, recipient in pairs)
        rows = [{"notification_id": m.id, "provider_id": m.provider_id, "recipient": recipient,
                 "subject": m.subject, "body": mail_body(m, portal_url), "created_at": now,
                 "attempts": 0}
                for m, recipient in pairs if (m.id, recipient.lower()) not in existing]
        _insert(rows)
        db.session.commit()
        queued += len(rows)
        done += len(messages)
    return queued, done


_day_of = day_of  # the simulated day of a message


def _queue_digests() -> tuple[int, int]:
    """One mail per recipient per simulated day listing the insurer's routine messages of that
    day, once the day is over (the simulated date has moved on; a day the clock was moved back
    from counts as over too); the numbers of digests queued and messages listed.

    One statement claims every such message, one lookup per audience finds its staff, one
    insert, one commit: so a crash queues all or nothing, and a second scheduler finds the
    messages taken. A digest is stored as the mail of the first message it lists (unique per
    recipient, as every mail), so a message that arrives for a day already digested (the clock
    moved back) goes in a second, small digest, and nothing goes twice.
    """
    now = clock.now()
    # the day in Amsterdam, as UTC: SQLite compares the stored UTC text, without a zone
    start = datetime.combine(clock.today(), datetime.min.time(), AMSTERDAM).astimezone(timezone.utc)
    messages = _claim(and_(ROUTINE, or_(Notification.created_at < start,
                                        Notification.created_at >= start + timedelta(days=1))),
                      None, now)
    if not messages:
        db.session.commit()
        return 0, 0
    staff = {audience: _staff_addresses(AUDIENCE_ROLES[audience])
             for audience in {audience_of_key(m.key) for m in messages}}
    digests: dict[tuple[date, str], list] = defaultdict(list)  # (day, recipient) -> messages
    for m in messages:  # in id order: each digest lists its messages as they came in
        for recipient in staff[audience_of_key(m.key)]:
            digests[_day_of(m.created_at), recipient].append(m)
    existing = _existing((listed[0].id, recipient) for (_day, recipient), listed in digests.items())
    portal_url = current_app.config["PORTAL_URL"]
    rows = [{"notification_id": listed[0].id, "provider_id": None, "recipient": recipient,
             "subject": digest_subject(day, len(listed)),
             "body": digest_body(day, listed, portal_url), "created_at": now, "attempts": 0}
            for (day, recipient), listed in sorted(digests.items())
            if (listed[0].id, recipient.lower()) not in existing]
    _insert(rows)
    db.session.commit()
    return len(rows), len(messages)


def digest_subject(day: date, count: int) -> str:
    with force_locale("nl"):  # the insurer's mail is Dutch, as the messages it lists
        return ngettext("Dagoverzicht %(day)s: %(num)d bericht",
                        "Dagoverzicht %(day)s: %(num)d berichten", count, day=nl_date(day))


def digest_body(day: date, messages, portal_url: str) -> str:
    """The digest's text: each message with its subject, text and link, then the footer."""
    with force_locale("nl"):
        intro = ngettext("Op %(day)s kwam in het portaal %(num)d bericht voor VGZ binnen:",
                         "Op %(day)s kwamen in het portaal %(num)d berichten voor VGZ binnen:",
                         len(messages), day=nl_date(day))
    items = []
    for number, message in enumerate(messages, 1):
        lines = [f"{number}. {message.subject}", *("   " + line for line in
                                                    message.body.rstrip().splitlines())]
        if message.link:
            lines.append(f"   Open in het portaal: {portal_url.rstrip('/')}{message.link}")
        items.append("\n".join(lines))
    return "\n\n".join([intro, *items, f"-- \n{FOOTER}"]) + "\n"


# -- sending ------------------------------------------------------------------------------------

@dataclass
class SendResult:
    """What one round of sending did: mails sent, attempts that failed, mails still waiting."""

    sent: int = 0
    failed: int = 0
    waiting: int = 0


class ServerUnavailable(Exception):
    """The SMTP server cannot be reached or refuses the session: the round stops."""


#: A mail still to send: not sent and not given up.
WAITING = (OutgoingMail.sent_at.is_(None), OutgoingMail.refused_at.is_(None))


def _waiting():
    return select(OutgoingMail).where(*WAITING).order_by(OutgoingMail.id)


def _count_waiting() -> int:
    return db.session.scalar(select(func.count()).select_from(OutgoingMail).where(*WAITING))


def send_mail(limit: int | None = None) -> SendResult:
    """Send the waiting mails, oldest first (at most `limit`), by the MAIL_BACKEND of the config:
    "outbox" only marks them sent (the manager's outbox page shows them), "smtp" delivers them."""
    backend = current_app.config.get("MAIL_BACKEND", "outbox")
    if backend == "outbox":
        result = _to_outbox(limit)
    elif backend == "smtp":
        result = _by_smtp(limit)
    else:
        raise ValueError(f"unknown MAIL_BACKEND {backend!r} (outbox or smtp)")
    result.waiting = _count_waiting()
    if result.sent or result.failed:
        log.info("mail (%s): %d sent, %d failed, %d waiting", backend, result.sent, result.failed,
                 result.waiting)
    return result


def _to_outbox(limit: int | None) -> SendResult:
    ids = select(OutgoingMail.id).where(*WAITING).order_by(OutgoingMail.id)
    if limit is not None:
        ids = ids.limit(limit)
    taken = db.session.execute(
        update(OutgoingMail).where(OutgoingMail.id.in_(ids.scalar_subquery()),
                                   OutgoingMail.sent_at.is_(None))
        .values(sent_at=clock.now(), transport="outbox", attempts=OutgoingMail.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return SendResult(sent=taken.rowcount)


def _message(mail: OutgoingMail, sender: str, domain: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    created = mail.created_at or clock.now()
    if created.tzinfo is None:  # SQLite gives the stored UTC time back without its zone
        created = created.replace(tzinfo=timezone.utc)
    message["Date"] = format_datetime(created)
    # The same mail always has the same id, so a copy sent twice after a crash reads as one.
    message["Message-ID"] = f"<outgoing-{mail.id}@{domain}>"
    message.set_content(mail.body, charset="utf-8", cte="quoted-printable")
    return message


def _connect(config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"],
                        timeout=config.get("MAIL_TIMEOUT", 10))
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _permanent(error: Exception) -> bool:
    """A refusal of this one mail (5xx for its recipient or its content), not of the session."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in error.recipients.values())
    if isinstance(error, smtplib.SMTPSenderRefused):
        return False  # our MAIL_FROM: every mail would fail
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    if isinstance(error, OSError):
        return False  # the connection (some TLS errors are also ValueErrors)
    return isinstance(error, (smtplib.SMTPNotSupportedError, UnicodeError, ValueError))


def _describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{recipient}: {code} {text.decode(errors='replace')}"
                         for recipient, (code, text) in error.recipients.items())
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}"


def _record(statement, tries: int = 5) -> None:
    """Run one UPDATE of outgoing mail and commit it, again in a fresh transaction if the database
    refuses: on SQLite a transaction that read before another process committed cannot write
    ("database is locked"), and a mail the server accepted must be recorded as sent, or the next
    round would send it again."""
    for attempt in range(1, tries + 1):
        try:
            db.session.execute(statement.execution_options(synchronize_session=False))
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == tries:
                raise
            time.sleep(0.05 * attempt)


def _sent(mail_id: int) -> None:
    _record(update(OutgoingMail).where(OutgoingMail.id == mail_id)
            .values(sent_at=clock.now(), transport="smtp", attempts=OutgoingMail.attempts + 1))


def _failed(mail_ids, error: Exception) -> None:
    _record(update(OutgoingMail).where(OutgoingMail.id.in_(mail_ids))
            .values(attempts=OutgoingMail.attempts + 1, last_error=_describe(error)))


def _refused(mail: OutgoingMail, error: Exception) -> bool:
    """Count a refusal of this one mail (its row is locked by the round); the
    MAIL_MAX_REFUSALS-th gives it up: it no longer waits, and the outbox shows it as refused.
    True when given up."""
    gives_up = mail.refusals + 1 >= int(current_app.config.get("MAIL_MAX_REFUSALS", 5))
    _record(update(OutgoingMail).where(OutgoingMail.id == mail.id).values(
        attempts=OutgoingMail.attempts + 1, refusals=OutgoingMail.refusals + 1,
        last_error=_describe(error), refused_at=clock.now() if gives_up else None))
    return gives_up


def _by_smtp(limit: int | None) -> SendResult:
    """One connection per round; a commit after every message the server accepted."""
    config = current_app.config
    sender_address = parseaddr(config["MAIL_FROM"])[1] or config["MAIL_FROM"]
    domain = sender_address.rpartition("@")[2] or "localhost"
    result, smtp, last_id = SendResult(), None, 0
    try:
        while limit is None or result.sent + result.failed < limit:
            # One mail at a time, locked while it is sent (another sender skips it); after it
            # the next waiting one, so a refused mail is tried once a round.
            mail = db.session.scalar(_waiting().where(OutgoingMail.id > last_id).limit(1)
                                     .with_for_update(skip_locked=True))
            if mail is None:
                break
            last_id = mail.id
            if smtp is None:
                try:
                    smtp = _connect(config)
                except (smtplib.SMTPException, OSError) as error:  # refused, TLS, login
                    raise ServerUnavailable(mail.id, error) from error
            try:
                smtp.send_message(_message(mail, config["MAIL_FROM"], domain),
                                  from_addr=sender_address, to_addrs=[mail.recipient])
            except (smtplib.SMTPException, OSError, ValueError, UnicodeError) as error:
                if not _permanent(error):
                    raise ServerUnavailable(mail.id, error) from error
                log.warning("mail %d to %s refused: %s", mail.id, mail.recipient, _describe(error))
                if _refused(mail, error):
                    log.warning("mail %d to %s given up after %s refusals", mail.id,
                                mail.recipient, current_app.config.get("MAIL_MAX_REFUSALS", 5))
                result.failed += 1
                if not _alive(smtp):  # after a refusal some servers hang up: connect again
                    smtp = None
                continue
            _sent(mail.id)
            result.sent += 1
    except ServerUnavailable as stop:
        first_id, error = stop.args
        # The mails of this round wait for the next: each one gets the attempt and its reason.
        round_ids = _waiting().where(OutgoingMail.id >= first_id).with_only_columns(OutgoingMail.id)
        if limit is not None:
            round_ids = round_ids.limit(limit - result.sent - result.failed)
        db.session.rollback()  # the lock of the mail that was being sent
        ids = db.session.scalars(round_ids).all()
        _failed(ids, error)
        result.failed += len(ids)
        log.warning("mail: SMTP server %s:%s unavailable, %d mails wait: %s",
                    config["MAIL_SERVER"], config["MAIL_PORT"], len(ids), _describe(error))
    finally:
        if smtp is not None:
            _quit(smtp)
    return result


def _alive(smtp: smtplib.SMTP) -> bool:
    try:
        return smtp.noop()[0] == 250
    except (smtplib.SMTPException, OSError):
        smtp.close()
        return False


def _quit(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()
