"""The deployment files stay valid and current: Kubernetes manifests against the Kubernetes
OpenAPI schemas (offline, kubernetes-validate), the image's rules, and the same settings in
.env.example, compose.yaml and the Kubernetes manifests, each a real platform setting."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from sqlalchemy.engine import make_url

from tests.deploy import (
    COMPOSE,
    DEPLOY,
    DOCKERFILE,
    K8S,
    OTEL_VARIABLES,
    ROOT,
    compose_file,
    env_entries,
    env_values,
    interpolate,
    k8s_documents,
    platform_services,
    referenced_names,
    setting_names,
)

#: The oldest Kubernetes release the manifests must suit (PodDisruptionBudget policy/v1,
#: Pod Security labels and Job ttlSecondsAfterFinished are all older).
KUBERNETES_VERSION = "1.29.0"
PLATFORM_IMAGE = "cus-platform"
#: Long-running services of the compose stack without a health check, and why: the
#: collector's image is distroless (no shell, no HTTP client to probe with).
UNCHECKED_SERVICES = {"otel-collector"}
#: Build tools that have no place in the final image.
TMP = "/tmp"  # noqa: S108 - the containers' only writable folder, an emptyDir
#: ConfigMap values that differ from .env.example on purpose.
K8S_OWN_VALUES = {"OTEL_EXPORTER_OTLP_ENDPOINT"}  # the cluster's collector, not compose's
BUILD_TOOLS = ("build-essential", "gcc", "g++", "make", "apt-get install", "pip install", "-dev")

DOCUMENTS = k8s_documents()


def _id(item: tuple[Path, dict[str, Any]]) -> str:
    path, document = item
    return f"{path.relative_to(K8S)}:{document['kind']}/{document['metadata']['name']}"


# --- Kubernetes -------------------------------------------------------------------------------


@pytest.mark.parametrize("item", DOCUMENTS, ids=[_id(d) for d in DOCUMENTS])
def test_manifest_is_valid_against_the_kubernetes_schema(item: tuple[Path, dict[str, Any]]) -> None:
    _, document = item
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_the_schema_check_catches_a_misspelt_field() -> None:
    deployment = next(d for _, d in DOCUMENTS if d["kind"] == "Deployment")
    broken = copy.deepcopy(deployment)
    container = broken["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbes"] = container.pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def _kustomizations() -> dict[Path, dict[str, Any]]:
    return {
        path: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(K8S.rglob("kustomization.yaml"))
    }


def test_every_manifest_is_applied_by_one_kustomization_but_the_secret_template() -> None:
    listed: list[Path] = []
    for path, kustomization in _kustomizations().items():
        assert kustomization["namespace"] == "cus", path
        for resource in kustomization["resources"]:
            assert (path.parent / resource).is_file(), (path, resource)
            listed.append((path.parent / resource).resolve())
    manifests = {p.resolve() for p, _ in DOCUMENTS}
    secret_template = (K8S / "secret.example.yaml").resolve()
    assert secret_template not in listed, "a secret is never applied from a file here"
    assert sorted(listed) == sorted(manifests - {secret_template})
    assert len(listed) == len(set(listed))


def test_the_migration_job_is_applied_apart_from_the_services() -> None:
    kinds = {
        path.parent.name: {d["kind"] for d in _resources(path, kustomization)}
        for path, kustomization in _kustomizations().items()
    }
    assert kinds["migrate"] == {"Job"}
    assert "Job" not in kinds["k8s"]


def _resources(path: Path, kustomization: dict[str, Any]) -> list[dict[str, Any]]:
    documents = []
    for resource in kustomization["resources"]:
        text = (path.parent / resource).read_text(encoding="utf-8")
        documents += [d for d in yaml.safe_load_all(text) if d]
    return documents


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("folder", ["k8s", "k8s/migrate"])
def test_kustomize_renders_valid_objects_in_the_namespace(folder: str) -> None:
    rendered = subprocess.run(
        [str(KUBECTL), "kustomize", str(DEPLOY / folder)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    for document in yaml.safe_load_all(rendered):
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        if document["kind"] != "Namespace":
            assert document["metadata"]["namespace"] == "cus"


def _workloads() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    """(kind/name, pod spec, container) of every container of the manifests."""
    found = []
    for _, document in DOCUMENTS:
        if document["kind"] in ("Deployment", "Job"):
            pod = document["spec"]["template"]["spec"]
            for container in pod["containers"]:
                found.append((f"{document['kind']}/{document['metadata']['name']}", pod, container))
    return found


WORKLOADS = _workloads()


@pytest.mark.parametrize("workload", WORKLOADS, ids=[w[0] for w in WORKLOADS])
def test_every_container_is_locked_down(
    workload: tuple[str, dict[str, Any], dict[str, Any]],
) -> None:
    _, pod, container = workload
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["automountServiceAccountToken"] is False
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    resources = container["resources"]
    assert {"cpu", "memory"} <= resources["requests"].keys()
    assert "memory" in resources["limits"]
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    tmp = [m for m in container.get("volumeMounts", []) if m["mountPath"] == TMP]
    assert tmp and "emptyDir" in volumes[tmp[0]["name"]], "a writable /tmp (emptyDir)"


def _platform_deployments() -> dict[str, dict[str, Any]]:
    return {
        d["metadata"]["name"]: d
        for _, d in DOCUMENTS
        if d["kind"] == "Deployment"
        and d["spec"]["template"]["spec"]["containers"][0]["image"].startswith(PLATFORM_IMAGE)
    }


def test_each_service_has_a_deployment_with_probes_a_service_and_a_disruption_budget() -> None:
    deployments = _platform_deployments()
    assert set(deployments) == {"tenants", "core", "reporting"}
    services = {d["metadata"]["name"]: d for _, d in DOCUMENTS if d["kind"] == "Service"}
    budgets = {d["metadata"]["name"]: d for _, d in DOCUMENTS if d["kind"] == "PodDisruptionBudget"}
    for name, deployment in deployments.items():
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["args"][:3] == ["serve", "--service", name]
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert services[name]["spec"]["selector"].items() <= labels.items()
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert deployment["spec"]["replicas"] > budgets[name]["spec"]["minAvailable"]
    assert {"pgbouncer"} <= services.keys() & budgets.keys()


def _env_names(container: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["name"]: item for item in container.get("env", [])}


def _secret_template() -> dict[str, str]:
    secret = next(d for _, d in DOCUMENTS if d["kind"] == "Secret")
    assert secret["metadata"]["name"] == "cus-secrets"
    data: dict[str, str] = secret["stringData"]
    return data


def _config_map(name: str) -> dict[str, str]:
    found = next(
        d for _, d in DOCUMENTS if d["kind"] == "ConfigMap" and d["metadata"]["name"] == name
    )
    data: dict[str, str] = found["data"]
    return data


def test_kubernetes_declares_the_settings_of_the_env_example() -> None:
    entries = {e.name: e for e in env_entries()}
    deployed = {n for n, e in entries.items() if e.active and n.startswith(("CUS_", "OTEL_"))}
    secret_names = {n for n, e in entries.items() if e.active and e.secret}
    config = _config_map("cus-config")
    secret = _secret_template()
    assert set(secret) == secret_names
    assert set(config) == deployed - secret_names
    values = env_values()
    for name, value in config.items():
        if name not in K8S_OWN_VALUES:
            assert values[name] == value, f"{name}: {value!r} here, {values[name]!r} in .env"


def test_secrets_reach_pods_only_by_reference() -> None:
    secret_names = set(_secret_template())
    assert all("CHANGE-ME" in value for value in _secret_template().values())
    for kind_name, _, container in WORKLOADS:
        for name, item in _env_names(container).items():
            if name in secret_names or name == "DB_PASSWORD":
                assert "value" not in item, (kind_name, name)
                assert item["valueFrom"]["secretKeyRef"]["name"] == "cus-secrets", kind_name


def test_every_variable_a_platform_container_reads_is_a_real_setting() -> None:
    real = setting_names() | OTEL_VARIABLES
    config = set(_config_map("cus-config"))
    for kind_name, _, container in WORKLOADS:
        if not container["image"].startswith(PLATFORM_IMAGE):
            continue
        names = set(_env_names(container)) | config
        assert names <= real, (kind_name, names - real)


def test_only_the_processes_that_provision_get_the_administrative_url() -> None:
    admins = {
        kind_name
        for kind_name, _, container in WORKLOADS
        if "CUS_DATABASE_URL" in _env_names(container)
    }
    assert admins == {"Job/cus-migrate", "Deployment/tenants"}


# --- Compose ----------------------------------------------------------------------------------


def test_env_example_lists_every_setting_with_a_comment() -> None:
    entries = env_entries()
    names = [e.name for e in entries]
    assert len(names) == len(set(names)), "each variable once"
    settings = setting_names()
    platform = {n for n in names if n.startswith("CUS_")}
    assert settings - platform == set(), "settings missing from .env.example"
    assert platform - settings == set(), "CUS_ variables that are no setting"
    assert {n for n in names if n.startswith("OTEL_")} <= OTEL_VARIABLES
    for entry in entries:
        assert entry.comment, f"{entry.name} has no comment"
        if entry.secret:
            assert "CHANGE-ME" in entry.value or "${" in entry.value, entry.name
    values = env_values()
    assert make_url(values["CUS_DATABASE_APP_URL"]).password == values["CUS_DATABASE_APP_PASSWORD"]


def test_compose_declares_the_settings_of_the_env_example() -> None:
    entries = {e.name: e for e in env_entries()}
    active = {n for n, e in entries.items() if e.active}
    text = COMPOSE.read_text(encoding="utf-8")
    assert referenced_names(text) <= active, "compose uses variables .env.example lacks"
    assert active - referenced_names(text) == set(), ".env.example has unused variables"
    declared: set[str] = set()
    for name, service in platform_services(compose_file()).items():
        environment = service["environment"]
        declared |= set(environment)
        for variable, value in environment.items():
            if variable in entries and not entries[variable].active:
                continue  # documented as set by compose itself (CUS_SERVICE_NAME)
            assert value == f"${{{variable}:?}}", (name, variable, "takes .env's value as is")
    assert declared <= setting_names() | OTEL_VARIABLES
    set_by_compose = {n for n in declared if n in entries and not entries[n].active}
    assert declared - set_by_compose == {n for n in active if n.startswith(("CUS_", "OTEL_"))}


def test_compose_runs_the_migration_before_the_services_behind_pgbouncer() -> None:
    compose = compose_file()
    services = compose["services"]
    values = env_values()
    platform = platform_services(compose)
    assert platform["migrate"]["command"] == ["migrate"]
    assert platform["migrate"]["restart"] == "no"
    for name in ("tenants", "core", "reporting"):
        service = platform[name]
        assert service["command"] == [
            "serve", "--service", name, "--host", "0.0.0.0", "--port", "8000",  # noqa: S104
        ]  # fmt: skip
        condition = service["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully"
        environment = {k: interpolate(str(v), values) for k, v in service["environment"].items()}
        assert make_url(environment["CUS_DATABASE_APP_URL"]).host == "pgbouncer"
        assert environment["CUS_DATABASE_POOLER"] == "pgbouncer"
        assert ("CUS_DATABASE_URL" in environment) == (name == "tenants")
    admin = make_url(
        interpolate(str(platform["migrate"]["environment"]["CUS_DATABASE_URL"]), values)
    )
    assert admin.host == "postgres", "DDL and migrations go straight to PostgreSQL"
    pooler = services["pgbouncer"]["environment"]
    assert pooler["POOL_MODE"] == "transaction"
    assert pooler["LISTEN_PORT"] == str(make_url(values["CUS_DATABASE_APP_URL"]).port)


def test_compose_has_health_checks_volumes_ports_and_telemetry() -> None:
    compose = compose_file()
    services = compose["services"]
    for name, service in services.items():
        one_shot = service.get("restart") == "no"
        if one_shot or name in UNCHECKED_SERVICES:
            continue
        assert "healthcheck" in service, f"{name} has no health check"
    for name in ("tenants", "core", "reporting"):
        test = " ".join(services[name]["healthcheck"]["test"])
        assert "/ready" in test
    assert "pgdata:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert set(compose["volumes"]) == {"pgdata"}
    published = [p.split(":")[0] for s in services.values() for p in s.get("ports", [])]
    assert len(published) == len(set(published)) == 4
    assert services["postgres"]["image"].startswith("postgres:16")
    values = env_values()
    endpoint = make_url(values["OTEL_EXPORTER_OTLP_ENDPOINT"].replace("http", "postgresql", 1))
    assert endpoint.host == "otel-collector" and endpoint.port == 4318
    collector = services["otel-collector"]
    mounted = collector["volumes"][0].split(":")[0]
    assert (DEPLOY / mounted).resolve() == (DEPLOY / "otel" / "collector.yaml").resolve()
    assert services["jaeger"]["image"].startswith("jaegertracing/all-in-one:")


def test_the_collector_pipelines_use_only_declared_components() -> None:
    config = yaml.safe_load((DEPLOY / "otel" / "collector.yaml").read_text(encoding="utf-8"))
    pipelines = config["service"]["pipelines"]
    assert {"traces", "metrics"} <= pipelines.keys()
    for pipeline in pipelines.values():
        for part in ("receivers", "processors", "exporters"):
            assert set(pipeline.get(part, [])) <= set(config.get(part, {})), part
    assert "otlp/jaeger" in pipelines["traces"]["exporters"]
    assert set(config["service"]["extensions"]) <= set(config["extensions"])


# --- Image ------------------------------------------------------------------------------------


def _stages() -> list[tuple[str, list[str]]]:
    """(FROM line, instructions) of each stage, continuation lines joined."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    stages: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            stages.append((line, []))
        elif stages:
            stages[-1][1].append(line)
    return stages


