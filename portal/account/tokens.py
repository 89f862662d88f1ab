"""The user's API tokens: list, create (the secret shown once, on the answer to the form),
revoke; and for admins every user's tokens that still work.

The new secret is rendered straight into the answer to the POST, never put in a flash (which
would travel in the session cookie) nor in a redirect's URL, and the answer is not stored by the
browser (Cache-Control: no-store).
"""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from ..extensions import db
from ..operations import tokens as ops
from ..web import current_actor, roles_required
from .routes import bp


class NewTokenForm(FlaskForm):
    name = StringField(_l("Naam"), default="API", validators=[InputRequired()],
                       description=_l("Waarvoor u de token gebruikt, bijvoorbeeld de naam van "
                                      "uw apotheeksysteem."))
    days = IntegerField(_l("Geldig (dagen)"), default=ops.DEFAULT_DAYS, validators=[
        InputRequired(), NumberRange(1, ops.MAX_DAYS, _l("Kies %(min)s tot %(max)s dagen."))])

    def validate_name(self, field):
        try:
            field.data = ops.clean_name(field.data)
        except ValueError:
            raise ValidationError(_("Geef een naam van 1 tot %(max)s leesbare tekens.",
                                    max=ops.NAME_LENGTH)) from None


class RevokeForm(FlaskForm):
    """Revoking a token: nothing to fill in but the CSRF token."""


class TokenRow(NamedTuple):
    """A token as the pages show it (date-times with their zone, as SQLite forgets it)."""

    id: int
    name: str
    prefix: str
    status: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    #: The owner's address, on the admins' page only.
    email: str = ""


def rows(tokens, *, with_owner: bool = False) -> list[TokenRow]:
    return [TokenRow(t.id, t.name, t.prefix, ops.status_of(t), ops.aware(t.created_at),
                     ops.aware(t.expires_at), ops.aware(t.last_used_at),
                     t.user.email if with_owner else "") for t in tokens]


def show_tokens(form: NewTokenForm, *, new=None, secret: str | None = None, status: int = 200):
    """The user's tokens with the form; after creating one, its secret, this once."""
    page = render_template("account/tokens.html", tokens=rows(ops.tokens_of(current_user)),
                           form=form, revoke=RevokeForm(), new=new, secret=secret)
    response = make_response(page, status)
    if secret is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/tokens")
@login_required
def tokens():
    return show_tokens(NewTokenForm())


@bp.route("/tokens", methods=["POST"])
@login_required
def new_token():
    form = NewTokenForm()
    if not form.validate_on_submit():
        return show_tokens(form, status=422)
    token, secret = ops.issue_token(current_user, form.name.data, form.days.data)
    db.session.commit()
    new = rows([token])[0]
    return show_tokens(NewTokenForm(formdata=None), new=new, secret=secret)


def _revoke(token_id: int) -> None:
    """Revoke a token the user may revoke (their own; an admin anyone's), else 404."""
    token = ops.token_of(token_id, current_user)
    if token is None:
        abort(404)
    if RevokeForm().validate_on_submit():
        if ops.revoke_token(token, current_actor()):
            db.session.commit()
            flash(_("De token %(prefix)s… (%(name)s) is ingetrokken: hij werkt niet meer.",
                    prefix=token.prefix, name=token.name), "success")


@bp.route("/tokens/<int:token_id>/intrekken", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    _revoke(token_id)
    return redirect(url_for("account.tokens"))


# -- the admins' view -------------------------------------------------------------------------

@bp.route("/beheer/tokens")
@roles_required("admin")
def admin_tokens():
    return render_template("account/admin_tokens.html",
                           tokens=rows(ops.active_tokens(), with_owner=True), revoke=RevokeForm())


@bp.route("/beheer/tokens/<int:token_id>/intrekken", methods=["POST"])
@roles_required("admin")
def admin_revoke_token(token_id: int):
    _revoke(token_id)
    return redirect(url_for("account.admin_tokens"))
