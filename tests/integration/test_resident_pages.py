"""The resident register as pages: list, search (POST, with and without HTMX), a record,
registering and editing through the forms, the audit trail of a record. Polish first;
mistakes explained next to the fields and written nowhere; every read audited; other gminy
answer 404; no personal data in any URL the pages make."""

from __future__ import annotations

import itertools
import re
import secrets
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from cus_shared.identifiers.pesel import make_pesel
from tests.conftest import GMINA_A, GMINA_B, GMINA_C, count_rows
from tests.pages import PageSession, browser_session, text_of

REGISTER = f"/gminy/{GMINA_A}/residents"
UUID_PATTERN = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
RECORD = re.compile(rf"^/gminy/\d{{7}}/residents/({UUID_PATTERN})$")

_serials = itertools.count(1)


def unique_pesel(sex: str = "F") -> str:
    """A valid PESEL no other test of the session uses (born in 1946, serials 600+)."""
    n = next(_serials)
    return make_pesel(date(1946, 1 + n % 12, 1 + n % 28), 600 + n, sex)


def unique_name(stem: str = "Stronska") -> str:
    """A family name no other resident has (letters only, so name searches find it)."""
    return stem + "".join(chr(ord("a") + int(c, 16)) for c in secrets.token_hex(4))


async def register(
    browser: PageSession, teryt: str = GMINA_A, **fields: str
) -> tuple[str, dict[str, str]]:
    """Register a resident through the form; their id and what was sent."""
    body = {
        "given_name": "Anna",
        "family_name": unique_name(),
        "birth_date": "1970-05-06",
        "preferred_language": "pl",
        **fields,
    }
    response = await browser.submit(f"/gminy/{teryt}/residents/new", body)
    assert response.status_code == 303, text_of(response)
    found = RECORD.match(response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1), body


async def counts(engine: AsyncEngine, teryt: str = GMINA_A) -> tuple[int, int]:
    """Residents and audit entries of a gmina."""
    return await count_rows(engine, teryt, "resident"), await count_rows(engine, teryt, "audit_log")


def urls_of(response: httpx.Response) -> list[str]:
    """Every link, form action and HTMX target address of a page."""
    return re.findall(r'(?:href|action|hx-post|hx-get)="([^"]*)"', response.text)


def result_links(response: httpx.Response) -> list[str]:
    """Links to residents' records on a page."""
    return [u for u in urls_of(response) if re.search(rf"/residents/{UUID_PATTERN}", u)]


async def choose_english(browser: PageSession, back: str) -> None:
    response = await browser.submit("/language", {"language": "en", "next": back})
    assert response.status_code == 303


# Registering a resident.


