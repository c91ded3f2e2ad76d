"""`kommunmal analyse`: which goals share actions (SDG targets, responsible bodies, indicators) — the goal graph."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kommunmal.analysis import LAYER_CHOICES, STRENGTHS, TIERS, analyse, empty_combination
from kommunmal.cli.common import settings
from kommunmal.documents import documents, resolve
from kommunmal.errors import KommunmalError, NotFound
from kommunmal.integrity import no_release_message
from kommunmal.network_export import EXPORT_FORMATS, extension_list, format_for_path, render
from kommunmal.sparql_source import open_source


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "analyse",
        help="the goal graph: which goals share actions, SDG targets, responsible bodies or indicators",
        description="Build the weighted goal–goal graph (weight = number of shared items in the layer; for related "
        "commitments and SDG targets the sum of their scores or link strengths) with "
        "weighted degree, betweenness, eigenvector centrality and communities per goal, and write it "
        "as a summary, a network file (Gephi, Cytoscape, Graphviz), a table, a picture or an interactive page.",
        epilog="exit codes: 0 the graph was written; 2 unusable input (no release or unreachable endpoint, no such "
        "document, a layer and tier that can give no pair, an --out extension that names no format); 130 "
        "interrupted",
    )
    p.add_argument(
        "--layer",
        default="actions",
        choices=LAYER_CHOICES,
        help="what goals share: actions (default; the same commitment, tier 1), related (related commitments, "
        "tier 2, weighted by score), sdg targets (weighted by link strength), committees (responsible bodies), "
        "indicators, or all (weight = sum of the five)",
    )
    p.add_argument(
        "--tier",
        choices=(*TIERS, "both"),
        default="both",
        help="which action tiers count: shared (the same commitment under both goals), related (related "
        "commitments) or both (default); --layer actions needs shared or both, --layer related needs related or "
        "both",
    )
    p.add_argument(
        "--min-strength",
        default="0",
        metavar="S",
        help="drop SDG links and related commitments weighted below S: a number from 0 to 1 or "
        + ", ".join(f"{name} ({value:g})" for name, value in STRENGTHS.items())
        + "; stated links weigh 1 (default 0: keep all)",
    )
    p.add_argument(
        "--document",
        metavar="DOC",
        help="only the goals of this goal document: its IRI or municipality/year, e.g. ostersund/2024 "
        "(default: all goals in the store)",
    )
    p.add_argument(
        "--format",
        choices=tuple(EXPORT_FORMATS),
        help="output format (default: from the --out file's extension, else text)",
    )
    p.add_argument(
        "--out",
        type=Path,
        help="file to write; its extension chooses the format: "
        + extension_list().replace("%", "%%")
        + " (default: standard output; png and svg need a file)",
    )
    p.add_argument("--endpoint", metavar="URL", help="query this SPARQL endpoint instead of the embedded store")
    p.add_argument(
        "--release-dir",
        type=Path,
        metavar="DIR",
        help="release folder whose current release is queried (default: setting release_dir)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=30.0,
        metavar="S",
        help="seconds to wait for each answer from --endpoint (default 30)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    s = settings(args)
    fmt = output_format(args.format, args.out)
    if EXPORT_FORMATS[fmt].binary and args.out is None:
        raise KommunmalError(f"--format {fmt} is an image: give a file with --out, e.g. --out goal-graph.{fmt}")
    tiers = TIERS if args.tier == "both" else (args.tier,)
    if why := empty_combination(args.layer, tiers):
        raise KommunmalError(why)
    release_dir = args.release_dir or s.release_dir
    try:
        source = open_source(s.vocab, endpoint=args.endpoint, release_dir=release_dir, timeout_s=args.timeout)
    except NotFound:
        raise NotFound(no_release_message(release_dir) + ", or query a SPARQL endpoint with --endpoint URL") from None
    minimum = min_strength(args.min_strength)
    named = resolve(source, args.document) if args.document else None
    document = named.iri if named else None
    graph = analyse(source, args.layer, tiers=tiers, min_strength=minimum, document=document)
    if graph.number_of_nodes() == 0 and named and named.goals:
        # goals.rq leaves out the goals of an excerpt (kmc:coverage kmc:excerpt): the graph of part of a document
        # would show missing goals as unconnected ones. The /graph page says the same.
        raise KommunmalError(
            f"{named.key} ({named.title}) finns bara som ett utdrag: dess {named.goals} mål ritas inte i målgrafen, "
            f"som bara ritas för hela måldokument; jämför det med ett annat år med `kommunmal compare` / "
            f"{named.key} is an excerpt of its goal document: the goal graph is drawn for whole goal documents only "
            f"(its {named.goals} goals are left out); compare it with another year with `kommunmal compare`"
        )
    if graph.number_of_nodes() == 0:
        raise KommunmalError(
            f"no goals (km:Goal) found in {source.describe}; is it a kommunmal dataset, and is "
            f"the base IRI ({s.base_iri}) the one it was built with?"
        )
    if named is None and len(graph.graph.get("documents", ())) > 1:
        # docs/analyst-guide.md: goals of several documents with the same notation are one node, and an edge shows
        # the last pair of goals only. Said here too, where a national release gives 29 municipalities in 12 nodes.
        count = len(graph.graph["documents"])
        keys = [d.key for d in documents(source)]
        example = ", ".join(keys[:3]) + (", …" if len(keys) > 3 else "")
        print(
            f"kommunmal analyse: målen kommer från {count} måldokument; mål med samma nummer blir en nod och en kant "
            f"visar bara det sista målparet. Välj ett måldokument med --document ({example}) / the goals come from "
            f"{count} goal documents: goals with the same notation are one node and an edge shows the last pair of "
            "goals only; choose one document with --document",
            file=sys.stderr,
        )
    data = render(graph, fmt)
    if args.out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data)
        print(
            f"{args.out}: {fmt}, lager {args.layer}, {graph.number_of_nodes()} mål, {graph.number_of_edges()} kanter"
            + (f", nivå {args.tier}" if args.tier != "both" else "")
            + (f", styrka minst {minimum:g}" if minimum else ""),
            file=sys.stderr,
        )
    return 0


def output_format(given: str | None, out: Path | None) -> str:
    """The export format: --format if given, else the one --out's extension names, else text (standard output).
    Raises KommunmalError (exit 2) for an --out extension that names no format, and for one that names another
    format than --format."""
    implied = format_for_path(str(out)) if out is not None else None
    if given is None and out is not None and implied is None:
        raise KommunmalError(
            f"--out {out}: filändelsen anger inget format som kan skrivas; möjliga är {extension_list()}. Byt "
            f"filändelse eller ange --format / the extension names no format kommunmal can write: use one of "
            f"those, or give --format"
        )
    if given is not None and implied is not None and implied != given:
        raise KommunmalError(
            f"--out {out} anger formatet {implied}, men --format är {given}; ge filen ändelsen "
            f".{EXPORT_FORMATS[given].extension} eller utelämna --format / the extension names {implied} but "
            f"--format is {given}"
        )
    return given or implied or "text"


def min_strength(value: str) -> float:
    """--min-strength as a number 0–1: a named strength (direct, partial, contextual) or a decimal."""
    if value in STRENGTHS:
        return STRENGTHS[value]
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = -1.0
    if not 0.0 <= number <= 1.0:
        raise KommunmalError(f"--min-strength {value!r}: give a number from 0 to 1 or one of {', '.join(STRENGTHS)}")
    return number
