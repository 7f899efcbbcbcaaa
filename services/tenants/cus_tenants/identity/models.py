"""Users of the platform and the roles they hold in scopes."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
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
    #: The TOTP secret (base32), encrypted with a key derived from the signing secret; set
    #: when enrolment starts, in use once ``totp_confirmed_at`` is set.
    totp_secret: Mapped[str | None] = mapped_column(String(200))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The 30-second step of the last code accepted: a code is never accepted twice.
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
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


class RecoveryCode(SharedBase):
    """A single-use recovery code of a user's second factor (Argon2id hash only)."""

    __tablename__ = "recovery_code"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("app_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(SharedBase):
    """Consecutive failed logins of one account (keyed by a hash of the e-mail typed, whether
    or not the account exists) or one client address, and until when it must wait."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_failure_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SessionRevocation(SharedBase):
    """An ended session (``session_id``) or all of a user's sessions begun at or before
    ``revoked_before``; read by every service (cus_shared.identity.revocation)."""

    __tablename__ = "session_revocation"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    session_id: Mapped[str | None] = mapped_column(String(64))
    revoked_before: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    reason: Mapped[str] = mapped_column(String(32), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, index=True
    )


class AuthEvent(SharedBase):
    """One event of the audit of authentication (cus_shared.identity.audit)."""

    __tablename__ = "auth_event"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    email_hash: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    route: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[int | None] = mapped_column(Integer)
