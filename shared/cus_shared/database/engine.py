"""Async engines: the administrative one (migrations, provisioning) and the runtime one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from cus_shared.database.embedded import start_embedded_server, to_asyncpg_url

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.settings import DatabaseSettings

_embedded_url: str | None = None


def admin_url(settings: DatabaseSettings) -> str:
    """The administrative URL: configured, or that of the embedded server (started once)."""
    global _embedded_url
    if settings.url:
        return to_asyncpg_url(settings.url)
    if _embedded_url is None:
        _embedded_url = start_embedded_server(settings.data_dir)
    return _embedded_url


def app_url(settings: DatabaseSettings) -> str:
    """The runtime login role's URL: configured, or the admin URL with the app role."""
    if settings.app_url:
        return to_asyncpg_url(settings.app_url)
    url = make_url(admin_url(settings)).set(
        username=settings.app_role, password=settings.app_password.get_secret_value()
    )
    return url.render_as_string(hide_password=False)


def create_engine(url: str, settings: DatabaseSettings, *, application_name: str) -> AsyncEngine:
    """An asyncpg engine with bounded, recycled connections and a statement cache."""
    connect_args: dict[str, Any] = {
        "server_settings": {"application_name": application_name},
        "prepared_statement_cache_size": settings.statement_cache_size,
    }
    engine = create_async_engine(
        url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_recycle=settings.pool_recycle_seconds,
        pool_pre_ping=False,
        connect_args=connect_args,
    )
    return engine


def sessionmaker_for(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (responses are built after)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
