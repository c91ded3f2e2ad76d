"""`kommunmal validate [PATH...]`: SHACL report grouped by node and path. Exit 0 conforms, 1 violations, 2 bad input."""

from __future__ import annotations

import argparse
from pathlib import Path

from kommunmal.cli.common import settings
from kommunmal.dataset import load
from kommunmal.validation import load_shapes, validate


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("validate", help="validate the data (or the given files) against the SHACL shapes")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: ontology/ and data/)")
    p.add_argument("--lang", default="sv", choices=("sv", "en"), help="language of the messages")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    s = settings(args)
    paths = args.paths or None
    if paths:
        # Given files are validated together with the vocabulary, which the shapes' class targets need.
        paths = [s.ontology_dir, *paths]
    dataset, sources = load(s, paths)
    report = validate(dataset, load_shapes(s), sources)
    print(report.text(args.lang))
    return 0 if report.conforms else 1
