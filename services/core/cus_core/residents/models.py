"""Residents and households. Personal data: lives only in the gmina's schema."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from cus_core.base import TenantBase


def _now() -> datetime:
    return datetime.now(UTC)


class Household(TenantBase):
    """A household (gospodarstwo domowe): residents who live and keep house together."""

    __tablename__ = "household"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, nullable=False
    )


class Resident(TenantBase):
    """A resident (mieszkaniec) known to the CUS. PESEL is optional: refugees may have none."""

    __tablename__ = "resident"
    __table_args__ = (
        CheckConstraint(r"pesel IS NULL OR pesel ~ '^\d{11}$'", name="pesel_format"),
        CheckConstraint("sex IS NULL OR sex IN ('F', 'M')", name="sex_known"),
        Index(
            "uq_resident_pesel", "pesel", unique=True, postgresql_where=text("pesel IS NOT NULL")
        ),
        Index("ix_resident_family_name_given_name", "family_name", "given_name"),
        Index(
            "ix_resident_search_name",
            text("lower(family_name) text_pattern_ops"),
        ),
        Index("ix_resident_household_id", "household_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    family_name: Mapped[str] = mapped_column(String(100), nullable=False)
    pesel: Mapped[str | None] = mapped_column(String(11))
    birth_date: Mapped[date] = mapped_column(Date, nullable=False)
    sex: Mapped[str | None] = mapped_column(String(1))
    street: Mapped[str | None] = mapped_column(String(120))
    building_no: Mapped[str | None] = mapped_column(String(10))
    apartment_no: Mapped[str | None] = mapped_column(String(10))
    postal_code: Mapped[str | None] = mapped_column(String(6))
    city: Mapped[str | None] = mapped_column(String(80))
    preferred_language: Mapped[str] = mapped_column(String(5), nullable=False, default="pl")
    household_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("household.id", ondelete="SET NULL")
    )
    household_role: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now, nullable=False
    )

    __mapper_args__ = {"version_id_col": version}
