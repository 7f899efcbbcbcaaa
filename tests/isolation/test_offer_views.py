"""What a gmina's role reads of the agreement's offer, enforced by PostgreSQL: the views show
only the gmina's own programme and contracts, contract_load rows are the gmina's own (row-
level security), and the agreement's tables themselves are out of reach."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from cus_shared.database.engine import app_url
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, Platform
from tests.journey import Offer

pytestmark = [pytest.mark.isolation, pytest.mark.asyncio(loop_scope="session")]


@pytest.fixture
async def app_engine(platform: Platform) -> AsyncIterator[AsyncEngine]:
    """The runtime login role, exactly as the services connect."""
    engine = create_async_engine(app_url(platform.settings.database))
    yield engine
    await engine.dispose()


async def _as_tenant(
    engine: AsyncEngine, teryt: str, sql: str, params: dict[str, object] | None = None
) -> list[tuple[object, ...]]:
    async with engine.connect() as conn, conn.begin():
        await conn.execute(
            text("SELECT set_config('role', :r, true), set_config('search_path', :s, true)"),
            {"r": f"cus_gmina_{teryt}", "s": f'"gmina_{teryt}"'},
        )
        return [tuple(r) for r in (await conn.execute(text(sql), params or {})).all()]


async def test_views_show_only_the_gminas_own_offer(app_engine: AsyncEngine, offer: Offer) -> None:
    programmes = await _as_tenant(
        app_engine, GMINA_A, "SELECT DISTINCT programme_id FROM shared.gmina_service_offer"
    )
    assert programmes
    contracts = {
        r[0]
        for r in await _as_tenant(
            app_engine, GMINA_A, "SELECT contract_id FROM shared.gmina_contract_offer"
        )
    }
    assert offer.partner_contract in contracts and offer.in_house_contract in contracts
    assert offer.other_contract not in contracts  # gmina B only
    in_b = {
        r[0]
        for r in await _as_tenant(
            app_engine, GMINA_B, "SELECT contract_id FROM shared.gmina_contract_offer"
        )
    }
    assert offer.other_contract in in_b
    programmes_b = await _as_tenant(
        app_engine, GMINA_B, "SELECT DISTINCT programme_id FROM shared.gmina_service_offer"
    )
    assert not set(programmes) & set(programmes_b)
    for view in ("gmina_service_offer", "gmina_contract_offer"):
        assert await _as_tenant(app_engine, GMINA_C, f"SELECT * FROM shared.{view}") == []


async def test_contract_load_rows_are_the_gminas_own(
    app_engine: AsyncEngine, admin_engine: AsyncEngine, offer: Offer
) -> None:
    async with admin_engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO shared.contract_load (contract_id, teryt, month, planned, delivered) "
                "VALUES (:c, :t, '2029-12-01', 1, 0) ON CONFLICT DO NOTHING"
            ),
            {"c": offer.partner_contract, "t": GMINA_B},
        )
    rows = await _as_tenant(app_engine, GMINA_A, "SELECT DISTINCT teryt FROM shared.contract_load")
    assert all(r[0] == GMINA_A for r in rows)
    changed = await _as_tenant(
        app_engine,
        GMINA_A,
        "UPDATE shared.contract_load SET planned = planned + 100 WHERE teryt = :t RETURNING 1",
        {"t": GMINA_B},
    )
    assert changed == []
    # Nothing is ever deleted by a gmina: reservations are given back by changing amounts.
    with pytest.raises(ProgrammingError, match="permission denied"):
        await _as_tenant(
            app_engine,
            GMINA_A,
            "DELETE FROM shared.contract_load WHERE teryt = :t RETURNING 1",
            {"t": GMINA_B},
        )
    with pytest.raises(DBAPIError, match="row-level security"):
        await _as_tenant(
            app_engine,
            GMINA_A,
            "INSERT INTO shared.contract_load (contract_id, teryt, month, planned, delivered) "
            "VALUES (:c, :t, '2029-11-01', 1, 0)",
            {"c": offer.partner_contract, "t": GMINA_B},
        )
    # The total over all gminy is what a gmina may know (no rows, no other teryt).
    total = await _as_tenant(
        app_engine,
        GMINA_A,
        "SELECT shared.contract_load_total(:c, '2029-12-01')",
        {"c": offer.partner_contract},
    )
    assert Decimal(str(total[0][0])) >= 1


@pytest.mark.parametrize(
    "table",
    ["shared.contract", "shared.programme", "shared.contract_gmina", "shared.catalogue_service"],
)
async def test_agreement_tables_are_out_of_reach(
    app_engine: AsyncEngine, offer: Offer, table: str
) -> None:
    with pytest.raises(ProgrammingError, match="permission denied"):
        await _as_tenant(app_engine, GMINA_A, f"SELECT * FROM {table}")
