"""The language of the current request (Polish unless chosen otherwise) and gettext bound
to it, for templates and for Python code that writes messages for people."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from cus_shared.i18n.catalogues import catalogue_for

if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT_LANGUAGE = "pl"
LANGUAGES = ("pl", "en", "uk")
#: Each language named in itself, as a language switcher shows it.
LANGUAGE_NAMES = {"pl": "Polski", "en": "English", "uk": "Українська"}

_current: ContextVar[str] = ContextVar("cus_language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    """The language of the request being served."""
    return _current.get()


def set_language(language: str) -> None:
    """Make a language current for the rest of this request (task)."""
    _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)


@contextmanager
def use_language(language: str) -> Iterator[None]:
    """Run a block in a language (tests, background jobs)."""
    token = _current.set(language if language in LANGUAGES else DEFAULT_LANGUAGE)
    try:
        yield
    finally:
        _current.reset(token)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "translate later"
    """Mark an English msgid for extraction where it is defined; translated when shown."""
    return message


def gettext(message: str, **variables: Any) -> str:
    """The message in the current language, with ``%(name)s`` variables filled in."""
    text = catalogue_for(current_language()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    """The plural form for ``n`` in the current language (Polish and Ukrainian have three)."""
    text = catalogue_for(current_language()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def negotiate_language(accept_language: str | None, chosen: str | None = None) -> str:
    """The language to answer in: the one the person chose (cookie), else the best match of
    Accept-Language among pl/en/uk, else Polish."""
    if chosen in LANGUAGES:
        return str(chosen)
    if not accept_language:
        return DEFAULT_LANGUAGE
    ranked: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, q = piece.partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((weight, tag.strip().lower().split("-")[0]))
    for _, tag in sorted(ranked, key=lambda item: -item[0]):
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE
