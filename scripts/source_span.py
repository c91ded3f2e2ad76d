"""Print the Turtle block of a km:SourceSpan for a line range of a source text, for pasting into data files.

    python scripts/source_span.py data/ostersund/2024/source.txt 56 64 --section 1.1 [--omit "60-61: bildtext"]

The block's km:ocrText is the verbatim text of the lines, which the test suite compares with the file. Its IRIs are
relative (`<id/ostersund/budget-2024/source/L56-L64>`), as the data files write them, so the block fits any file of
the goal document whatever prefixes it declares; the document comes from the path (data/<municipality>/<year>/),
or from --document for a source text kept elsewhere. A range outside the file is refused (exit 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rdflib import Literal


def document_of(source: Path) -> str | None:
    """`id/<municipality>/budget-<year>/` for a source text at …/<municipality>/<year>/source.txt, else None."""
    parts = source.resolve().parts
    if len(parts) >= 3 and parts[-2].isdigit() and len(parts[-2]) == 4:
        return f"id/{parts[-3]}/budget-{parts[-2]}/"
    return None


def span_block(source: Path, start: int, end: int, section: str, omitted: list[str], document: str) -> str:
    """The Turtle block of the span of lines `start`-`end` (1-based, inclusive) of `source` in the goal document
    whose IRIs start with `document` (relative, e.g. id/ostersund/budget-2024/)."""
    lines = source.read_text(encoding="utf-8").split("\n")
    ocr = "\n".join(lines[start - 1 : end])
    parts = [
        f"<{document}source/L{start}-L{end}> a km:SourceSpan ;",
        f"    dct:isPartOf <{document}source> ;",
        f'    km:section "{section}" ;',
        f"    km:startLine {start} ;",
        f"    km:endLine {end} ;",
        *(f"    km:omittedLines {Literal(o).n3()} ;" for o in omitted),
        f"    km:ocrText {Literal(ocr).n3()} .",
    ]
    return "\n".join(parts) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source", type=Path, help="the source text, e.g. data/ostersund/2024/source.txt")
    p.add_argument("start", type=int, help="first line (1-based)")
    p.add_argument("end", type=int, help="last line (inclusive)")
    p.add_argument("--section", required=True, help='section of the goal document, e.g. "1.1"')
    p.add_argument("--omit", action="append", default=[], help='"a-b: reason", may repeat')
    p.add_argument("--document", help="relative IRI of the goal document's resources, e.g. id/ostersund/budget-2024/")
    a = p.parse_args()
    try:
        count = len(a.source.read_text(encoding="utf-8").split("\n"))
    except (OSError, UnicodeDecodeError) as exc:
        p.error(f"{a.source}: cannot read as UTF-8 text ({exc})")
    if not 1 <= a.start <= a.end <= count:
        p.error(f"{a.source} has lines 1-{count}: give 1 <= start <= end <= {count} (got {a.start} {a.end})")
    document = a.document or document_of(a.source)
    if document is None:
        p.error(
            f"{a.source} is not at <municipality>/<year>/source.txt: give --document id/<municipality>/budget-<year>/"
        )
    print(span_block(a.source, a.start, a.end, a.section, a.omit, document.strip("/") + "/"))


if __name__ == "__main__":
    main()
