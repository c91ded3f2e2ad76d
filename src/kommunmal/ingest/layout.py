"""Find the goal section of a budget document and its structure: `parse_document(path) -> ParsedDocument`.

The goal block is found by its numbering and vocabulary, not by position (see /work/shared/notes/goal-documents.md):

- numbered headings ("1.1 …", "2:3 …", "3. …", "Målområde 1 …") that form a rising sequence are goals; the depth of
  the number gives the level and the parent ("1:2:1" under "1:2"); lines of a table of contents, page numbers and
  running footers are never headings; when numbered chapters hold the goals in one of them ("3 Kommunfullmäktiges
  mål" with 3.1, 3.2 …) only that chapter's sub-headings are goals, and the next chapter ends the block;
- when most headings are short titles (at most six words, no full stop), each is the goal's short name and the
  paragraph below it its statement;
- a summary list before the headings, each statement ending in a short name in brackets ("… (Ledning)"), gives short
  names and, through the lines ending in ":" before its entries, the groups (`kommunmal.ingest.summary`);
- a list number followed by a UN goal number ("1. Mål 3: …") marks UN goals adopted as the municipality's own; a
  line "Bidrar till Agenda 2030: mål 8, 11" gives the UN goals the document itself names;
- a saved web page with one goal ("# Mål 2 - …", "# Mål för …") is one goal; its follow-up sections are not text;
- a bullet list introduced by a line about goals is the goal list when there is no numbering, or when the numbered
  list never speaks of goals (`kommunmal.ingest.lists`);
- the block ends at an agenda item (§), an appendix or the economy chapter; indicators (tables, lists for all
  goals, targets in statements, indicators on the goal's own line) are read by `kommunmal.ingest.indicators`.

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
from kommunmal.ingest.summary import Summary, close_names, summary_list


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


@dataclass
class _Heading:
    line: int
    notation: str
    rest: str
    sep: str
    dot: str = ""  # punctuation after the number ("3." or "3)"); each level keeps the style of its first heading


def _notation_parts(notation: str) -> list[int]:
    return [int(p) for p in re.split(r"[.:]", notation)]


_TOC_LINE = re.compile(r"(?:\.{3,}|…|\s{3,}|\t)\s*\d{1,3}\s*$")
_GOAL_CHAPTER = re.compile(r"\bmål(?:en|et)?\b|målområden|inriktningsmål|strategiska områden|fokusområden", re.I)


def _headings(lines: list[str], noise: dict[int, str]) -> tuple[list[_Heading], list[int]]:
    """The goal headings, and the lines of other chapter headings after them (where the goal block ends)."""
    found = []
    for n, text in enumerate(lines, start=1):
        if n in noise or is_furniture(text) or _TOC_LINE.search(text):
            continue
        m = _HEADING.match(text)
        if not m:
            continue
        rest = m.group("rest").strip()
        if len(fold_words(rest)) < 1 or re.match(r"^\d(?!\s+[A-ZÅÄÖ])", rest):
            continue
        sep = ":" if ":" in m.group("num") else "."
        found.append(_Heading(n, m.group("num"), rest, sep, m.group("dot") or ""))
    return _goal_chapter(_rising(found))


def _has_children(head: _Heading, heads: list[_Heading]) -> bool:
    return any(k.notation.startswith(head.notation + k.sep) for k in heads)


def _goal_chapter(heads: list[_Heading]) -> tuple[list[_Heading], list[int]]:
    """When numbered chapters hold the goals in one of them ("3 Kommunfullmäktiges mål" with 3.1, 3.2 …), keep
    that chapter's sub-headings; the chapter headings after it end the goal block."""
    tops = [h for h in heads if "." not in h.notation and ":" not in h.notation]
    chapters = [h for h in tops if _GOAL_CHAPTER.search(h.rest) and _has_children(h, heads)]
    if len(tops) < 2 or len(chapters) != 1 or len(chapters) == len(tops):
        return heads, []
    chapter = chapters[0]
    inside = [k for k in heads if k.notation.startswith(chapter.notation + k.sep)]
    after = [h.line for h in tops if h.line > chapter.line]
    return (inside if len(inside) >= 2 else []), after


