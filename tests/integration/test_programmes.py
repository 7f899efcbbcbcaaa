"""Programmes of social services (PUS) of a gmina, through the API and the pages: resolution,
period and diagnosis (a warning, not an error, when older than 5 years), services of the
gmina's agreement with conditions, estimates per year and indicators; each rule explained
with nothing written."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_tenants.programmes.service import today
from tests.conftest import GMINA_A, Platform, login
from tests.integration.test_catalogue import (
    DIRECTOR,
    OPERATOR,
    OUTSIDER,
    READER,
    care,
    count,
    create,
    other_agreement,
)
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

Client = httpx.AsyncClient

#: Staff of the other gmina of the test agreement: reads gmina A's programmes.
PEER = "kipus.b@test.local"


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


async def written(engine: AsyncEngine) -> tuple[int, ...]:
    tables = ("programme", "programme_service", "programme_estimate", "programme_indicator")
    return tuple([await count(engine, t) for t in tables])


def programme(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": f"Program usług społecznych Gminy Kramsk {uuid.uuid4().hex[:6]}",
        "resolution_number": "XXV/187/2024",
        "resolution_date": "2024-11-28",
        "period_start": "2025-01-01",
        "period_end": "2027-12-31",
        "diagnosis_date": "2024-06-30",
    }
    body.update(changes)
    return body


async def record(
    client: Client, body: dict[str, Any], email: str = DIRECTOR, teryt: str = GMINA_A
) -> httpx.Response:
    return await client.post(
        f"/api/tenants/gminy/{teryt}/programmes", json=body, headers=await login(client, email)
    )


async def catalogue_version(client: Client, platform: Platform, **changes: Any) -> str:
    """A fresh service of the test agreement's catalogue; the id of its version 1."""
    made = await create(client, platform.agreement_id, care(**changes))
    assert made.status_code == 201, made.text
    return str(made.json()["current"]["id"])


def entry(version_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "service_version_id": version_id,
        "conditions": "Pierwszeństwo mają osoby samotne.",
        "estimates": [{"year": 2025, "recipients": 20}, {"year": 2026, "recipients": 25}],
        "indicators": [
            {"name": "Liczba osób, które skorzystały z usługi", "unit": "osoby", "target": 25},
            {"name": "Liczba godzin usług", "unit": "godziny"},
        ],
    }
    body.update(changes)
    return body


# --- programmes ----------------------------------------------------------------------------


async def test_director_records_a_programme_that_staff_of_the_agreement_read(
    client: Client, admin_engine: AsyncEngine
) -> None:
    body = programme()
    created = await record(client, body)
    assert created.status_code == 201, created.text
    made = created.json()
    assert made["teryt"] == GMINA_A and made["warnings"] == [] and made["services"] == []
    assert made["period_start"] == "2025-01-01" and made["resolution_number"] == "XXV/187/2024"
    for email in (READER, PEER, OPERATOR):
        headers = await login(client, email)
        listed = await client.get(f"/api/tenants/gminy/{GMINA_A}/programmes", headers=headers)
        assert listed.status_code == 200
        assert made["id"] in [p["id"] for p in listed.json()]
        shown = await client.get(f"/api/tenants/programmes/{made['id']}", headers=headers)
        assert shown.status_code == 200 and shown.json()["title"] == body["title"]


async def test_readers_may_not_change_and_outsiders_see_nothing(
    client: Client, admin_engine: AsyncEngine
) -> None:
    made = (await record(client, programme())).json()
    url = f"/api/tenants/programmes/{made['id']}"
    before = await written(admin_engine)
    for email in (READER, PEER):
        assert (await record(client, programme(), email=email)).status_code == 403
        headers = await login(client, email)
        assert (
            await client.patch(url, json={"title": "Zmiana"}, headers=headers)
        ).status_code == 403
        added = await client.post(f"{url}/services", json=entry(str(uuid.uuid4())), headers=headers)
        assert added.status_code == 403
    outsider = await login(client, OUTSIDER)
    listed = await client.get(f"/api/tenants/gminy/{GMINA_A}/programmes", headers=outsider)
    assert listed.status_code == 404
    assert (await client.get(url, headers=outsider)).status_code == 404
    assert (await client.patch(url, json={"title": "Zmiana"}, headers=outsider)).status_code == 404
    assert (await record(client, programme(), email=OUTSIDER)).status_code == 404
    partner = await login(client, "partner@test.local")
    assert (await client.get(url, headers=partner)).status_code == 404
    assert (await record(client, programme(), email=OPERATOR, teryt="3021099")).status_code == 404
    unknown = f"/api/tenants/programmes/{uuid.uuid4()}"
    assert (await client.get(unknown, headers=await login(client, OPERATOR))).status_code == 404
    assert await written(admin_engine) == before


