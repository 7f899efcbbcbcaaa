"""API shapes of inter-municipal agreements."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class MemberIn(BaseModel):
    """A gmina joining the agreement for a period."""

    model_config = ConfigDict(extra="forbid")

    teryt: str = Field(min_length=1, max_length=7)
    joined_on: date
    left_on: date | None = None


class AgreementCreate(BaseModel):
    """A new agreement; a gminny CUS is an agreement with one member."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=3, max_length=200)
    lead_teryt: str = Field(min_length=1, max_length=7)
    signed_on: date | None = None
    members: list[MemberIn] = Field(min_length=1, max_length=200)


class MemberRead(BaseModel):
    """A membership period."""

    model_config = ConfigDict(from_attributes=True)

    teryt: str
    joined_on: date
    left_on: date | None


class AgreementRead(BaseModel):
    """An agreement with its members."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    name: str
    lead_teryt: str
    signed_on: date | None
    members: list[MemberRead]
