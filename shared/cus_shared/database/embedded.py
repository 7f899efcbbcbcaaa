"""The embedded PostgreSQL server (the ``pgserver`` wheel ships the binaries), used when no
database URL is configured so that a new user needs nothing but Python."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import structlog

log = structlog.get_logger(__name__)


def start_embedded_server(data_dir: Path, *, stop_on_exit: bool = True) -> str:
    """Start (or join) the embedded server in ``data_dir`` and return its SQLAlchemy URL."""
    import pgserver  # imported lazily: only the embedded mode needs it

    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    mode = "stop" if stop_on_exit else None
    server: Any = pgserver.get_server(data_dir, cleanup_mode=mode)  # type: ignore[attr-defined]
    uri: str = server.get_uri()
    log.info("embedded_postgres_started", data_dir=str(data_dir))
    return to_asyncpg_url(uri)


def to_asyncpg_url(uri: str) -> str:
    """Rewrite a libpq URI into SQLAlchemy's asyncpg dialect URL."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if uri.startswith(prefix):
            rest = uri[len(prefix) :]
            # pgserver gives "postgres:@/..." (empty password); asyncpg wants no colon then.
            user, sep, tail = rest.partition("@")
            if sep and user.endswith(":"):
                rest = f"{user[:-1]}@{tail}"
            return f"postgresql+asyncpg://{rest}"
    raise ValueError("not a PostgreSQL URL")
