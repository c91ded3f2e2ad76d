"""`kommunmal serve`: placeholder until the server lands."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the current release over HTTP")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    raise SystemExit("serve is not available yet")
