"""The deployment files (deploy/), read the way Docker Compose and Kubernetes read them, so that
the tests can hold them to the platform's real settings.

``.env.example`` holds every setting: ``NAME=value`` lines are passed to the processes,
``# NAME=value`` lines document settings that compose.yaml sets itself or that have no meaning
in a container. Each entry has a comment above it; the word ``Secret.`` in that comment marks a
value that Kubernetes takes from the Secret cus-secrets rather than the ConfigMap.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic_settings import BaseSettings

from cus_shared.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
ENV_EXAMPLE = DEPLOY / ".env.example"
COMPOSE = DEPLOY / "compose.yaml"
DOCKERFILE = DEPLOY / "Dockerfile"
K8S = DEPLOY / "k8s"

#: The standard OpenTelemetry variables the platform reads (cus_shared.telemetry).
OTEL_VARIABLES = frozenset(
    {
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "OTEL_TRACES_EXPORTER",
        "OTEL_METRICS_EXPORTER",
        "OTEL_SERVICE_NAME",
        "OTEL_RESOURCE_ATTRIBUTES",
    }
)

_ENTRY = re.compile(r"^(?P<commented>#\s*)?(?P<name>[A-Z][A-Z0-9_]*)=(?P<value>.*)$")
_REFERENCE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
)


@dataclass(frozen=True)
class EnvEntry:
    """One variable of .env.example."""

    name: str
    value: str
    active: bool
    comment: str

    @property
    def secret(self) -> bool:
        """Whether Kubernetes keeps it in the Secret (its comment says ``Secret.``)."""
        return "Secret." in self.comment


def setting_names() -> set[str]:
    """The environment variable of every field of :class:`Settings` (nested groups too)."""

    def walk(model: type[BaseSettings]) -> set[str]:
        prefix = str(model.model_config.get("env_prefix", ""))
        names: set[str] = set()
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseSettings):
                names |= walk(annotation)
            else:
                names.add(prefix + name.upper())
        return names

    return walk(Settings)


def env_entries() -> list[EnvEntry]:
    """The entries of .env.example, each with the comment lines just above it."""
    entries: list[EnvEntry] = []
    comment: list[str] = []
    for raw in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        match = _ENTRY.match(line)
        if match:
            entries.append(
                EnvEntry(
                    name=match["name"],
                    value=match["value"],
                    active=match["commented"] is None,
                    comment=" ".join(comment),
                )
            )
            comment = []
        elif line.startswith("#"):
            comment.append(line.lstrip("#").strip())
        else:
            comment = []
    return entries


def interpolate(text: str, variables: dict[str, str]) -> str:
    """Compose's interpolation: ``${NAME}``, ``${NAME:-default}``, ``${NAME:?error}``, ``$$``."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match["name"], match["op"], match["arg"]
        value = variables.get(name)
        # With a colon an empty value counts as unset, as in the shell.
        unset = not value if op and op.startswith(":") else value is None
        if op in (":?", "?") and unset:
            raise KeyError(f"{name} is required: {arg}")
        if op in (":-", "-") and unset:
            return arg or ""
        if value is None:
            raise KeyError(f"{name} is not defined")
        return value

    return _REFERENCE.sub(replace, text)


def env_values() -> dict[str, str]:
    """The active values of .env.example as Compose resolves them (earlier names first)."""
    values: dict[str, str] = {}
    for entry in env_entries():
        if entry.active:
            values[entry.name] = interpolate(entry.value, values)
    return values


def referenced_names(text: str) -> set[str]:
    """Every ``${NAME…}`` in a text."""
    return {m["name"] for m in _REFERENCE.finditer(text) if m["name"]}


def compose_file() -> dict[str, Any]:
    """compose.yaml as YAML (anchors and merge keys resolved, variables not)."""
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def platform_services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run the platform's image (built from deploy/Dockerfile)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
    }


def k8s_documents() -> list[tuple[Path, dict[str, Any]]]:
    """Every Kubernetes object under deploy/k8s (kustomizations left out), with its file."""
    documents: list[tuple[Path, dict[str, Any]]] = []
    for path in sorted(K8S.rglob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                documents.append((path, document))
    return documents
