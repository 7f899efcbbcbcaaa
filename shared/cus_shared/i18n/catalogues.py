"""gettext catalogues kept as ``.po`` files (Babel), one domain per package.

``cus_shared`` holds two domains: ``cus_errors`` (API message keys, see
:mod:`cus_shared.messages`) and ``cus_shared`` (the page shell). Each service adds its own
domain from its ``locale/`` folder. The ``.po`` files are compiled in memory when first used,
so no compiled ``.mo`` file has to be kept in step with its source.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

#: The shell's own catalogues; services register theirs (see ServicePlugin.locale_dir).
SHARED_LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_dirs: list[Path] = [SHARED_LOCALE_DIR]
_loaded: dict[str, Translations] = {}
_lock = threading.Lock()


def register_locale_dir(path: Path) -> None:
    """Add a package's ``locale/`` folder; its ``.po`` files join every language's catalogue."""
    resolved = path.resolve()
    with _lock:
        if resolved not in _dirs:
            _dirs.append(resolved)
            _loaded.clear()


def _compile(po_file: Path, language: str) -> Translations:
    with po_file.open("rb") as source:
        catalog = read_po(source, locale=language, domain=po_file.stem)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=po_file.stem)


def catalogue_for(language: str) -> Translations:
    """Every registered domain's messages in a language, merged (compiled once)."""
    cached = _loaded.get(language)
    if cached is not None:
        return cached
    with _lock:
        merged = Translations()
        for directory in _dirs:
            for po_file in sorted((directory / language / "LC_MESSAGES").glob("*.po")):
                translations = _compile(po_file, language)
                merged.merge(translations)
                # merge() keeps the first catalogue's plural rule; every file has the same.
                merged.plural = translations.plural
        _loaded[language] = merged
        return merged
