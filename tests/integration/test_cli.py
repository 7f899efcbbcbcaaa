"""The one ``cus`` command line: help on every command, fleet migration exit codes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from cus_shared import cli

runner = CliRunner()

COMMANDS = [
    [],
    ["serve"],
    ["migrate"],
    ["demo"],
    ["tenants"],
    ["tenants", "create"],
    ["tenants", "list"],
    ["tenants", "show"],
    ["tenants", "suspend"],
    ["tenants", "resume"],
    ["tenants", "migrate"],
]


@pytest.fixture(scope="module", autouse=True)
def _service_groups() -> None:
    if not any(group.name == "tenants" for group in cli.app.registered_groups):
        cli._add_service_groups()


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) or "cus" for c in COMMANDS])
def test_every_command_has_help(command: list[str]) -> None:
    result = runner.invoke(cli.app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_migrate_all_reports_and_succeeds(database_url: str, platform: object) -> None:
    result = runner.invoke(cli.app, ["tenants", "migrate", "--all"])
    assert result.exit_code == 0, result.output


def test_migrate_needs_targets() -> None:
    result = runner.invoke(cli.app, ["tenants", "migrate"])
    assert result.exit_code != 0


def test_create_with_bad_teryt_explains_in_both_languages(
    database_url: str, platform: object
) -> None:
    result = runner.invoke(cli.app, ["tenants", "create", "9901011", "Nigdzie"])
    assert result.exit_code == 2
    assert "województwa" in result.output and "voivodeship" in result.output
