"""The catalogue of services of an agreement, through the API and the pages: the 14 statutory
areas (closed list), services with area, unit and delivery modes from closed lists, versions
that never change once written; each rule explained with nothing written."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Platform, login
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient

OPERATOR = "operator@test.local"
DIRECTOR = "director@test.local"
READER = "kipus.a@test.local"
OUTSIDER = "kipus.c@test.local"


async def count(engine: AsyncEngine, table: str) -> int:
    """Rows of a shared table (read as admin, outside the app)."""
    async with engine.connect() as conn:
        value: Any = await conn.scalar(text(f"SELECT count(*) FROM shared.{table}"))
    return int(value)


async def written(engine: AsyncEngine) -> tuple[int, int]:
    return await count(engine, "catalogue_service"), await count(engine, "service_version")


def code() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def care(**changes: Any) -> dict[str, Any]:
    """A service that keeps every rule (area 4, by the hour)."""
    body: dict[str, Any] = {
        "code": code(),
        "area_code": 4,
        "name": "Usługi opiekuńcze w miejscu zamieszkania",
        "name_en": "Care services at home",
        "description": "Pomoc w codziennych czynnościach, opieka higieniczna i pielęgnacja.",
        "target_group": "Osoby starsze i niesamodzielne.",
        "eligibility": "Oświadczenie o potrzebie pomocy innych osób.",
        "unit": "hour",
        "delivery_modes": ["procurement_social", "competition_entrust"],
        "valid_from": "2025-01-01",
    }
    body.update(changes)
    return body


def services_url(agreement_id: str) -> str:
    return f"/api/tenants/agreements/{agreement_id}/catalogue/services"


async def create(
    client: Client, agreement_id: str, body: dict[str, Any], email: str = DIRECTOR
) -> httpx.Response:
    return await client.post(
        services_url(agreement_id), json=body, headers=await login(client, email)
    )


async def other_agreement(platform: Platform) -> str:
    """An agreement of a gmina no test user works in (registered, not provisioned), so that
    no test user's world changes."""
    from cus_shared.database.naming import SHARED_SCHEMA, TENANTS_SERVICE_ROLE
    from cus_shared.tenancy import open_service_session
    from cus_tenants.agreements.models import Agreement
    from cus_tenants.agreements.schemas import AgreementCreate, MemberIn
    from cus_tenants.agreements.service import create_agreement
    from cus_tenants.gminy.models import Gmina
    from cus_tenants.gminy.service import register_gmina

    teryt, name = "3024011", "Porozumienie katalogowe (inne)"
    async with open_service_session(
        platform.db.sessions, db_role=TENANTS_SERVICE_ROLE, schema=SHARED_SCHEMA
    ) as session:
        found = await session.scalar(select(Agreement.id).where(Agreement.name == name))
        if found is not None:
            return str(found)
        if await session.get(Gmina, teryt) is None:
            await register_gmina(session, teryt, "Gmina katalogowa")
        agreement = await create_agreement(
            session,
            AgreementCreate(
                name=name,
                lead_teryt=teryt,
                members=[MemberIn(teryt=teryt, joined_on=date(2024, 1, 1))],
            ),
        )
        return str(agreement.id)


# --- areas ---------------------------------------------------------------------------------


async def test_the_14_areas_in_three_languages_for_anyone_logged_in(client: Client) -> None:
    for email in (READER, "partner@test.local", "rops@test.local"):
        response = await client.get(
            "/api/tenants/catalogue/areas", headers=await login(client, email)
        )
        assert response.status_code == 200
        areas = response.json()
        assert [a["code"] for a in areas] == list(range(1, 15))
    assert areas[3] == {
        "code": 4,
        "name_pl": "pomoc społeczna",
        "name_en": "social assistance",
        "name_uk": "соціальна допомога",
    }
    assert (await client.get("/api/tenants/catalogue/areas")).status_code == 401


async def test_the_database_holds_the_same_closed_list(admin_engine: AsyncEngine) -> None:
    async with admin_engine.connect() as conn:
        rows = (await conn.execute(text("SELECT code, name_pl FROM shared.catalogue_area"))).all()
    assert sorted(code for code, _ in rows) == list(range(1, 15))
    async with admin_engine.connect() as conn:
        with pytest.raises(Exception, match="closed_list"):
            await conn.execute(text("INSERT INTO shared.catalogue_area VALUES (15, 'x', 'x', 'x')"))


