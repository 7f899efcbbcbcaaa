"""A gmina in the registry: the tenant key and its lifecycle."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from cus_tenants.base import SharedBase, Timestamps


class GminaStatus(StrEnum):
    """Lifecycle of a tenant."""

    PROVISIONING = "provisioning"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    #: Left its agreement: data removed from service after a verified backup (operations).
    ARCHIVED = "archived"


class Gmina(Timestamps, SharedBase):
    """A gmina (municipality) identified by its TERYT TERC code."""

    __tablename__ = "gmina"
    __table_args__ = (
        CheckConstraint(r"teryt ~ '^\d{7}$'", name="teryt_format"),
        CheckConstraint(
            "status IN ('provisioning', 'active', 'suspended', 'archived')", name="status_known"
        ),
    )

    teryt: Mapped[str] = mapped_column(String(7), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    status: Mapped[str] = mapped_column(
        String(16), nullable=False, default=GminaStatus.PROVISIONING.value
    )
    #: The tenant tree revision the schema is at, written in the same transaction as the
    #: migration itself, so one query tells which tenants are behind.
    schema_revision: Mapped[str | None] = mapped_column(String(64), nullable=True)
    suspended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def voivodeship(self) -> str:
        """Two-digit voivodeship code."""
        return self.teryt[:2]
