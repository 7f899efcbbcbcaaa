"""Demo residents: a few hundred per gmina with valid PESELs, some in households; then
the journeys of a dozen of them (:mod:`cus_core.demo_journeys`)."""

from __future__ import annotations

import os
import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from rich.console import Console
from sqlalchemy import func, insert, select, text

from cus_core.demo_journeys import demo_staff, seed_journey_rounds
from cus_core.residents.models import Household, Resident
from cus_shared.cli_support import admin_database
from cus_shared.database.naming import tenant_role, tenant_schema
from cus_shared.identifiers.pesel import make_pesel
from cus_shared.identifiers.teryt import parse_teryt
from cus_shared.tenancy import enter_role

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

    from cus_shared.settings import Settings

console = Console(stderr=True)

#: Rounds of residents' journeys per gmina (a dozen each): enough for the regional reports to
#: show a gmina's figures rather than hide them as small counts.
JOURNEY_ROUNDS = 4

FEMALE = (
    "Anna",
    "Maria",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Barbara",
    "Ewa",
    "Krystyna",
    "Elżbieta",
    "Zofia",
    "Joanna",
    "Magdalena",
    "Monika",
    "Jadwiga",
    "Helena",
    "Olena",
)
MALE = (
    "Jan",
    "Piotr",
    "Andrzej",
    "Krzysztof",
    "Stanisław",
    "Tomasz",
    "Paweł",
    "Józef",
    "Marcin",
    "Marek",
    "Michał",
    "Grzegorz",
    "Jerzy",
    "Tadeusz",
    "Adam",
    "Mykola",
)
FAMILY = (
    ("Nowak", "Nowak"),
    ("Kowalski", "Kowalska"),
    ("Wiśniewski", "Wiśniewska"),
    ("Wójcik", "Wójcik"),
    ("Kowalczyk", "Kowalczyk"),
    ("Kamiński", "Kamińska"),
    ("Lewandowski", "Lewandowska"),
    ("Zieliński", "Zielińska"),
    ("Szymański", "Szymańska"),
    ("Woźniak", "Woźniak"),
    ("Dąbrowski", "Dąbrowska"),
    ("Kozłowski", "Kozłowska"),
    ("Jankowski", "Jankowska"),
    ("Mazur", "Mazur"),
    ("Kwiatkowski", "Kwiatkowska"),
    ("Krawczyk", "Krawczyk"),
    ("Piotrowski", "Piotrowska"),
    ("Grabowski", "Grabowska"),
)
STREETS = (
    "Kościuszki",
    "Polna",
    "Leśna",
    "Słoneczna",
    "Szkolna",
    "Kościelna",
    "Ogrodowa",
    "Lipowa",
    "Konińska",
    "Długa",
    "Krótka",
    "Parkowa",
)
POSTAL = {
    "3010052": ("62-511", "Kramsk"),
    "3010013": ("62-590", "Golina"),
    "3010032": ("62-530", "Kazimierz Biskupi"),
}


def demo_residents(
    teryt: str, count: int, seed: int = 2026
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """Rows of households and residents for a gmina (deterministic per seed and gmina)."""
    rng = random.Random(f"{seed}-{teryt}")  # noqa: S311 - demo data, not secrets
    postal, city = POSTAL.get(teryt, ("62-500", "Konin"))
    today = datetime.now(UTC).date()
    households: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    serial = 0
    while len(rows) < count:
        household_id = uuid.uuid4()
        size = min(count - len(rows), rng.choice((1, 1, 2, 2, 3, 4)))
        surname = rng.choice(FAMILY)
        street, number = rng.choice(STREETS), str(rng.randint(1, 120))
        if size > 1:
            households.append({"id": household_id, "created_at": datetime.now(UTC)})
        for position in range(size):
            sex = rng.choice("FM")
            age = rng.randint(25, 90) if position < 2 else rng.randint(0, 24)
            born = today - timedelta(days=age * 365 + rng.randint(0, 364))
            serial += 1
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "given_name": rng.choice(FEMALE if sex == "F" else MALE),
                    "family_name": surname[1] if sex == "F" else surname[0],
                    # Some residents (e.g. refugees) have no PESEL.
                    "pesel": None if rng.random() < 0.05 else make_pesel(born, serial, sex),
                    "birth_date": born,
                    "sex": sex,
                    "street": street,
                    "building_no": number,
                    "apartment_no": None,
                    "postal_code": postal,
                    "city": city,
                    "preferred_language": "uk" if rng.random() < 0.04 else "pl",
                    "household_id": household_id if size > 1 else None,
                    "household_role": (
                        "head" if position == 0 else "spouse" if position == 1 else "child"
                    )
                    if size > 1
                    else None,
                    "version": 1,
                    "created_at": datetime.now(UTC),
                    "updated_at": datetime.now(UTC),
                }
            )
    return households, rows


async def seed_tenant_residents(engine: AsyncEngine, teryt: str, count: int) -> int:
    """Insert demo residents into one gmina under its own role; skip when already seeded."""
    code = parse_teryt(teryt)
    async with engine.connect() as conn, conn.begin():
        await enter_role(conn, db_role=tenant_role(code), schema=tenant_schema(code))
        existing = await conn.scalar(select(func.count()).select_from(Resident))
        if existing:
            return 0
        households, rows = demo_residents(teryt, count)
        if households:
            await conn.execute(insert(Household), households)
        await conn.execute(insert(Resident), rows)
    return len(rows)


async def seed_demo(settings: Settings) -> None:
    """Residents in every active gmina of the demo, then a dozen residents' journeys."""
    count = int(os.environ.get("CUS_DEMO_RESIDENTS", "300"))
    async with admin_database() as db:
        async with db.admin_engine.connect() as conn:
            teryts = list(
                await conn.scalars(
                    text(
                        "SELECT teryt FROM shared.tenant_directory WHERE status = 'active' "
                        "ORDER BY teryt"
                    )
                )
            )
        for teryt in teryts:
            added = await seed_tenant_residents(db.admin_engine, teryt, count)
            console.print(f"gmina {teryt}: {added} residents added")
        seeded = 0
        for teryt in teryts:
            staff = await demo_staff(db.admin_engine, teryt)
            report = (
                await seed_journey_rounds(db.sessions, teryt, staff, rounds=JOURNEY_ROUNDS)
                if staff is not None
                else None
            )
            if report is None:
                console.print(f"gmina {teryt}: journeys already seeded or not possible, skipped")
                continue
            seeded += 1
            console.print(f"gmina {teryt}: journeys of residents — {report.line()}")
            for problem in report.problems:
                console.print(f"[yellow]gmina {teryt}: step refused: {problem}[/yellow]")
        console.print(f"residents' journeys seeded in {seeded} of {len(teryts)} gminy")
    del settings
