"""`kommunmal build`: validate and write a release; invalid data leaves the previous release untouched."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kommunmal.cli.common import progress, settings
from kommunmal.release import build


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("build", help="validate the sources and write a release (dumps, VoID, store)")
    p.add_argument("--out", type=Path, help="release folder (default: setting release_dir, ./build)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    s = settings(args)
    release, report = build(s, args.out, progress=None if args.quiet else progress)
    meta = release.meta
    print(
        f"release {meta['id']}: {meta['triples']} tripplar i {len(meta['graphs'])} grafer, "
        f"{meta['warnings']} varningar -> {release.path}"
    )
    if report.warnings and not args.quiet:
        print(report.text(), file=sys.stderr)
    return 0