async def test_a_period_ending_before_it_starts_is_refused(
    client: Client, admin_engine: AsyncEngine
) -> None:
    before = await written(admin_engine)
    response = await client.post(
        f"/api/tenants/gminy/{GMINA_A}/programmes",
        json=programme(period_start="2026-01-01", period_end="2025-12-31"),
        headers={**await login(client, DIRECTOR), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "period_end",
            "code": "programme.period_order",
            "message": "The programme's period cannot end before it starts.",
        }
    ]
    missing = await record(client, {k: v for k, v in programme().items() if k != "title"})
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "title"
    assert await written(admin_engine) == before


def _warned(response: httpx.Response) -> list[str]:
    assert response.status_code == 201, response.text
    return [w["code"] for w in response.json()["warnings"]]


async def test_diagnosis_older_than_5_years_before_the_start_is_a_warning(
    client: Client, admin_engine: AsyncEngine
) -> None:
    start = "2030-03-15"  # a programme that has not started: the start is the reference
    exactly = programme(period_start=start, period_end="2032-12-31", diagnosis_date="2025-03-15")
    assert _warned(await record(client, exactly)) == []
    before = await written(admin_engine)
    older = await client.post(
        f"/api/tenants/gminy/{GMINA_A}/programmes",
        json=programme(period_start=start, period_end="2032-12-31", diagnosis_date="2025-03-14"),
        headers={**await login(client, DIRECTOR), "Accept-Language": "en"},
    )
    assert _warned(older) == ["programme.diagnosis_old"]
    assert older.json()["warnings"][0]["message"] == (
        "The diagnosis of needs and potential is more than 5 years old: a programme should "
        "rest on a diagnosis made at least once every 5 years."
    )
    # A warning, not an error: the programme is recorded.
    assert (await written(admin_engine))[0] == before[0] + 1


async def test_while_a_programme_runs_its_diagnosis_is_measured_against_today(
    client: Client,
) -> None:
    day = today()
    five = years_before(day, 5)
    running = {"period_start": "2020-01-01", "period_end": "2099-12-31"}
    assert _warned(await record(client, programme(**running, diagnosis_date=str(five)))) == []
    a_day_more = str(five - timedelta(days=1))
    old = await record(client, programme(**running, diagnosis_date=a_day_more))
    assert _warned(old) == ["programme.diagnosis_old"]
    # A programme that has ended is measured against its end.
    ended = {"period_start": "2010-01-01", "period_end": "2012-12-31"}
    assert _warned(await record(client, programme(**ended, diagnosis_date="2007-12-31"))) == []
    late = await record(client, programme(**ended, diagnosis_date="2007-12-30"))
    assert _warned(late) == ["programme.diagnosis_old"]
    listed = await client.get(
        f"/api/tenants/gminy/{GMINA_A}/programmes", headers=await login(client, READER)
    )
    warned = {p["id"]: [w["code"] for w in p["warnings"]] for p in listed.json()}
    assert warned[old.json()["id"]] == ["programme.diagnosis_old"]


