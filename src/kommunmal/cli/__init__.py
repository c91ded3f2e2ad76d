"""The `kommunmal` command: one subcommand per module in this package, each a thin layer on the core.

Exit codes (as pySHACL's): 0 success / conforms, 1 the data does not conform, 2 unusable input or an
unreachable service, 130 interrupted.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from kommunmal import __version__, allocator
from kommunmal.config import Settings
from kommunmal.errors import KommunmalError

COMMANDS = ("build", "validate", "export", "serve", "analyse", "kolada", "compare", "ingest", "review")


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line parser: every subcommand, or with `only` (a name of COMMANDS) that one alone, so that a
    command's start does not import every other subcommand's module."""
    top = argparse.ArgumentParser(
        prog="kommunmal",
        description="Kommunala mål som länkade data: bygg, validera, publicera och analysera.",
    )
    top.add_argument("--version", action="version", version=f"kommunmal {__version__}")
    top.add_argument("--base-iri", help="base IRI of minted IRIs (setting KOMMUNMAL_BASE_IRI)")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in (only,) if only in COMMANDS else COMMANDS:
        importlib.import_module(f"kommunmal.cli.{name}").register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: this process's arguments) and return the exit code. Started as the
    command (`argv` None), `serve` and `build` first execute themselves again with mimalloc (kommunmal.allocator)."""
    command = _command(sys.argv[1:]) if argv is None else None
    if command in allocator.COMMANDS:
        # Before the parser: building it imports every subcommand's module (about 0.2 s), which the process that
        # executes itself again would otherwise do twice before `serve` answers.
        try:
            allocator.reexec(Settings.from_env().allocator)
        except ValueError as exc:
            print(f"kommunmal {command}: {exc}", file=sys.stderr)
            return 2
    args = parser(command).parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KommunmalError as exc:
        print(f"kommunmal {args.command}: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away; that is not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _command(words: Sequence[str]) -> str | None:
    """The subcommand named in the command line `words` (the words after `kommunmal`), read without the parser:
    the first word that is not an option or the value of `--base-iri`."""
    words = iter(words)
    for word in words:
        if word == "--base-iri":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


if __name__ == "__main__":
    sys.exit(main())
