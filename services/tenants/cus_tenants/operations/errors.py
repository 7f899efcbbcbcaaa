"""Why an operation was refused, in the operator's languages (Polish first, English)."""

from __future__ import annotations

from cus_shared.i18n.catalogues import catalogue_for


def in_language(message: str, language: str, params: dict[str, str | int]) -> str:
    """A msgid of this context translated, with its parameters filled in."""
    translated = catalogue_for(language).gettext(message)
    try:
        return translated.format(**params)
    except (KeyError, IndexError, ValueError):
        return translated


def bilingual(message: str, **params: str | int) -> str:
    """Polish, then English: how the command line speaks to operators."""
    return f"{in_language(message, 'pl', params)}\n{in_language(message, 'en', params)}"


class OperationError(Exception):
    """A backup, restore, export or archival refused or failed; nothing was written.

    ``message`` is an English msgid (marked with ``N_`` where raised, translated in this
    context's catalogue); ``params`` hold only codes, counts, names of tables and files,
    never personal data.
    """

    def __init__(self, message: str, **params: str | int) -> None:
        self.message = message
        self.params = params
        super().__init__(self.text("en"))

    def text(self, language: str) -> str:
        """The message in a language (the msgid itself when untranslated)."""
        return in_language(self.message, language, self.params)

    def bilingual(self) -> str:
        """Polish, then English: what the command line prints."""
        return bilingual(self.message, **self.params)
