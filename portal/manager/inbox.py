"""The contract managers' messages: what the scheduler escalated, reminded and published, and
what providers did (counter-proposals, answers). One page, newest first, filtered by kind,
searched; each message opens what it is about and is then read (for every colleague: the
insurer's inbox is one)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from ..extensions import db
from ..models import Notification
from ..operations import notifications
from ..operations.offers import NotFound
from ..web import current_actor
from .forms import ConfirmForm

#: Kind slug -> Dutch label, in the order of the filter.
KINDS = {"escalatie": _l("Escalaties"), "herinnering": _l("Herinneringen"),
         "bericht": _l("Berichten"), "publicatie": _l("Publicatie")}
#: The longest search text kept (the box says so too).
QUERY_LENGTH = 200


def _filters() -> dict:
    """The kind, search text and page asked for, bounded (an unknown kind: all)."""
    kind = request.args.get("soort", "")
    return {"kind": kind if kind in KINDS else "",
            "text": request.args.get("q", "").strip()[:QUERY_LENGTH],
            "page": max(request.args.get("pagina", 1, type=int) or 1, 1)}


def messages():
    filters = _filters()
    found = notifications.inbox(current_actor(), **filters)
    args = {"soort": filters["kind"] or None, "q": filters["text"] or None}
    if not found.messages and filters["page"] > 1:  # past the last page
        return redirect(url_for("manager.messages", **args))
    per_kind = select(Notification.kind, func.count()).where(*notifications.own(current_actor()))
    if filters["text"]:
        per_kind = per_kind.where(notifications.matching(filters["text"]))
    per_kind = dict(db.session.execute(per_kind.group_by(Notification.kind)).all())
    return render_template("manager/messages.html", found=found, kind=filters["kind"],
                           q=filters["text"], args=args, kinds=KINDS, per_kind=per_kind,
                           links={m.id: notifications.portal_path(m.link) for m in found.messages})


def _posted() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def open_message(message_id: int):
    """Opening a message marks it read, then leads to what it is about (a path in the portal)."""
    _posted()
    try:
        path = notifications.open_message(message_id, current_actor())
    except NotFound:
        abort(404)
    db.session.commit()
    return redirect(path or url_for("manager.messages"))


def mark_all_read():
    _posted()
    marked = notifications.mark_all_read(current_actor())
    db.session.commit()
    if marked:
        flash(ngettext("%(num)d melding is als gelezen gemarkeerd.",
                       "%(num)d meldingen zijn als gelezen gemarkeerd.", marked), "success")
    else:
        flash(_("Er waren geen ongelezen meldingen."), "info")
    return redirect(url_for("manager.messages"))
