"""`kommunmal build`: validate and write a release; invalid data leaves the previous release untouched.

A running `kommunmal serve` keeps serving the release it started with (by design: a server switches releases only
when restarted), so the last line of a successful build says to restart it.
"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

from kommunmal.cli.common import progress, settings
from kommunmal.errors import KommunmalError
from kommunmal.release import build
from kommunmal.validation import Report, short_name
from kommunmal.views.swedish import count


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "build",
        help="validate the sources and write a release (dumps, VoID, store)",
        description="Assemble ontology, data and reference data into one dataset, validate it against the SHACL "
        "shapes and, only when it conforms, write a release (dumps, VoID, validation report, store) and make it "
        "current. A running `kommunmal serve` keeps serving the release it started with: restart it to serve the "
        "new one.",
        epilog="exit codes: 0 the release was written and is current; 1 the data has violations (nothing "
        "published, the previous release stays current); 2 unusable input (a file that cannot be read or parsed, "
        "a full disk, a build already running into the same folder); 130 interrupted",
    )
    p.add_argument("--out", type=Path, help="release folder (default: setting release_dir, ./build)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.add_argument("-v", "--verbose", action="store_true", help="print every warning (default: a one-line summary)")
    p.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="validate every document folder of national data again and load the whole store, instead of only the "
        "folders whose files, shapes, settings or software changed since the last build into the release folder "
        "(cache/units/ and cache/store.json there)",
    )
    p.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="keep the N newest releases (the new one counted) and remove older ones no running `kommunmal serve` "
        "serves (setting keep_releases; default 0: keep all)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    s = settings(args, keep_releases=args.keep)
    try:
        release, report = build(s, args.out, progress=None if args.quiet else progress, cache=args.cache)
    except OSError as exc:
        # Disk full, no permission, …: build() removed its half-written folder; `current` was never touched.
        full = exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
        raise KommunmalError(
            f"could not write the release to {args.out or s.release_dir}: {exc.strerror or exc}"
            f"{f' ({exc.filename})' if exc.filename else ''}. Nothing was published; the previous release "
            f"is still current. {'Free space or choose' if full else 'Choose'} another folder with --out DIR"
        ) from None
    meta = release.meta
    print(
        f"release {meta['id']}: {count(meta['triples'], 'trippel', 'tripplar')} i "
        f"{count(len(meta['graphs']), 'graf', 'grafer')}, {count(meta['warnings'], 'varning', 'varningar')} -> "
        f"{release.path}",
        flush=True,
    )
    if report.warnings and args.verbose:
        print(report.text(), file=sys.stderr)
    elif report.warnings and not args.quiet:
        print(warning_summary(report), file=sys.stderr)
    print(RESTART)
    return 0


RESTART = "Starta om `kommunmal serve` för att visa den nya utgåvan / restart `kommunmal serve` to serve it"


def warning_summary(report: Report) -> str:
    """One line: how many warnings, on which properties, and how to see them all."""
    counts: dict[str, int] = {}
    for r in report.warnings:
        key = short_name(r.path) if r.path else "(noden / the node)"
        counts[key] = counts.get(key, 0) + 1
    parts = ", ".join(f"{n} {key}" for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return (
        f"{count(len(report.warnings), 'varning', 'varningar')} / warnings ({parts}); "
        "`kommunmal build --verbose` or `kommunmal validate` lists them"
    )