# --- services ------------------------------------------------------------------------------


async def test_director_adds_a_service_that_staff_of_the_agreement_read(
    client: Client, platform: Platform
) -> None:
    body = care()
    created = await create(client, platform.agreement_id, body)
    assert created.status_code == 201, created.text
    service = created.json()
    assert service["code"] == body["code"]
    assert service["version_count"] == 1
    assert [v["version"] for v in service["versions"]] == [1]
    current = service["current"]
    assert current["name"] == "Usługi opiekuńcze w miejscu zamieszkania"
    assert current["name_en"] == "Care services at home"
    assert current["name_uk"] is None and current["description_en"] is None
    # Modes in the order of the Act, each once.
    assert current["delivery_modes"] == ["competition_entrust", "procurement_social"]
    listed = await client.get(
        services_url(platform.agreement_id), headers=await login(client, READER)
    )
    assert listed.status_code == 200
    assert service["id"] in [s["id"] for s in listed.json()]
    shown = await client.get(
        f"{services_url(platform.agreement_id)}/{service['id']}",
        headers=await login(client, READER),
    )
    assert shown.status_code == 200
    assert shown.json()["versions"] == service["versions"]


async def test_demo_services_of_four_areas_and_units(client: Client, platform: Platform) -> None:
    examples = [
        ("Usługi opiekuńcze w miejscu zamieszkania", 4, "hour"),
        ("Poradnictwo psychologiczne", 5, "session"),
        ("Klub seniora", 11, "place_day"),
        ("Opaska monitorująca", 6, "item"),
    ]
    for name, area, unit in examples:
        response = await create(
            client, platform.agreement_id, care(name=name, area_code=area, unit=unit)
        )
        assert response.status_code == 201, response.text
        assert (response.json()["current"]["area_code"], response.json()["current"]["unit"]) == (
            area,
            unit,
        )


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"area_code": 0}, "area_code", "catalogue.area_unknown"),
        ({"area_code": 15}, "area_code", "catalogue.area_unknown"),
        ({"unit": "day"}, "unit", "catalogue.unit_unknown"),
        ({"delivery_modes": []}, "delivery_modes", "catalogue.modes_required"),
        ({"delivery_modes": ["in_house", "barter"]}, "delivery_modes", "catalogue.mode_unknown"),
        ({"code": "Zły kod!"}, "code", "catalogue.code_format"),
        ({"name": "x" * 201}, "name", "field.too_long"),
        ({"description": None}, "description", "field.required"),
    ],
)
async def test_each_rule_is_explained_and_nothing_written(
    client: Client,
    platform: Platform,
    admin_engine: AsyncEngine,
    change: dict[str, Any],
    field: str,
    key: str,
) -> None:
    body = care(**change)
    if change.get("description", "") is None:
        del body["description"]
    before = await written(admin_engine)
    response = await create(client, platform.agreement_id, body)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [(e["field"], e["code"]) for e in errors] == [(field, key)]
    assert errors[0]["message"] and errors[0]["message"] != key
    assert await written(admin_engine) == before


