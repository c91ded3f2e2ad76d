"""`kommunmal ingest FILE --municipality KOMMUNKOD --year YEAR [--out DIR]`: a goal document to draft Turtle.

Reads the goal section of a budget document (.pdf, .txt with OCR or copied text, .html saved web page), and writes
draft Turtle in the layout of data/ostersund/2024/: goal document, goals, political texts with source spans, and the
machine's proposals (actions, shared actions, UN SDG targets, bodies named), each marked prov:wasGeneratedBy the
ingest activity until a steward reviews it with `kommunmal review DIR`. Proposals a steward rejected before (found in
DIR/review.ttl or data/<municipality>/<year>/review.ttl) are not proposed again.

Example:
  kommunmal ingest budget-2024.pdf --municipality 2380 --year 2024 --out draft/ostersund/2024

Exit 0 draft written, 2 unusable input (unreadable file, no goal section found: nothing is written).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from kommunmal.cli.common import progress, settings
from kommunmal.errors import KommunmalError, SourceError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="read a goal document (.pdf, .txt, .html) into draft Turtle with proposals to review",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the document: .pdf, .txt or .html (e.g. budget-2024.pdf)")
    p.add_argument(
        "--municipality",
        required=True,
        metavar="KOMMUNKOD",
        help="the municipality's four-digit code from SCB, e.g. 2380 for Östersund",
    )
    p.add_argument("--year", required=True, type=int, metavar="YEAR", help="the budget year, e.g. 2024")
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="folder for the draft (default: draft/<municipality>/<year>), e.g. --out draft/ostersund/2024",
    )
    p.add_argument(
        "--name",
        metavar="NAME",
        help='the municipality\'s name when the data folder does not know the code, e.g. --name "Östersunds kommun" '
        '(default: the most frequent "<Name> kommun" in the text)',
    )
    p.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from kommunmal.ingest.layout import parse_document
    from kommunmal.ingest.proposals import propose
    from kommunmal.ingest.review import rejected_keys
    from kommunmal.ingest.sdg_match import SdgMatcher
    from kommunmal.ingest.writer import DraftWriter, check_draft_folder, find_municipality, guess_municipality

    s = settings(args)
    say = (lambda _msg: None) if args.quiet else progress
    if not re.fullmatch(r"[0-9]{4}", args.municipality):
        raise KommunmalError(f"--municipality {args.municipality!r}: give the four-digit kommunkod, e.g. 2380")
    if not 1900 <= args.year <= 2100:
        raise KommunmalError(f"--year {args.year}: give the budget year, e.g. 2024")
    if not args.file.is_file():
        raise SourceError(args.file, "no such file; give the path of a .pdf, .txt or .html document")
    if args.out:
        check_draft_folder(args.out)  # before the slow part: refuse at once to overwrite curated data
    doc = parse_document(args.file, progress=say)
    municipality = find_municipality(s.data_dir, args.municipality, s.base_iri) if not args.name else None
    municipality = municipality or guess_municipality(doc, args.municipality, args.name)
    if municipality is None:
        raise SourceError(
            args.file,
            f"the data folder has no municipality with kommunkod {args.municipality} and the text names "
            'none; give its name with --name "<Namn> kommun"',
        )
    out = args.out or Path("draft") / municipality.slug / str(args.year)
    check_draft_folder(out)
    withhold = rejected_keys(
        [out / "review.ttl", s.data_dir / municipality.slug / str(args.year) / "review.ttl"], s.base_iri
    )
    kos = s.data_dir / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl"
    matcher = SdgMatcher(kos) if kos.is_file() else None
    if matcher and matcher.dictionary_missing:
        print(f"obs: {matcher.dictionary_missing}", file=sys.stderr)
    if matcher is None:
        say(f"ingen SDG-KOS i {kos}; inga förslag till globala delmål")
    say("söker åtaganden och globala delmål")
    proposals = propose(
        doc, matcher, list(municipality.known_bodies), withhold, progress=lambda n, total: say(f"mål {n} av {total}")
    )
    written = DraftWriter(doc, proposals, municipality, args.year, s.base_iri).write(out)
    shared = sum(1 for a in proposals.actions if a.shared)
    links = sum(min(len(a.sdg), 2) for a in proposals.actions) + sum(
        min(len(c), 2) for c in proposals.goal_sdg.values()
    )
    print(
        f"{len(doc.goals)} mål ({doc.layout}), {len(proposals.actions)} föreslagna åtaganden varav {shared} delade, "
        f"{links} föreslagna kopplingar till globala delmål"
    )
    texts = [g.statement for g in doc.goals] + [para.text for g in doc.goals for para in g.paragraphs]
    unsure = sorted({w for t in texts for w in t.unsure})
    print(
        f"OCR-rättning: säkerhet {doc.confidence:.1%}; {len(unsure)} osäkra ord behållna som de står och märkta"
        + (f" ({', '.join(unsure[:8])}{' …' if len(unsure) > 8 else ''})" if unsure else "")
    )
    if proposals.withheld:
        print(f"{len(proposals.withheld)} förslag som avvisats tidigare föreslås inte igen")
    print(f"utkast i {out} ({len(written)} filer); granska med: kommunmal review {out}")
    sys.stdout.flush()
    return 0
