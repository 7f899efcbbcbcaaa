"""The gmina desk: one start page per role, reading only what exists (the register and its
audit log). Names shown on the desk are audited as list accesses; counts are not personal data
and write nothing; the director sees aggregates of access only, never whose record."""

from __future__ import annotations

import re
from uuid import UUID

import httpx
import pytest_asyncio
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
from cus_shared.identity.roles import Role, Scope
from cus_shared.tenancy import open_service_session
from tests.conftest import GMINA_A, PASSWORD, Platform, count_rows
from tests.integration.test_resident_pages import REGISTER, register, unique_name
from tests.pages import browser_session, text_of

DESK = f"/gminy/{GMINA_A}/"
MULTI = "ous.kipus.a@test.local"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def multi_role_user(platform: Platform) -> str:
    """A person who is both OUS and KIPUS in gmina A."""
    from cus_tenants.identity.schemas import MembershipIn, UserCreate
    from cus_tenants.identity.service import create_user

    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        await create_user(
            session,
            UserCreate(
                email=MULTI,
                display_name="ous.kipus.a",
                password=PASSWORD,
                memberships=[
                    MembershipIn(scope=Scope.GMINA, scope_id=GMINA_A, role=Role.OUS),
                    MembershipIn(scope=Scope.GMINA, scope_id=GMINA_A, role=Role.KIPUS),
                ],
            ),
        )
    return MULTI


def section(response: httpx.Response, section_id: str) -> str:
    """The HTML of one panel of the desk (empty when the panel is not shown)."""
    found = re.search(
        rf'<section aria-labelledby="{section_id}">(.*?)</section>', response.text, re.S
    )
    return found.group(1) if found else ""


def record_links(html: str) -> list[str]:
    return re.findall(r'href="/gminy/\d{7}/residents/([0-9a-f-]{36})"', html)


def cell_after(html: str, label: str) -> int:
    """The number in the table cell next to a label."""
    found = re.search(rf"<td>{re.escape(label)}</td><td>(\d+)</td>", html)
    assert found, label
    return int(found.group(1))


async def last_audit_id(engine: AsyncEngine) -> int:
    """The newest audit entry of gmina A (entries after it were written later)."""
    async with engine.connect() as conn:
        value = await conn.scalar(
            text(f'SELECT coalesce(max(id), 0) FROM "gmina_{GMINA_A}".audit_log')
        )
    return int(value)


