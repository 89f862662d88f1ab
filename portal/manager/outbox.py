"""The outgoing mail: every e-mail of an inbox message, waiting or sent (the development outbox,
where the mails are read when MAIL_BACKEND is "outbox")."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from ..extensions import db
from ..models import OutgoingMail
from ..operations.mail import WAITING
from ..operations.notifications import SECRET_LINK
from ..web import memoised
from ..web.paging import page_of

PER_PAGE = 50
#: The longest search text kept (the box says so too).
QUERY_LENGTH = 200
#: The paths whose last part is a secret (notifications.SECRET_LINK).
SECRET_PATHS = ("/wachtwoord-instellen/", "/wachtwoord-herstellen/")


def redact(body: str) -> str:
    """The mail as the outbox shows it: an invitation's or a reset's link is for its addressee
    only (it opens the account), so its secret is replaced by a note saying so, and the rest of
    the link is shown whole."""
    return SECRET_LINK.sub(lambda m: m.group(1) + _("[geheim: alleen in de e-mail zelf]"), body)


#: The status filter: ?status=wachtend, verzonden or geweigerd (anything else: all mail).
STATUSES = {"wachtend": and_(*WAITING), "verzonden": OutgoingMail.sent_at.is_not(None),
            "geweigerd": OutgoingMail.refused_at.is_not(None)}


def matching(text: str):
    """Recipient, subject or body containing `text`, case-insensitively. The body of a mail
    with a secret link is not searched: matching parts of the secret would tell it, one
    character a search at a time."""
    body = OutgoingMail.body.icontains(text, autoescape=True)
    for path in SECRET_PATHS:
        body = body & ~OutgoingMail.body.contains(path, autoescape=True)
    return or_(OutgoingMail.recipient.icontains(text, autoescape=True),
               OutgoingMail.subject.icontains(text, autoescape=True), body)


@memoised
def outbox():
    """The mail, newest first, 50 a page (portal.web.paging), and a count of the waiting mail."""
    status = request.args.get("status", "")
    status = status if status in STATUSES else ""
    text = request.args.get("q", "").strip()[:QUERY_LENGTH]
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    query = select(OutgoingMail)
    if status:
        query = query.where(STATUSES[status])
    if text:
        query = query.where(matching(text))
    rows, total = page_of(query.order_by(OutgoingMail.id.desc()), (page - 1) * PER_PAGE, PER_PAGE)
    args = {key: value for key, value in (("status", status), ("q", text)) if value}
    if not rows and page > 1:  # past the last page
        return redirect(url_for("manager.outbox", **args))
    waiting = db.session.scalar(select(func.count()).select_from(OutgoingMail)
                                .where(STATUSES["wachtend"]))
    mails = [r[0] for r in rows]
    return render_template("manager/outbox.html",
                           bodies={mail.id: redact(mail.body) for mail in mails},
                           mails=mails, total=total, waiting=waiting, status=status, q=text,
                           args=args, page=page, pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
                           backend=current_app.config.get("MAIL_BACKEND", "outbox"))
