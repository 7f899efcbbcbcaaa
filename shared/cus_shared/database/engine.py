"""Async engines: the administrative one (migrations, provisioning) and the runtime one."""

from __future__ import annotations

import errno
import socket
from typing import TYPE_CHECKING, Any

from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from cus_shared.database.embedded import start_embedded_server, to_asyncpg_url

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from cus_shared.settings import DatabaseSettings

_embedded_url: str | None = None


def _unnamed_statement() -> str:
    return ""


#: Behind a transaction-pooling PgBouncer two transactions of one client connection may run on
#: different server connections, and a server connection serves many clients: a cached named
#: statement may be missing there ("prepared statement … does not exist") or its name taken by
#: another client's ("… already exists"). So no statement cache (asyncpg's nor SQLAlchemy's)
#: and unnamed statements only: asyncpg sends an unnamed statement's Parse again with every
#: execution when its cache is off, so each execution is self-contained and nothing is left
#: behind on a server connection (unique names would be, until the server connection closes).
_TRANSACTION_POOLING: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
    "prepared_statement_name_func": _unnamed_statement,
}


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


def create_engine(
    url: str,
    settings: DatabaseSettings,
    *,
    application_name: str,
    command_timeout: float | None = None,
) -> AsyncEngine:
    """An asyncpg engine with bounded, recycled connections and a statement cache.

    It fails fast while the server is away: connecting and waiting for a pooled connection
    are bounded, and a connection that breaks invalidates the pool (SQLAlchemy's disconnect
    handling), so the service recovers when the server is back without a restart.
    ``command_timeout`` bounds each statement on the client side (runtime engine only).
    """
    connect_args: dict[str, Any] = {
        "server_settings": {"application_name": application_name},
        "prepared_statement_cache_size": settings.statement_cache_size,
        "timeout": settings.connect_timeout_seconds,
    }
    if command_timeout is not None:
        connect_args["command_timeout"] = command_timeout
    if settings.pooler == "pgbouncer":
        connect_args.update(_TRANSACTION_POOLING)
    engine = create_async_engine(
        url,
        pool_size=settings.pool_size,
        max_overflow=settings.max_overflow,
        pool_recycle=settings.pool_recycle_seconds,
        pool_timeout=settings.pool_timeout_seconds,
        pool_pre_ping=settings.pool_pre_ping,
        connect_args=connect_args,
    )
    return engine


def sessionmaker_for(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit (responses are built after)."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


#: SQLSTATEs meaning "not now, but soon": connection exceptions (class 08), administrator or
#: crash shutdown, starting up or shutting down, too many connections, and a lock not granted
#: within ``lock_timeout`` (a migration of the gmina holds its tables).
_UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300", "55P03"})
_UNREACHABLE_ERRNOS = frozenset(
    {errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN, errno.ENETDOWN}
)


def is_unavailable(error: BaseException) -> bool:
    """Whether an error means the database cannot serve the request now but may in a moment
    (it cannot be reached, or a lock was not granted in time), rather than a bug or bad data.

    Such errors come in many shapes: asyncpg's own connect errors raised unwrapped
    (``ConnectionRefusedError``, ``TimeoutError``, ``CannotConnectNowError``), SQLAlchemy's
    ``DBAPIError`` flagged ``connection_invalidated`` when a pooled connection broke, its pool
    timeout, and any of these as the cause of another error or inside an exception group.
    """
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
            continue
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, sa_exc.TimeoutError | ConnectionError | TimeoutError):
            return True
        if isinstance(current, socket.gaierror) or (
            isinstance(current, OSError) and current.errno in _UNREACHABLE_ERRNOS
        ):
            return True
        sqlstate = getattr(current, "sqlstate", None)
        if isinstance(sqlstate, str) and (
            sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_SQLSTATES
        ):
            return True
        pending.extend(
            e for e in (current.__cause__, getattr(current, "orig", None)) if e is not None
        )
    return False
