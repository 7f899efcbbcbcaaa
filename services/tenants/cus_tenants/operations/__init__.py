"""Operations on tenants' data as a whole: backups and restores (one gmina, or everything),
the handover export of one gmina, and archival of a gmina leaving its agreement.

Everything here runs on the administrative connection and the PostgreSQL client tools
(``pg_dump``, ``psql``, ``pg_restore``); nothing is reachable from the web services. The
operator's guide is the README section "Backups, restore, handover, archival".
"""

from __future__ import annotations

from pathlib import Path

from cus_shared.i18n.catalogues import register_locale_dir

# The commands explain failures in Polish and English from this context's own catalogue.
register_locale_dir(Path(__file__).resolve().parent / "locale")
