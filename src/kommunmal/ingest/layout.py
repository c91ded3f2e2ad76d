"""Find the goal section of a budget document and its structure: `parse_document(path) -> ParsedDocument`.

The goal block is found by its numbering and vocabulary, not by position (see /work/shared/notes/goal-documents.md):

- numbered headings ("1.1 …", "2:3 …", "3. …", "Mål 2 – …") that form a rising sequence are goals; the depth of
  the number gives the level and the parent ("1:2:1" under "1:2"); a heading whose text is short (at most six words,
  no full stop) followed by a paragraph is a short title explained by that paragraph;
- a summary list before the headings, each statement ending in a short name in brackets ("… (Ledning)"), gives short
  names and, through the lines ending in ":" before its entries, the groups;
- a list number followed by a UN goal number ("1. Mål 3: …") marks UN goals adopted as the municipality's own;
- without numbering, a bullet list introduced by a line about goals ("mål") is the goal list;
- indicators are read by `kommunmal.ingest.indicators`.

A document in which none of these is found raises `NoGoalSection`; nothing is written.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kommunmal.errors import SourceError
from kommunmal.ingest import indicators as indicator_rows
from kommunmal.ingest.extract import Extracted, Progress, extract
from kommunmal.ingest.model import ParsedDocument, ParsedGoal, Span
from kommunmal.ingest.ocr import looks_stripped, repair
from kommunmal.ingest.paragraphs import fold_words, is_furniture, split_body


class NoGoalSection(SourceError):
    """No goal section was found in the document; `reason` says what was looked for."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.reason = reason
        super().__init__(
            path,
            f"no goal section found: {reason}. Give the part of the budget that lists the goals "
            "(numbered goals, goal areas or a bullet list of goals).",
        )


_PREFIX = r"(?:(?:inriktningsmål|strategiskt mål|strategiområde|målområde|delmål|fokusmål|effektmål|mål)\s+)?"
_HEADING = re.compile(
    r"^[\s=|#*>]*" + _PREFIX + r"(?P<num>\d{1,2}(?:[.:]\d{1,2}){0,2})(?P<dot>[.:)])?"
    r"(?:\s+|\s*[-–—]\s*)(?P<rest>(?:[|1]\s+)?[A-ZÅÄÖa-zåäö|].*)$",
    re.IGNORECASE,
)
_UN_GOAL = re.compile(r"^(?:FN:s\s+)?(?:globala\s+)?mål\s+(\d{1,2})\s*[:.–-]\s*(.+)$", re.IGNORECASE)
_SHORT_NAME = re.compile(r"\(([^()]{2,60})\)\s*$")
_BULLET = re.compile(r"^\s*(?:[•●▪◦*·-]|–|—)\s+(?P<rest>\S.*)$")
_GOAL_WORDS = re.compile(r"\bmål|målområde|inriktningsmål|strategi", re.IGNORECASE)


@dataclass
class _Heading:
    line: int
    notation: str
    rest: str
    sep: str


def _notation_parts(notation: str) -> list[int]:
    return [int(p) for p in re.split(r"[.:]", notation)]


def _headings(lines: list[str], noise: dict[int, str]) -> list[_Heading]:
    found = []
    for n, text in enumerate(lines, start=1):
        if n in noise or is_furniture(text):
            continue
        m = _HEADING.match(text)
        if not m:
            continue
        rest = m.group("rest").strip()
        if len(fold_words(rest)) < 1 or re.match(r"^\d(?!\s+[A-ZÅÄÖ])", rest):
            continue
        sep = ":" if ":" in m.group("num") else "."
        found.append(_Heading(n, m.group("num"), rest, sep))
    return _rising(found)


