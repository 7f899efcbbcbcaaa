"""A gmina's programme of social services (PUS): adopted by council resolution for a period,
listing catalogue services (by version) with the gmina's conditions, estimates, indicators."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cus_tenants.base import SharedBase, Timestamps


class Programme(Timestamps, SharedBase):
    """Program usług społecznych of one gmina."""

    __tablename__ = "programme"
    __table_args__ = (CheckConstraint("period_end >= period_start", name="period_order"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    teryt: Mapped[str] = mapped_column(ForeignKey("gmina.teryt"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(250), nullable=False)
    resolution_number: Mapped[str] = mapped_column(String(60), nullable=False)
    resolution_date: Mapped[date] = mapped_column(Date, nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    #: The diagnosis of needs and potential it rests on (to be renewed every 5 years).
    diagnosis_date: Mapped[date] = mapped_column(Date, nullable=False)
    services: Mapped[list[ProgrammeService]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", lazy="selectin"
    )


class ProgrammeService(SharedBase):
    """A catalogue service (one version of it) in a programme, with the gmina's conditions."""

    __tablename__ = "programme_service"
    __table_args__ = (UniqueConstraint("programme_id", "service_version_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    programme_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    service_version_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("service_version.id"), nullable=False, index=True
    )
    conditions: Mapped[str | None] = mapped_column(Text)
    programme: Mapped[Programme] = relationship(back_populates="services")
    estimates: Mapped[list[ProgrammeEstimate]] = relationship(
        cascade="all, delete-orphan", order_by="ProgrammeEstimate.year", lazy="selectin"
    )
    indicators: Mapped[list[ProgrammeIndicator]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )


class ProgrammeEstimate(SharedBase):
    """Estimated recipients of a service in one year of the programme."""

    __tablename__ = "programme_estimate"
    __table_args__ = (
        UniqueConstraint("programme_service_id", "year"),
        CheckConstraint("recipients >= 0", name="recipients_not_negative"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    programme_service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("programme_service.id", ondelete="CASCADE"), nullable=False, index=True
    )
    year: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    recipients: Mapped[int] = mapped_column(Integer, nullable=False)


class ProgrammeIndicator(SharedBase):
    """How the programme measures a service (e.g. "number of families who used it")."""

    __tablename__ = "programme_indicator"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    programme_service_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("programme_service.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    unit: Mapped[str] = mapped_column(String(40), nullable=False)
    target: Mapped[int | None] = mapped_column(Integer)
