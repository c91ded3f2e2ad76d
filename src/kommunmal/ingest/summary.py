"""The summary list some documents put before the goal headings: each statement ending in its short name in
brackets, grouped under lines ending in ":" ("Tre av dessa är genomgripande för all kommunal verksamhet:")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kommunmal.ingest.model import Span
from kommunmal.ingest.ocr import repair
from kommunmal.ingest.paragraphs import fold_words

_SHORT_NAME = re.compile(r"\(([^()]{2,60})\)\s*$")


@dataclass
class Summary:
    """One entry of a summary list: the statement as written, the short name in brackets, where it stands and the
    group label (a line ending in ":") above it."""

    statement: str
    short_name: str
    span: Span
    group: str | None


def summary_list(lines: list[str], end: int, stripped: bool) -> list[Summary]:
    """Entries "statement (Short name)" in lines 1..end-1 (1-based), each with the ":"-ended group label before
    it; a short name has at most five words. Layout 1 of goal-documents.md (Östersund 2024, lines 10-37)."""
    entries: list[Summary] = []
    group: str | None = None
    block: list[int] = []
    for n in range(1, end):
        text = lines[n - 1].strip()
        if not text:
            if block and not _SHORT_NAME.search(" ".join(lines[k - 1].strip() for k in block)):
                block = []
            continue
        if text.endswith(":") and not block:
            group = repair(text.rstrip(":"), stripped=stripped).text
            continue
        block.append(n)
        joined = " ".join(lines[k - 1].strip() for k in block)
        m = _SHORT_NAME.search(joined)
        if m and len(m.group(1).split()) <= 5:
            statement = joined[: m.start()].strip()
            entries.append(Summary(statement, m.group(1), Span(block[0], block[-1]), group))
            block = []
    return entries


def close_names(a: str, b: str) -> bool:
    """True when two names differ in at most two letters once å/ä/ö are folded ("Trygghet och sttd" and "Trygghet
    och stöd"), word count equal."""
    fa, fb = fold_words(a), fold_words(b)
    if len(fa) != len(fb):
        return False
    return sum(x != y for x, y in zip("".join(fa), "".join(fb), strict=False)) <= 2
