"""Declarative base of tenant tables: no schema in the models, so one SQL text serves every
gmina and the transaction's search_path (set with the tenant's role) picks the schema."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, MetaData, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cus_shared import clock

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TenantBase(DeclarativeBase):
    """Tables that exist once in every gmina's schema."""

    metadata = MetaData(naming_convention=NAMING)


class Recorded:
    """Who wrote a record and when (the audit log has the details of every access)."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=clock.now, nullable=False
    )
    created_by: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
