"""The message catalogue: Polish first, every message in every language."""

from __future__ import annotations

import pytest

from cus_shared.messages import CATALOGUE, LANGUAGES, negotiate_language, translate


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_exists_in_every_language(key: str) -> None:
    for language in LANGUAGES:
        assert CATALOGUE[key].get(language), (key, language)


@pytest.mark.parametrize(
    ("header", "language"),
    [
        (None, "pl"),
        ("", "pl"),
        ("en-GB,en;q=0.9", "en"),
        ("de-DE,uk;q=0.8,en;q=0.5", "uk"),
        ("fr", "pl"),
        ("en;q=bad,pl;q=0.1", "pl"),
    ],
)
def test_language_negotiation(header: str | None, language: str) -> None:
    assert negotiate_language(header) == language


def test_parameters_are_filled_in() -> None:
    assert "12" in translate("password.too_short", "en", {"min": 12})
    assert translate("no.such.key", "en") == "no.such.key"
