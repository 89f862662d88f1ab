"""Renewing a provider's agenda feed link: the old link stops working, a new one takes its place.

The link signs the provider and its feed generation (portal.feeds); raising the generation is
all it takes to refuse every link made before, wherever it was pasted or forwarded.
"""
from __future__ import annotations

from sqlalchemy import update

from ..extensions import db
from ..models import Provider
from . import audit
from .audit import Actor


class NoSuchProvider(LookupError):
    """The provider does not exist."""


def renew_feed(provider_id: int, actor: Actor) -> int:
    """Raise the provider's feed generation (so every earlier link answers 404); the new one.
    One statement, so two renewals at once give two generations, each audited."""
    generation = db.session.scalar(
        update(Provider).where(Provider.id == provider_id)
        .values(feed_generation=Provider.feed_generation + 1)
        .returning(Provider.feed_generation))
    if generation is None:
        raise NoSuchProvider(provider_id)
    audit.record(actor, "provider", provider_id, "feed_renewed", str(generation - 1),
                 str(generation), "agendalink vernieuwd; de vorige werkt niet meer")
    return generation
