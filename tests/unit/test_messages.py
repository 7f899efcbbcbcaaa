"""The message catalogues (gettext, Babel): Polish first, every text in every language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from cus_shared.i18n import format_date, format_datetime, format_money, ngettext, use_language
from cus_shared.i18n.catalogues import SHARED_LOCALE_DIR, register_locale_dir
from cus_shared.i18n.extract import domains, missing
from cus_shared.messages import LANGUAGES, has_message, negotiate_language, translate


def _error_keys() -> list[str]:
    """API message keys: the shared catalogue and each bounded context's own
    (``<context>/locale/<lang>/LC_MESSAGES/cus_errors_<context>.po``)."""
    files = [SHARED_LOCALE_DIR / "pl" / "LC_MESSAGES" / "cus_errors.po"]
    files += [
        path
        for domain in domains()
        for path in (domain.locale / "pl" / "LC_MESSAGES").glob("cus_errors_*.po")
    ]
    keys: set[str] = set()
    for path in files:
        with Path(path).open("rb") as source:
            keys.update(str(m.id) for m in read_po(source, locale="pl") if m.id)
    return sorted(keys)


@pytest.mark.parametrize("key", _error_keys())
def test_every_api_message_exists_in_every_language(key: str) -> None:
    # The app registers every context's catalogue when it starts; a unit run has no app.
    for domain in domains():
        register_locale_dir(domain.locale)
    for language in LANGUAGES:
        assert has_message(key, language), (key, language)


@pytest.mark.parametrize("domain", domains(), ids=lambda d: d.name)
def test_every_page_text_is_translated_into_polish_and_ukrainian(domain: object) -> None:
    # Extracts the texts from the code and templates, as a translator's tool would.
    assert missing(domain) == []  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "chosen", "language"),
    [
        (None, None, "pl"),
        ("", None, "pl"),
        ("en-GB,en;q=0.9", None, "en"),
        ("de-DE,uk;q=0.8,en;q=0.5", None, "uk"),
        ("fr", None, "pl"),
        ("en;q=bad,pl;q=0.1", None, "pl"),
        ("en-GB", "uk", "uk"),
        ("en-GB", "xx", "en"),
    ],
)
def test_language_negotiation(header: str | None, chosen: str | None, language: str) -> None:
    assert negotiate_language(header, chosen) == language


def test_parameters_are_filled_in() -> None:
    assert "12" in translate("password.too_short", "en", {"min": 12})
    assert translate("no.such.key", "en") == "no.such.key"


def test_polish_and_ukrainian_plurals_have_three_forms() -> None:
    singular, plural = "%(num)s resident", "%(num)s residents"
    with use_language("pl"):
        forms = [ngettext(singular, plural, n) for n in (1, 2, 5, 22, 25)]
    # Untranslated texts fall back to English, but the rule that picks a form is Polish.
    assert forms == ["1 resident", "2 residents", "5 residents", "22 residents", "25 residents"]


def test_dates_and_money_in_polish_formats() -> None:
    from datetime import UTC, date, datetime
    from decimal import Decimal

    assert format_date(date(2026, 3, 7)) == "07.03.2026"
    # 23:30 UTC on 31 December is already New Year in Poland.
    assert format_datetime(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01.01.2027 00:30"
    assert format_money(Decimal("1234567.5")) == "1\xa0234\xa0567,50\xa0zł"
    assert format_money(123456, grosze=True) == "1\xa0234,56\xa0zł"
    assert format_date(None) == "" and format_money(None) == ""


def test_a_text_has_one_translation_across_services() -> None:
    """The services' catalogues are merged: the same English text translated two ways in two
    services would show one of them at random. Use a more precise English text instead."""
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    clashes: list[str] = []
    for domain in domains():
        for language in ("pl", "uk"):
            path = domain.locale / language / "LC_MESSAGES" / f"{domain.name}.po"
            with path.open("rb") as source:
                for message in read_po(source, locale=language):
                    if not message.id or not message.string:
                        continue
                    key = (language, str(message.id))
                    translation = str(message.string)
                    earlier = seen.setdefault(key, (domain.name, translation))
                    if earlier[1] != translation:
                        clashes.append(f"{key}: {earlier} vs {domain.name} {translation!r}")
    assert clashes == []