async def test_kipus_desk_shows_their_recent_residents(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        older_id, _ = await register(browser)
        newest_id, body = await register(browser, family_name=unique_name("Ostatnia"))
        await browser.get(f"{REGISTER}/{older_id}")  # opened again: now the newest
        before = await last_audit_id(admin_engine)
        desk = await browser.get(DESK)
    assert desk.status_code == 200
    page = text_of(desk)
    assert "Pulpit: Kramsk" in page
    panel = section(desk, "kipus-title")
    assert "Twoi ostatni mieszkańcy" in panel
    shown = record_links(panel)
    assert shown[:2] == [older_id, newest_id]
    assert len(shown) == len(set(shown)) <= 10
    assert body["family_name"] in panel
    # Each name shown on the desk is a list access, audited like the register's rows (the
    # reviews panel audits its own rows too).
    async with admin_engine.connect() as conn:
        listed = set(
            await conn.scalars(
                text(
                    f'SELECT entity_id FROM "gmina_{GMINA_A}".audit_log '
                    "WHERE id > :before AND action = 'list' AND entity = 'resident'"
                ),
                {"before": before},
            )
        )
    assert {UUID(i) for i in shown} <= listed
    # A search box for the register, sent by POST.
    form = re.search(r"<form[^>]*role=\"search\"[^>]*>", panel)
    assert form is not None
    assert 'method="post"' in form.group(0) and f'action="{REGISTER}/search"' in form.group(0)
    assert "Przeglądy Twoich planów IPUS" in section(desk, "reviews-title")
    # Panels of other roles are not shown to a KIPUS.
    assert not section(desk, "totals-title") and not section(desk, "access-title")
    assert "Zarejestruj mieszkańca" in page


async def test_kipus_desk_search_box_leads_to_the_results(app: Litestar) -> None:
    family = unique_name("Pulpitowa")
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, _ = await register(browser, family_name=family)
        await browser.get(DESK)
        results = await browser.submit(f"{REGISTER}/search", {"name": family, "pesel": ""})
    assert results.status_code == 200
    assert record_links(results.text) == [resident_id]


async def test_osl_desk_shows_totals_and_the_register(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        await register(browser)
    before = await count_rows(admin_engine, GMINA_A, "audit_log")
    async with browser_session(app, "osl.a@test.local") as browser:
        desk = await browser.get(DESK)
    assert desk.status_code == 200
    totals = section(desk, "totals-title")
    assert "Rejestr w liczbach" in totals
    numbers = [int(n) for n in re.findall(r'<p class="stat">(\d+)</p>', totals)]
    assert numbers[0] == await count_rows(admin_engine, GMINA_A, "resident")
    assert 1 <= numbers[1] <= numbers[0]
    assert f'href="{REGISTER}"' in desk.text
    assert "Praca ze społecznością lokalną" in text_of(desk)
    assert "Zarejestruj mieszkańca" not in text_of(desk)  # OSL does not register
    assert not section(desk, "kipus-title") and not section(desk, "access-title")
    assert not record_links(desk.text)
    # Counts are not personal data: the desk wrote nothing to the audit log.
    assert await count_rows(admin_engine, GMINA_A, "audit_log") == before


async def test_director_desk_shows_access_aggregates_without_names(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, body = await register(browser)
    async with browser_session(app, "director@test.local") as director:
        first = await director.get(DESK)
        access = section(first, "access-title")
        assert "Dostęp do danych osobowych w ostatnich 7 dniach" in access
        views = cell_after(access, "Wyświetlono rekord")
        by_director = cell_after(access, "Dyrektor CUS")
        await director.get(f"{REGISTER}/{resident_id}")
        before = await count_rows(admin_engine, GMINA_A, "audit_log")
        second = await director.get(DESK)
        assert await count_rows(admin_engine, GMINA_A, "audit_log") == before
    access = section(second, "access-title")
    assert cell_after(access, "Wyświetlono rekord") == views + 1
    assert cell_after(access, "Dyrektor CUS") == by_director + 1
    assert cell_after(access, "Zarejestrowano") >= 1
    assert "Rejestr w liczbach" in section(second, "totals-title")
    assert f'href="{REGISTER}"' in second.text
    assert body["family_name"] not in second.text and not record_links(second.text)
    assert not section(second, "kipus-title") and not section(second, "ous-title")


async def test_a_person_with_several_roles_sees_each_roles_panels(
    app: Litestar, admin_engine: AsyncEngine, multi_role_user: str
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        newest_id, body = await register(browser)
    async with browser_session(app, multi_role_user) as browser:
        start = await browser.get("/")
        assert start.headers["location"] == DESK
        desk = await browser.get(DESK)
    assert desk.status_code == 200
    assert "Twoi ostatni mieszkańcy" in section(desk, "kipus-title")
    assert "Rejestr w liczbach" in section(desk, "totals-title")
    newest = section(desk, "ous-title")
    assert "Ostatnio zarejestrowani" in newest
    assert record_links(newest)[0] == newest_id
    assert body["family_name"] in newest
    assert "Czeka na kwalifikację" in section(desk, "queue-title")
    assert "Skargi do rozpatrzenia" in section(desk, "complaints-title")
    assert not section(desk, "access-title")  # not a director


async def test_desk_of_another_gmina_is_not_found(app: Litestar) -> None:
    async with browser_session(app, "kipus.b@test.local") as browser:
        response = await browser.get(DESK)
    assert response.status_code == 404