def _rising(found: list[_Heading]) -> list[_Heading]:
    """Keep the headings that continue a numbering: the first of a level starts at 1, each next one follows the
    previous one under the same parent; numbers whose parent heading is absent ("1.1", "1.2" without "1") count
    among themselves. Each level keeps the punctuation style of its first heading."""
    kept: list[_Heading] = []
    seen: set[tuple[int, ...]] = set()
    last: dict[tuple, int] = {}
    style: dict[int, tuple[str, str]] = {}
    for h in found:
        parts = _notation_parts(h.notation)
        if style.setdefault(len(parts), (h.dot, h.sep)) != (h.dot, h.sep):
            continue
        parent: tuple = tuple(parts[:-1])
        key = (parent if not parent or parent in seen else ("absent", *parent), len(parts))
        if parts[-1] == last.get(key, 0) + 1:
            kept.append(h)
            seen.add(tuple(parts))
            last[key] = parts[-1]
    tops = [h for h in kept if len(_notation_parts(h.notation)) == 1]
    if len(tops) == 1 and len(kept) > 2 and kept[0] is tops[0]:
        kept = kept[1:]  # a lone chapter number above the goals ("1 Kommunövergripande mål") is not a goal
    return kept if len(kept) >= 2 else []


def _statement_lines(lines: list[str], h: _Heading, limit: int, summary: Summary | None) -> list[int]:
    """The heading line and the lines that continue its statement."""
    taken = [h.line]
    if summary is None:
        n = h.line + 1
        while n < limit and lines[n - 1].strip() and not lines[n - 1].startswith(" "):
            first = lines[n - 1].lstrip()[:1]
            if first.isupper() or first in "#•*–-":
                break  # a statement goes on in lower case; a capital opens the explanation or a label
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


_KIND_PREFIX = re.compile(
    r"^(inriktningsmål|strategiskt mål|effektmål|fokusmål|delmål|målområde|strategiområde)\s*[:–-]\s*", re.I
)
_SDG_LABEL = re.compile(
    r"^(?:bidrar till\s+)?(?:agenda 2030|globala mål(?:en)?|fn:s globala mål|fn-mål)[^:]{0,20}:\s*(?:mål\s*)?"
    r"(?P<nums>\d{1,2}(?:\s*(?:,|och|&)\s*\d{1,2})*)\s*$",
    re.IGNORECASE,
)
_WEB_GOAL = re.compile(r"^#+\s*Mål\s+(?:(?P<num>\d{1,2})\s*[-–—:]\s*)?(?P<rest>(?:för\s+)?\S.*)$", re.IGNORECASE)


_GOAL_VOCABULARY = frozenset(
    [
        "mal",
        "malen",
        "malet",
        "malens",
        "malomrade",
        "malomraden",
        "inriktningsmal",
        "effektmal",
        "delmal",
        "fokusmal",
        "strategiomrade",
        "strategiomraden",
        "malsattning",
        "malsattningar",
        "kommunovergripande",
        "overgripande",
        "prioriterade",
    ]
)


def _speaks_of_goals(lines: list[str], heads: list[_Heading]) -> bool:
    """Whether the numbered headings or the eight non-blank lines before them use the vocabulary of goals (folded,
    so that OCR without å/ä/ö counts: "mal", "malen")."""
    before = [line for line in lines[: heads[0].line - 1] if line.strip()][-8:]
    words = {w for text in [*before, *(h.rest for h in heads)] for w in fold_words(text)}
    return bool(words & _GOAL_VOCABULARY)


