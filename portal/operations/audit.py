"""The append-only audit log: every state change writes one entry."""
from __future__ import annotations

from dataclasses import dataclass

from ..extensions import db
from ..models import AuditEntry
from ..models.documents import utcnow

#: What the entries about these records carry the wall clock for: signing in, passwords, two-factor
#: and API tokens are read by an admin beside server logs and by the session and token checks, which
#: run on real time. Every other entry is a business fact on the simulated clock (the column's default).
WALL_CLOCK_ENTITIES = frozenset({"user", "api_token"})


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
    if entity in WALL_CLOCK_ENTITIES:
        entry.at = utcnow()
    db.session.add(entry)
    return entry