async def test_every_problem_is_reported_at_once_in_english(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    before = await written(admin_engine)
    response = await client.post(
        services_url(platform.agreement_id),
        json=care(area_code=15, unit="day", delivery_modes=[], code="A B"),
        headers={**await login(client, DIRECTOR), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    messages = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert messages == {
        "area_code": "The area must be one of the 14 statutory areas of social services (1–14).",
        "unit": "Choose the unit of delivery: hour, session, place-day or item.",
        "delivery_modes": "Choose at least one delivery mode.",
        "code": "The code may contain only lowercase letters a–z, digits and dashes "
        "(e.g. opieka-domowa).",
    }
    assert await written(admin_engine) == before


async def test_polish_message_by_default(client: Client, platform: Platform) -> None:
    response = await create(client, platform.agreement_id, care(area_code=15))
    assert response.json()["errors"][0]["message"] == (
        "Obszar musi być jednym z 14 ustawowych obszarów usług społecznych (1–14)."
    )


async def test_a_code_is_unique_within_the_agreement_only(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    body = care()
    assert (await create(client, platform.agreement_id, body)).status_code == 201
    before = await written(admin_engine)
    again = await create(client, platform.agreement_id, {**body, "code": body["code"].upper()})
    assert again.status_code == 409
    assert again.json()["errors"][0] == {
        "field": "code",
        "code": "catalogue.code_taken",
        "message": "Usługa o tym kodzie już istnieje w katalogu porozumienia.",
    }
    assert await written(admin_engine) == before
    other = await other_agreement(platform)
    assert (await create(client, other, body, email=OPERATOR)).status_code == 201


async def test_readers_may_not_change_and_outsiders_see_nothing(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await create(client, platform.agreement_id, care())).json()
    url = services_url(platform.agreement_id)
    before = await written(admin_engine)
    refused = await create(client, platform.agreement_id, care(), email=READER)
    assert refused.status_code == 403
    version = await client.post(
        f"{url}/{made['id']}/versions",
        json={k: v for k, v in care().items() if k != "code"},
        headers=await login(client, READER),
    )
    assert version.status_code == 403
    outsider = await login(client, OUTSIDER)
    assert (await client.get(url, headers=outsider)).status_code == 404
    assert (await client.get(f"{url}/{made['id']}", headers=outsider)).status_code == 404
    assert (await client.post(url, json=care(), headers=outsider)).status_code == 404
    partner = await login(client, "partner@test.local")
    assert (await client.get(url, headers=partner)).status_code == 404
    unknown = services_url(str(uuid.uuid4()))
    assert (await client.get(unknown, headers=await login(client, OPERATOR))).status_code == 404
    assert await written(admin_engine) == before


async def test_a_service_of_another_agreement_is_not_found_here(
    client: Client, platform: Platform
) -> None:
    other = await other_agreement(platform)
    foreign = (await create(client, other, care(), email=OPERATOR)).json()
    here = services_url(platform.agreement_id)
    director = await login(client, DIRECTOR)
    assert (await client.get(f"{here}/{foreign['id']}", headers=director)).status_code == 404
    body = {k: v for k, v in care().items() if k != "code"}
    moved = await client.post(f"{here}/{foreign['id']}/versions", json=body, headers=director)
    assert moved.status_code == 404
    # Nor through its own agreement, for people who do not work there.
    foreign_url = f"{services_url(other)}/{foreign['id']}"
    assert (await client.get(foreign_url, headers=director)).status_code == 404


# --- versions ------------------------------------------------------------------------------


def version_body(**changes: Any) -> dict[str, Any]:
    body = {k: v for k, v in care().items() if k != "code"}
    body.update(changes)
    return body


async def test_a_new_version_leaves_the_older_ones_unchanged(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await create(client, platform.agreement_id, care())).json()
    url = f"{services_url(platform.agreement_id)}/{made['id']}"
    headers = await login(client, DIRECTOR)
    second = await client.post(
        f"{url}/versions",
        json=version_body(
            name="Usługi opiekuńcze w miejscu zamieszkania (od lipca)",
            unit="hour",
            delivery_modes=["in_house"],
            valid_from="2025-07-01",
        ),
        headers=headers,
    )
    assert second.status_code == 201, second.text
    service = second.json()
    assert [v["version"] for v in service["versions"]] == [1, 2]
    assert service["versions"][0] == made["versions"][0]
    assert service["current"]["version"] == 2
    assert service["current"]["delivery_modes"] == ["in_house"]
    # The same day as the previous version is allowed (a correction on the day).
    third = await client.post(
        f"{url}/versions", json=version_body(valid_from="2025-07-01"), headers=headers
    )
    assert third.status_code == 201
    shown = (await client.get(url, headers=await login(client, READER))).json()
    assert shown["version_count"] == 3
    assert shown["versions"][:2] == service["versions"]
    async with admin_engine.connect() as conn:
        names = (
            await conn.execute(
                text(
                    "SELECT version, name, valid_from FROM shared.service_version "
                    "WHERE service_id = :s ORDER BY version"
                ),
                {"s": made["id"]},
            )
        ).all()
    assert [tuple(r) for r in names] == [
        (1, "Usługi opiekuńcze w miejscu zamieszkania", date(2025, 1, 1)),
        (2, "Usługi opiekuńcze w miejscu zamieszkania (od lipca)", date(2025, 7, 1)),
        (3, "Usługi opiekuńcze w miejscu zamieszkania", date(2025, 7, 1)),
    ]


async def test_a_version_cannot_start_before_the_previous_one(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await create(client, platform.agreement_id, care(valid_from="2025-03-01"))).json()
    url = f"{services_url(platform.agreement_id)}/{made['id']}/versions"
    before = await written(admin_engine)
    response = await client.post(
        url,
        json=version_body(valid_from="2025-02-28", area_code=20),
        headers={**await login(client, DIRECTOR), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert {e["field"]: e["message"] for e in response.json()["errors"]} == {
        "area_code": "The area must be one of the 14 statutory areas of social services (1–14).",
        "valid_from": "A new version cannot be valid from an earlier date than the previous one "
        "(version 1, valid from 01.03.2025).",
    }
    assert await written(admin_engine) == before


# --- pages ---------------------------------------------------------------------------------


async def test_catalogue_entry_offers_a_choice_or_goes_to_the_one_agreement(
    app: Litestar, client: Client, platform: Platform
) -> None:
    async with browser_session(app, OPERATOR) as browser:
        response = await browser.get("/catalogue")
    assert response.status_code == 200
    assert "Wybierz porozumienie międzygminne" in text_of(response)
    assert f'href="/catalogue/{platform.agreement_id}"' in response.text
    # A person of one gmina with a single agreement goes straight to its catalogue.
    async with browser_session(app, "kipus.b@test.local") as browser:
        response = await browser.get("/catalogue")
    if response.status_code == 303:
        assert response.headers["location"].startswith("/catalogue/")
    else:
        assert "Porozumienie testowe" in text_of(response)
    async with browser_session(app, "partner@test.local") as browser:
        assert (await browser.get("/catalogue")).status_code == 403


async def test_catalogue_page_groups_services_by_area_in_polish(
    app: Litestar, client: Client, platform: Platform
) -> None:
    await create(
        client, platform.agreement_id, care(name="Klub seniora", area_code=11, unit="place_day")
    )
    async with browser_session(app, READER) as browser:
        response = await browser.get(f"/catalogue/{platform.agreement_id}")
    assert response.status_code == 200
    page = text_of(response)
    for expected in (
        "Katalog usług: Porozumienie testowe",
        "4. pomoc społeczna",
        "11. pobudzanie aktywności obywatelskiej",
        "Klub seniora",
        "Osobodzień (miejsce na dzień)",
        "Zamówienie publiczne z klauzulami społecznymi",
    ):
        assert expected in page, expected
    assert "<caption>" in response.text and '<th scope="col">' in response.text
    # Readers see no button to add.
    assert f"/catalogue/{platform.agreement_id}/new" not in response.text
    async with browser_session(app, READER) as browser:
        assert (await browser.get(f"/catalogue/{platform.agreement_id}/new")).status_code == 403
    async with browser_session(app, OUTSIDER) as browser:
        assert (await browser.get(f"/catalogue/{platform.agreement_id}")).status_code == 404
        assert (await browser.get("/catalogue/not-a-uuid")).status_code == 404


async def test_adding_a_service_on_the_page(
    app: Litestar, platform: Platform, admin_engine: AsyncEngine
) -> None:
    base = f"/catalogue/{platform.agreement_id}"
    form = {
        "code": code(),
        "area_code": "5",
        "name": "Poradnictwo psychologiczne",
        "description": "Konsultacje z psychologiem.\nDo pięciu spotkań.",
        "target_group": "Mieszkańcy w kryzysie.",
        "eligibility": "Oświadczenie o potrzebie wsparcia.",
        "unit": "session",
        "valid_from": "2025-01-01",
        "name_uk": "Психологічне консультування",
    }
    async with browser_session(app, DIRECTOR) as browser:
        page = await browser.get(f"{base}/new")
        assert page.status_code == 200
        assert "Dodaj usługę do katalogu" in text_of(page)
        before = await written(admin_engine)
        wrong = await browser.submit(f"{base}/new", {**form, "area_code": "", "name": ""})
        assert wrong.status_code == 422
        shown = text_of(wrong)
        assert "Pole jest wymagane." in shown
        assert "Wybierz co najmniej jeden sposób realizacji." in shown
        assert 'id="f-delivery_modes"' in wrong.text and "aria-invalid=true" in wrong.text
        assert "Konsultacje z psychologiem." in wrong.text  # what was typed stays
        assert await written(admin_engine) == before
        done = await browser.submit(f"{base}/new", {**form, "delivery_modes": "in_house"})
        assert done.status_code == 303, done.text
        service_page = await browser.get(done.headers["location"])
        again = await browser.submit(f"{base}/new", {**form, "delivery_modes": "in_house"})
        assert again.status_code == 409
        assert "Usługa o tym kodzie już istnieje" in text_of(again)
    shown = text_of(service_page)
    assert "Usługa została dodana do katalogu." in shown
    assert "Poradnictwo psychologiczne" in shown and "Spotkanie (sesja)" in shown
    assert "Sam CUS lub inna jednostka gminy" in shown
    assert '<p class="prose" lang="pl">Do pięciu spotkań.</p>' in service_page.text
    assert '<span lang="uk">Психологічне консультування</span>' in service_page.text


async def test_a_new_version_on_the_page_starts_from_the_current_one(
    app: Litestar, client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (
        await create(
            client,
            platform.agreement_id,
            care(name="Opaska monitorująca", area_code=6, unit="item", valid_from="2025-05-01"),
        )
    ).json()
    base = f"/catalogue/{platform.agreement_id}/services/{made['id']}"
    async with browser_session(app, DIRECTOR) as browser:
        form_page = await browser.get(f"{base}/new-version")
        assert form_page.status_code == 200
        assert 'value="Opaska monitorująca"' in form_page.text
        assert (
            'value="competition_entrust" id="f-delivery_modes-competition-entrust" checked'
            in (form_page.text)
            or 'value="competition_entrust" id="f-delivery_modes" checked' in form_page.text
        )
        assert "Nie wcześniej niż data bieżącej wersji: 01.05.2025." in text_of(form_page)
        fields = {
            "area_code": "6",
            "name": "Opaska monitorująca (teleopieka)",
            "description": "Opaska z przyciskiem alarmowym.",
            "target_group": "Osoby samotne.",
            "eligibility": "Wiek 65+.",
            "unit": "item",
            "delivery_modes": "procurement",
        }
        before = await written(admin_engine)
        early = await browser.submit(f"{base}/new-version", {**fields, "valid_from": "2025-04-30"})
        assert early.status_code == 422
        assert "(wersja 1, obowiązuje od 01.05.2025)" in text_of(early)
        assert await written(admin_engine) == before
        done = await browser.submit(f"{base}/new-version", {**fields, "valid_from": "2025-09-01"})
        assert done.status_code == 303
        page = await browser.get(done.headers["location"])
        history = text_of(page)
        assert "Zapisano wersję 2 usługi" in history
        assert "Historia wersji" in history and "Wersja 1" in history and "Wersja 2" in history
        old = await browser.get(f"{base}/versions/1")
        assert old.status_code == 200
        assert "To wcześniejsza wersja" in text_of(old)
        assert "<h1>Opaska monitorująca – wersja 1</h1>" in old.text
        assert "Pomoc w codziennych czynnościach" in old.text
        assert "Opaska z przyciskiem alarmowym." not in old.text
        assert (await browser.get(f"{base}/versions/9")).status_code == 404
    async with browser_session(app, READER) as browser:
        read = await browser.get(base)
        assert read.status_code == 200 and f"{base}/new-version" not in read.text
        assert (await browser.get(f"{base}/new-version")).status_code == 403


async def test_catalogue_pages_in_english(app: Litestar, platform: Platform) -> None:
    async with browser_session(app, READER) as browser:
        await browser.get("/catalogue")
        await browser.submit("/language", {"language": "en", "next": "/catalogue"})
        response = await browser.get(f"/catalogue/{platform.agreement_id}")
    assert '<html lang="en">' in response.text
    assert "4. social assistance" in text_of(response)
