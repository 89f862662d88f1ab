"""What the manager's views share: the offer statuses as the life cycle orders them, and which
offers and applications still wait for an answer."""
from __future__ import annotations

from contracts.offers import OPEN, OfferStatus

from ..operations.deadlines import APPLICATION_OPEN

#: Offer statuses in life-cycle order (the dashboard's columns and the chart's segments).
STATUSES = tuple(status.value for status in OfferStatus)
#: The statuses of an offer still awaiting an answer, in that order.
OPEN_STATUSES = tuple(status for status in STATUSES if status in OPEN)
#: The statuses of an application still awaiting the insurer's answer.
OPEN_APPLICATIONS = APPLICATION_OPEN
