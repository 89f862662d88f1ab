"""`portal users ...`: the admin's account actions for operators (thin over the operations): a
manager who lost the phone with the authenticator app, an account to close at once."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

OPERATOR = ("portal users", "admin")


def _user(email: str):
    from portal.operations.accounts import find_user

    user = find_user(email)
    if user is None:
        raise click.BadParameter(f"no user with e-mail address {email!r}", param_hint="--email")
    return user


def _done(message: str) -> None:
    from portal.extensions import db

    db.session.commit()
    click.echo(message)


@click.group()
def users():
    """Accounts: list them, deactivate or activate one, end its sessions, reset its two-factor."""


@users.command("list")
@click.option("--role", default=None, help="Only users of this role.")
@with_appcontext
def list_users(role: str | None):
    """Every account: e-mail, role, active, two-factor on, open sessions."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import User
    from portal.operations.sessions import open_sessions

    statement = select(User).order_by(User.email)
    if role:
        statement = statement.where(User.role == role)
    for user in db.session.scalars(statement):
        click.echo(f"{user.email}\t{user.role}\t{'actief' if user.active else 'inactief'}\t"
                   f"2fa {'aan' if user.two_factor else 'uit'}\t"
                   f"{len(open_sessions(user.id))} sessie(s)")


@users.command()
@click.option("--email", required=True)
@with_appcontext
def deactivate(email: str):
    """Close the account: no login, no API, every session ends at once."""
    from portal.operations.accounts import deactivate as close
    from portal.operations.audit import Actor

    user = _user(email)
    close(user, Actor(*OPERATOR))
    _done(f"{user.email}: gedeactiveerd, overal uitgelogd")


@users.command()
@click.option("--email", required=True)
@with_appcontext
def activate(email: str):
    """Open a deactivated account again."""
    from portal.operations.accounts import reactivate
    from portal.operations.audit import Actor

    user = _user(email)
    reactivate(user, Actor(*OPERATOR))
    _done(f"{user.email}: weer actief")


@users.command("logout-everywhere")
@click.option("--email", required=True)
@with_appcontext
def logout_everywhere(email: str):
    """End every session of the account."""
    from portal.operations.audit import Actor
    from portal.operations.sessions import log_out_everywhere

    user = _user(email)
    ended = log_out_everywhere(user, Actor(*OPERATOR))
    _done(f"{user.email}: {ended} sessie(s) beëindigd")


@users.command("reset-2fa")
@click.option("--email", required=True)
@with_appcontext
def reset_two_factor(email: str):
    """Clear the account's two-factor (a lost phone): where it is required, the user sets it up
    again at the next login. Every session ends."""
    from portal.operations import sessions, twofactor
    from portal.operations.audit import Actor

    user = _user(email)
    twofactor.turn_off(user, Actor(*OPERATOR))
    sessions.end_sessions(user.id, sessions.EVERYWHERE)
    _done(f"{user.email}: tweestapsverificatie gewist; bij de volgende login opnieuw instellen")
