"""`kommunmal validate [PATH...]`: SHACL report grouped by node and path. Exit 0 conforms, 1 violations, 2 bad input."""

from __future__ import annotations

import argparse
from pathlib import Path

from kommunmal.cli.common import settings
from kommunmal.dataset import load
from kommunmal.release_parallel import validate_units
from kommunmal.validation import load_shapes, validate, validate_in_context


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "validate",
        help="validate the data (or the given files) against the SHACL shapes",
        description="Run the SHACL shapes over the data (ontology/ and data/, or the given files in the context of "
        "the rest) and print a report grouped by node and path: what is wrong, the shape's message in Swedish or "
        "English, and the file and line that define the node. Warnings are shown and do not fail. Nothing is "
        "written.",
        epilog="exit codes: 0 the data conforms (warnings allowed); 1 violations; 2 unusable input (a file that "
        "cannot be read or parsed: the message names file and line); 130 interrupted",
    )
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        help="files or folders to check, each in the context of the rest of the data (default: all of ontology/ "
        "and data/); a file stands in for the source it is a copy of",
    )
    p.add_argument("--lang", default="sv", choices=("sv", "en"), help="language of the messages")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    s = settings(args)
    # Data in several municipality folders: each folder on its own, in parallel, as the build does.
    report = validate_units(s, args.paths)
    if report is None and args.paths:
        report = validate_in_context(s, args.paths)
    elif report is None:
        dataset, sources = load(s)
        report = validate(dataset, load_shapes(s), sources, dataset=dataset, engine=s.shacl_engine)
    print(report.text(args.lang))
    return 0 if report.conforms else 1
