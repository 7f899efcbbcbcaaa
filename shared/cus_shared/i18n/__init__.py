"""Languages of the platform: gettext catalogues (Babel) for pages and API messages, the
language of the current request, and Polish formats for dates and money."""

from cus_shared.i18n.catalogues import catalogue_for, register_locale_dir
from cus_shared.i18n.formatting import format_date, format_datetime, format_money
from cus_shared.i18n.language import (
    DEFAULT_LANGUAGE,
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    current_language,
    gettext,
    negotiate_language,
    ngettext,
    use_language,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "N_",
    "catalogue_for",
    "current_language",
    "format_date",
    "format_datetime",
    "format_money",
    "gettext",
    "negotiate_language",
    "ngettext",
    "register_locale_dir",
    "use_language",
]