async def test_new_resident_form_is_polish_and_registers(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        form = await browser.get(f"{REGISTER}/new")
        assert form.status_code == 200
        page = text_of(form)
        for label in ("Zarejestruj mieszkańca", "Imię", "Nazwisko", "Data urodzenia"):
            assert label in page
        for label in ("Kod pocztowy", "Miejscowość", "Preferowany język", "ukraiński"):
            assert label in page
        assert 'id="f-address-postal_code"' in form.text
        assert '<fieldset class="group">' in form.text
        assert 'method="post"' in form.text and "novalidate" in form.text

        residents, audit = await counts(admin_engine)
        pesel = unique_pesel("F")
        resident_id, body = await register(
            browser,
            birth_date="",
            pesel=pesel,
            **{
                "address.street": "Polna",
                "address.building_no": "3",
                "address.apartment_no": "4",
                "address.postal_code": "62-511",
                "address.city": "Kramsk",
                "preferred_language": "uk",
            },
        )
        assert await counts(admin_engine) == (residents + 1, audit + 1)  # the create entry

        record = await browser.get(f"{REGISTER}/{resident_id}")
    assert record.status_code == 200
    page = text_of(record)
    assert "Zarejestrowano mieszkańca." in page  # the flash message after the redirect
    assert f"<h1>Anna {body['family_name']}</h1>" in record.text
    assert "<title>Karta mieszkańca" in record.text  # no name in the browser's history
    assert pesel in page
    born = date(1946, int(pesel[2:4]), int(pesel[4:6]))
    assert born.strftime("%d.%m.%Y") in page
    assert "Kobieta" in page and "ukraiński" in page
    assert "Polna 3/4" in page and "62-511 Kramsk" in page
    assert "Edytuj" in page
    assert "Kto przeglądał ten rekord" not in page  # KIPUS does not supervise
    assert await counts(admin_engine) == (residents + 1, audit + 2)  # and the read


CREATE_MISTAKES: list[tuple[str, dict[str, str], int, str, str]] = [
    ("checksum", {"pesel": "90010112319"}, 422, "pesel", "PESEL ma nieprawidłową cyfrę kontrolną."),
    ("short pesel", {"pesel": "9001"}, 422, "pesel", "PESEL musi mieć 11 cyfr."),
    (
        "date against pesel",
        {"pesel": "90010112318", "birth_date": "1991-01-01"},
        422,
        "birth_date",
        "Data urodzenia nie zgadza się z numerem PESEL.",
    ),
    ("no birth date", {"birth_date": ""}, 422, "birth_date", "Pole jest wymagane."),
    (
        "future",
        {"birth_date": "2999-01-01"},
        422,
        "birth_date",
        "Data urodzenia nie może być w przyszłości.",
    ),
    (
        "bad date",
        {"birth_date": "1990-13-45"},
        422,
        "birth_date",
        "Nieprawidłowa data (oczekiwany format RRRR-MM-DD).",
    ),
    ("no given name", {"given_name": ""}, 422, "given_name", "Pole jest wymagane."),
    (
        "too long",
        {"family_name": "B" * 101},
        422,
        "family_name",
        "Wartość jest za długa (najwyżej 100 znaków).",
    ),
    (
        "postal code",
        {"address.postal_code": "62511"},
        422,
        "address.postal_code",
        "Kod pocztowy musi mieć postać 00-000.",
    ),
    ("sex", {"sex": "X"}, 422, "sex", "Nieprawidłowa wartość pola."),
    (
        "language",
        {"preferred_language": "xx"},
        422,
        "preferred_language",
        "Wartość spoza listy dozwolonych.",
    ),
]


@pytest.mark.parametrize(
    ("case", "fields", "status", "name", "message"),
    CREATE_MISTAKES,
    ids=[c[0] for c in CREATE_MISTAKES],
)
async def test_registration_mistakes_are_explained_and_nothing_is_written(
    app: Litestar,
    admin_engine: AsyncEngine,
    case: str,
    fields: dict[str, str],
    status: int,
    name: str,
    message: str,
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        await browser.get(f"{REGISTER}/new")
        before = await counts(admin_engine)
        body = {
            "given_name": "Ewa",
            "family_name": "Błędna",
            "birth_date": "1980-02-03",
            "preferred_language": "pl",
            **fields,
        }
        response = await browser.submit(f"{REGISTER}/new", body)
    assert response.status_code == status, case
    assert text_of(response).count(message) == 2  # in the summary and next to the field
    fid = "f-" + name.replace(".", "-")
    assert f'href="#{fid}"' in response.text
    assert re.search(rf'id="{fid}"[^>]*aria-invalid=true', response.text)
    assert "<title>Błąd:" in response.text
    assert await counts(admin_engine) == before


async def test_duplicate_pesel_is_a_conflict(app: Litestar, admin_engine: AsyncEngine) -> None:
    pesel = unique_pesel()
    async with browser_session(app, "kipus.a@test.local") as browser:
        await register(browser, pesel=pesel, birth_date="")
        before = await counts(admin_engine)
        response = await browser.submit(
            f"{REGISTER}/new",
            {"given_name": "Druga", "family_name": unique_name(), "pesel": pesel},
        )
    assert response.status_code == 409
    assert "Mieszkaniec o tym numerze PESEL jest już w rejestrze tej gminy." in text_of(response)
    assert await counts(admin_engine) == before


async def test_registration_mistakes_in_english_after_choosing_english(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        await browser.get(f"{REGISTER}/new")
        await choose_english(browser, f"{REGISTER}/new")
        form = await browser.get(f"{REGISTER}/new")
        assert '<html lang="en">' in form.text
        assert "Register a resident" in text_of(form) and "Postal code" in text_of(form)
        before = await counts(admin_engine)
        response = await browser.submit(
            f"{REGISTER}/new",
            {
                "given_name": "Ewa",
                "family_name": "Wrong",
                "pesel": "90010112319",
                "address.postal_code": "62511",
            },
        )
    assert response.status_code == 422
    page = text_of(response)
    assert "There is a problem" in page
    assert page.count("The PESEL check digit is wrong.") == 2
    assert page.count("A postal code must look like 00-000.") == 2
    assert "PESEL ma" not in page
    assert await counts(admin_engine) == before


async def test_a_date_typed_the_polish_way_is_understood(app: Litestar) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, _ = await register(browser, birth_date="06.05.1970")
        record = await browser.get(f"{REGISTER}/{resident_id}")
    assert "06.05.1970" in text_of(record)


async def test_household_member_registered_from_a_record(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        head_id, _ = await register(browser, given_name="Jan")
        record = await browser.get(f"{REGISTER}/{head_id}")
        link = f"{REGISTER}/new?household_of={head_id}"
        assert f'href="{link}"' in record.text
        assert "Nie odnotowano innych członków gospodarstwa domowego." in text_of(record)
        form = await browser.get(link)
        assert f'name="household_of" value="{head_id}"' in form.text
        child_id, _ = await register(
            browser, given_name="Ola", household_of=head_id, household_role="child"
        )
        record = await browser.get(f"{REGISTER}/{head_id}")
        assert f'href="{REGISTER}/{child_id}"' in record.text
        assert "Dziecko" in text_of(record)
        # A household that is not there, and a link that was tampered with.
        before = await counts(admin_engine)
        missing = await browser.submit(
            f"{REGISTER}/new",
            {
                "given_name": "Ola",
                "family_name": unique_name(),
                "birth_date": "2010-01-01",
                "household_of": str(uuid.uuid4()),
            },
        )
        assert missing.status_code == 422
        assert "Wskazane gospodarstwo domowe nie istnieje w tej gminie." in text_of(missing)
        assert 'href="#f-household_of"' in missing.text
        assert await counts(admin_engine) == before
        assert (await browser.get(f"{REGISTER}/new?household_of=nope")).status_code == 400
        # A mistake elsewhere in the form: no household is made for the head either.
        loner_id, _ = await register(browser, given_name="Samotny")
        before = await counts(admin_engine)
        households = await count_rows(admin_engine, GMINA_A, "household")
        refused = await browser.submit(
            f"{REGISTER}/new",
            {
                "given_name": "Ola",
                "family_name": unique_name(),
                "birth_date": "2010-01-01",
                "household_of": loner_id,
                "address.postal_code": "1",
            },
        )
        assert refused.status_code == 422
        assert await counts(admin_engine) == before
        assert await count_rows(admin_engine, GMINA_A, "household") == households


# The register and its search.


async def test_register_lists_pages_and_audits_each_row_shown(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        for _ in range(3):
            await register(browser)
        before = await count_rows(admin_engine, GMINA_A, "audit_log")
        page = await browser.get(REGISTER)
        assert page.status_code == 200
        shown = result_links(page)
        assert 1 <= len(shown) <= 20
        assert await count_rows(admin_engine, GMINA_A, "audit_log") == before + len(shown)
        async with admin_engine.connect() as conn:
            newest = await conn.execute(
                text(
                    f'SELECT action, entity_id::text FROM "gmina_{GMINA_A}".audit_log '
                    "ORDER BY id DESC LIMIT :n"
                ),
                {"n": len(shown)},
            )
            entries = newest.all()
        assert {action for action, _ in entries} == {"list"}
        assert sorted(f"{REGISTER}/{entity_id}" for _, entity_id in entries) == sorted(shown)
        assert "Rejestr mieszkańców" in text_of(page)
        assert "<caption>" in page.text and '<th scope="col">Nazwisko</th>' in page.text
        assert "Zarejestruj mieszkańca" in text_of(page)
        total = await count_rows(admin_engine, GMINA_A, "resident")
        if total > 20:
            assert f'href="{REGISTER}?offset=20"' in page.text
        second = await browser.get(REGISTER, params={"offset": "20"})
        assert second.status_code == 200
        for bad in ("abc", "-1", "1e3", "2.5", "99999999999999999999", ""):
            before = await count_rows(admin_engine, GMINA_A, "audit_log")
            response = await browser.get(REGISTER, params={"offset": bad})
            if bad == "":
                continue
            assert response.status_code == 400, bad
            assert response.headers["content-type"].startswith("text/html")
            assert "Nieprawidłowe dane wejściowe." in text_of(response)
            assert await count_rows(admin_engine, GMINA_A, "audit_log") == before


async def test_search_by_pesel_finds_and_is_audited(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    pesel = unique_pesel("M")
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, body = await register(browser, pesel=pesel, birth_date="", given_name="Piotr")
        register_page = await browser.get(REGISTER)
        # The search form posts (criteria never in a URL) and HTMX replaces a live region.
        search_form = re.search(r"<form[^>]*role=\"search\"[^>]*>", register_page.text)
        assert search_form is not None
        assert 'method="post"' in search_form.group(0)
        assert f'action="{REGISTER}/search"' in search_form.group(0)
        assert f'hx-post="{REGISTER}/search"' in search_form.group(0)
        assert 'hx-target="#results"' in search_form.group(0)
        assert '<div id="results" aria-live="polite">' in register_page.text

        before = await count_rows(admin_engine, GMINA_A, "audit_log")
        found = await browser.submit(f"{REGISTER}/search", {"pesel": pesel})
        assert found.status_code == 200
        page = text_of(found)
        assert "Wyniki wyszukiwania" in page and "Znaleziono 1 mieszkańca" in page
        assert body["family_name"] in page
        assert result_links(found) == [f"{REGISTER}/{resident_id}"]
        assert f'value="{pesel}"' in found.text  # the criteria stay in the form
        assert "<html" in found.text  # without JavaScript: the whole page
        assert await count_rows(admin_engine, GMINA_A, "audit_log") == before + 1

        by_name = await browser.submit(
            f"{REGISTER}/search", {"name": body["family_name"][:-2].lower()}
        )
        assert body["family_name"] in text_of(by_name)


async def test_search_mistakes_are_explained(app: Litestar, admin_engine: AsyncEngine) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        await browser.get(REGISTER)
        before = await counts(admin_engine)
        empty = await browser.submit(f"{REGISTER}/search", {"name": "", "pesel": ""})
        assert empty.status_code == 422
        assert "Podaj co najmniej jedno kryterium wyszukiwania." in text_of(empty)
        checksum = await browser.submit(f"{REGISTER}/search", {"pesel": "90010112319"})
        assert checksum.status_code == 422
        assert text_of(checksum).count("PESEL ma nieprawidłową cyfrę kontrolną.") == 2
        assert 'href="#f-pesel"' in checksum.text
        short = await browser.submit(f"{REGISTER}/search", {"name": "a"})
        assert short.status_code == 422
        assert "Wartość jest za krótka (co najmniej 2 znaków)." in text_of(short)
        assert await counts(admin_engine) == before
        await choose_english(browser, REGISTER)
        english = await browser.submit(f"{REGISTER}/search", {})
        assert "Give at least one search criterion." in text_of(english)


async def test_search_from_htmx_returns_only_the_results(app: Litestar) -> None:
    family = unique_name("Htmxowa")
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, _ = await register(browser, family_name=family)
        await browser.get(REGISTER)
        found = await browser.submit(
            f"{REGISTER}/search", {"name": family}, headers={"HX-Request": "true"}
        )
        assert found.status_code == 200
        assert "<html" not in found.text and "<h1>" not in found.text
        assert family in text_of(found)
        assert result_links(found) == [f"{REGISTER}/{resident_id}"]
        # Mistakes come in the fragment too (422; the layout tells htmx to show it).
        mistake = await browser.submit(
            f"{REGISTER}/search", {"pesel": "123"}, headers={"HX-Request": "true"}
        )
        assert mistake.status_code == 422
        assert "<html" not in mistake.text
        assert 'class="error-summary"' in mistake.text
        assert "PESEL musi mieć 11 cyfr." in text_of(mistake)


async def test_search_pages_by_post(app: Litestar) -> None:
    family = unique_name("Wielostronska")
    async with browser_session(app, "kipus.a@test.local") as browser:
        for index in range(22):
            await register(browser, family_name=family, given_name=f"Osoba{chr(65 + index)}")
        first = await browser.submit(f"{REGISTER}/search", {"name": family})
        assert "Znaleziono 22 mieszkańców" in text_of(first)
        assert len(result_links(first)) == 20
        paging = re.search(r'<form class="pagination"[^>]*>', first.text)
        assert paging is not None and 'method="post"' in paging.group(0)
        assert 'name="offset" value="20"' in first.text
        second = await browser.submit(f"{REGISTER}/search", {"name": family, "offset": "20"})
        assert len(result_links(second)) == 2
        assert "Pozycje 21–22 z 22" in text_of(second)
        assert 'name="offset" value="0"' in second.text


# A record, and who viewed it.


async def test_audit_trail_lists_the_view_just_made(app: Litestar) -> None:
    async with browser_session(app, "kipus.a@test.local") as kipus:
        resident_id, _ = await register(kipus)
        trail = f"{REGISTER}/{resident_id}/audit"
        refused = await kipus.get(trail)
        assert refused.status_code == 403
        assert "Twoja rola nie pozwala na tę czynność." in text_of(refused)
    async with browser_session(app, "director@test.local") as director:
        record = await director.get(f"{REGISTER}/{resident_id}")
        assert "Kto przeglądał ten rekord" in text_of(record)
        assert f'href="{trail}"' in record.text
        page = await director.get(trail)
        assert page.status_code == 200
        assert "<h1>Kto przeglądał ten rekord</h1>" in page.text
        rows = re.findall(r"<tr>\s*<td>(.*?)</tr>", page.text, re.S)
        newest = re.sub(r"<[^>]+>|\s+", " ", rows[0])
        oldest = re.sub(r"<[^>]+>|\s+", " ", rows[-1])
        assert "Wyświetlono rekord" in newest and "Dyrektor" in newest and "(Ty)" in newest
        assert re.search(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}", newest)
        assert "Zarejestrowano" in oldest and "(KIPUS)" in oldest
        assert (await director.get(trail, params={"offset": "x"})).status_code == 400
        missing = await director.get(f"{REGISTER}/{uuid.uuid4()}/audit")
        assert missing.status_code == 404


async def test_unknown_record_is_a_404_page(app: Litestar) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        for path in (f"{REGISTER}/{uuid.uuid4()}", f"{REGISTER}/{uuid.uuid4()}/edit"):
            response = await browser.get(path)
            assert response.status_code == 404
            assert "Nie znaleziono." in text_of(response)


# Editing.


async def _audit_details(engine: AsyncEngine, resident_id: str) -> list[Any]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                f'SELECT details FROM "gmina_{GMINA_A}".audit_log '
                "WHERE action = 'update' AND entity_id = :id ORDER BY id"
            ),
            {"id": resident_id},
        )
        return [r[0] for r in rows]


async def test_edit_saves_only_what_changed(app: Litestar, admin_engine: AsyncEngine) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, body = await register(
            browser, **{"address.city": "Kramsk", "address.postal_code": "62-511"}
        )
        edit = f"{REGISTER}/{resident_id}/edit"
        form = await browser.get(edit)
        assert form.status_code == 200
        assert "Edycja danych mieszkańca" in text_of(form)
        assert 'name="version" value="1"' in form.text
        assert f'value="{body["family_name"]}"' in form.text
        assert 'value="1970-05-06"' in form.text
        values = {
            **body,
            "given_name": "Hanna",
            "address.street": "",
            "address.building_no": "",
            "address.apartment_no": "",
            "address.postal_code": "62-511",
            "address.city": "Konin",
            "pesel": "",
            "sex": "",
            "version": "1",
        }
        saved = await browser.submit(edit, values)
        assert saved.status_code == 303
        assert saved.headers["location"] == f"{REGISTER}/{resident_id}"
        record = await browser.get(saved.headers["location"])
        page = text_of(record)
        assert "Zapisano zmiany." in page
        assert "Hanna" in page and "62-511 Konin" in page
        assert await _audit_details(admin_engine, resident_id) == [
            {"fields": ["city", "given_name"]}
        ]
        # Sending the form unchanged writes no update.
        unchanged = await browser.submit(edit, {**values, "version": "2"})
        assert unchanged.status_code == 303
        assert "Nic nie zmieniono." in text_of(await browser.get(unchanged.headers["location"]))
        assert len(await _audit_details(admin_engine, resident_id)) == 1


async def test_edit_of_a_record_changed_meanwhile_is_refused(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, body = await register(browser)
        edit = f"{REGISTER}/{resident_id}/edit"
        await browser.get(edit)
        first = await browser.submit(edit, {**body, "given_name": "Pierwsza", "version": "1"})
        assert first.status_code == 303
        before = await counts(admin_engine)
        stale = await browser.submit(edit, {**body, "given_name": "Druga", "version": "1"})
        assert stale.status_code == 409
        page = text_of(stale)
        assert "Ktoś w międzyczasie zmienił ten rekord." in page
        assert f'href="{edit}"' in stale.text
        assert "Wczytaj aktualne dane" in page
        assert 'value="Druga"' in stale.text  # what the person typed is not thrown away
        assert await counts(admin_engine) == before
        record = await browser.get(f"{REGISTER}/{resident_id}")
        assert "Pierwsza" in text_of(record) and "Druga" not in text_of(record)


EDIT_MISTAKES: list[tuple[dict[str, str], int, str, str]] = [
    ({"address.postal_code": "62511"}, 422, "address.postal_code", "Kod pocztowy musi mieć"),
    ({"given_name": ""}, 422, "given_name", "Pole jest wymagane."),
    ({"pesel": "90010112319"}, 422, "pesel", "PESEL ma nieprawidłową cyfrę kontrolną."),
    ({"birth_date": "2999-01-01"}, 422, "birth_date", "Data urodzenia nie może być"),
    ({"sex": "Q"}, 422, "sex", "Nieprawidłowa wartość pola."),
]


@pytest.mark.parametrize(("fields", "status", "name", "message"), EDIT_MISTAKES)
async def test_edit_mistakes_are_explained_and_nothing_is_written(
    app: Litestar,
    admin_engine: AsyncEngine,
    fields: dict[str, str],
    status: int,
    name: str,
    message: str,
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, body = await register(browser)
        edit = f"{REGISTER}/{resident_id}/edit"
        await browser.get(edit)
        before = await counts(admin_engine)
        response = await browser.submit(edit, {**body, "version": "1", **fields})
        assert response.status_code == status
        assert text_of(response).count(message) == 2
        assert f'href="#f-{name.replace(".", "-")}"' in response.text
        assert await counts(admin_engine) == before


async def test_edit_mistakes_in_english(app: Litestar) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, body = await register(browser)
        edit = f"{REGISTER}/{resident_id}/edit"
        await browser.get(edit)
        await choose_english(browser, edit)
        response = await browser.submit(edit, {**body, "version": "1", "address.postal_code": "1"})
    assert response.status_code == 422
    assert text_of(response).count("A postal code must look like 00-000.") == 2


async def test_duplicate_pesel_on_edit_is_a_conflict(app: Litestar) -> None:
    taken = unique_pesel()
    async with browser_session(app, "kipus.a@test.local") as browser:
        await register(browser, pesel=taken, birth_date="")
        resident_id, body = await register(browser)
        edit = f"{REGISTER}/{resident_id}/edit"
        await browser.get(edit)
        response = await browser.submit(
            edit, {**body, "version": "1", "pesel": taken, "birth_date": ""}
        )
    assert response.status_code == 409
    assert text_of(response).count("Mieszkaniec o tym numerze PESEL jest już w rejestrze") == 2


# Who may see what.


def _pages_of(resident_id: str) -> list[tuple[str, str]]:
    record = f"{REGISTER}/{resident_id}"
    return [
        ("GET", REGISTER),
        ("GET", f"{REGISTER}/new"),
        ("GET", record),
        ("GET", f"{record}/edit"),
        ("GET", f"{record}/audit"),
        ("POST", f"{REGISTER}/search"),
        ("POST", f"{REGISTER}/new"),
        ("POST", f"{record}/edit"),
    ]


@pytest.mark.parametrize("outsider", ["kipus.b@test.local", "kipus.c@test.local"])
async def test_other_gminy_staff_get_404_on_every_page(
    app: Litestar, admin_engine: AsyncEngine, outsider: str
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, body = await register(browser)
    before = await counts(admin_engine)
    async with browser_session(app, outsider) as browser:
        await browser.get("/")
        for method, path in _pages_of(resident_id):
            if method == "GET":
                response = await browser.get(path)
            else:
                response = await browser.submit(path, {**body, "version": "1"})
            assert response.status_code == 404, (method, path)
            assert "Nie znaleziono." in text_of(response)
            assert body["family_name"] not in response.text
    assert await counts(admin_engine) == before


async def test_a_record_of_another_gmina_is_not_found_under_this_gmina(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "director@test.local") as director:
        other_id, body = await register(director, teryt=GMINA_B)
        before = await counts(admin_engine)
        for path in (
            f"{REGISTER}/{other_id}",
            f"{REGISTER}/{other_id}/edit",
            f"{REGISTER}/{other_id}/audit",
        ):
            response = await director.get(path)
            assert response.status_code == 404, path
            assert body["family_name"] not in response.text
        edit = await director.submit(f"{REGISTER}/{other_id}/edit", {**body, "version": "1"})
        assert edit.status_code == 404
        assert await counts(admin_engine) == before
        # In its own gmina the director sees it.
        own = await director.get(f"/gminy/{GMINA_B}/residents/{other_id}")
        assert own.status_code == 200
    assert GMINA_C  # gmina C is covered by kipus.c above


async def test_osl_reads_but_cannot_register_or_edit(
    app: Litestar, admin_engine: AsyncEngine
) -> None:
    async with browser_session(app, "kipus.a@test.local") as browser:
        resident_id, body = await register(browser)
    async with browser_session(app, "osl.a@test.local") as osl:
        listing = await osl.get(REGISTER)
        assert listing.status_code == 200
        assert "Zarejestruj mieszkańca" not in text_of(listing)
        record = await osl.get(f"{REGISTER}/{resident_id}")
        assert record.status_code == 200
        assert body["family_name"] in text_of(record)
        assert "Edytuj" not in text_of(record) and "Kto przeglądał" not in text_of(record)
        before = await counts(admin_engine)
        for path in (f"{REGISTER}/new", f"{REGISTER}/{resident_id}/edit"):
            response = await osl.get(path)
            assert response.status_code == 403, path
            assert "Twoja rola nie pozwala na tę czynność." in text_of(response)
            posted = await osl.submit(path, {**body, "version": "1"})
            assert posted.status_code == 403, path
        assert (await osl.get(f"{REGISTER}/{resident_id}/audit")).status_code == 403
        assert await counts(admin_engine) == before


async def test_no_personal_data_in_any_url(app: Litestar) -> None:
    pesel = unique_pesel("M")
    family = unique_name("Prywatna")
    async with browser_session(app, "kipus.a@test.local") as browser:
        head_id, _ = await register(browser, family_name=family, pesel=pesel, birth_date="")
        await register(browser, family_name=family, household_of=head_id, household_role="spouse")
        pages = [
            await browser.get(REGISTER),
            await browser.submit(f"{REGISTER}/search", {"name": family}),
            await browser.submit(f"{REGISTER}/search", {"pesel": pesel}),
            await browser.get(f"{REGISTER}/{head_id}"),
            await browser.get(f"{REGISTER}/{head_id}/edit"),
            await browser.get(f"/gminy/{GMINA_A}/"),
        ]
    born = date(1946, int(pesel[2:4]) % 20, int(pesel[4:6]))
    secrets_ = (family.lower(), pesel, born.isoformat(), born.strftime("%d.%m.%Y"))
    # Paths are words and record ids; queries name a record id, a number or a status.
    allowed = re.compile(
        rf"^(/[a-z]*/?|#[a-z_-]+|/static/[\w.-]+|/gminy/(switch|\d{{7}}"
        rf"(/([a-z._-]+|{UUID_PATTERN}))*/?(\?[a-z_]+=({UUID_PATTERN}|\d+|[a-z_]+))?))$"
    )
    for page in pages:
        assert page.status_code == 200
        for url in urls_of(page):
            assert not any(s in url.lower() for s in secrets_), url
            assert allowed.match(url), url
        for form in re.findall(r"<form[^>]*>", page.text):
            assert 'method="post"' in form or 'action="/gminy/switch"' in form, form
