"""Declarative base of the tables this service owns, all in the ``shared`` schema."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from cus_shared.database.naming import CONSTRAINT_NAMING, SHARED_SCHEMA


class SharedBase(DeclarativeBase):
    """Tables of the shared schema (no personal data of residents here)."""

    metadata = MetaData(schema=SHARED_SCHEMA, naming_convention=CONSTRAINT_NAMING)


class Timestamps:
    """Creation and last-change times, zone-aware."""

    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )
