"""Logging in (password, then the second factor where it is on or required) and out, setting a
password through an invitation's link, and resetting a forgotten one by e-mail."""
from __future__ import annotations

import time

from flask import (Blueprint, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from contracts.errors import CaseError

from ..extensions import db, limiter
from ..models import User
from ..operations import audit, sessions, twofactor
from ..operations.accounts import (RESET_SALT, LoginRefused, authenticate_password, clear_failures,
                                   login_wait, read_password_token, record_failure,
                                   request_password_reset, set_password)
from ..operations.audit import Actor
from .forms import CodeForm, ForgotPasswordForm, LoginForm, NewPasswordForm

bp = Blueprint("auth", __name__, template_folder="templates")

#: How long a login may wait between the password and the second factor.
PENDING_SECONDS = 300


def home_for(user) -> str:
    if user.role in ("contract_manager", "admin"):
        return url_for("manager.dashboard")
    if user.role == "adviseur":  # the insurer's advisor works from the requests' queue
        return url_for("consent.queue")
    return url_for("provider.offers")


def client_address() -> str:
    return request.remote_addr or ""


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def complete_login(user: User, how: str = "wachtwoord"):
    """The session of a login that passed every factor: a new cookie (nothing of the one before
    the login is kept but the language and the messages to show) naming a new session record;
    audited."""
    _new_cookie()
    login_user(user)
    session["sid"] = sessions.start_session(user, address=client_address(),
                                            user_agent=request.user_agent.string or "")
    session["seen"] = int(time.time())
    clear_failures(user.email)
    audit.record(Actor.of(user), "user", user.id, "login", None, None,
                 f"{how}; adres {client_address()}")
    db.session.commit()
    return redirect(home_for(user))


def _new_cookie() -> None:
    """Nothing of the cookie before is kept but the language and the messages still to show; the
    CSRF token is made anew too (Flask-WTF keeps this request's on `g`)."""
    kept = {key: session[key] for key in ("lang", "_flashes") if key in session}
    session.clear()
    session.update(kept)
    g.pop("csrf_token", None)


def _wait_message(wait: int) -> str:
    minutes = (wait + 59) // 60
    return ngettext("Te veel mislukte pogingen voor dit account. Probeer het over %(num)d minuut "
                    "opnieuw.",
                    "Te veel mislukte pogingen voor dit account. Probeer het over %(num)d minuten "
                    "opnieuw.", minutes)


@bp.route("/inloggen", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = authenticate_password(form.email.data, form.password.data,
                                         address=client_address())
        except LoginRefused as refused:
            db.session.commit()  # the failure counts and is audited
            form.password.errors.append(_wait_message(refused.wait) if refused.wait else
                                        _("Onbekend e-mailadres of onjuist wachtwoord."))
            return render_template("auth/login.html", form=form), 200
        if user.two_factor or twofactor.required_for(user):
            session["pending_login"] = {"u": user.id, "t": int(time.time())}
            return redirect(url_for("auth.second_factor"))
        return complete_login(user)
    return render_template("auth/login.html", form=form)


def _pending_user() -> User | None:
    """The user whose password passed a moment ago and whose second factor is due."""
    pending = session.get("pending_login")
    if not isinstance(pending, dict) or not isinstance(pending.get("u"), int):
        return None
    if time.time() - pending.get("t", 0) > PENDING_SECONDS:
        session.pop("pending_login", None)
        return None
    user = db.session.get(User, pending["u"])
    return user if user is not None and user.active else None


@bp.route("/inloggen/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def second_factor():
    """The code of the authenticator app, or a recovery code; a user who must have two-factor
    and has not yet set it up does so first."""
    user = _pending_user()
    if user is None:
        flash(_("Log opnieuw in."), "info")
        return redirect(url_for("auth.login"))
    if not user.two_factor:
        return redirect(url_for("auth.enrol"))
    form = CodeForm()
    if form.validate_on_submit():
        wait = login_wait(user.email)
        if wait:
            form.code.errors.append(_wait_message(wait))
        else:
            kind = twofactor.verify(user, form.code.data, address=client_address())
            if kind:
                if kind == "herstelcode":
                    left = twofactor.remaining_recovery_codes(user)
                    flash(ngettext("U logde in met een herstelcode. U heeft er nog %(num)d over.",
                                   "U logde in met een herstelcode. U heeft er nog %(num)d over.",
                                   left), "info")
                return complete_login(user, kind)
            record_failure(user.email)
            db.session.commit()
            form.code.errors.append(_("Deze code klopt niet (of is al gebruikt)."))
    return render_template("auth/second_factor.html", form=form)


@bp.route("/inloggen/tweestapsverificatie", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def enrol():
    """Set up the authenticator app: during a login that requires it (before the session
    exists), or from the account page."""
    user = _pending_user() or (db.session.get(User, current_user.id)
                               if current_user.is_authenticated else None)
    if user is None:
        return redirect(url_for("auth.login"))
    if user.two_factor:
        return redirect(url_for("account.overview") if current_user.is_authenticated
                        else url_for("auth.second_factor"))
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.confirm_enrolment(user, form.code.data)
        except ValueError:
            db.session.commit()  # audited
            form.code.errors.append(_("Deze code klopt niet. Controleer de tijd op uw telefoon "
                                      "en probeer de code die nu in de app staat."))
        else:
            db.session.commit()
            if current_user.is_authenticated:
                return render_template("auth/recovery_codes.html", codes=codes,
                                       next=url_for("account.overview"))
            complete_login(user, "tweestapsverificatie ingesteld")
            return render_template("auth/recovery_codes.html", codes=codes, next=home_for(user))
    secret = twofactor.begin_enrolment(user)
    db.session.commit()
    return render_template("auth/enrol.html", form=form, user=user, secret=secret,
                           qr=twofactor.qr_svg(user), required=twofactor.required_for(user))


@bp.route("/uitloggen", methods=["POST"])
def logout():
    """Ends this session on the server, so every copy of its cookie stops working."""
    if current_user.is_authenticated:  # read before the session ends
        audit.record(Actor.of(current_user), "user", current_user.id, "logout", None, None,
                     f"adres {client_address()}")
    sessions.end_session(session.get("sid"))
    db.session.commit()
    logout_user()
    _new_cookie()
    flash(_("U bent uitgelogd."), "info")
    return redirect(url_for("auth.login"))


def _new_password_page(token: str, salt: str, template: str, reason: str):
    user = read_password_token(token, salt)
    if user is None:
        abort(404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(user, form.password.data, form.repeat.data, reason=reason)
        except CaseError as error:
            getattr(form, error.field, form.password).errors.append(error.message)
        else:
            db.session.commit()
            return user, None
    return None, render_template(template, form=form, user=user)


@bp.route("/wachtwoord-instellen/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def set_password_page(token: str):
    """The invited user chooses a password; the link works once (404 after, as when forged)."""
    user, page = _new_password_page(token, "wachtwoord-instellen", "auth/set_password.html",
                                    "invitation")
    if page is not None:
        return page
    logout_user()
    flash(_("Uw wachtwoord is ingesteld. Voortaan logt u in met %(email)s en dit wachtwoord.",
            email=user.email), "info")
    if user.two_factor or twofactor.required_for(user):
        session["pending_login"] = {"u": user.id, "t": int(time.time())}
        return redirect(url_for("auth.second_factor"))
    return complete_login(user, "uitnodiging")


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def forgot_password():
    """A reset link by e-mail; the answer is the same whether the address has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        db.session.commit()
        flash(_("Als er een account is met dit e-mailadres, ontvangt u binnen enkele minuten een "
                "e-mail met een link om een nieuw wachtwoord te kiezen."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_password(token: str):
    """A new password through the mailed link (once, within PASSWORD_RESET_MINUTES); every
    session of the account ends, and the user logs in anew (with the second factor, if on)."""
    user, page = _new_password_page(token, RESET_SALT, "auth/reset_password.html", "reset")
    if page is not None:
        return page
    logout_user()
    _new_cookie()
    flash(_("Uw nieuwe wachtwoord is ingesteld. Log ermee in."), "info")
    return redirect(url_for("auth.login"))
