"""Changes to the inbox: marking a message read."""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Notification
from . import audit, clock
from .audit import Actor
from .offers import NotFound


def mark_read(notification_id: int, actor: Actor) -> Notification:
    """Mark one of the actor's organisation's messages read (once; marking again changes nothing)."""
    message = db.session.scalar(select(Notification).where(
        Notification.id == notification_id, Notification.provider_id == actor.provider_id,
        Notification.provider_id.is_not(None)))
    if message is None:
        raise NotFound(f"notification {notification_id}")
    if message.read_at is None:
        message.read_at = clock.now()
        audit.record(actor, "notification", message.id, "read", "ongelezen", "gelezen")
        db.session.flush()
    return message
