"""`kommunmal compare A B`: what changed from goal document A to goal document B (goals and actions)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from kommunmal.cli.common import settings
from kommunmal.compare import ACTION_KINDS_SV, GOAL_KINDS_SV, RULES_SV, Comparison, compare
from kommunmal.sparql_source import open_source
from kommunmal.word_diff import diff_string

FORMATS = ("text", "json", "turtle")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="year comparison: goals added, removed, renamed or reworded, actions kept, new or dropped",
        description="Compare two goal documents, named as municipality/year (ostersund/2024) or by IRI. "
        "Goals are paired by number, short name or similar statement (the rule is printed); statements and "
        "texts get a word-level diff. Output as text, JSON, or an RDF change set in Turtle.",
        epilog="exit codes: 0 the comparison was written; 2 unusable input (no such document, no release or an "
        "unreachable endpoint); 130 interrupted",
    )
    p.add_argument("before", metavar="A", help="the earlier document, e.g. ostersund/2023")
    p.add_argument("after", metavar="B", help="the later document, e.g. ostersund/2024")
    p.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    p.add_argument("--endpoint", metavar="URL", help="query this SPARQL endpoint instead of the embedded store")
    p.add_argument(
        "--release-dir", type=Path, metavar="DIR", help="release folder to query (default: setting release_dir)"
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    s = settings(args)
    source = open_source(s.vocab, endpoint=args.endpoint, release_dir=args.release_dir or s.release_dir)
    comparison = compare(source, args.before, args.after)
    if args.format == "json":
        sys.stdout.write(json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2) + "\n")
    elif args.format == "turtle":
        sys.stdout.write(comparison.to_rdf(s.base_iri).serialize(format="turtle"))
    else:
        sys.stdout.write(text(comparison))
    return 0


def text(c: Comparison) -> str:
    """The comparison as Swedish plain text."""
    out = [f"Från: {c.before.title} ({c.before.name}){' – utdrag' if c.before.coverage == 'excerpt' else ''}"]
    out.append(f"Till: {c.after.title} ({c.after.name}){' – utdrag' if c.after.coverage == 'excerpt' else ''}")
    out.append(f"Regel: {c.rule}")
    out.append("")
    out.append("Mål")
    for g in c.goals:
        kinds = ", ".join(GOAL_KINDS_SV[k] for k in g.kinds)
        a = g.before.title if g.before else "–"
        b = g.after.title if g.after else "–"
        how = f" [{RULES_SV[g.matched_by]}, {round(g.similarity * 100)} % lika]" if g.matched_by else ""
        out.append(f"  {a} → {b}: {kinds}{how}")
        if g.before and g.after and "reworded" in g.kinds:
            out.append(f"      {diff_string(g.statement_diff)}")
        if g.text_changed:
            out.append("      politisk text ändrad (båda hela)")
    out.append("")
    out.append("Åtaganden")
    counts = c.counts()
    for kind, label in ACTION_KINDS_SV.items():
        if counts.get(f"action_{kind}"):
            out.append(f"  {label}: {counts[f'action_{kind}']}")
    for a in c.actions:
        if a.kind in ("new", "dropped", "reworded"):
            item = a.after or a.before
            out.append(f"  {ACTION_KINDS_SV[a.kind]}: {item.label if item else ''}")
    return "\n".join(out) + "\n"
