"""The user's own account: password, two-factor login, open sessions; and the admin's view of
every account (deactivate, log out everywhere, reset two-factor) and of the sign-in events."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select

from contracts.errors import CaseError

from ..extensions import db
from ..models import AuditEntry, User, UserSession
from ..operations import sessions, twofactor
from ..operations.accounts import change_password, deactivate, reactivate
from ..web import AUDIT_ACTIONS, current_actor, roles_required, session_limits
from ..auth.forms import ChangePasswordForm
from .routes import bp

def _l(text: str) -> str:
    """Marks a word for the catalogue; translated when the page is shown."""
    return text


#: The audit actions of signing in and of the account layer, shown to admins, in their words
#: (the words are the portal's one vocabulary of audit actions, portal.web.AUDIT_ACTIONS).
AUTH_ACTIONS = ("login", "login_failed", "logout", "logout_everywhere", "2fa_enrolled", "2fa_used",
                "2fa_failed", "recovery_code_used", "2fa_disabled", "password_changed",
                "password_set", "password_reset", "password_reset_requested", "token_issued",
                "token_revoked", "deactivated", "reactivated")
AUTH_EVENTS = {action: AUDIT_ACTIONS[action] for action in AUTH_ACTIONS}
#: The roles of the accounts, as the admin reads them.
ROLE_NAMES = {"contract_manager": _l("contractmanager"), "admin": _l("beheerder"),
              "adviseur": _l("adviseur"), "provider_user": _l("medewerker"),
              "provider_signatory": _l("tekenbevoegde")}
PAGE = 50


def _page() -> int:
    """The page asked for, 1 to a million (an offset beyond that is no page, and the database's
    integers end somewhere)."""
    return min(max(1, request.args.get("pagina", 1, type=int) or 1), 10**6)


def _me() -> User:
    return db.session.get(User, current_user.id)


@bp.route("/")
@login_required
def overview():
    user = _me()
    _idle, lifetime = session_limits(user.role)
    started_after = sessions.utcnow() - timedelta(seconds=lifetime)
    return render_template("account/overview.html", user=user,
                           sessions=sessions.open_sessions(user.id, started_after=started_after),
                           this_session=sessions.token_hash(session.get("sid", "")),
                           required=twofactor.required_for(user),
                           codes_left=twofactor.remaining_recovery_codes(user) if user.two_factor else 0,
                           form=FlaskForm())


@bp.route("/wachtwoord", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            ended = change_password(_me(), form.current.data, form.password.data, form.repeat.data,
                                    keep_session=session.get("sid"))
        except CaseError as error:
            getattr(form, error.field, form.password).errors.append(error.message)
        else:
            db.session.commit()
            flash(ngettext("Uw wachtwoord is gewijzigd. %(num)d andere sessie is beëindigd.",
                           "Uw wachtwoord is gewijzigd. %(num)d andere sessies zijn beëindigd.",
                           ended), "success")
            return redirect(url_for("account.overview"))
    return render_template("account/password.html", form=form)


@bp.route("/overal-uitloggen", methods=["POST"])
@login_required
def log_out_everywhere():
    """Every other session of this account ends (a lost laptop, a shared computer)."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    ended = sessions.log_out_everywhere(_me(), current_actor(), keep=session.get("sid"))
    db.session.commit()
    flash(ngettext("%(num)d andere sessie is beëindigd.", "%(num)d andere sessies zijn beëindigd.",
                   ended), "success")
    return redirect(url_for("account.overview"))


@bp.route("/tweestapsverificatie/uit", methods=["POST"])
@login_required
def two_factor_off():
    user = _me()
    if not FlaskForm().validate_on_submit():
        abort(400)
    if twofactor.required_for(user):
        flash(_("Voor uw rol is tweestapsverificatie verplicht; u kunt haar niet uitzetten."),
              "error")
    else:
        twofactor.turn_off(user, current_actor())
        db.session.commit()
        flash(_("Tweestapsverificatie staat uit."), "info")
    return redirect(url_for("account.overview"))


@bp.route("/tweestapsverificatie/herstelcodes", methods=["POST"])
@login_required
def new_recovery_codes():
    user = _me()
    if not FlaskForm().validate_on_submit() or not user.two_factor:
        abort(400)
    codes = twofactor.new_recovery_codes(user)
    db.session.commit()
    return render_template("auth/recovery_codes.html", codes=codes,
                           next=url_for("account.overview"))


# The admin's view -------------------------------------------------------------------------------

@bp.route("/beheer/gebruikers")
@roles_required("admin")
def users():
    query = request.args.get("q", "").strip()[:200]
    statement = (select(User, func.count(UserSession.id))
                 .outerjoin(UserSession, (UserSession.user_id == User.id)
                            & UserSession.ended_at.is_(None))
                 .group_by(User.id).order_by(User.email))
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(or_(func.lower(User.email).like(pattern),
                                        func.lower(User.name).like(pattern)))
    page = _page()
    rows = db.session.execute(statement.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template("account/users.html", rows=rows[:PAGE], more=len(rows) > PAGE,
                           page=page, q=query, form=FlaskForm(),
                           required_roles=current_app.config["TWO_FACTOR_REQUIRED_ROLES"],
                           role_names={key: _(text) for key, text in ROLE_NAMES.items()})


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/beheer/gebruikers/<int:user_id>/<action>", methods=["POST"])
@roles_required("admin")
def user_action(user_id: int, action: str):
    """deactiveren, activeren, overal-uitloggen, tweestaps-opnieuw: each ends what it must."""
    user = _user_or_404(user_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id and action == "deactiveren":
        flash(_("U kunt uw eigen account niet deactiveren."), "error")
        return redirect(url_for("account.users"))
    if action == "deactiveren":
        deactivate(user, current_actor())
        message = _("%(email)s is gedeactiveerd en overal uitgelogd.", email=user.email)
    elif action == "activeren":
        reactivate(user, current_actor())
        message = _("%(email)s is weer actief.", email=user.email)
    elif action == "overal-uitloggen":
        sessions.log_out_everywhere(user, current_actor())
        message = _("%(email)s is overal uitgelogd.", email=user.email)
    elif action == "tweestaps-opnieuw":
        twofactor.turn_off(user, current_actor())
        sessions.end_sessions(user.id, sessions.EVERYWHERE)
        message = _("De tweestapsverificatie van %(email)s is gewist; bij de volgende login "
                    "stelt hij of zij haar opnieuw in.", email=user.email)
    else:
        abort(404)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("account.users", q=request.args.get("q", "")))


@bp.route("/beheer/aanmeldingen")
@roles_required("admin")
def sign_ins():
    """The sign-in events of every account (login, failures, logout, two-factor, passwords,
    tokens), newest first, filtered by address."""
    query = request.args.get("q", "").strip()[:200]
    statement = (select(AuditEntry).where(AuditEntry.action.in_(AUTH_ACTIONS))
                 .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    if query:
        statement = statement.where(func.lower(AuditEntry.actor).like(f"%{query.lower()}%"))
    page = _page()
    entries = db.session.scalars(statement.limit(PAGE + 1).offset((page - 1) * PAGE)).all()
    return render_template("account/sign_ins.html", entries=entries[:PAGE],
                           more=len(entries) > PAGE, page=page, q=query,
                           auth_events={key: _(text) for key, text in AUTH_EVENTS.items()})
