"""Keep the gettext catalogues in step with the code: extract every translatable text of a
package (Python and templates) and merge it into its ``.po`` file for each language.

    .venv/bin/python -m cus_shared.i18n.extract          # update every package's catalogues
    .venv/bin/python -m cus_shared.i18n.extract --check  # fail when a text is missing

Translators then fill in the Polish and Ukrainian ``msgstr``; English texts are the msgids.
The ``cus_errors`` domain (API message keys) is kept by hand and only checked.
"""

from __future__ import annotations

import argparse
import io
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from cus_shared.i18n.language import LANGUAGES

ROOT = Path(__file__).resolve().parents[3]

#: gettext calls in Python; NavLink's first argument is a msgid translated when shown.
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "NavLink": (1,), "N_": None}
METHODS = [
    ("**/templates/**.html", "jinja2"),
    ("**.py", "python"),
]
JINJA_OPTIONS = {"**/templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}


@dataclass(frozen=True)
class Domain:
    """One catalogue: where its sources are and where its ``.po`` files live.

    A package's bounded context may keep a catalogue of its own (a ``locale/`` folder beside
    its code, e.g. ``cus_tenants/partners/locale``); its texts then leave the package's one.
    """

    name: str
    sources: Path
    locale: Path
    excluded: tuple[Path, ...] = ()

    def reads(self, directory: str) -> bool:
        """Whether extraction descends into a folder (not into a context with its own)."""
        path = Path(directory).resolve()
        return not any(path == ex or ex in path.parents for ex in self.excluded)


PACKAGES = (
    ("cus_shared", *(2 * (ROOT / "shared" / "cus_shared",))),
    ("cus_tenants", *(2 * (ROOT / "services" / "tenants" / "cus_tenants",))),
    ("cus_core", *(2 * (ROOT / "services" / "core" / "cus_core",))),
    ("cus_reporting", *(2 * (ROOT / "services" / "reporting" / "cus_reporting",))),
)


def domains() -> list[Domain]:
    """Every catalogue: the shell's, each service's, each context with its own."""
    found: list[Domain] = []
    for name, sources, package in PACKAGES:
        contexts = sorted(
            d.parent for d in package.glob("*/locale") if d.is_dir() and d.parent != package
        )
        found.append(Domain(name, sources, package / "locale", tuple(contexts)))
        found.extend(Domain(f"{name}_{c.name}", c, c / "locale") for c in contexts)
    return found


def extract(domain: Domain) -> Catalog:
    """The texts found in a catalogue's sources."""
    template = Catalog(project="CUS platform", version="0.1", domain=domain.name)
    found = extract_from_dir(
        str(domain.sources),
        method_map=METHODS,
        options_map=JINJA_OPTIONS,
        keywords=KEYWORDS,
        comment_tags=("Translators:",),
        strip_comment_tags=True,
        directory_filter=domain.reads,
    )
    for filename, lineno, message, comments, context in found:
        template.add(
            message,
            None,
            [(filename, lineno)],
            auto_comments=comments,
            context=context,
        )
    return template


def _po_path(domain: Domain, language: str) -> Path:
    return domain.locale / language / "LC_MESSAGES" / f"{domain.name}.po"


def update(domain: Domain) -> None:
    """Merge the extracted texts into each language's ``.po`` (new ones untranslated)."""
    template = extract(domain)
    for language in LANGUAGES:
        path = _po_path(domain, language)
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=language, domain=domain.name)
        else:
            catalog = Catalog(locale=language, domain=domain.name, project="CUS platform")
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        buffer = io.BytesIO()
        write_po(buffer, catalog, width=100, omit_header=False, include_previous=False)
        if path.exists() and _without_dates(path.read_bytes()) == _without_dates(buffer.getvalue()):
            continue  # only the header's dates would change: leave the file alone
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(buffer.getvalue())
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


def _without_dates(po: bytes) -> bytes:
    return b"\n".join(
        line
        for line in po.splitlines()
        if not line.startswith((b'"POT-Creation-Date:', b'"PO-Revision-Date:'))
    )


def missing(domain: Domain) -> list[str]:
    """Texts of the sources without a Polish or Ukrainian translation (English is the msgid)."""
    template = extract(domain)
    problems: list[str] = []
    for language in ("pl", "uk"):
        path = _po_path(domain, language)
        if not path.exists():
            problems.append(f"{path.relative_to(ROOT)}: missing")
            continue
        with path.open("rb") as source:
            catalog = read_po(source, locale=language, domain=domain.name)
        for message in template:
            if not message.id:
                continue
            entry = catalog.get(message.id, context=message.context)
            translated = (
                entry is not None
                and not entry.fuzzy
                and (all(entry.string) if isinstance(entry.string, tuple) else bool(entry.string))
            )
            if not translated:
                msgid = message.id if isinstance(message.id, str) else message.id[0]
                problems.append(f"{domain.name} [{language}]: {msgid!r}")
    return problems


def main() -> int:
    """Update the catalogues, or with --check list what is not translated."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report untranslated texts")
    parser.add_argument("--domain", action="append", help="only this catalogue (repeatable)")
    args = parser.parse_args()
    chosen = [d for d in domains() if not args.domain or d.name in args.domain]
    if args.check:
        problems = [p for d in chosen for p in missing(d)]
        for problem in problems:
            print(problem)
        return 1 if problems else 0
    for domain in chosen:
        update(domain)
    return 0


if __name__ == "__main__":
    sys.exit(main())
