"""The portal's models, one module per area."""
from .accounts import ApiToken, LoginThrottle, RecoveryCode, User, UserSession
from .applications import Application, Attachment, IssueBatch
from .consent import ConsentRequest
from .documents import DocumentVersion
from .lab import LabRun, PolicyVariant
from .offers import AuditEntry, NegotiationRound, Notification, Offer, OfferTally, SimulationClock
from .providers import ContractHeld, DataStamp, ProfileScore, Provider
from .scheduling import ApschedulerJob, OutgoingMail, RateLimitCount, SchedulerLease, SchedulerState
from .shortages import Product, ProductPreference, Shortage, ShortageAlternative, ShortageVersion

__all__ = ["ApiToken", "LoginThrottle", "RecoveryCode", "User", "UserSession", "Application",
           "Attachment", "IssueBatch", "ConsentRequest", "DocumentVersion", "LabRun", "PolicyVariant",
           "AuditEntry",
           "NegotiationRound", "Notification", "Offer", "OfferTally", "SimulationClock",
           "ContractHeld", "DataStamp", "ProfileScore", "Provider", "ApschedulerJob",
           "OutgoingMail", "RateLimitCount", "SchedulerLease", "SchedulerState", "Product",
           "ProductPreference", "Shortage", "ShortageAlternative", "ShortageVersion"]
