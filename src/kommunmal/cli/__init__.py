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


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="kommunmal",
        description="Kommunala mål som länkade data: bygg, validera, publicera och analysera.",
    )
    top.add_argument("--version", action="version", version=f"kommunmal {__version__}")
    top.add_argument("--base-iri", help="base IRI of minted IRIs (setting KOMMUNMAL_BASE_IRI)")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"kommunmal.cli.{name}").register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: this process's arguments) and return the exit code. Started as the
    command (`argv` None), `serve` and `build` first execute themselves again with mimalloc (kommunmal.allocator)."""
    args = parser().parse_args(argv)
    if argv is None and args.command in allocator.COMMANDS:
        try:
            allocator.reexec(Settings.from_env().allocator)
        except ValueError as exc:
            print(f"kommunmal {args.command}: {exc}", file=sys.stderr)
            return 2
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


if __name__ == "__main__":
    sys.exit(main())
