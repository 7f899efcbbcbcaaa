"""API shapes of a gmina's programme of social services (PUS)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, field_validator


class ProgrammeIn(BaseModel):
    """A programme adopted by the gmina council's resolution, for a period, resting on a
    diagnosis of needs and potential."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=3, max_length=250)
    resolution_number: str = Field(min_length=1, max_length=60, description="e.g. XXV/187/2021")
    resolution_date: date
    period_start: date
    period_end: date
    diagnosis_date: date = Field(description="Date of the diagnosis of needs and potential")


class ProgrammePatch(BaseModel):
    """A change of a programme's facts; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str | None = Field(default=None, min_length=3, max_length=250)
    resolution_number: str | None = Field(default=None, min_length=1, max_length=60)
    resolution_date: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    diagnosis_date: date | None = None


class EstimateIn(BaseModel):
    """Estimated recipients of a service in one year of the programme."""

    model_config = ConfigDict(extra="forbid")

    year: int
    recipients: int


class IndicatorIn(BaseModel):
    """How the programme measures a service (e.g. "number of families who used it")."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=3, max_length=200)
    unit: str = Field(min_length=1, max_length=40, description="e.g. persons, events")
    target: int | None = None


class ProgrammeServiceIn(BaseModel):
    """A catalogue service (one version of it) taken into the programme, with the gmina's
    conditions, estimated recipients per year and indicators."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    service_version_id: UUID
    conditions: str | None = Field(default=None, max_length=4000)
    estimates: list[EstimateIn] = Field(default_factory=list, max_length=50)
    indicators: list[IndicatorIn] = Field(default_factory=list, max_length=20)

    @field_validator("conditions", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value


class ProgrammeWarning(BaseModel):
    """Something to attend to that does not stop the programme being recorded."""

    code: str
    message: str


class EstimateRead(BaseModel):
    """Estimated recipients in a year."""

    model_config = ConfigDict(from_attributes=True)

    year: int
    recipients: int


class IndicatorRead(BaseModel):
    """An indicator with its target."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    unit: str
    target: int | None


class ProgrammeServiceRead(BaseModel):
    """A service of the programme: the catalogue version it was taken in and the gmina's
    conditions, estimates and indicators."""

    id: UUID
    service_id: UUID
    service_version_id: UUID
    version: int
    code: str
    name: str
    area_code: int
    unit: str
    conditions: str | None
    estimates: list[EstimateRead]
    indicators: list[IndicatorRead]


class ProgrammeSummary(BaseModel):
    """A programme's facts, with warnings (e.g. a diagnosis older than 5 years)."""

    id: UUID
    teryt: str
    title: str
    resolution_number: str
    resolution_date: date
    period_start: date
    period_end: date
    diagnosis_date: date
    warnings: list[ProgrammeWarning]


class ProgrammeRead(ProgrammeSummary):
    """A programme with its services."""

    services: list[ProgrammeServiceRead]
