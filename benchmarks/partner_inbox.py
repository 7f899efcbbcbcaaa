"""Benchmark of the partner inbox across gminy: one partner serving 10 and 50 gminy.

    python3 dev.py bench partner-inbox [--gminy 50] [--referrals 20] [--requests 60]

Creates its own scratch database (``cus_bench_inbox``) on the local server (or the embedded
one), registers and provisions the gminy in one agreement, gives one partner a contract
covering them all, seeds referrals to it in every gmina (under each gmina's own role), runs
the real app in a subprocess and times ``GET /api/core/partner/inbox`` with tokens whose
``partner_gminy`` name 10 and all gminy, against the per-gmina list of one gmina in the same
run. Every gmina is read in its own transaction under its own role, at most
``GMINY_AT_ONCE`` at a time. The database and its roles are dropped at the end (``--keep``
keeps them). A script, never a test: its figures go to the README.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import asyncpg
import httpx
from sqlalchemy import insert, text

from benchmarks.tenancy import (
    ENTER_AS,
    ROOT,
    app_server,
    asyncpg_dsn,
    drop_bench_roles,
    generate_teryts,
    mark_roles,
    server_url,
    use_database,
)
from cus_core.applications.models import Application, RequestedService
from cus_core.migrations import TENANT_TREE
from cus_core.partner_inbox.access import GMINY_AT_ONCE
from cus_core.referrals.models import Consent, Referral
from cus_core.residents.models import Household, Resident
from cus_shared import clock
from cus_shared.database.naming import (
    SHARED_SCHEMA,
    TENANTS_SERVICE_ROLE,
    quote_ident,
    tenant_role,
    tenant_schema,
)
from cus_shared.database.runtime import Database
from cus_shared.identifiers.teryt import parse_teryt
from cus_shared.identity.principal import Membership
from cus_shared.identity.roles import Role, Scope
from cus_shared.identity.tokens import issue_token
from cus_shared.settings import Settings
from cus_shared.tenancy import open_service_session
from cus_tenants.migrations import SHARED_TREE
from cus_tenants.provisioning.bootstrap import bootstrap_platform
from cus_tenants.provisioning.fleet import migrate_fleet

DATABASE = "cus_bench_inbox"
PARTNER_NIP = "6652877583"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("CUS_DATABASE_URL"))
    parser.add_argument("--gminy", type=int, default=50, help="Gminy the partner serves")
    parser.add_argument("--small", type=int, default=10, help="Gminy of the smaller token")
    parser.add_argument("--referrals", type=int, default=20, help="Referrals per gmina")
    parser.add_argument("--requests", type=int, default=60, help="Timed requests per case")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="Keep the database and its roles")
    return parser.parse_args(argv)


async def reset_database(maintenance_dsn: str, *, drop_only: bool = False) -> None:
    """Drop the scratch database (and this benchmark's marked roles), then create it again."""
    conn = await asyncpg.connect(maintenance_dsn)
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(DATABASE)} WITH (FORCE)")
        await drop_bench_roles(conn)
        if not drop_only:
            await conn.execute(f"CREATE DATABASE {quote_ident(DATABASE)}")
    finally:
        await conn.close()


