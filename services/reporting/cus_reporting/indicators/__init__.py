"""Indicator definitions (wskaźniki) of the reporting service and the residents' age bands."""

from cus_reporting.indicators.definitions import (
    INDICATORS,
    REGISTRY,
    AgeBand,
    Breakdown,
    Indicator,
    Kind,
    Unit,
    age_band,
    age_on,
)

__all__ = [
    "INDICATORS",
    "REGISTRY",
    "AgeBand",
    "Breakdown",
    "Indicator",
    "Kind",
    "Unit",
    "age_band",
    "age_on",
]
