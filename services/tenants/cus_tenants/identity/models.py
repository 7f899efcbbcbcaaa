"""Users of the platform and the roles they hold in scopes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cus_tenants.base import SharedBase, Timestamps


class User(Timestamps, SharedBase):
    """A person who logs in: CUS staff, partner staff, ROPS supervisor or operator."""

    __tablename__ = "app_user"
    __table_args__ = (Index("uq_app_user_email_lower", func.lower("email"), unique=True),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Second factor (TOTP) comes later; the column is here so the shape does not change.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )


class Membership(SharedBase):
    """(user, scope, role): e.g. a KIPUS in gmina 3010052, an OUS for a whole agreement."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "scope", "scope_id", "role"),
        CheckConstraint(
            "scope IN ('gmina', 'agreement', 'partner', 'region', 'platform')", name="scope_known"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    scope: Mapped[str] = mapped_column(String(16), nullable=False)
    scope_id: Mapped[str] = mapped_column(String(64), nullable=False)
    role: Mapped[str] = mapped_column(String(40), nullable=False)
    granted_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    user: Mapped[User] = relationship(back_populates="memberships")