def test_the_image_is_built_in_stages_from_the_lock() -> None:
    stages = _stages()
    assert len(stages) >= 2
    builder = " ".join(stages[0][1])
    assert "--constraint requirements.lock" in builder, "dependencies at the lock's versions"
    text = DOCKERFILE.read_text(encoding="utf-8")
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.11-slim", text)


def test_the_final_stage_is_slim_non_root_and_has_no_build_tools() -> None:
    first, instructions = _stages()[-1]
    assert first.split()[1] in ("${PYTHON_IMAGE}", "python:3.11-slim")
    users = [i.split()[1] for i in instructions if i.upper().startswith("USER ")]
    assert users, "the final stage names its user"
    user = users[-1].split(":")[0]
    assert user.isdigit() and int(user) != 0, "a numeric non-root user (runAsNonRoot)"
    body = "\n".join(instructions)
    for tool in BUILD_TOOLS:
        assert tool not in body, f"{tool} in the final stage"
    copies = [i for i in instructions if i.upper().startswith("COPY")]
    assert copies and all(c.split()[1].startswith("--from=") for c in copies), "only the venv"
    assert 'ENTRYPOINT ["cus"]' in instructions
    assert not any(i.upper().startswith("ENV") and "CUS_" in i for i in instructions), (
        "settings come from the environment, never baked into the image"
    )


def test_the_build_context_leaves_out_everything_but_the_sources() -> None:
    ignore = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    assert "*" in ignore, "deny by default (.venv, .cus, .git, local .env files)"
    kept = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = set()
    for _, instructions in _stages()[:1]:
        for instruction in instructions:
            if instruction.upper().startswith("COPY") and "--from" not in instruction:
                copied |= {p.rstrip("/").removeprefix("./") for p in instruction.split()[1:-1]}
    assert copied <= kept, copied - kept
