"""Messages of the API, looked up by stable keys in the ``cus_errors`` gettext catalogue
(``cus_shared/locale/<lang>/LC_MESSAGES/cus_errors.po``): Polish first, English, Ukrainian.

Keys are stable identifiers clients may rely on; texts may change. Parameters use ``{name}``
placeholders and hold only values safe to show (limits, codes), never personal data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cus_shared.i18n.catalogues import catalogue_for
from cus_shared.i18n.language import DEFAULT_LANGUAGE, LANGUAGES, negotiate_language

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "has_message", "negotiate_language", "translate"]


def has_message(key: str, language: str) -> bool:
    """Whether the catalogue of a language holds a text for the key."""
    return catalogue_for(language).gettext(key) != key


def translate(key: str, language: str, params: Mapping[str, str | int] | None = None) -> str:
    """The message for a key in a language (falling back to Polish, then to the key)."""
    text = catalogue_for(language).gettext(key)
    if text == key and language != DEFAULT_LANGUAGE:
        text = catalogue_for(DEFAULT_LANGUAGE).gettext(key)
    try:
        return text.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return text
