"""Dependencies of the tenants service's routes."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

from litestar import Request
from sqlalchemy.ext.asyncio import AsyncSession

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.database.runtime import Database
from cus_shared.identity.guards import principal_of
from cus_shared.identity.principal import Principal
from cus_shared.tenancy import open_service_session


async def provide_shared_session(
    request: Request[Any, Any, Any],
) -> AsyncGenerator[AsyncSession, None]:
    """A transaction under the tenants service's own role, committed before the response."""
    db: Database = request.app.state.db
    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        yield session


async def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    """The authenticated caller."""
    return principal_of(request)


def provide_database(request: Request[Any, Any, Any]) -> Database:
    """The process's database handles (for provisioning on the admin engine)."""
    db: Database = request.app.state.db
    return db