async def setup_offer(db: Database, teryts: list[str]) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """One agreement of all gminy, a service, a partner and its contract covering them all:
    (partner id, contract id, service id)."""
    from cus_tenants.agreements.schemas import AgreementCreate, MemberIn
    from cus_tenants.agreements.service import create_agreement
    from cus_tenants.catalogue import service as catalogue
    from cus_tenants.catalogue.schemas import ServiceCreate
    from cus_tenants.catalogue.vocabulary import DeliveryMode
    from cus_tenants.contracts.schemas import CapacityUnit, ContractCreate
    from cus_tenants.contracts.service import create_contract
    from cus_tenants.partners.schemas import ContactIn, PartnerCategory, PartnerCreate
    from cus_tenants.partners.service import create_partner

    async with open_service_session(
        db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        agreement = await create_agreement(
            session,
            AgreementCreate(
                name="Porozumienie benchmarku",
                lead_teryt=teryts[0],
                members=[MemberIn(teryt=t, joined_on=date(2024, 1, 1)) for t in teryts],
            ),
        )
        service = await catalogue.create_service(
            session,
            agreement.id,
            ServiceCreate(
                code="bench-opieka",
                area_code=4,
                name="Usługi opiekuńcze",
                name_en=None,
                name_uk=None,
                description="Usługi opiekuńcze dla mieszkańców.",
                target_group="Mieszkańcy gmin porozumienia.",
                eligibility="Wniosek i oświadczenie.",
                unit="hour",
                delivery_modes=["competition_entrust"],
                valid_from=date(2024, 1, 1),
            ),
            author=None,
        )
        partner = await create_partner(
            session,
            agreement.id,
            teryts,
            PartnerCreate(
                name="Spółdzielnia Benchmarku",
                category=PartnerCategory.SOCIAL_ECONOMY,
                nip=PARTNER_NIP,
                areas=[4],
                services=[service.id],
                gminy=teryts,
                contacts=[
                    ContactIn(name="Anna Benchmark", email="anna@bench.test"),
                    ContactIn(name="Piotr Benchmark", phone="+48 600 100 200"),
                ],
            ),
        )
        contract = await create_contract(
            session,
            agreement.id,
            teryts,
            ContractCreate(
                partner_id=partner.id,
                number="BENCH/1",
                mode=DeliveryMode.COMPETITION_ENTRUST,
                services=[service.id],
                gminy=teryts,
                starts_on=date(2024, 1, 1),
                ends_on=date(2030, 12, 31),
                value_grosze=100_000_000,
                capacity=Decimal("100000"),
                capacity_unit=CapacityUnit.HOURS,
            ),
        )
    return partner.id, contract.id, service.id


async def seed_gmina(
    db: Database, teryt: str, count: int, partner: uuid.UUID, contract: uuid.UUID, svc: uuid.UUID
) -> None:
    """``count`` residents with a granted service, a consent and a referral to the partner,
    written under the gmina's own role: a quarter pending (starting soon), the rest accepted
    or in delivery."""
    from cus_core.demo import demo_residents

    code = parse_teryt(teryt)
    today = clock.today()
    staff = uuid.uuid4()
    async with db.admin_engine.connect() as conn, conn.begin():
        await conn.execute(
            ENTER_AS, {"r": tenant_role(code), "s": quote_ident(tenant_schema(code))}
        )
        households, residents = demo_residents(teryt, count)
        if households:
            await conn.execute(insert(Household), households)
        await conn.execute(insert(Resident), residents)
        applications, requested, consents, referrals = [], [], [], []
        for index, resident in enumerate(residents):
            app_id, req_id, consent_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
            applications.append(
                {
                    "id": app_id,
                    "number": f"W/{teryt}/{index}",
                    "resident_id": resident["id"],
                    "channel": "in_person",
                    "registered_on": today,
                    "declaration_signed": True,
                    "plan_due_on": today + timedelta(days=30),
                    "created_by": staff,
                }
            )
            requested.append(
                {
                    "id": req_id,
                    "application_id": app_id,
                    "resident_id": resident["id"],
                    "service_id": svc,
                    "service_version_id": uuid.uuid4(),
                    "status": "granted",
                    "support_form": "single",
                }
            )
            consents.append(
                {
                    "id": consent_id,
                    "resident_id": resident["id"],
                    "partner_id": partner,
                    "scope": ["identity", "contact"],
                    "purpose": "Realizacja usług",
                    "given_on": today,
                    "created_by": staff,
                }
            )
            status = ("pending", "accepted", "in_delivery", "in_delivery")[index % 4]
            starts = today + timedelta(days=index % 10) if status == "pending" else today
            referrals.append(
                {
                    "id": uuid.uuid4(),
                    "number": f"S/{teryt}/{index}",
                    "resident_id": resident["id"],
                    "requested_service_id": req_id,
                    "service_id": svc,
                    "contract_id": contract,
                    "partner_id": partner,
                    "consent_id": consent_id,
                    "starts_on": starts,
                    "ends_on": starts + timedelta(days=180),
                    "volume_per_month": Decimal(2),
                    "status": status,
                    "created_by": staff,
                    "version": 1,
                }
            )
        await conn.execute(insert(Application), applications)
        await conn.execute(insert(RequestedService), requested)
        await conn.execute(insert(Consent), consents)
        await conn.execute(insert(Referral), referrals)


async def prepare(args: argparse.Namespace, settings: Settings) -> tuple[list[str], uuid.UUID]:
    """Bootstrap, register and provision the gminy, set up the offer and seed referrals."""
    db = Database.connect(settings, application_name="cus-bench-inbox")
    try:
        await bootstrap_platform(db.admin_engine, settings.database, SHARED_TREE)
        teryts = [str(t) for t in generate_teryts(args.gminy, set())]
        async with db.admin_engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO shared.gmina (teryt, name, status) VALUES (:t, :n, 'provisioning')"
                ),
                [{"t": t, "n": f"Gmina {t}"} for t in teryts],
            )
        try:
            fleet = await migrate_fleet(
                db.admin_engine, TENANT_TREE, app_role=settings.database.app_role, concurrency=4
            )
        finally:
            await mark_roles(db.admin_engine, teryts)
        if fleet.failed:
            raise RuntimeError(f"provisioning failed: {fleet.failed}")
        partner, contract, svc = await setup_offer(db, teryts)
        started = time.perf_counter()
        for teryt in teryts:
            await seed_gmina(db, teryt, args.referrals, partner, contract, svc)
        print(
            f"seeded {args.referrals} referrals in each of {len(teryts)} gminy "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        return teryts, partner
    finally:
        await db.dispose()


def partner_token(settings: Settings, partner: uuid.UUID, teryts: list[str]) -> str:
    """A partner staff token naming the gminy served, signed like the tenants service does."""
    token, _ = issue_token(
        settings.auth,
        user_id=uuid.uuid4(),
        memberships=(Membership(Scope.PARTNER, str(partner), Role.PARTNER_STAFF),),
        tenant_roles={},
        partner_names={str(partner): "Spółdzielnia Benchmarku"},
        partner_gminy={str(partner): tuple(teryts)},
        gmina_names={t: f"Gmina {t}" for t in teryts},
        methods=("pwd", "otp"),
    )
    return token


def time_requests(
    base: str, path: str, token: str, *, count: int, warmup: int, expect: int
) -> list[float]:
    """Sequential GETs (one client): milliseconds of each timed request."""
    timings: list[float] = []
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, timeout=60.0) as client:
        for index in range(warmup + count):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
            if index == 0 and "items" in response.json():
                got = len(response.json()["items"])
                if got != expect:
                    raise RuntimeError(f"{path}: {got} referrals, expected {expect}")
            if index >= warmup:
                timings.append(elapsed)
    return timings


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the sorted values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main(argv: list[str] | None = None) -> int:
    """Prepare, measure, print the table; drop the database unless --keep."""
    args = parse_args(argv)
    maintenance = server_url(args)
    maintenance_dsn = asyncpg_dsn(maintenance)
    settings = use_database(maintenance, DATABASE)
    asyncio.run(reset_database(maintenance_dsn))
    try:
        teryts, partner = asyncio.run(prepare(args, settings))
        small = teryts[: args.small]
        cases = [
            ("per-gmina list, 1 gmina (baseline)", f"/api/core/partner/gminy/{teryts[0]}/referrals",
             partner_token(settings, partner, teryts), args.referrals),
            (f"inbox, {len(small)} gminy", "/api/core/partner/inbox",
             partner_token(settings, partner, small), args.referrals * len(small)),
            (f"inbox, {len(teryts)} gminy", "/api/core/partner/inbox",
             partner_token(settings, partner, teryts), args.referrals * len(teryts)),
        ]  # fmt: skip
        env = {**os.environ, "CUS_AUTH_MFA_REQUIRED": "false"}
        log = Path(tempfile.gettempdir()) / "cus-bench-inbox.log"
        results: list[tuple[str, float, float, float]] = []
        with app_server(env, log) as (base, _pid):
            for name, path, token, expect in cases:
                timings = time_requests(
                    base, path, token, count=args.requests, warmup=args.warmup, expect=expect
                )
                results.append(
                    (
                        name,
                        percentile(timings, 0.5),
                        percentile(timings, 0.95),
                        statistics.mean(timings),
                    )
                )
        baseline = results[0][1]
        print(
            f"\nPartner inbox: {args.referrals} referrals per gmina, {args.requests} sequential "
            f"requests per case after {args.warmup} warm-up, up to {GMINY_AT_ONCE} gminy at once, "
            f"pool {settings.database.pool_size}+{settings.database.max_overflow}\n"
        )
        print("| case | p50 ms | p95 ms | mean ms | p50 / baseline |")
        print("|---|---:|---:|---:|---:|")
        for name, p50, p95, mean in results:
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {mean:.1f} | {p50 / baseline:.1f}× |")
        return 0
    finally:
        if not args.keep:
            asyncio.run(reset_database(maintenance_dsn, drop_only=True))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
