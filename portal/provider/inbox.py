"""The provider's inbox: the organisation's messages, read and marked read."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..operations import notifications
from ..operations.offers import NotFound
from ..web import PROVIDER_STAFF, current_actor, roles_required
from . import actions
from .forms import MarkReadForm
from .routes import bp, organisation_id


@bp.route("/berichten")
@roles_required(*PROVIDER_STAFF)
def messages():
    return render_template("provider/messages.html",
                           messages=actions.notifications_of(organisation_id()))


@bp.route("/berichten/<int:message_id>/gelezen", methods=["POST"])
@roles_required(*PROVIDER_STAFF)
def mark_read(message_id: int):
    organisation_id()
    form = MarkReadForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        notifications.mark_read(message_id, current_actor())
    except NotFound:
        abort(404)
    db.session.commit()
    flash(_("Het bericht is als gelezen gemarkeerd."), "success")
    return redirect(url_for(".messages"))
