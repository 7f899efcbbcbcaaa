"""Templates of the pages (Jinja, through Litestar): one layout in this library, each
service's templates beside its code, gettext and Polish formats available everywhere."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from cus_shared.i18n.catalogues import catalogue_for, register_locale_dir
from cus_shared.i18n.formatting import format_date, format_datetime, format_money
from cus_shared.i18n.language import LANGUAGE_NAMES, current_language, gettext
from cus_shared.web.labels import role_name, scope_name

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cus_shared.plugins import ServicePlugin

WEB_DIR = Path(__file__).resolve().parent
SHARED_TEMPLATES = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"


def _ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue_for(current_language()).ngettext(singular, plural, n)


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.add_extension("jinja2.ext.i18n")
    # newstyle: variables are filled in after translation and escaped (no injection via %).
    env.install_gettext_callables(gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(
        date=format_date,
        datetime=format_datetime,
        money=format_money,
        role_name=role_name,
        scope_name=scope_name,
    )
    env.globals.update(language_names=LANGUAGE_NAMES)
    env.trim_blocks = True
    env.lstrip_blocks = True


def template_config(plugins: Sequence[ServicePlugin]) -> TemplateConfig[Any]:
    """The layout's templates first, then each service's, and their message catalogues."""
    directories: list[Path | PathLike[Any] | str] = [SHARED_TEMPLATES]
    for plugin in plugins:
        if plugin.package_dir is None:
            continue
        # The service's own folders, then those of its bounded contexts that keep their own.
        for folder in (plugin.package_dir, *sorted(plugin.package_dir.glob("*/"))):
            if (folder / "templates").is_dir():
                directories.append(folder / "templates")
            if (folder / "locale").is_dir():
                register_locale_dir(folder / "locale")
    return TemplateConfig(
        directory=directories, engine=JinjaTemplateEngine, engine_callback=_configure
    )
