"""Traces carry tenant and request ids and never personal data."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from cus_shared.identifiers.pesel import make_pesel
from tests.conftest import GMINA_A, login

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_spans_have_tenant_and_no_personal_data(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    pesel = make_pesel(date(1977, 7, 7), 77, "M")
    surname = "Śledzikowski"
    headers = await login(client, "kipus.a@test.local")
    created = await client.post(
        f"/api/core/gminy/{GMINA_A}/residents",
        json={"given_name": "Tajny", "family_name": surname, "pesel": pesel},
        headers=headers,
    )
    assert created.status_code == 201
    await client.post(
        f"/api/core/gminy/{GMINA_A}/residents/search", json={"pesel": pesel}, headers=headers
    )
    await client.get(f"/api/core/gminy/{GMINA_A}/residents/{created.json()['id']}", headers=headers)
    spans = exporter.get_finished_spans()
    exporter.shutdown()
    assert spans
    dumped = " ".join(f"{s.name} {dict(s.attributes or {})}" for s in spans)
    assert pesel not in dumped and surname not in dumped and "Tajny" not in dumped
    assert any((s.attributes or {}).get("cus.tenant") == GMINA_A for s in spans)
    assert any("SELECT" in str((s.attributes or {}).get("db.statement", "")) for s in spans)
    logs = capsys.readouterr()
    assert pesel not in logs.out + logs.err and surname not in logs.out + logs.err
