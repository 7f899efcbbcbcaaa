"""Partners' quarterly reports through the pages: the partner prepares a report for a quarter
through the form (a future quarter refused, nothing written), fills the narrative and
submits it; the CUS returns it (a return without a reason changes nothing), the partner
resubmits and the director accepts; other partners and other gminy' staff get 404."""

from __future__ import annotations

import re
import secrets
from datetime import date

import httpx
import pytest
from litestar import Litestar
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GMINA_B, count_rows
from tests.integration.test_partner_reports_api import delivered_referral, new_resident
from tests.journey import Offer
from tests.pages import browser_session, text_of

pytestmark = pytest.mark.asyncio(loop_scope="session")

PARTNER = f"/partner/gminy/{GMINA_B}/reports"
CUS = f"/gminy/{GMINA_B}/partner-reports"


async def test_report_through_the_forms(
    app: Litestar, client: httpx.AsyncClient, offer: Offer, admin_engine: AsyncEngine
) -> None:
    resident = await new_resident(client, GMINA_B, "Stronowa" + secrets.token_hex(3))
    await delivered_referral(
        admin_engine,
        GMINA_B,
        resident_id=resident,
        service_id=offer.care,
        contract_id=offer.partner_contract,
        partner_id=offer.partner,
        period=(date(2025, 7, 1), date(2025, 9, 30)),
        events=[("pending", date(2025, 6, 20)), ("in_delivery", date(2025, 7, 1))],
        deliveries=[(date(2025, 8, 1), 3, "4.5")],
    )
    async with browser_session(app, "partner@test.local") as partner:
        listed = await partner.get(PARTNER)
        assert listed.status_code == 200, listed.text
        assert "Przygotuj sprawozdanie za kwartał" in text_of(listed)
        before = await count_rows(admin_engine, GMINA_B, "partner_report")
        future = await partner.submit(
            PARTNER,
            {"contract_id": str(offer.partner_contract), "year": "2099", "quarter": "1"},
        )
        assert future.status_code == 422
        assert "kwartał, który jeszcze się nie rozpoczął" in text_of(future)
        assert await count_rows(admin_engine, GMINA_B, "partner_report") == before

        made = await partner.submit(
            PARTNER, {"contract_id": str(offer.partner_contract), "year": "2025", "quarter": "3"}
        )
        assert made.status_code == 303, text_of(made)
        path = made.headers["location"]
        report_id = path.rsplit("/", 1)[1]
        shown = await partner.get(path)
        text = text_of(shown)
        assert "Sprawozdanie za 3 kwartał 2025 r." in text
        assert "Usługi opiekuńcze" in text and "2025-08 3 4.50" in text
        assert "Stronowa" not in text and resident not in shown.text
        version = re.search(r'name="version" value="(\d+)"', shown.text)
        assert version
        early = await partner.submit(f"{path}/submit")
        assert early.status_code == 303
        assert "opisz realizację" in text_of(await partner.get(path))
        saved = await partner.submit(
            path,
            {"narrative": "Opieka w sierpniu.", "problems": "", "version": version.group(1)},
        )
        assert saved.status_code == 303
        assert (await partner.submit(f"{path}/submit")).status_code == 303
        assert "Złożone" in text_of(await partner.get(path))

    async with browser_session(app, "kipus.b@test.local") as kipus:
        listed = await kipus.get(CUS)
        assert listed.status_code == 200 and report_id in listed.text

    async with browser_session(app, "director@test.local") as director:
        detail = await director.get(f"{CUS}/{report_id}")
        assert "Opieka w sierpniu." in text_of(detail)
        assert (
            await director.submit(f"{CUS}/{report_id}/return", {"reason": ""})
        ).status_code == 303
        assert "Podaj powód zwrotu" in text_of(await director.get(f"{CUS}/{report_id}"))
        assert "Złożone" in text_of(await director.get(f"{CUS}/{report_id}"))
        returned = await director.submit(f"{CUS}/{report_id}/return", {"reason": "Dodaj problemy."})
        assert returned.status_code == 303
        assert "Zwrócone do poprawy" in text_of(await director.get(f"{CUS}/{report_id}"))

    async with browser_session(app, "partner@test.local") as partner:
        shown = await partner.get(f"{PARTNER}/{report_id}")
        assert "Dodaj problemy." in text_of(shown)
        version = re.search(r'name="version" value="(\d+)"', shown.text)
        assert version
        await partner.submit(
            f"{PARTNER}/{report_id}",
            {"narrative": "Opieka w sierpniu.", "problems": "Brak.", "version": version.group(1)},
        )
        assert (await partner.submit(f"{PARTNER}/{report_id}/submit")).status_code == 303

    async with browser_session(app, "director@test.local") as director:
        assert (await director.submit(f"{CUS}/{report_id}/accept")).status_code == 303
        assert "Przyjęte" in text_of(await director.get(f"{CUS}/{report_id}"))

    async with browser_session(app, "partner.b@test.local") as other:
        assert (await other.get(f"{PARTNER}/{report_id}")).status_code == 404
    async with browser_session(app, "kipus.a@test.local") as stranger:
        assert (await stranger.get(f"{CUS}/{report_id}")).status_code == 404
