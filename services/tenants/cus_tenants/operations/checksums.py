"""Row counts and checksums of tables, computed the same way when backing up and when
verifying a restore.

A table's checksum is the MD5 of the text of its rows sorted bytewise (``COLLATE "C"``, so
the databases' collations do not matter), under fixed output settings (time zone, date and
interval styles, float digits), so equal data gives equal checksums in any database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncpg

#: Session settings under which row text is stable across databases.
STABLE_TEXT_SETTINGS = (
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 3",
    "SET bytea_output = 'hex'",
)


def checksum_query(qualified_table: str, where: str | None = None) -> str:
    """``SELECT rows, md5`` of a table (optionally of the rows matching ``where`` on ``t``)."""
    condition = f" WHERE {where}" if where else ""
    return (
        "SELECT count(*) AS rows, md5(coalesce(string_agg(t::text, E'\\n' "
        f"ORDER BY t::text COLLATE \"C\"), '')) AS md5 FROM {qualified_table} t{condition}"
    )


async def use_stable_text(conn: asyncpg.Connection) -> None:
    """Apply the settings above to a session."""
    for statement in STABLE_TEXT_SETTINGS:
        await conn.execute(statement)
