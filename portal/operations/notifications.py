"""The inbox: writing messages (`notify`), reading an organisation's messages, opening one,
marking them read.

Every message goes through `notify` (one) or `notify_many` (a batch: an offer's steps, a bulk
issue, the scheduler's reminders, a shortage notice to every pharmacy); the mail queue
(`portal.operations.mail`) e-mails it. A message is written from a template of
`portal.operations.messages` with its values (shown in the reader's language), or as text.
An organisation's inbox is a provider's messages (`provider_id`), or, for the insurer's staff
(an actor without a provider), the messages for the insurer (no provider, no personal user).
Read state belongs to the organisation, like the messages: what one colleague opened is read
for all of them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Mapping
from urllib.parse import urlsplit

from sqlalchemy import JSON, String, Text, any_, bindparam, cast, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import Notification
from . import audit, clock, messages
from .access import NotFound
from .audit import Actor

#: Messages a page of an inbox shows.
PER_PAGE = 50
#: The secret part of an invitation's or a reset's link: it opens an account, so it is for the
#: addressee of the e-mail alone, never for the colleagues who read the organisation's inbox or
#: the staff who read the outbox.
SECRET_LINK = re.compile(r"(/wachtwoord-(?:instellen|herstellen)/)[A-Za-z0-9_.\-]+")


def portal_path(link: str | None) -> str | None:
    """The link if an inbox may lead to it: a path inside the portal that opens no account.

    A message's link is followed on the user's behalf (after marking the message read), so it
    must never lead off the portal ("//host", "/\\host" and "https://host" are other sites to a
    browser), and never to an invitation's or a reset's secret (see SECRET_LINK)."""
    if not link or not link.startswith("/") or link.startswith("//") or "\\" in link:
        return None
    if any(ord(c) < 33 for c in link):
        return None
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or SECRET_LINK.search(parts.path):
        return None
    return link


def own(actor: Actor):
    """The conditions that select the actor's organisation's messages."""
    if actor.provider_id is not None:
        return (Notification.provider_id == actor.provider_id,)
    return (Notification.provider_id.is_(None), Notification.user_id.is_(None))


def matching(text: str):
    """Subject or body containing `text`, case-insensitively (% and _ are taken literally)."""
    return (Notification.subject.icontains(text, autoescape=True)
            | Notification.body.icontains(text, autoescape=True))


@dataclass
class InboxPage:
    """One page of an inbox: its messages, how many match, the organisation's unread."""

    messages: list[Notification]
    total: int
    unread: int
    page: int

    @property
    def pages(self) -> int:
        return max(-(-self.total // PER_PAGE), 1)

    def text(self, message: Notification) -> messages.Shown:
        """The message's subject and body in the reader's language."""
        return messages.shown(message)


def inbox(actor: Actor, *, text: str = "", kind: str = "", page: int = 1) -> InboxPage:
    """A page of the actor's organisation's messages, newest first, optionally only those of a
    kind or containing `text`. Two queries whatever the number of messages: the page with the
    number matching, and the number unread."""
    query = select(Notification, func.count().over()).where(*own(actor))
    if kind:
        query = query.where(Notification.kind == kind)
    if text:
        query = query.where(matching(text))
    rows = db.session.execute(query.order_by(Notification.created_at.desc(), Notification.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    unread = db.session.scalar(select(func.count(Notification.id))
                               .where(*own(actor), Notification.read_at.is_(None)))
    return InboxPage([row[0] for row in rows], rows[0][1] if rows else 0, unread or 0, page)


def _message(notification_id: int, actor: Actor, *, lock: bool = False) -> Notification:
    query = select(Notification).where(Notification.id == notification_id, *own(actor))
    message = db.session.scalar(query.with_for_update() if lock else query)
    if message is None:
        raise NotFound(f"notification {notification_id}")
    return message


def mark_read(notification_id: int, actor: Actor) -> Notification:
    """Mark one of the actor's organisation's messages read (once; marking again changes nothing)."""
    message = _message(notification_id, actor, lock=True)
    if message.read_at is None:
        message.read_at = clock.now()
        audit.record(actor, "notification", message.id, "read", "ongelezen", "gelezen")
        db.session.flush()
    return message


def open_message(notification_id: int, actor: Actor) -> str | None:
    """Open a message from the inbox: mark it read and give the path it leads to (None when it
    leads nowhere the inbox may send the user: see `portal_path`)."""
    return portal_path(mark_read(notification_id, actor).link)


def mark_all_read(actor: Actor) -> int:
    """Mark every unread message of the actor's organisation read in one statement, audited as
    one entry (on the provider, or 0 for the insurer's inbox); the number marked. Another
    organisation's messages are never touched."""
    marked = db.session.execute(
        update(Notification).where(*own(actor), Notification.read_at.is_(None))
        .values(read_at=clock.now()).execution_options(synchronize_session="fetch")).rowcount
    if marked:
        audit.record(actor, "inbox", actor.provider_id or 0, "read_all", "ongelezen", "gelezen",
                     f"{marked} bericht{'en' if marked != 1 else ''}")
        db.session.flush()
    return marked


# -- writing ------------------------------------------------------------------------------------

#: Rows per insert statement (SQLite).
INSERT_CHUNK = 5000
#: The columns a message is written with; `notify_many` fills the ones a row leaves out.
COLUMNS = ("provider_id", "user_id", "kind", "key", "link", "subject", "body", "template",
           "params", "created_at")


def notify(*, key: str, template: str | None = None, params: Mapping | None = None,
           subject: str = "", body: str = "", link: str | None = None,
           provider_id: int | None = None, user_id: int | None = None,
           kind: str = "bericht") -> bool:
    """Put one message in an inbox; True when it is new (a key already there changes nothing).

    `template`: the key of its kind in `portal.operations.messages.TEMPLATES`, `params` the
    values of its placeholders (dates as dates); its stored subject and body are the template's
    Dutch text. Without a template, `subject` and `body` are the text (shown as they are).

    `provider_id`: the provider's inbox; None: the insurer's, whose staff the key's entity names
    (`deadlines.audience_of_key`: the advisors for a consent request, else the contract
    managers); `user_id`: a personal message to that user alone, in no inbox. `kind`: bericht,
    herinnering, escalatie, publicatie or tekort (the insurer's "bericht"s are e-mailed in the
    daily digest, the rest at once). `link`: the path in the portal it is about, built from
    its endpoint (`messages.link`); the mail adds the portal's address. Dated on the simulated
    clock; e-mailed by the mail queue.
    """
    return notify_many([dict(provider_id=provider_id, user_id=user_id, kind=kind, key=key,
                             link=link, template=template, params=params, subject=subject,
                             body=body)]) == 1


def _checked(row: Mapping, now) -> dict:
    """A row with every column: the Dutch text of its template, its subject fitted to the
    column, its link a portal path."""
    link = row.get("link")
    if link is not None and (not link.startswith("/") or link.startswith("//")):
        raise ValueError(f"a message links to a path in the portal, not {link!r}")
    values = {"provider_id": None, "user_id": None, "kind": "bericht", "link": None,
              "template": None, "params": None, "created_at": now, **row}
    if values["template"] is not None:
        values["params"], values["subject"], values["body"] = messages.stored_message(
            values["template"], values["params"] or {})
    elif not values.get("subject"):
        raise ValueError(f"message {values['key']!r} has neither a template nor a subject")
    values["subject"] = values["subject"][:300]
    return {name: values[name] for name in COLUMNS}


def existing_keys(keys: list[str]) -> set[str]:
    """The message keys among `keys` that are already there, in one indexed lookup with the keys
    as one parameter: on PostgreSQL an array (`= ANY`), on SQLite a JSON array (`json_each`).
    An IN with a parameter per key cost SQLAlchemy more than the lookup: 16,485 keys took
    0.12 s, the database's part of it 0.02 s."""
    if not keys:
        return set()
    if db.session.get_bind().dialect.name == "postgresql":
        listed = any_(bindparam("keys", keys, type_=postgresql.ARRAY(String)))
        return set(db.session.scalars(select(Notification.key).where(Notification.key == listed)))
    listed = func.json_each(bindparam("keys", json.dumps(keys))).table_valued("value")
    return set(db.session.scalars(select(Notification.key).where(
        Notification.key.in_(select(listed.c.value)))))


def notify_many(rows: list[dict], existing: set[str] | None = None) -> int:
    """Put the messages whose key is new in their inboxes (each row as `notify`'s arguments);
    the number written.

    The keys already there are read first, so a repeated scan writes nothing. The new rows go in
    bulk: on PostgreSQL one INSERT ... SELECT FROM unnest(<one array per column>), on SQLite the
    driver's executemany. A key another scheduler wrote at the same moment is still skipped by
    the database itself (ON CONFLICT DO NOTHING on the unique key), so it is neither written nor
    counted twice. `existing`: the keys the caller has just read with `existing_keys` (or knows
    to be new: an offer's step is keyed by the offer's version). A row may carry `created_at`
    (default: the simulated moment now).
    """
    if not rows:
        return 0
    if existing is None:
        existing = existing_keys([row["key"] for row in rows])
    fresh: dict[str, dict] = {}
    for row in rows:
        if row["key"] not in existing:
            fresh.setdefault(row["key"], row)
    if not fresh:
        return 0
    if all("created_at" in row for row in fresh.values()):
        now = None  # the caller dated them (and reading the clock would flush its session)
    else:
        now = clock.now()  # the simulated moment: a replayed 2023 inbox reads as 2023
    new = [_checked(row, now) for row in fresh.values()]
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        return _insert_unnest(connection, new)
    return _insert_executemany(connection, new)


def _insert_executemany(connection, rows: list[dict]) -> int:
    """SQLite: insert `rows` with the driver's executemany, skipping keys that exist; the number
    inserted.

    The statement is SQLAlchemy's, and so is every value's conversion (the column type's own
    bind processor), but each distinct value is converted once: a scan's reminders share a few
    stored values and one moment (`messages.stored_message`), and SQLAlchemy's conversion row by
    row cost more than the insert itself."""
    table = Notification.__table__
    compiled = (sqlite.insert(table).on_conflict_do_nothing(index_elements=["key"])
                .compile(dialect=connection.dialect, column_keys=list(COLUMNS)))
    order = compiled.positiontup
    processors = [table.c[name].type.dialect_impl(connection.dialect).bind_processor(
        connection.dialect) for name in order]
    converted: dict[tuple[int, int], object] = {}  # (column, id of a value held by `rows`)

    def stored(column: int, value):
        processor = processors[column]
        if processor is None:
            return value
        known = converted.get((column, id(value)), converted)
        if known is converted:
            known = converted[column, id(value)] = processor(value)
        return known

    values = [tuple(stored(n, row[name]) for n, name in enumerate(order)) for row in rows]
    inserted = 0
    for start in range(0, len(values), INSERT_CHUNK):  # executemany's rowcount: rows inserted
        inserted += connection.exec_driver_sql(compiled.string,
                                               values[start:start + INSERT_CHUNK]).rowcount
    return inserted


def _insert_unnest(connection, rows: list[dict]) -> int:
    """PostgreSQL: insert `rows` in one statement, one array parameter per column, skipping
    keys that exist; the number inserted.

    The statement is SQLAlchemy's; it runs on the driver's own cursor, inside the session's
    transaction, so that this one cursor can send the arrays in psycopg's binary format, which
    halves the time of the text format (no quoting of every element)."""
    from psycopg.types.array import ListBinaryDumper

    table = Notification.__table__
    columns = {name: [row[name] for row in rows] for name in COLUMNS}
    # the driver's cursor gets the values as they are: the JSON values go as text, cast back
    # (each distinct stored value once: a scan's reminders share a few, messages.stored_message)
    texts: dict[int, str] = {}
    columns["params"] = [None if p is None else texts.get(id(p))
                         or texts.setdefault(id(p), json.dumps(p)) for p in columns["params"]]
    arrays = func.unnest(*(bindparam(f"column_{name}", values, type_=postgresql.ARRAY(
        Text if name == "params" else table.c[name].type)) for name, values in columns.items())
                         ).table_valued(*COLUMNS).render_derived("new")
    selected = [cast(arrays.c.params, JSON) if name == "params" else arrays.c[name]
                for name in COLUMNS]
    compiled = (postgresql.insert(table).from_select(COLUMNS, select(*selected))
                .on_conflict_do_nothing(index_elements=["key"]).returning(table.c.id)
                .compile(dialect=connection.dialect))
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.adapters.register_dumper(list, ListBinaryDumper)  # this cursor's lists only
        cursor.execute(str(compiled), compiled.params)
        return len(cursor.fetchall())
