"""`portal api ...`: bearer tokens for the JSON API."""
from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.group()
def api():
    """The JSON API under /api/v1."""


@api.command()
@click.option("--email", required=True, help="The user's e-mail address.")
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True,
              help="How long the token is valid.")
@with_appcontext
def token(email: str, days: int):
    """Print a bearer token for a user (send it as `Authorization: Bearer <token>`).

    Changing the user's password revokes it."""
    from sqlalchemy import func, select

    from portal.api.tokens import issue_token
    from portal.extensions import db
    from portal.models import User

    user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        raise click.BadParameter(f"no user with e-mail address {email!r}", param_hint="--email")
    if not user.active:
        raise click.BadParameter(f"the account of {email!r} is inactive", param_hint="--email")
    click.echo(issue_token(user, days))
