"""Print the Turtle block of a km:SourceSpan for a line range of a source text, for pasting into data files.

    python scripts/source_span.py data/ostersund/2024/source.txt 56 64 --section 1.1 [--omit "60-61: bildtext"]

The block's km:ocrText is the verbatim text of the lines, which the test suite compares with the file.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rdflib import Literal


def span_block(source: Path, start: int, end: int, section: str, omitted: list[str]) -> str:
    lines = source.read_text(encoding="utf-8").split("\n")
    ocr = "\n".join(lines[start - 1 : end])
    parts = [
        f"span:L{start}-L{end} a km:SourceSpan ;",
        "    dct:isPartOf b24:source ;",
        f'    km:section "{section}" ;',
        f"    km:startLine {start} ;",
        f"    km:endLine {end} ;",
        *(f"    km:omittedLines {Literal(o).n3()} ;" for o in omitted),
        f"    km:ocrText {Literal(ocr).n3()} .",
    ]
    return "\n".join(parts) + "\n"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("source", type=Path)
    p.add_argument("start", type=int)
    p.add_argument("end", type=int)
    p.add_argument("--section", required=True)
    p.add_argument("--omit", action="append", default=[], help='"a-b: reason", may repeat')
    a = p.parse_args()
    print(span_block(a.source, a.start, a.end, a.section, a.omit))


if __name__ == "__main__":
    main()