def _rising(found: list[_Heading]) -> list[_Heading]:
    """Keep the headings that continue a numbering: the first of a level starts at 1, each next one follows the
    previous of its level (or a deeper one restarts under its parent)."""
    kept: list[_Heading] = []
    last: dict[tuple[int, ...], int] = {}
    for h in found:
        parts = _notation_parts(h.notation)
        parent = tuple(parts[:-1])
        if parent and parent not in {tuple(_notation_parts(k.notation)) for k in kept} and parts[-1] == 1:
            # a two-part number at the top ("1.1" with no "1") counts as a flat numbering
            if len(parts) == 2 and not any(len(_notation_parts(k.notation)) == 1 for k in kept):
                parent = ()
            elif kept:
                continue
        prev = last.get((*parent, len(parts)), 0)
        if parts[-1] == prev + 1:
            kept.append(h)
            last[(*parent, len(parts))] = parts[-1]
            for key in [k for k in last if len(k) > len(parent) + 1 and k[: len(parts)] == tuple(parts)]:
                del last[key]
    tops = [h for h in kept if len(_notation_parts(h.notation)) == 1]
    if len(tops) == 1 and len(kept) > 2 and kept[0] is tops[0]:
        kept = kept[1:]  # a lone chapter number above the goals ("1 Kommunövergripande mål") is not a goal
    return kept if len(kept) >= 2 else []


@dataclass
class _Summary:
    statement: str
    short_name: str
    span: Span
    group: str | None


def _summary(lines: list[str], end: int, stripped: bool) -> list[_Summary]:
    """Entries "statement (Short name)" in lines 1..end-1, with the ":"-ended group label before them."""
    entries: list[_Summary] = []
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
            entries.append(_Summary(statement, m.group(1), Span(block[0], block[-1]), group))
            block = []
    return entries


def _statement_lines(lines: list[str], h: _Heading, limit: int, summary: _Summary | None) -> list[int]:
    """The heading line and the lines that continue its statement."""
    taken = [h.line]
    if summary is None:
        n = h.line + 1
        while n < limit and lines[n - 1].strip() and not lines[n - 1].startswith(" "):
            if _HEADING.match(lines[n - 1]):
                break
            taken.append(n)
            n += 1
        return taken
    target = fold_words(summary.statement)
    words = set(target)
    consumed = fold_words(_clean_heading(h.rest))
    n = h.line + 1
    while n < limit and len(consumed) < len(target) and consumed[-1:] != target[-1:]:
        text = lines[n - 1]
        if not text.strip():
            n += 1
            continue
        line_words = fold_words(text)
        if text.startswith(" ") or not line_words or sum(w in words for w in line_words) / len(line_words) < 0.6:
            break
        taken.append(n)
        consumed += line_words
        n += 1
    return taken


_LEADING_I = re.compile(r"^(?:[|1]|l)\s+(?=[A-ZÅÄÖ])")


def _clean_heading(text: str) -> str:
    return _LEADING_I.sub("I ", text.strip())


