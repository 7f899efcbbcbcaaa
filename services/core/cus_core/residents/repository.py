"""Data access for residents: advanced-alchemy's repository, bound to a tenant session.

Its cache is left off: the cache key is table and id, without the tenant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from advanced_alchemy.repository import SQLAlchemyAsyncRepository

from cus_core.residents.models import Household, Resident

if TYPE_CHECKING:
    from cus_shared.tenancy import TenantSession


class ResidentRepository(SQLAlchemyAsyncRepository[Resident]):
    """Residents of the tenant the session is bound to."""

    model_type = Resident


class HouseholdRepository(SQLAlchemyAsyncRepository[Household]):
    """Households of the tenant the session is bound to."""

    model_type = Household


def residents(db: TenantSession) -> ResidentRepository:
    """The resident repository for a tenant session."""
    return ResidentRepository(session=db.session, auto_refresh=False, wrap_exceptions=False)


def households(db: TenantSession) -> HouseholdRepository:
    """The household repository for a tenant session."""
    return HouseholdRepository(session=db.session, auto_refresh=False, wrap_exceptions=False)
