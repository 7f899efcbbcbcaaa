"""API shapes of the catalogue: the 14 areas and the versioned services of an agreement."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from cus_tenants.catalogue.vocabulary import DeliveryMode, ServiceUnit

_UNITS: list[JsonValue] = [u.value for u in ServiceUnit]
_MODES: list[JsonValue] = [m.value for m in DeliveryMode]


class AreaRead(BaseModel):
    """A statutory area of social services (art. 2 ust. 1 of the Act), closed list 1–14."""

    model_config = ConfigDict(from_attributes=True)

    code: int
    name_pl: str
    name_en: str
    name_uk: str


class ServiceVersionIn(BaseModel):
    """What a service is from ``valid_from`` on; a new version never changes older ones.

    ``unit``, ``delivery_modes`` and ``area_code`` are checked against the closed lists by
    the service (with their own messages), so plain values are taken here.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    area_code: int = Field(description="Statutory area, 1–14")
    name: str = Field(min_length=3, max_length=200)
    name_en: str | None = Field(default=None, max_length=200)
    name_uk: str | None = Field(default=None, max_length=200)
    description: str = Field(min_length=3, max_length=4000)
    description_en: str | None = Field(default=None, max_length=4000)
    description_uk: str | None = Field(default=None, max_length=4000)
    target_group: str = Field(min_length=3, max_length=2000)
    eligibility: str = Field(min_length=3, max_length=2000)
    unit: str = Field(max_length=16, json_schema_extra={"enum": _UNITS})
    delivery_modes: list[str] = Field(
        max_length=len(_MODES), json_schema_extra={"items": {"type": "string", "enum": _MODES}}
    )
    valid_from: date

    @field_validator("name_en", "name_uk", "description_en", "description_uk", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        """An empty translation is no translation (the Polish text is shown)."""
        if isinstance(value, str) and not value.strip():
            return None
        return value


class ServiceCreate(ServiceVersionIn):
    """A new service of the catalogue with its first version."""

    code: str = Field(
        min_length=2,
        max_length=40,
        description="Short stable code within the agreement: a–z, digits and dashes",
    )


class ServiceVersionRead(BaseModel):
    """One version of a service, as written."""

    model_config = ConfigDict(from_attributes=True)

    id: UUID
    version: int
    area_code: int
    name: str
    name_en: str | None
    name_uk: str | None
    description: str
    description_en: str | None
    description_uk: str | None
    target_group: str
    eligibility: str
    unit: str
    delivery_modes: list[str]
    valid_from: date
    created_at: datetime


class ServiceSummary(BaseModel):
    """A service of the catalogue with its current (newest) version."""

    id: UUID
    agreement_id: UUID
    code: str
    version_count: int
    current: ServiceVersionRead


class ServiceRead(ServiceSummary):
    """A service with every version, oldest first."""

    versions: list[ServiceVersionRead]
