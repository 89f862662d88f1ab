"""`portal api ...`: bearer tokens for the JSON API: issue, list, revoke."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

#: Who acts when a token is issued or revoked from the command line (the audit's actor).
OPERATOR = "portal-cli"


@click.group()
def api():
    """The JSON API under /api/v1."""


def _user(email: str):
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.BadParameter(f"no user with e-mail address {email!r}", param_hint="--email")
    return user


def _active_user(email: str):
    user = _user(email)
    if not user.active:
        raise click.BadParameter(f"the account of {email!r} is inactive", param_hint="--email")
    return user


def _operator():
    from portal.operations.audit import Actor
    return Actor(OPERATOR, "admin")


@api.command()
@click.option("--email", required=True, help="The user's e-mail address.")
@click.option("--name", default="CLI", show_default=True,
              help="What the token is for, to tell it apart in the list.")
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True,
              help="How long the token is valid.")
@with_appcontext
def token(email: str, name: str, days: int):
    """Print a new bearer token for a user (send it as `Authorization: Bearer <token>`).

    It is shown this once: the portal keeps only its hash. `portal api revoke` ends it."""
    from portal.extensions import db
    from portal.operations.tokens import issue_token

    user = _active_user(email)
    try:
        _token, secret = issue_token(user, name, days, actor=_operator())
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--name") from None
    db.session.commit()
    click.echo(secret)


@api.command()
@click.option("--email", required=True, help="The user's e-mail address.")
@with_appcontext
def tokens(email: str):
    """List a user's tokens (id, first characters, status, expiry, last use, name)."""
    from portal.operations.tokens import expires_at, status_of, tokens_of

    for item in tokens_of(_user(email)):
        used = item.last_used_at.strftime("%Y-%m-%d %H:%M") if item.last_used_at else "-"
        click.echo(f"{item.id:>5}  {item.prefix:<12} {status_of(item):<12} "
                   f"{expires_at(item):%Y-%m-%d}  {used:<16}  {item.name}")


@api.command()
@click.option("--id", "token_id", type=click.IntRange(1, 2**31 - 1), required=True,
              help="The token's id (`portal api tokens`).")
@with_appcontext
def revoke(token_id: int):
    """Revoke a token: it stops working at once."""
    from portal.extensions import db
    from portal.models import ApiToken
    from portal.operations.tokens import revoke_token

    item = db.session.get(ApiToken, token_id)
    if item is None:
        raise click.BadParameter(f"no token with id {token_id}", param_hint="--id")
    revoked = revoke_token(item, _operator())
    db.session.commit()
    click.echo(f"revoked {item.prefix}… ({item.name})" if revoked
               else f"{item.prefix}… ({item.name}) was revoked already")
