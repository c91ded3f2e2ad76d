"""The README documents every setting, command and route group, so the docs cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunmal.cli import COMMANDS
from kommunmal.config import SETTINGS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", [s.name for s in SETTINGS])
def test_every_setting_is_documented(name: str) -> None:
    assert f"| `{name}` |" in README


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command: str) -> None:
    assert f"`kommunmal {command}" in README


@pytest.mark.parametrize(
    "route",
    [
        "/id/",
        "/doc/",
        "/def/kommunmal",
        "/sdg",
        "/sparql",
        "/analysis/",
        "/catalog",
        "/.well-known/void",
        "/dumps/",
        "/health",
    ],
)
def test_every_route_group_is_documented(route: str) -> None:
    assert f"`{route}" in README or f"| `{route}" in README or route in README


def test_the_two_start_commands_come_first() -> None:
    start = README.index("## Start")
    assert README.index("make serve") > start and README.index("make test") > start
    assert README.index("make serve") < README.index("## The command")


def test_the_readme_sparql_example_answers(release) -> None:
    import re

    from kommunmal.store import Store

    query = re.search(r"query='\n(PREFIX km.*?)'\n```", README, re.S).group(1)
    rows = list(Store(release.store_path).query(query))
    goals = {row["name"].value for row in rows}
    assert "Infrastruktur" in goals and len(goals) >= 3
