"""API shapes of community work: volunteers, self-help groups, neighbour support, events."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=254)]


class VolunteerKind(StrEnum):
    """Kinds of volunteering (the indicators count volunteers by kind)."""

    EVENT = "event"
    CARE = "care"
    HOUSEHOLD = "household"
    EDUCATIONAL = "educational"


class VolunteerCreate(BaseModel):
    """A new volunteer and what they do."""

    model_config = ConfigDict(extra="forbid")

    given_name: Name
    family_name: Name
    phone: Phone | None = None
    email: Email | None = None
    kinds: list[VolunteerKind] = Field(min_length=1)
    active_since: date


class VolunteerUpdate(BaseModel):
    """Changes to a volunteer (only the fields sent)."""

    model_config = ConfigDict(extra="forbid")

    given_name: Name | None = None
    family_name: Name | None = None
    phone: Phone | None = None
    email: Email | None = None
    kinds: list[VolunteerKind] | None = Field(default=None, min_length=1)


class VolunteerEnd(BaseModel):
    """The last day a volunteer was active."""

    model_config = ConfigDict(extra="forbid")

    active_until: date


class VolunteerRead(BaseModel):
    """A volunteer as recorded."""

    id: UUID
    given_name: str
    family_name: str
    phone: str | None
    email: str | None
    kinds: list[str]
    active_since: date
    active_until: date | None


class GroupCreate(BaseModel):
    """A self-help group the OSL supports."""

    model_config = ConfigDict(extra="forbid")

    name: Title
    topic: Text
    members: int = Field(ge=0, le=100_000)
    started_on: date


class GroupEnd(BaseModel):
    """The day a self-help group ended."""

    model_config = ConfigDict(extra="forbid")

    ended_on: date


class GroupRead(BaseModel):
    """A self-help group."""

    id: UUID
    name: str
    topic: str
    members: int
    started_on: date
    ended_on: date | None


class SupportCreate(BaseModel):
    """A volunteer starting to help a resident nearby."""

    model_config = ConfigDict(extra="forbid")

    volunteer_id: UUID
    resident_id: UUID
    kind: VolunteerKind
    description: Text | None = None
    started_on: date


class SupportEnd(BaseModel):
    """The day a neighbour-support link ended."""

    model_config = ConfigDict(extra="forbid")

    ended_on: date


class SupportRead(BaseModel):
    """A neighbour-support link with the names of both people."""

    id: UUID
    volunteer_id: UUID
    volunteer_name: str
    resident_id: UUID
    resident_name: str
    kind: str
    description: str | None
    started_on: date
    ended_on: date | None


class EventCreate(BaseModel):
    """A local event and how many took part."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    held_on: date
    participants: int = Field(ge=0, le=1_000_000)
    volunteers: int = Field(default=0, ge=0, le=100_000)
    self_help_group_id: UUID | None = None
    description: Text | None = None


class EventRead(BaseModel):
    """A local event."""

    id: UUID
    title: str
    held_on: date
    participants: int
    volunteers: int
    self_help_group_id: UUID | None
    description: str | None


class CommunitySummary(BaseModel):
    """Counts of a year's community work (they feed the indicators)."""

    year: int
    volunteers: int
    volunteers_by_kind: dict[str, int]
    groups: int
    group_members: int
    neighbour_support: int
    events: int
    event_participants: int
    event_volunteers: int
