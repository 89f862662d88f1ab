"""Logging in and out, and setting a password through an invitation's link."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from ..extensions import db, limiter
from ..models import User
from ..operations.accounts import read_password_token, set_password
from .forms import LoginForm, SetPasswordForm

bp = Blueprint("auth", __name__, template_folder="templates")


def home_for(user) -> str:
    if user.role in ("contract_manager", "admin"):
        return url_for("manager.dashboard")
    if user.role == "adviseur":  # the insurer's advisor works from the requests' queue
        return url_for("consent.queue")
    return url_for("provider.offers")


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if user is None or not user.active or not user.check_password(form.password.data):
            form.password.errors.append(_("Onbekend e-mailadres of onjuist wachtwoord."))
        else:
            login_user(user)
            return redirect(home_for(user))
    return render_template("auth/login.html", form=form)


@bp.route("/uitloggen", methods=["POST"])
def logout():
    logout_user()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/wachtwoord-instellen/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def set_password_page(token: str):
    """The invited user chooses a password; the link works once (404 after, as when forged)."""
    user = read_password_token(token)
    if user is None:
        abort(404)
    form = SetPasswordForm()
    if form.validate_on_submit():
        set_password(user, form.password.data, form.repeat.data)
        db.session.commit()
        logout_user()
        login_user(user)
        flash(_("Uw wachtwoord is ingesteld. Voortaan logt u in met %(email)s en dit wachtwoord.",
                email=user.email), "info")
        return redirect(home_for(user))
    return render_template("auth/set_password.html", form=form, user=user)
