"""The append-only audit log: every state change writes one entry."""
from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..models import AuditEntry


@dataclass(frozen=True)
class Actor:
    """Who acts: a user (name and role, and the provider they work for) or the system."""

    name: str
    role: str
    provider_id: int | None = None

    @classmethod
    def of(cls, user) -> "Actor":
        return cls(user.email, user.role, user.provider_id)


SYSTEM = Actor("scheduler", "system")


def record(actor: Actor, entity: str, entity_id: int, action: str, from_state: str | None,
           to_state: str | None, reason: str = "") -> AuditEntry:
    entry = AuditEntry(actor=actor.name, role=actor.role, entity=entity, entity_id=entity_id,
                       action=action, from_state=from_state, to_state=to_state, reason=reason or "")
    db.session.add(entry)
    return entry
