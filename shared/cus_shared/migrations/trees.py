"""A migration tree and the runner that applies it to one schema on an open connection.

Alembic's script directory is parsed once per process and reused for every tenant; each
tenant's version table lives in its own schema, and each tenant migrates in its own
transaction (a fleet never shares one transaction: lock limits, partial failures).
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory

if TYPE_CHECKING:
    from sqlalchemy import Connection, MetaData
    from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True)
class MigrationTree:
    """One Alembic tree: where its scripts are and which models it must agree with."""

    name: str
    kind: Literal["shared", "tenant", "reporting"]
    script_location: Path
    metadata: Callable[[], MetaData]
    #: For tenant trees: SQL granting a tenant role its rights after a migration.
    grants: Callable[[str, str], list[str]] | None = None
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def script(self) -> ScriptDirectory:
        """The parsed script directory (parsed once)."""
        config = Config()
        config.set_main_option("script_location", str(self.script_location))
        return ScriptDirectory.from_config(config)

    @property
    def head(self) -> str:
        """The single head revision."""
        head = self.script.get_current_head()
        if head is None:
            raise LookupError(f"migration tree {self.name} has no revisions")
        return head


def current_revision(connection: Connection, schema: str) -> str | None:
    """The revision a schema is at (None when never migrated)."""
    context = MigrationContext.configure(connection, opts={"version_table_schema": schema})
    return context.get_current_revision()


#: Alembic's ``op`` is a process-wide proxy to the running migration's context; two tenants
#: migrating at once in one process would send each other's DDL to the wrong connection. The
#: script part runs one tenant at a time per process (one lock per event loop); everything
#: around it (role, grants, registry) runs concurrently. See README, "Migrations".
_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


async def upgrade_schema_async(
    connection: AsyncConnection, tree: MigrationTree, schema: str, target: str = "head"
) -> tuple[str | None, str | None]:
    """Upgrade one schema on an async connection (see :func:`upgrade_schema`)."""
    loop = asyncio.get_running_loop()
    lock = _locks.setdefault(loop, asyncio.Lock())
    async with lock:
        result: tuple[str | None, str | None] = await connection.run_sync(
            upgrade_schema, tree, schema, target
        )
    return result


def upgrade_schema(
    connection: Connection, tree: MigrationTree, schema: str, target: str = "head"
) -> tuple[str | None, str | None]:
    """Upgrade one schema to ``target`` inside the connection's open transaction.

    The caller has set the transaction's role and search_path; scripts use unqualified
    names so one script serves every tenant. Returns (revision before, revision after).
    """
    script = tree.script

    def upgrade(rev: Any, _context: Any) -> Any:
        return script._upgrade_revs(target, rev)

    context = MigrationContext.configure(
        connection,
        opts={
            "version_table_schema": schema,
            "fn": upgrade,
            "target_metadata": tree.metadata(),
            "transactional_ddl": True,
            "script": script,
        },
    )
    before = context.get_current_revision()
    if before == tree.head and target == "head":
        return before, before
    with Operations.context(context):
        context.run_migrations()
    return before, context.get_current_revision()
