"""The outgoing mail: every e-mail of an inbox message, waiting or sent (the development outbox,
where the mails are read when MAIL_BACKEND is "outbox")."""
from __future__ import annotations

import re

from flask import current_app, redirect, render_template, request, url_for
from sqlalchemy import and_, func, select

from ..extensions import db
from ..models import OutgoingMail
from ..operations.mail import WAITING

PER_PAGE = 50
#: The secret of an invitation's or a reset's link is for its addressee only: the outbox shows it
#: cut off.
SECRET_LINK = re.compile(r"(/wachtwoord-(?:instellen|herstellen)/)[A-Za-z0-9_.\-]+")


def redact(body: str) -> str:
    return SECRET_LINK.sub(r"\1…", body)


#: The status filter: ?status=wachtend, verzonden or geweigerd (anything else: all mail).
STATUSES = {"wachtend": and_(*WAITING), "verzonden": OutgoingMail.sent_at.is_not(None),
            "geweigerd": OutgoingMail.refused_at.is_not(None)}


def outbox():
    """The mail, newest first, 50 a page, in one query (the total counted alongside) and one count
    of the waiting mail."""
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    query = select(OutgoingMail, func.count().over())
    if status:
        query = query.where(STATUSES[status])
    rows = db.session.execute(query.order_by(OutgoingMail.id.desc())
                              .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
    args = {"status": status} if status else {}
    if not rows and page > 1:  # past the last page
        return redirect(url_for("manager.outbox", **args))
    total = rows[0][1] if rows else 0
    waiting = db.session.scalar(select(func.count()).select_from(OutgoingMail)
                                .where(STATUSES["wachtend"]))
    mails = [r[0] for r in rows]
    return render_template("manager/outbox.html", mails=mails, total=total,
                           bodies={mail.id: redact(mail.body) for mail in mails},
                           waiting=waiting, status=status, args=args, page=page,
                           pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
                           backend=current_app.config.get("MAIL_BACKEND", "outbox"))
