"""Disclosure control (kontrola ujawniania) of every table the reporting service publishes."""

from cus_reporting.disclosure.control import (
    DEFAULT_MIN_CONTRIBUTORS,
    DEFAULT_THRESHOLD,
    Cell,
    InconsistentMarginsError,
    Policy,
    ProtectedTable,
    Reason,
    Table,
    protect,
    protect_linked,
    protect_together,
    regional_aggregate,
    transposed,
)

__all__ = [
    "DEFAULT_MIN_CONTRIBUTORS",
    "DEFAULT_THRESHOLD",
    "Cell",
    "InconsistentMarginsError",
    "Policy",
    "ProtectedTable",
    "Reason",
    "Table",
    "protect",
    "protect_linked",
    "protect_together",
    "regional_aggregate",
    "transposed",
]
