"""OpenTelemetry traces and metrics, structured logs carrying the trace id.

Exporters follow the standard ``OTEL_*`` variables: ``OTEL_TRACES_EXPORTER`` /
``OTEL_METRICS_EXPORTER`` (``otlp``, ``console`` or ``none``; ``otlp`` is assumed when
``OTEL_EXPORTER_OTLP_ENDPOINT`` is set), ``OTEL_SERVICE_NAME``, ``OTEL_RESOURCE_ATTRIBUTES``.
Spans carry tenant and request ids, never personal data: SQL spans hold statement texts with
placeholders, not parameters.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING, Any

import structlog
from opentelemetry import metrics, trace
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import ConsoleMetricExporter, PeriodicExportingMetricReader
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine
    from structlog.typing import EventDict, WrappedLogger

_configured = False


def _exporter_choice(kind: str) -> str:
    explicit = os.environ.get(f"OTEL_{kind}_EXPORTER")
    if explicit:
        return explicit.split(",")[0].strip().lower()
    return "otlp" if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") else "none"


def configure_telemetry(service_name: str, *, json_logs: bool = False) -> None:
    """Set up tracer and meter providers and structlog once per process."""
    global _configured
    if _configured:
        return
    _configured = True
    resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", service_name)})

    tracer_provider = TracerProvider(resource=resource)
    traces = _exporter_choice("TRACES")
    if traces == "otlp":
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    elif traces == "console":
        tracer_provider.add_span_processor(BatchSpanProcessor(ConsoleSpanExporter()))
    trace.set_tracer_provider(tracer_provider)

    readers: list[Any] = []
    metrics_choice = _exporter_choice("METRICS")
    if metrics_choice == "otlp":
        from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter

        readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
    elif metrics_choice == "console":
        readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter()))
    metrics.set_meter_provider(MeterProvider(resource=resource, metric_readers=readers))

    configure_logging(json_logs=json_logs)


def _add_trace_ids(_: WrappedLogger, __: str, event: EventDict) -> EventDict:
    span = trace.get_current_span().get_span_context()
    if span.is_valid:
        event["trace_id"] = format(span.trace_id, "032x")
        event["span_id"] = format(span.span_id, "016x")
    return event


def configure_logging(*, json_logs: bool) -> None:
    """Structured logs (JSON in production) with the trace id of the current span."""
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_logs
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _add_trace_ids,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=True,
    )


class _StderrLogger:
    """Writes each line to whatever ``sys.stderr`` is at that moment: a logger cached while a
    command ran with a replaced (later closed) stderr must not keep writing to it."""

    def msg(self, message: str) -> None:
        """Write one rendered line."""
        print(message, file=sys.stderr, flush=True)

    log = debug = info = warn = warning = err = error = critical = exception = failure = msg
    fatal = msg


def _stderr_logger(*_: Any) -> _StderrLogger:
    return _StderrLogger()


def instrument_engine(engine: AsyncEngine) -> None:
    """Trace SQL statements of an engine (texts with placeholders, never parameters)."""
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    # EngineTracer per engine: the instrumentor's global switch would cover only the first.
    usage = metrics.get_meter("cus.sql").create_up_down_counter(
        "db.client.connections.usage",
        unit="connections",
        description="Connections in the pool by state",
    )
    EngineTracer(  # type: ignore[no-untyped-call]
        trace.get_tracer("cus.sql"),
        engine.sync_engine,
        connections_usage=usage,
        enable_commenter=False,
    )


def tag_current_span(**attributes: str) -> None:
    """Add safe attributes (tenant id, request id) to the active span."""
    span = trace.get_current_span()
    if span.is_recording():
        for key, value in attributes.items():
            span.set_attribute(f"cus.{key}", value)
