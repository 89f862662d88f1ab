"""The contract managers' messages: what the scheduler escalated, reminded and published, and
what providers did (counter-proposals, answers). One page, newest first, filtered by kind."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..extensions import db
from ..models import Notification

PER_PAGE = 50
#: Kind slug -> Dutch label, in the order of the filter.
KINDS = {"escalatie": _l("Escalaties"), "herinnering": _l("Herinneringen"),
         "bericht": _l("Berichten"), "publicatie": _l("Publicatie")}


def messages():
    kind = request.args.get("soort", "")
    kind = kind if kind in KINDS else ""
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    query = select(Notification, func.count().over()).where(Notification.provider_id.is_(None), Notification.user_id.is_(None))
    if kind:
        query = query.where(Notification.kind == kind)
    rows = db.session.execute(query.order_by(Notification.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    total = rows[0][1] if rows else 0
    per_kind = dict(db.session.execute(
        select(Notification.kind, func.count()).where(Notification.provider_id.is_(None), Notification.user_id.is_(None))
        .group_by(Notification.kind)).all())
    return render_template("manager/messages.html", rows=rows, total=total, page=page,
                           pages=max(-(-total // PER_PAGE), 1), kind=kind, kinds=KINDS,
                           per_kind=per_kind)
