"""Users of the portal: provider staff (user or signatory), contract managers, advisors and admins."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .documents import utcnow
from .providers import Provider


class User(UserMixin, db.Model):
    """A person who logs in. Provider staff belong to one provider organisation."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    #: A slug of contracts.offers.Role (not `system`), or `adviseur`: the insurer's advisor who
    #: decides consent and authorisation requests (portal.web.ADVISORS).
    role: Mapped[str] = mapped_column(String(30))
    #: The organisation of provider staff; None for the insurer's staff.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    provider: Mapped[Provider | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot log in
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_provider_staff(self) -> bool:
        return self.provider_id is not None
