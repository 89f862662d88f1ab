"""Bearer tokens for tests: one helper, so every API test gets its token the way the portal
issues one (portal.operations.tokens), never by signing a payload of its own."""
from __future__ import annotations


def issue_secret(user, days: int = 30, name: str = "test") -> str:
    """A new token of `user`, committed, so an API request that rolls back keeps it."""
    from portal.extensions import db
    from portal.operations.tokens import issue_token

    _token, secret = issue_token(user, name, days)
    db.session.commit()
    return secret


def bearer(user, days: int = 30, name: str = "test") -> dict:
    """The Authorization header of a new token of `user`."""
    return {"Authorization": f"Bearer {issue_secret(user, days, name)}"}
