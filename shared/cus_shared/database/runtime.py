"""The database handles a running service keeps: the runtime engine (login role without
rights of its own) and, for the control plane only, the administrative engine."""

from __future__ import annotations

from dataclasses import dataclass, field

# Runtime imports: Litestar inspects this dataclass's annotations when injecting it.
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from cus_shared.database.engine import admin_url, app_url, create_engine, sessionmaker_for
from cus_shared.settings import Settings
from cus_shared.telemetry import instrument_engine


@dataclass
class Database:
    """Engines and session factories of one process."""

    settings: Settings
    app_engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    _admin_engine: AsyncEngine | None = field(default=None, repr=False)

    @classmethod
    def connect(cls, settings: Settings, *, application_name: str) -> Database:
        """Create the runtime engine (connections open lazily)."""
        engine = create_engine(
            app_url(settings.database),
            settings.database,
            application_name=application_name,
            command_timeout=settings.database.command_timeout_seconds,
        )
        instrument_engine(engine)
        return cls(settings=settings, app_engine=engine, sessions=sessionmaker_for(engine))

    @property
    def admin_engine(self) -> AsyncEngine:
        """The administrative engine, created on first use (provisioning, migrations)."""
        if self._admin_engine is None:
            self._admin_engine = create_engine(
                admin_url(self.settings.database),
                self.settings.database,
                application_name="cus-admin",
            )
        return self._admin_engine

    async def dispose(self) -> None:
        """Close every pooled connection."""
        await self.app_engine.dispose()
        if self._admin_engine is not None:
            await self._admin_engine.dispose()
