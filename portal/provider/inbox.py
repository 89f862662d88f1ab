"""The provider's inbox: the organisation's messages, searched, opened and marked read."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..extensions import db
from ..operations import notifications
from ..operations.access import NotFound
from ..web import PROVIDER_STAFF, current_actor, roles_required
from .forms import MarkReadForm
from .routes import bp, organisation_id

#: The longest search text kept (the box says so too).
QUERY_LENGTH = 200


def search_args() -> tuple[str, int]:
    """The search text and the page asked for, bounded."""
    text = request.args.get("q", "").strip()[:QUERY_LENGTH]
    return text, max(request.args.get("pagina", 1, type=int) or 1, 1)


@bp.route("/berichten")
@roles_required(*PROVIDER_STAFF)
def messages():
    organisation_id()
    text, page = search_args()
    found = notifications.inbox(current_actor(), text=text, page=page)
    if not found.messages and page > 1:  # past the last page
        return redirect(url_for(".messages", q=text or None))
    return render_template("provider/messages.html", found=found, q=text,
                           links={m.id: notifications.portal_path(m.link) for m in found.messages})


def _posted() -> None:
    """The organisation, and the CSRF token of the form (400 without it)."""
    organisation_id()
    if not MarkReadForm().validate_on_submit():
        abort(400)


@bp.route("/berichten/<int:message_id>/gelezen", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def mark_read(message_id: int):
    _posted()
    try:
        notifications.mark_read(message_id, current_actor())
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("Het bericht is als gelezen gemarkeerd."), "success")
    return redirect(url_for(".messages"))


@bp.route("/berichten/<int:message_id>/openen", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def open_message(message_id: int):
    """Opening a message marks it read, then leads to what it is about (a path in the portal)."""
    _posted()
    try:
        path = notifications.open_message(message_id, current_actor())
    except NotFound:
        abort(404)
    db.session.commit()
    return redirect(path or url_for(".messages"))


@bp.route("/berichten/alles-gelezen", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def mark_all_read():
    _posted()
    marked = notifications.mark_all_read(current_actor())
    db.session.commit()
    if marked:
        flash(ngettext("%(num)d bericht is als gelezen gemarkeerd.",
                       "%(num)d berichten zijn als gelezen gemarkeerd.", marked), "success")
    else:
        flash(_("Er waren geen ongelezen berichten."), "info")
    return redirect(url_for(".messages"))
