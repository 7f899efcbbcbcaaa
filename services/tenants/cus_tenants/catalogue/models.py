"""Areas and the versioned catalogue of services of an agreement.

A service keeps its identity (``CatalogueService``) while its description changes in
versions (``ServiceVersion``): what was granted or programmed under a version keeps pointing
at it, so a change never rewrites the past.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cus_tenants.base import SharedBase, Timestamps


class CatalogueArea(SharedBase):
    """One of the 14 statutory areas (reference data written by the migration)."""

    __tablename__ = "catalogue_area"
    __table_args__ = (CheckConstraint("code BETWEEN 1 AND 14", name="closed_list"),)

    code: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    name_pl: Mapped[str] = mapped_column(String(80), nullable=False)
    name_en: Mapped[str] = mapped_column(String(80), nullable=False)
    name_uk: Mapped[str] = mapped_column(String(80), nullable=False)


class CatalogueService(Timestamps, SharedBase):
    """A service of an agreement's catalogue; what it is lives in its versions."""

    __tablename__ = "catalogue_service"
    __table_args__ = (UniqueConstraint("agreement_id", "code"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    agreement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement.id"), nullable=False, index=True
    )
    #: A short stable code within the agreement (e.g. "opieka-domowa").
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    versions: Mapped[list[ServiceVersion]] = relationship(
        back_populates="service", order_by="ServiceVersion.version", lazy="selectin"
    )

    @property
    def current(self) -> ServiceVersion:
        """The newest version."""
        return self.versions[-1]


class ServiceVersion(SharedBase):
    """What a service is, from a date on; never changed once written."""

    __tablename__ = "service_version"
    __table_args__ = (
        UniqueConstraint("service_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("unit IN ('hour', 'session', 'place_day', 'item')", name="unit_known"),
        CheckConstraint("cardinality(delivery_modes) >= 1", name="some_delivery_mode"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("catalogue_service.id"), nullable=False, index=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    area_code: Mapped[int] = mapped_column(ForeignKey("catalogue_area.code"), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Names and descriptions for the public page in English and Ukrainian (Polish if empty).
    name_en: Mapped[str | None] = mapped_column(String(200))
    name_uk: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, nullable=False)
    description_en: Mapped[str | None] = mapped_column(Text)
    description_uk: Mapped[str | None] = mapped_column(Text)
    target_group: Mapped[str] = mapped_column(Text, nullable=False)
    eligibility: Mapped[str] = mapped_column(Text, nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    delivery_modes: Mapped[list[str]] = mapped_column(ARRAY(String(32)), nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    service: Mapped[CatalogueService] = relationship(back_populates="versions")