def parse_lines(path: Path | str, extracted: Extracted, progress: Progress = None) -> ParsedDocument:
    """Parse already extracted lines; see `parse_document`."""
    lines, noise = extracted.lines, extracted.noise
    stripped = looks_stripped("\n".join(lines))
    heads = _headings(lines, noise)
    sha = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    if not heads:
        from kommunmal.ingest.lists import parse_bullets

        doc = parse_bullets(str(path), sha, lines, noise, stripped)
        if doc is None:
            raise NoGoalSection(path, "no numbered goal headings (1, 1.1, 1:1 …) and no bullet list of goals")
        return doc
    summary = _summary(lines, heads[0].line, stripped)
    top = [h for h in heads if len(_notation_parts(h.notation)) == len(_notation_parts(heads[0].notation))]
    by_notation = {}
    if summary and len(summary) == len(heads):
        by_notation = {h.notation: s for h, s in zip(heads, summary, strict=True)}
    elif summary and len(summary) == len(top):
        by_notation = {h.notation: s for h, s in zip(top, summary, strict=True)}
    end_of_section = indicator_rows.section_end(lines, heads[-1].line)
    goals: list[ParsedGoal] = []
    groups: dict[str, list[str]] = {}
    unused: list[tuple[Span, str]] = []
    notations = {h.notation for h in heads}
    un_style = 0
    for i, h in enumerate(heads):
        if progress:
            progress(f"mål {h.notation} ({i + 1} av {len(heads)})")
        limit = heads[i + 1].line if i + 1 < len(heads) else end_of_section + 1
        entry = by_notation.get(h.notation)
        taken = _statement_lines(lines, h, limit, entry)
        head_text = _clean_heading(" ".join([h.rest, *(lines[k - 1].strip() for k in taken[1:])]))
        sdg: list[str] = []
        un = _UN_GOAL.match(head_text)
        if un:
            sdg.append(un.group(1))
            head_text = un.group(2).strip()
            un_style += 1
        statement_ocr = head_text
        if entry and len(fold_words(head_text)) < 0.9 * len(fold_words(entry.statement)):
            statement_ocr = _clean_heading(entry.statement)
        parts = _notation_parts(h.notation)
        parent = h.sep.join(str(p) for p in parts[:-1]) if len(parts) > 1 else None
        if parent not in notations:
            parent = None
        level = 1 if parent is None else len(parts) - (0 if heads[0].notation.count(h.sep) == 0 else 1)
        quote_words = " ".join([head_text, entry.statement if entry else ""])
        body = split_body(lines, taken[-1] + 1, limit - 1, quote_words, noise, stripped)
        rows, body = indicator_rows.take_from(lines, body, stripped)
        short_name = None
        short_title = len(head_text.split()) <= 6 and not head_text.rstrip().endswith(".")
        statement = repair(statement_ocr, stripped=stripped)
        title = repair(body.title[1], stripped=stripped) if body.title else None
        if entry:
            short = repair(entry.short_name, stripped=stripped)
            if short.unsure and title and _close(title.text, short.text):
                short = title
            short_name = short.text
        elif short_title and body.paragraphs and not any(k.notation.startswith(h.notation + h.sep) for k in heads):
            short_name = statement.text
            first = body.paragraphs[0]
            statement = first.text
        goal = ParsedGoal(
            notation=h.notation,
            statement=statement,
            span=Span(taken[0], taken[-1]),
            short_name=short_name,
            parent=parent,
            level=max(1, level),
            group=entry.group if entry else None,
            paragraphs=body.paragraphs,
            indicators=rows,
            sdg_numbers=sdg,
            title=title,
            summary_span=entry.span if entry else None,
        )
        if goal.group:
            groups.setdefault(goal.group, []).append(goal.notation)
        unused += [(Span(n, n), reason) for n, reason in body.omitted]
        goals.append(goal)
    layout = _layout_name(goals, bool(summary), un_style)
    shared = indicator_rows.shared_indicators(lines, end_of_section + 1, stripped)
    confidences = [g.statement.confidence for g in goals] + [p.text.confidence for g in goals for p in g.paragraphs]
    return ParsedDocument(
        path=str(path),
        sha256=sha,
        lines=lines,
        layout=layout,
        section=Span(summary[0].span.start if summary else heads[0].line, end_of_section),
        goals=goals,
        groups=groups,
        indicators=shared,
        unused=unused,
        stripped=stripped,
        confidence=round(sum(confidences) / len(confidences), 4) if confidences else 1.0,
    )


def _close(a: str, b: str) -> bool:
    fa, fb = fold_words(a), fold_words(b)
    if len(fa) != len(fb):
        return False
    return sum(x != y for x, y in zip("".join(fa), "".join(fb), strict=False)) <= 2


def _layout_name(goals: list[ParsedGoal], summary: bool, un_style: int) -> str:
    if un_style and un_style >= len(goals) // 2:
        return "un-goals-as-own"
    if any(g.parent for g in goals):
        return "multi-level"
    if summary:
        return "numbered-with-text"
    if goals and all(g.short_name for g in goals):
        return "short-title-explained"
    return "numbered"


def parse_document(path: Path, progress: Progress = None) -> ParsedDocument:
    """Read a goal document (.pdf, .txt or .html) and return its goal section as a `ParsedDocument`.

    Line numbers in spans count from 1 in the extracted lines (for a .txt, the file's own lines). `progress`, if
    given, is called with a short Swedish status text per page and per goal. Raises `SourceError` for an unreadable
    file and `NoGoalSection` when no goal section is found."""
    path = Path(path)
    if progress:
        progress(f"läser {path.name}")
    extracted = extract(path, progress)
    return parse_lines(path, extracted, progress)
