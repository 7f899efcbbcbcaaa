"""The demo's shared plans go through the real rules, and Kramsk's budget in the demo is the
seed's worked example 1 to the grosz (checked inside a transaction that is rolled back)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.tenancy import enter_role
from cus_tenants.agreements.schemas import AgreementCreate, MemberIn
from cus_tenants.agreements.service import create_agreement
from cus_tenants.budgets.models import Budget
from cus_tenants.budgets.service import figures_of
from cus_tenants.contracts.models import Contract
from cus_tenants.demo_plans import seed_plans
from cus_tenants.programmes.models import Programme
from tests.conftest import GMINA_A, GMINA_B, Platform


async def test_demo_plans_pass_the_rules_and_reproduce_kramsk(platform: Platform) -> None:
    from datetime import date

    async with platform.db.sessions() as session, session.begin():
        await enter_role(session, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA)
        agreement = await create_agreement(
            session,
            AgreementCreate(
                name="Porozumienie demonstracyjne (test)",
                lead_teryt=GMINA_A,
                members=[
                    MemberIn(teryt=GMINA_A, joined_on=date(2020, 1, 1)),
                    MemberIn(teryt=GMINA_B, joined_on=date(2020, 1, 1)),
                ],
            ),
        )
        partner_id = await seed_plans(session, agreement, [GMINA_A, GMINA_B])
        # Idempotent: a second run finds the partner and adds nothing.
        assert await seed_plans(session, agreement, [GMINA_A, GMINA_B]) == partner_id
        contracts = await session.scalar(
            select(func.count()).select_from(Contract).where(Contract.agreement_id == agreement.id)
        )
        assert contracts == 2
        budget = await session.scalar(
            select(Budget)
            .join(Programme, Programme.id == Budget.programme_id)
            .where(Programme.teryt == GMINA_A, Programme.title.like("%2021–2023%"))
            .order_by(Budget.created_at.desc())
        )
        assert budget is not None
        figures = figures_of(budget)
        years = {p.label: p.id for p in budget.periods}
        assert figures.table.total.planned == 121_949_200
        assert [figures.table.by_period[years[y]].planned for y in ("2021", "2022", "2023")] == [
            37_000_000,
            70_099_200,
            14_850_000,
        ]
        assert [figures.shares[s] for s in figures.services] == [
            Decimal("3.42"),
            Decimal("47.98"),
            Decimal("29.33"),
            Decimal("19.27"),
        ]
        assert figures.contracted_total == 117_779_200
        await session.rollback()
