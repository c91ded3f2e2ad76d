"""What several subcommands share: settings from the environment and flags, progress on stderr."""

from __future__ import annotations

import argparse
import sys

from kommunmal.config import Settings


def settings(args: argparse.Namespace, **overrides: object) -> Settings:
    return Settings.from_env(base_iri=getattr(args, "base_iri", None), **overrides)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
