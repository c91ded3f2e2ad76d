"""Every subcommand's --help describes it and names its exit codes, the same codes as the README's command table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kommunmal.cli import COMMANDS, main

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _help(command: str, capsys: pytest.CaptureFixture) -> str:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    return capsys.readouterr().out


def _codes(text: str) -> set[str]:
    """The exit codes 0, 1 and 2 named in `text`: single digits, not part of a number, a version or a decimal."""
    return set(re.findall(r"(?<![\w.,-])([0-2])(?![\w.%-]|,\d)", text))


def _readme_codes(command: str) -> set[str]:
    row = next(line for line in README.splitlines() if line.startswith(f"| `kommunmal {command}"))
    return _codes(row.rstrip(" |").rsplit(" | ", 1)[-1])


@pytest.mark.parametrize("command", COMMANDS)
def test_help_describes_the_command_and_names_its_exit_codes(command: str, capsys: pytest.CaptureFixture) -> None:
    raw = _help(command, capsys)
    # argparse prints usage, the description, the arguments and the epilog as paragraphs.
    paragraphs = raw.split("\n\n")
    assert paragraphs[0].startswith(f"usage: kommunmal {command}")
    description = paragraphs[1]
    assert not description.startswith(("positional arguments:", "options:")), f"kommunmal {command}: no description"
    assert len(re.findall(r"[a-zåäö]{3,}", description)) >= 8, description
    text = " ".join(raw.split())
    found = re.search(r"\bexit(?: codes)?:? ([0-9].*)", text, re.I)
    assert found, f"no exit codes in kommunmal {command} --help"
    expected = _readme_codes(command)
    assert {"0", "2"} <= expected
    assert _codes(found.group(1)) >= expected, (command, found.group(1)[:300], expected)


def test_validate_help_says_what_each_code_means(capsys: pytest.CaptureFixture) -> None:
    text = " ".join(_help("validate", capsys).split())
    assert "0 the data conforms" in text and "1 violations" in text and "2 unusable input" in text


def test_a_command_is_read_without_the_parser_and_parsed_with_its_own_only() -> None:
    # `kommunmal serve` executes itself again with mimalloc before anything else: the command is found in the
    # words, and the parser then imports that command's module only (every module's took about 0.2 s of a start).
    from kommunmal.cli import _command, parser

    assert _command(["--base-iri", "https://example.org/", "serve", "--port", "1"]) == "serve"
    assert _command(["--base-iri=https://example.org/", "build"]) == "build"
    assert _command(["--version"]) is None
    only = parser("serve")
    assert only.parse_args(["serve", "--port", "8001"]).port == 8001
    with pytest.raises(SystemExit):
        only.parse_args(["build"])
    assert parser().parse_args(["build"]).command == "build"
