"""An audit entry: who did what to which record, when, in which request. Append-only: the
tenant role may insert and select, never update or delete (enforced by grants)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, Uuid, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cus_core.base import TenantBase


class AuditEntry(TenantBase):
    """One access to personal data (dziennik dostępu)."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_entity_id_occurred_at", "entity_id", "occurred_at"),
        # The desk: what a person opened lately, and accesses of the last days.
        Index("ix_audit_log_actor_id_occurred_at", "actor_id", "occurred_at"),
        Index("ix_audit_log_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    actor_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    actor_roles: Mapped[str] = mapped_column(String(200), nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)
    entity: Mapped[str] = mapped_column(String(40), nullable=False)
    entity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    request_id: Mapped[str] = mapped_column(String(64), nullable=False)
    #: Field names and counts only, never values.
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
