"""Quarters (kwartały): the period every snapshot and every published figure belongs to."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_LABEL = re.compile(r"(\d{4})-?Q([1-4])", re.IGNORECASE)


@dataclass(frozen=True, slots=True, order=True)
class Quarter:
    """A calendar quarter; ordered by time."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError("a quarter is numbered 1 to 4")
        if not 2000 <= self.year <= 2100:
            raise ValueError("year out of range")

    @classmethod
    def parse(cls, label: str) -> Quarter:
        """``2026-Q3`` (or ``2026Q3``, any case)."""
        match = _LABEL.fullmatch(label.strip())
        if match is None:
            raise ValueError("a quarter is written like 2026-Q3")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Quarter:
        """The quarter a day falls in."""
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def label(self) -> str:
        return f"{self.year}-Q{self.number}"

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - (self.number == 1), (self.number - 2) % 4 + 1)

    def back(self, count: int) -> list[Quarter]:
        """``count`` quarters ending with this one, oldest first."""
        quarters = [self]
        while len(quarters) < count:
            quarters.append(quarters[-1].previous())
        return quarters[::-1]

    def __str__(self) -> str:
        return self.label
