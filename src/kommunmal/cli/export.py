"""`kommunmal export --format F`: the whole dataset on standard output."""

from __future__ import annotations

import argparse
import sys

from kommunmal.cli.common import settings
from kommunmal.dataset import load, union_graph
from kommunmal.formats import FORMATS, RDF_DATASET_FORMATS, RDF_GRAPH_FORMATS

CHOICES = [f.name for f in (*RDF_GRAPH_FORMATS, *RDF_DATASET_FORMATS)]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="write the whole dataset to standard output",
        description="Load ontology, data and reference data (without validating) and write them to standard "
        "output in one RDF format.",
        epilog="exit codes: 0 written; 2 unusable input (a file that cannot be read or parsed); 130 interrupted",
    )
    p.add_argument(
        "--format",
        default="turtle",
        choices=CHOICES,
        help="triple formats give the union of all graphs; trig and nquads keep the named graphs",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    fmt = FORMATS[args.format]
    dataset, _sources = load(settings(args))
    source = dataset if fmt.kind == "dataset" else union_graph(dataset)
    sys.stdout.buffer.write(source.serialize(format=fmt.rdflib, encoding="utf-8"))
    sys.stdout.flush()
    return 0
