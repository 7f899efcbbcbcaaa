"""How long operations tell the command line where they are: steps, and counts of done work.

The operations call a ``Reporter``; the command line draws it with rich, the tests ignore it.
"""

from __future__ import annotations


class Reporter:
    """Receives progress; this base class ignores it."""

    def step(self, message: str) -> None:
        """A new step begins (a short English phrase, no personal data)."""

    def advance(self, done: int, total: int) -> None:
        """Units of the current step done so far."""


SILENT = Reporter()
