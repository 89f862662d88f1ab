"""Loading one record for an actor: what they may not see does not exist for them."""
from __future__ import annotations

from typing import Iterable, TypeVar

from sqlalchemy import select

from ..extensions import db
from .audit import Actor

Model = TypeVar("Model")


class NotFound(LookupError):
    """No such record, or one of another organisation (which must look the same)."""


def load_scoped(model: type[Model], record_id: int, actor: Actor, *, insurer_roles: Iterable[str],
                lock: bool = False) -> Model:
    """The record of `model` with this id, if the actor may see it: provider staff their own
    organisation's (the model's `provider_id`), the insurer's staff with one of `insurer_roles`
    every one, anyone else none. NotFound otherwise, as for a record that does not exist.
    `lock`: the row is locked for the rest of the transaction (PostgreSQL; SQLite serialises
    writers)."""
    name = f"{model.__tablename__} {record_id}"
    if actor.provider_id is None and actor.role not in tuple(insurer_roles):
        raise NotFound(name)
    query = select(model).where(model.id == record_id)
    if actor.provider_id is not None:
        query = query.where(model.provider_id == actor.provider_id)
    if lock:
        query = query.with_for_update()
    found = db.session.scalar(query)
    if found is None:
        raise NotFound(name)
    return found