async def test_changing_a_programme(client: Client, admin_engine: AsyncEngine) -> None:
    made = (await record(client, programme())).json()
    url = f"/api/tenants/programmes/{made['id']}"
    headers = await login(client, DIRECTOR)
    changed = await client.patch(
        url, json={"title": "Program po zmianie", "diagnosis_date": "2018-01-01"}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["title"] == "Program po zmianie"
    assert changed.json()["resolution_number"] == "XXV/187/2024"
    assert [w["code"] for w in changed.json()["warnings"]] == ["programme.diagnosis_old"]
    wrong = await client.patch(
        url, json={"period_end": "2024-12-31", "title": None}, headers=headers
    )
    assert wrong.status_code == 422
    assert {(e["field"], e["code"]) for e in wrong.json()["errors"]} == {
        ("title", "field.required"),
        ("period_end", "programme.period_order"),
    }
    shown = (await client.get(url, headers=headers)).json()
    assert shown["title"] == "Program po zmianie" and shown["period_end"] == "2027-12-31"


# --- services of a programme ---------------------------------------------------------------


async def test_a_catalogue_service_with_conditions_estimates_and_indicators(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await record(client, programme())).json()
    url = f"/api/tenants/programmes/{made['id']}"
    version_id = await catalogue_version(client, platform)
    headers = await login(client, DIRECTOR)
    added = await client.post(f"{url}/services", json=entry(version_id), headers=headers)
    assert added.status_code == 201, added.text
    item = added.json()
    assert item["service_version_id"] == version_id and item["version"] == 1
    assert item["name"] == "Usługi opiekuńcze w miejscu zamieszkania" and item["unit"] == "hour"
    assert item["estimates"] == [
        {"year": 2025, "recipients": 20},
        {"year": 2026, "recipients": 25},
    ]
    assert item["indicators"][1] == {
        "name": "Liczba godzin usług",
        "unit": "godziny",
        "target": None,
    }
    shown = (await client.get(url, headers=await login(client, PEER))).json()
    assert [s["id"] for s in shown["services"]] == [item["id"]]
    # A new catalogue version does not change what the programme took in.
    service_id = item["service_id"]
    body = {k: v for k, v in care(name="Nowa nazwa").items() if k != "code"}
    await client.post(
        f"/api/tenants/agreements/{platform.agreement_id}/catalogue/services/{service_id}/versions",
        json=body,
        headers=headers,
    )
    again = (await client.get(url, headers=headers)).json()
    assert again["services"][0]["version"] == 1
    assert again["services"][0]["name"] == "Usługi opiekuńcze w miejscu zamieszkania"
    # The same service once per programme, whichever version.
    before = await written(admin_engine)
    newest = (
        await client.get(
            f"/api/tenants/agreements/{platform.agreement_id}/catalogue/services/{service_id}",
            headers=headers,
        )
    ).json()["current"]["id"]
    twice = await client.post(f"{url}/services", json=entry(newest), headers=headers)
    assert twice.status_code == 409
    assert twice.json()["errors"][0]["code"] == "programme.service_duplicate"
    assert await written(admin_engine) == before


async def test_a_service_outside_the_gminas_agreement_is_refused(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await record(client, programme())).json()
    url = f"/api/tenants/programmes/{made['id']}/services"
    other = await other_agreement(platform)
    foreign = await create(client, other, care(), email=OPERATOR)
    foreign_version = foreign.json()["current"]["id"]
    headers = {**await login(client, DIRECTOR), "Accept-Language": "en"}
    before = await written(admin_engine)
    for version_id in (foreign_version, str(uuid.uuid4())):
        response = await client.post(url, json=entry(version_id), headers=headers)
        assert response.status_code == 422
        assert response.json()["errors"] == [
            {
                "field": "service_version_id",
                "code": "programme.service_outside_agreement",
                "message": "This service is not in the catalogue of the gmina's agreement.",
            }
        ]
    assert await written(admin_engine) == before


async def test_estimates_and_indicators_are_checked_all_at_once(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await record(client, programme())).json()
    url = f"/api/tenants/programmes/{made['id']}/services"
    version_id = await catalogue_version(client, platform)
    before = await written(admin_engine)
    response = await client.post(
        url,
        json=entry(
            version_id,
            estimates=[
                {"year": 2024, "recipients": 5},
                {"year": 2025, "recipients": -1},
                {"year": 2025, "recipients": 3},
            ],
            indicators=[{"name": "Liczba rodzin", "unit": "rodziny", "target": -5}],
        ),
        headers={**await login(client, DIRECTOR), "Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert [(e["field"], e["message"]) for e in response.json()["errors"]] == [
        ("estimates[0].year", "The year must lie within the programme's period (2025–2027)."),
        (
            "estimates[1].recipients",
            "The estimated number of recipients must be a whole number from 0 to 1000000.",
        ),
        ("estimates[2].year", "This year is given more than once."),
        ("indicators[0].target", "The target value must be a whole number from 0 to 1000000000."),
    ]
    assert await written(admin_engine) == before


async def test_the_period_cannot_shrink_past_the_estimates(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await record(client, programme())).json()
    url = f"/api/tenants/programmes/{made['id']}"
    headers = await login(client, DIRECTOR)
    version_id = await catalogue_version(client, platform)
    await client.post(f"{url}/services", json=entry(version_id), headers=headers)
    shrunk = await client.patch(
        url, json={"period_start": "2026-01-01", "period_end": "2027-12-31"}, headers=headers
    )
    assert shrunk.status_code == 422
    assert shrunk.json()["errors"][0] == {
        "field": "period_start",
        "code": "programme.estimates_outside_period",
        "message": "Szacunki liczby odbiorców wpisano dla lat spoza tego okresu: najpierw "
        "zmień lub usuń te szacunki.",
    }


async def test_taking_a_service_out_of_the_programme(
    client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await record(client, programme())).json()
    url = f"/api/tenants/programmes/{made['id']}/services"
    headers = await login(client, DIRECTOR)
    version_id = await catalogue_version(client, platform)
    item = (await client.post(url, json=entry(version_id), headers=headers)).json()
    other = (await record(client, programme())).json()
    before = await written(admin_engine)
    refused = await client.delete(f"{url}/{item['id']}", headers=await login(client, READER))
    assert refused.status_code == 403
    hidden = await client.delete(f"{url}/{item['id']}", headers=await login(client, OUTSIDER))
    assert hidden.status_code == 404
    assert await written(admin_engine) == before
    # Another programme's entry is not found under this programme (nothing removed).
    crossed = await client.delete(
        f"/api/tenants/programmes/{other['id']}/services/{item['id']}", headers=headers
    )
    assert crossed.status_code == 404
    assert await written(admin_engine) == before
    removed = await client.delete(f"{url}/{item['id']}", headers=headers)
    assert removed.status_code == 204
    # The entry, its 2 estimates and 2 indicators are gone.
    assert await written(admin_engine) == (before[0], before[1] - 1, before[2] - 2, before[3] - 2)
    assert (await client.delete(f"{url}/{item['id']}", headers=headers)).status_code == 404


# --- pages ---------------------------------------------------------------------------------


async def test_programmes_entry_lists_the_gminy_a_person_may_read(app: Litestar) -> None:
    async with browser_session(app, READER) as browser:
        response = await browser.get("/programmes")
    assert response.status_code == 200
    page = text_of(response)
    assert "Programy usług społecznych" in page
    assert f'href="/programmes/gmina/{GMINA_A}"' in response.text
    assert "Golina" in page and "Warszawa" not in page
    async with browser_session(app, "partner@test.local") as browser:
        assert (await browser.get("/programmes")).status_code == 403


async def test_recording_a_programme_on_the_pages(app: Litestar, admin_engine: AsyncEngine) -> None:
    form = {k: str(v) for k, v in programme(diagnosis_date="2015-05-05").items()}
    async with browser_session(app, DIRECTOR) as browser:
        listing = await browser.get(f"/programmes/gmina/{GMINA_A}")
        assert listing.status_code == 200
        assert "Programy usług społecznych: Kramsk" in text_of(listing)
        page = await browser.get(f"/programmes/gmina/{GMINA_A}/new")
        assert page.status_code == 200 and "Numer uchwały" in text_of(page)
        before = await written(admin_engine)
        wrong = await browser.submit(
            f"/programmes/gmina/{GMINA_A}/new", {**form, "period_end": "2024-01-01", "title": ""}
        )
        assert wrong.status_code == 422
        shown = text_of(wrong)
        assert "Pole jest wymagane." in shown
        assert 'id="f-title"' in wrong.text and "aria-invalid=true" in wrong.text
        assert await written(admin_engine) == before
        wrong = await browser.submit(
            f"/programmes/gmina/{GMINA_A}/new", {**form, "period_end": "2024-01-01"}
        )
        assert "Okres programu nie może kończyć się przed jego początkiem." in text_of(wrong)
        assert await written(admin_engine) == before
        done = await browser.submit(f"/programmes/gmina/{GMINA_A}/new", form)
        assert done.status_code == 303, done.text
        detail = await browser.get(done.headers["location"])
        listing = await browser.get(f"/programmes/gmina/{GMINA_A}")
    page = text_of(detail)
    assert "Program został zapisany." in page
    assert 'class="flash flash--warning" role="alert"' in detail.text
    assert "Uwaga: Diagnoza potrzeb i potencjału ma więcej niż 5 lat" in page
    assert "nr XXV/187/2024 z dnia 28.11.2024" in page
    assert f'href="{done.headers["location"]}/budgets"' in detail.text
    assert form["title"] in text_of(listing) and "Uwaga: starsza niż 5 lat" in text_of(listing)


async def test_adding_and_taking_out_a_service_on_the_programme_page(
    app: Litestar, client: Client, platform: Platform, admin_engine: AsyncEngine
) -> None:
    made = (await record(client, programme())).json()
    base = f"/programmes/{made['id']}"
    version_id = await catalogue_version(
        client, platform, name="Poradnictwo psychologiczne", area_code=5, unit="session"
    )
    form = {
        "service_version_id": version_id,
        "conditions": "Dla mieszkańców gminy Kramsk.",
        "recipients_2025": "12",
        "recipients_2026": "-3",
        "indicators.0.name": "Liczba osób objętych wsparciem",
        "indicators.0.unit": "osoby",
        "indicators.0.target": "abc",
    }
    async with browser_session(app, DIRECTOR) as browser:
        page = await browser.get(base)
        assert page.status_code == 200
        assert (
            f'<option value="{version_id}">Poradnictwo psychologiczne – wersja 1 od 01.01.2025'
            in (page.text)
        )
        assert "Odbiorcy w roku 2027" in text_of(page)
        before = await written(admin_engine)
        wrong = await browser.submit(f"{base}/services", form)
        assert wrong.status_code == 422
        shown = text_of(wrong)
        assert "Nieprawidłowa wartość pola." in shown  # the target is not a number
        assert 'id="f-indicators-0-target"' in wrong.text
        assert 'value="Dla mieszkańców gminy Kramsk."' not in wrong.text  # a textarea keeps it
        assert "Dla mieszkańców gminy Kramsk." in wrong.text
        wrong = await browser.submit(f"{base}/services", {**form, "indicators.0.target": "30"})
        assert wrong.status_code == 422
        assert "Szacowana liczba odbiorców musi być liczbą całkowitą od 0 do 1000000." in (
            text_of(wrong)
        )
        assert 'href="#f-recipients_2026"' in wrong.text
        assert await written(admin_engine) == before
        done = await browser.submit(
            f"{base}/services", {**form, "recipients_2026": "15", "indicators.0.target": "30"}
        )
        assert done.status_code == 303, done.text
        detail = await browser.get(base)
        page = text_of(detail)
        assert "Usługa została dodana do programu." in page
        assert "Szacowana liczba odbiorców w latach" in page
        assert "Poradnictwo psychologiczne 12 15 bez szacunku" in page
        assert "Liczba osób objętych wsparciem osoby 30" in page
        assert "5. promocja i ochrona zdrowia" in page
        entry_id = (
            await client.get(
                f"/api/tenants/programmes/{made['id']}", headers=await login(client, DIRECTOR)
            )
        ).json()["services"][0]["id"]
        removed = await browser.submit(f"{base}/services/{entry_id}/delete")
        assert removed.status_code == 303
        after = text_of(await browser.get(base))
    assert "Usługa została usunięta z programu." in after
    assert "Program nie zawiera jeszcze usług." in after


async def test_readers_see_a_programme_without_forms(
    app: Litestar, client: Client, platform: Platform
) -> None:
    made = (await record(client, programme())).json()
    base = f"/programmes/{made['id']}"
    async with browser_session(app, PEER) as browser:
        page = await browser.get(base)
        assert page.status_code == 200
        assert "Dodaj usługę do programu" not in text_of(page)
        assert f'action="{base}/services"' not in page.text
        assert f"{base}/budgets" in page.text
        assert (await browser.get(f"{base}/edit")).status_code == 403
        assert (await browser.get(f"/programmes/gmina/{GMINA_A}/new")).status_code == 403
        posted = await browser.submit(f"{base}/services", {"service_version_id": "x"})
        assert posted.status_code == 403
    async with browser_session(app, OUTSIDER) as browser:
        assert (await browser.get(base)).status_code == 404
        assert (await browser.get(f"/programmes/gmina/{GMINA_A}")).status_code == 404
        assert (await browser.get("/programmes/not-an-id")).status_code == 404


async def test_changing_a_programme_on_its_page(app: Litestar, client: Client) -> None:
    made = (await record(client, programme())).json()
    base = f"/programmes/{made['id']}"
    async with browser_session(app, DIRECTOR) as browser:
        page = await browser.get(f"{base}/edit")
        assert page.status_code == 200
        assert f'value="{made["title"]}"' in page.text and 'value="2025-01-01"' in page.text
        fields = {k: str(v) for k, v in programme(title="Program zmieniony na stronie").items()}
        wrong = await browser.submit(f"{base}/edit", {**fields, "period_end": "2020-01-01"})
        assert wrong.status_code == 422
        done = await browser.submit(f"{base}/edit", fields)
        assert done.status_code == 303
        shown = text_of(await browser.get(base))
    assert "Program został zmieniony." in shown and "Program zmieniony na stronie" in shown
