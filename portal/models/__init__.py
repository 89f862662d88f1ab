"""The portal's models, one module per area."""
from .accounts import User
from .documents import DocumentVersion
from .offers import AuditEntry, NegotiationRound, Notification, Offer, SimulationClock
from .providers import ContractHeld, ProfileScore, Provider

__all__ = ["AuditEntry", "ContractHeld", "DocumentVersion", "NegotiationRound", "Notification",
           "Offer", "ProfileScore", "Provider", "SimulationClock", "User"]
