"""Declarative base of tenant tables: no schema in the models, so one SQL text serves every
gmina and the transaction's search_path (set with the tenant's role) picks the schema."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cus_shared import clock
from cus_shared.database.naming import CONSTRAINT_NAMING


class TenantBase(DeclarativeBase):
    """Tables that exist once in every gmina's schema."""

    metadata = MetaData(naming_convention=CONSTRAINT_NAMING)


class Recorded:
    """Who wrote a record and when (the audit log has the details of every access)."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=clock.now, nullable=False
    )
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