def _web_headings(lines: list[str]) -> list[_Heading]:
    """Headings of a saved web page with one goal each ("# Mål 2 - …", "# Mål för …")."""
    found = []
    for n, text in enumerate(lines, start=1):
        m = _WEB_GOAL.match(text)
        if m and (m.group("num") or m.group("rest").lower().startswith("för ")):
            found.append(_Heading(n, m.group("num") or "", m.group("rest").strip(), "."))
    return found


def _sdg_lines(lines: list[str], start: int, end: int) -> tuple[list[str], dict[int, str]]:
    numbers: list[str] = []
    used: dict[int, str] = {}
    for n in range(start, end + 1):
        m = _SDG_LABEL.match(lines[n - 1].strip())
        if m:
            numbers += re.findall(r"\d{1,2}", m.group("nums"))
            used[n] = "hänvisning till globala mål"
    return numbers, used


def parse_lines(path: Path | str, extracted: Extracted, progress: Progress = None) -> ParsedDocument:
    """Parse already extracted lines; see `parse_document`."""
    lines, noise = extracted.lines, extracted.noise
    stripped = looks_stripped("\n".join(lines))
    sha = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    heads, chapters_after = _headings(lines, noise)
    web = False
    if not heads:
        heads = _web_headings(lines)
        web = bool(heads)
    if not heads or not _speaks_of_goals(lines, heads):
        from kommunmal.ingest.lists import parse_bullets

        doc = parse_bullets(str(path), sha, lines, noise, stripped)
        if doc is not None:
            return doc  # a bullet list introduced as goals wins over a numbered list that never speaks of goals
        if not heads:
            raise NoGoalSection(path, "no numbered goal headings (1, 1.1, 1:1 …) and no bullet list of goals")
    summary = summary_list(lines, heads[0].line, stripped)
    top = [h for h in heads if len(_notation_parts(h.notation or "0")) == 1] or heads
    by_notation = {}
    if summary and len(summary) == len(heads):
        by_notation = {h.notation: s for h, s in zip(heads, summary, strict=True)}
    elif summary and len(summary) == len(top):
        by_notation = {h.notation: s for h, s in zip(top, summary, strict=True)}
    end_of_section = indicator_rows.section_end(lines, heads[-1].line)
    if chapters_after:
        end_of_section = min(end_of_section, chapters_after[0] - 1)
        while end_of_section > heads[-1].line and not lines[end_of_section - 1].strip():
            end_of_section -= 1
    goals: list[ParsedGoal] = []
    unused: list[tuple[Span, str]] = []
    notations = {h.notation for h in heads}
    short_heads = sum(_is_short(_KIND_PREFIX.sub("", _clean_heading(h.rest))) for h in heads)
    short_titles = short_heads * 3 >= len(heads) * 2  # most headings are short titles explained below them
    un_style = 0
    for i, h in enumerate(heads):
        if progress:
            progress(f"mål {h.notation or i + 1} ({i + 1} av {len(heads)})")
        limit = heads[i + 1].line if i + 1 < len(heads) else end_of_section + 1
        entry = by_notation.get(h.notation)
        taken = _statement_lines(lines, h, limit, entry)
        head_text = _clean_heading(" ".join([h.rest, *(lines[k - 1].strip() for k in taken[1:])]))
        head_text = _KIND_PREFIX.sub("", head_text)
        head_text, inline_rows = indicator_rows.inline(head_text, Span(taken[0], taken[-1]))
        sdg, skip = _sdg_lines(lines, taken[-1] + 1, limit - 1)
        un = _UN_GOAL.match(head_text)
        if un:
            sdg.insert(0, un.group(1))
            head_text = un.group(2).strip()
            un_style += 1
        statement_ocr = head_text
        if entry and len(fold_words(head_text)) < 0.9 * len(fold_words(entry.statement)):
            statement_ocr = _clean_heading(entry.statement)
        parts = _notation_parts(h.notation) if h.notation else [i + 1]
        parent = h.sep.join(str(p) for p in parts[:-1]) if len(parts) > 1 else None
        if parent not in notations:
            parent = None
        rows, table_lines = indicator_rows.tables(lines, taken[-1] + 1, limit - 1)
        skip.update(table_lines)
        quote_words = " ".join([head_text, entry.statement if entry else ""])
        body = split_body(lines, taken[-1] + 1, limit - 1, quote_words, noise, stripped, skip)
        statement = repair(statement_ocr, stripped=stripped)
        title = repair(body.title[1], stripped=stripped) if body.title else None
        span = Span(taken[0], taken[-1])
        short_name = None
        has_children = any(k.notation.startswith(h.notation + h.sep) for k in heads if h.notation)
        named = web and head_text.lower().startswith("för ")  # "Mål för Barn och utbildning"
        if named:
            statement = repair(head_text[4:], stripped=stripped)
        short_title = (short_titles and _is_short(head_text) and not web) or named
        if entry:
            short = repair(entry.short_name, stripped=stripped)
            if short.unsure and title and close_names(title.text, short.text):
                short = title
            short_name = short.text
        elif short_title and body.paragraphs and not has_children:
            short_name, first = statement.text, body.paragraphs.pop(0)
            statement, span = first.text, Span(taken[0], first.span.end, first.span.omitted)
        own_target = indicator_rows.target_in(statement.text, span)
        goal = ParsedGoal(
            notation=h.notation or str(i + 1),
            statement=statement,
            span=span,
            short_name=short_name,
            notation_assigned=not h.notation,
            parent=parent,
            group=entry.group if entry else None,
            paragraphs=body.paragraphs,
            indicators=([own_target] if own_target else []) + inline_rows + rows,
            sdg_numbers=sdg,
            title=title,
            summary_span=entry.span if entry else None,
        )
        unused += [(Span(n, n), reason) for n, reason in body.omitted]
        goals.append(goal)
    return _document(path, sha, lines, goals, summary, un_style, web, end_of_section, unused, stripped)


