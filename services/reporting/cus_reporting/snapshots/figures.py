"""What a snapshot holds: one figure of one indicator, for one gmina (or one agreement's
budget), one quarter, one breakdown member and one category."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Figure:
    """One aggregate. Never a resident's identifier: counts, sums, medians, ratios only.

    ``breakdown`` is "" for the gmina's (agreement's) total, else a
    :class:`~cus_reporting.indicators.definitions.Breakdown` value other than the "where"
    ones (gmina, agreement, region, quarter), and ``member`` its member ("" with no breakdown).
    ``category`` is one of the indicator's categories ("" when it has none).
    """

    indicator: str
    value: Decimal
    breakdown: str = ""
    member: str = ""
    category: str = ""
    #: Ratios: the denominator (``value`` is the numerator), so regions can add both up.
    denominator: Decimal | None = None
    #: Medians: days -> number of cases, so that a region's median is the true one.
    histogram: dict[int, int] = field(default_factory=dict)
