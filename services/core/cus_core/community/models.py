"""Community work (organizowanie społeczności lokalnej): volunteers and what they do,
self-help groups, neighbour support links and local events with their participants."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from cus_core.base import Recorded, TenantBase

VOLUNTEER_KINDS = ("event", "care", "household", "educational")


class Volunteer(Recorded, TenantBase):
    """A volunteer (wolontariusz) and the kinds of volunteering they do."""

    __tablename__ = "volunteer"
    __table_args__ = (
        CheckConstraint(
            "cardinality(kinds) > 0 AND kinds <@ ARRAY['event', 'care', 'household', "
            "'educational']::varchar[]",
            name="kinds_known",
        ),
        CheckConstraint("active_until IS NULL OR active_until >= active_since", name="period"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    given_name: Mapped[str] = mapped_column(String(100), nullable=False)
    family_name: Mapped[str] = mapped_column(String(100), nullable=False)
    phone: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(254))
    kinds: Mapped[list[str]] = mapped_column(ARRAY(String(16)), nullable=False)
    active_since: Mapped[date] = mapped_column(Date, nullable=False)
    active_until: Mapped[date | None] = mapped_column(Date)


class SelfHelpGroup(Recorded, TenantBase):
    """A self-help group (grupa samopomocowa) the OSL supports."""

    __tablename__ = "self_help_group"
    __table_args__ = (
        CheckConstraint("members >= 0", name="members_not_negative"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="period"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    topic: Mapped[str] = mapped_column(Text, nullable=False)
    members: Mapped[int] = mapped_column(Integer, nullable=False)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)


class NeighbourSupport(Recorded, TenantBase):
    """A neighbour-support link: a volunteer helping a resident nearby."""

    __tablename__ = "neighbour_support"
    __table_args__ = (
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="period"),
        Index("ix_neighbour_support_resident_id", "resident_id"),
        Index("ix_neighbour_support_volunteer_id", "volunteer_id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    volunteer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("volunteer.id"), nullable=False)
    resident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("resident.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)


class CommunityEvent(Recorded, TenantBase):
    """A local event (wydarzenie) with the number of participants and volunteers."""

    __tablename__ = "community_event"
    __table_args__ = (
        CheckConstraint("participants >= 0 AND volunteers >= 0", name="counts_not_negative"),
        Index("ix_community_event_held_on", "held_on"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    participants: Mapped[int] = mapped_column(Integer, nullable=False)
    volunteers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    self_help_group_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("self_help_group.id"))
    description: Mapped[str | None] = mapped_column(Text)
