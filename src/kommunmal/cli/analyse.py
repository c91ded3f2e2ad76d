"""Placeholder subcommand; filled in by its owner."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("analyse", help="(not available yet)")
    p.set_defaults(handler=lambda args: 2)
