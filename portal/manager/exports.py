"""The applications and the outgoing mail as files (CSV or Excel), beside their lists.

Each export is one query over plain columns, whatever the number of rows; the formats are
portal/exports.py's. The offers' and the register's exports live with their filtered lists
(offers.py, register.py).
"""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from contracts.vocabulary import dutch

from ..exports import Column, export_response
from ..extensions import db
from ..models import Application, OutgoingMail
from ..web import label, simulation_today
from .common import OPEN_APPLICATIONS
from .outbox import QUERY_LENGTH, matching, redact
from .outbox import STATUSES as MAIL_STATUSES


APPLICATION_COLUMNS = (
    Column(_l("Ontvangen"), 12), Column(_l("Antwoord uiterlijk"), 18), Column(_l("Aanvrager"), 36),
    Column(_l("AGB-code"), 11), Column(_l("KvK-nummer"), 12), Column(_l("Type zorgaanbieder"), 28),
    Column(_l("Plaats"), 18), Column(_l("Overeenkomsten"), 48), Column(_l("Status"), 14),
    Column(_l("Beantwoord op"), 14), Column(_l("Beantwoord door"), 28))
APPLICATIONS = (
    select(Application.received_on, Application.answer_due, Application.organisation,
           Application.agb, Application.kvk, Application.provider_type, Application.city,
           Application.contracts, Application.status, Application.answered_on,
           Application.answered_by)
    # As the applications page lists them: the open ones by answer date, then the answered.
    .order_by(Application.status.not_in(OPEN_APPLICATIONS), Application.answer_due,
              Application.received_on, Application.id))


def applications_export(fmt: str):
    """Every application, open and answered, as the applications page orders them."""
    rows = ((received, due, organisation, agb, kvk, dutch(kind), city,
             ", ".join(dutch(c) for c in contracts or ()), label(status), answered_on, answered_by)
            for received, due, organisation, agb, kvk, kind, city, contracts, status, answered_on,
            answered_by in db.session.execute(APPLICATIONS))
    return export_response(fmt, f"aanvragen-{simulation_today().isoformat()}", _("Aanvragen"),
                           APPLICATION_COLUMNS, rows)


MAIL_COLUMNS = (
    Column(_l("Aangemaakt"), 18), Column(_l("Aan"), 32), Column(_l("Onderwerp"), 48),
    Column(_l("Status"), 12), Column(_l("Verzonden"), 18), Column(_l("Geweigerd"), 18),
    Column(_l("Via"), 8), Column(_l("Pogingen"), 10), Column(_l("Laatste fout"), 32),
    Column(_l("Bericht"), 80))
MAILS = select(OutgoingMail.created_at, OutgoingMail.recipient, OutgoingMail.subject,
               OutgoingMail.sent_at, OutgoingMail.refused_at, OutgoingMail.transport,
               OutgoingMail.attempts, OutgoingMail.last_error, OutgoingMail.body)


def _mail_status(sent_at, refused_at) -> str:
    """As the outbox says it."""
    if sent_at:
        return _("verzonden")
    return _("geweigerd") if refused_at else _("wachtend")


def outbox_export(fmt: str):
    """The outgoing mail, newest first, with the outbox's filters (?status=wachtend, verzonden
    or geweigerd; ?q= its search); invitation and reset links cut off as the outbox shows them."""
    query = MAILS
    status = request.args.get("status", "")
    if status in MAIL_STATUSES:
        query = query.where(MAIL_STATUSES[status])
    text = request.args.get("q", "").strip()[:QUERY_LENGTH]
    if text:
        query = query.where(matching(text))
    rows = ((created, recipient, subject, _mail_status(sent, refused), sent, refused,
             transport, attempts, last_error, redact(body))
            for created, recipient, subject, sent, refused, transport, attempts, last_error, body
            in db.session.execute(query.order_by(OutgoingMail.id.desc())))
    return export_response(fmt, f"uitgaande-post-{simulation_today().isoformat()}",
                           _("Uitgaande post"), MAIL_COLUMNS, rows)