def _document(
    path: Path | str,
    sha: str,
    lines: list[str],
    goals: list[ParsedGoal],
    summary: list[Summary],
    un_style: int,
    web: bool,
    end_of_section: int,
    unused: list[tuple[Span, str]],
    stripped: bool,
) -> ParsedDocument:
    by_notation = {g.notation: g for g in goals}
    groups: dict[str, list[str]] = {}
    for goal in goals:
        parent, level = goal.parent, 1
        while parent is not None:
            level += 1
            parent = by_notation[parent].parent
        goal.level = level
        if goal.group:
            groups.setdefault(goal.group, []).append(goal.notation)
    block = indicator_rows.shared_block(lines, goals[-1].span.end)
    shared = indicator_rows.shared_indicators(lines, block)
    confidences = [g.statement.confidence for g in goals] + [p.text.confidence for g in goals for p in g.paragraphs]
    start = summary[0].span.start if summary else min(g.span.start for g in goals)
    return ParsedDocument(
        path=str(path),
        sha256=sha,
        lines=lines,
        layout="web-page-per-goal" if web else _layout_name(goals, bool(summary), un_style),
        section=Span(start, max(end_of_section, block[1] if block else 0)),
        goals=goals,
        groups=groups,
        indicators=shared,
        unused=unused,
        stripped=stripped,
        confidence=round(sum(confidences) / len(confidences), 4) if confidences else 1.0,
    )


def _is_short(text: str) -> bool:
    return len(text.split()) <= 6 and not text.rstrip().endswith(".")


def _layout_name(goals: list[ParsedGoal], summary: bool, un_style: int) -> str:
    if any(r.kind == "inline" for g in goals for r in g.indicators):
        return "effect-goals-with-indicators"
    if un_style and un_style >= len(goals) // 2:
        return "un-goals-as-own"
    if any(g.parent for g in goals):
        return "multi-level"
    if summary:
        return "numbered-with-text"
    if goals and all(g.short_name for g in goals) and not any(g.sdg_numbers for g in goals):
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
