"""API shapes of the gmina registry."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class GminaCreate(BaseModel):
    """Register a gmina and provision its schema."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    teryt: str = Field(min_length=1, max_length=7, description="TERYT TERC code, 7 digits")
    name: str = Field(min_length=2, max_length=120)


class GminaRead(BaseModel):
    """A gmina as the registry holds it."""

    model_config = ConfigDict(from_attributes=True)

    teryt: str
    name: str
    voivodeship: str
    status: str
    schema_revision: str | None
    created_at: datetime
    suspended_at: datetime | None


class GminaPage(BaseModel):
    """One page of gminy."""

    items: list[GminaRead]
    total: int
    limit: int
    offset: int
