"""The body of one goal: its political text's title and paragraphs, with pull-quotes and page furniture left out.

Rules (from the layouts in /work/shared/notes/goal-documents.md and the curated Östersund 2024 texts):
- a pull-quote or caption repeating the goal statement is a run of lines made (three quarters or more) of the
  statement's words, four words or more in all; it is omitted, and a sentence it interrupts is joined;
- a page number ("6 (10)"), a lone symbol, or a line the extractor marked as furniture is omitted;
- a blank line ends a paragraph only after a sentence end (. ! ? : or a closing quote); otherwise the sentence goes on;
- the text's title is a short first line (at most eight words, no full stop) before the first paragraph;
- a web page's sub-headings ("## Målbeskrivning") are not text, and from a follow-up heading ("Uppdrag …",
  "Nyckeltal …", "Indikatorer …", "Uppföljning …") to the end of the goal nothing is political text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kommunmal.ingest.extract import PAGE_NUMBER
from kommunmal.ingest.model import Paragraph, Span
from kommunmal.ingest.ocr import repair

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "a", "è": "a", "&": "a", "6": "o", "0": "o", "1": "l"})
_TOKEN = re.compile(r"[^\W_]+|&")
_SENTENCE_END = re.compile(r"[.!?:”\"»)]\s*$")
LONE_SYMBOL = re.compile(r"^\W{1,3}$")
_SUBHEADING = re.compile(r"^#+\s")
_FOLLOW_UP = re.compile(r"^#*\s*(uppdrag|nyckeltal|indikatorer|uppföljning|mått|aktiviteter)\b", re.IGNORECASE)


def fold_words(text: str) -> list[str]:
    """Lower-case words of `text` with å/ä/ö and their OCR stand-ins folded to a/o, for comparing OCR'd lines."""
    return [w for w in (t.lower().translate(_FOLD) for t in _TOKEN.findall(text)) if w.isalpha()]


@dataclass
class Body:
    """What `split_body` finds in a goal's lines."""

    title: tuple[int, str] | None = None  # (line number, text)
    paragraphs: list[Paragraph] = field(default_factory=list)
    omitted: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)
    other: list[int] = field(default_factory=list)


def _trigrams(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 3]) for i in range(len(words) - 2)}


def _quote_lines(lines: list[str], numbers: list[int], statement: str) -> set[int]:
    """Lines of blocks (runs of non-blank lines; a line indented by a space opens a new block) made mostly (three
    quarters) of the statement's words and sharing three words in a row with it."""
    statement_words = fold_words(statement)
    vocabulary, trigrams = set(statement_words), _trigrams(statement_words)
    if not statement_words:
        return set()
    blocks: list[list[int]] = []
    for n in numbers:
        text = lines[n - 1]
        if not text.strip():
            blocks.append([])
        elif text.startswith(" ") or not blocks:
            blocks.append([n])
        else:
            blocks[-1].append(n)
    quotes: set[int] = set()
    for block in blocks:
        words = [w for n in block for w in fold_words(lines[n - 1])]
        if len(words) < 4 or not _trigrams(words) & trigrams:
            continue
        if sum(w in vocabulary for w in words) / len(words) >= 0.75:
            quotes.update(block)
    return quotes


_RUNNING = re.compile(r"\S\s{3,}(?:sida\s+)?\d{1,3}(?:\s*\(\s*\d{1,3}\s*\)|\s*(?:/|av)\s*\d{1,3})\s*$", re.I)


def is_furniture(text: str) -> bool:
    """A page number, a running header or footer ending in one ("Mål och budget 2026    6 (12)"), or a lone
    symbol."""
    return bool(PAGE_NUMBER.match(text) or _RUNNING.search(text) or LONE_SYMBOL.match(text.strip()))


def split_body(
    lines: list[str],
    start: int,
    end: int,
    statement: str,
    noise: dict[int, str],
    stripped: bool,
    skip: dict[int, str] | None = None,
) -> Body:
    """Split lines `start`..`end` (1-based, inclusive) after a goal's heading into title and paragraphs.

    `statement` is the goal statement as written (to recognise pull-quotes), `noise` the extractor's furniture
    lines, `stripped` whether the document lost its å/ä/ö (passed to `ocr.repair`), `skip` further lines
    that are not text (indicator tables, SDG labels) with the reason."""
    body = Body()
    skip = dict(skip or {})
    follow_up = next((n for n in range(start, end + 1) if _FOLLOW_UP.match(lines[n - 1].strip())), None)
    if follow_up is not None:
        for n in range(follow_up, end + 1):
            if lines[n - 1].strip():
                skip.setdefault(n, "uppföljning, inte politisk text")
    numbers = list(range(start, end + 1))
    quotes = _quote_lines(lines, numbers, statement)
    kept: list[int] = []
    for n in numbers:
        text = lines[n - 1]
        if not text.strip():
            kept.append(n)
        elif n in noise:
            body.omitted.append((n, noise[n]))
        elif n in skip:
            body.omitted.append((n, skip[n]))
        elif _SUBHEADING.match(text):
            body.omitted.append((n, "mellanrubrik"))
        elif n in quotes:
            body.omitted.append((n, "citatruta som upprepar målformuleringen"))
        elif is_furniture(text):
            body.omitted.append((n, "sidnummer eller lösryckt tecken"))
        else:
            kept.append(n)
    content = [n for n in kept if lines[n - 1].strip()]
    if content:
        first = content[0]
        text = lines[first - 1].strip()
        nxt = content[1] if len(content) > 1 else None
        gap_after = nxt is None or nxt > first + 1 or lines[nxt - 1].startswith(" ")
        if len(text.split()) <= 8 and not text.endswith(".") and gap_after:
            body.title = (first, text)
            content = content[1:]
    blocks: list[list[int]] = []
    for n in content:
        if blocks:
            prev = blocks[-1][-1]
            between = [k for k in range(prev + 1, n) if k in kept]  # blank lines kept between
            ends = _SENTENCE_END.search(lines[prev - 1]) is not None
            if (not between) or not ends:
                blocks[-1].append(n)
                continue
        blocks.append([n])
    omitted_lines = {n for n, _ in body.omitted}
    for block in blocks:
        a, b = block[0], block[-1]
        ocr = "\n".join(lines[k - 1] for k in block)
        span = Span(a, b, tuple(k for k in range(a, b + 1) if k in omitted_lines))
        body.paragraphs.append(Paragraph(text=repair(ocr, stripped=stripped), span=span))
    return body
