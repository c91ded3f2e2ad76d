"""Indicators in a goal section and the end of the goal block.

Shapes read (see /work/shared/notes/goal-documents.md, "Indicators"):
- a table flattened into text, headers first: a line "Mått"/"Indikator"/"Nyckeltal", then column headers
  ("Utfall 2023", "Målvärde 2026", "Basvärde", "Status"), then the cells row by row, one per line;
- the same table with its cells on one line separated by " | " (an HTML table);
- a numbered or bulleted list under "Kommunfullmäktiges indikatorer" (or indicators said to follow up all goals)
  after the goals: indicators that belong to all goals at once;
- a target inside a sentence or a goal's own name ("ska ligga över 80 procent", "30 000 invånare år 2030").
Values are kept as written; nothing is converted or invented.
"""

from __future__ import annotations

import re

from kommunmal.ingest.model import IndicatorRow, Span

_END = re.compile(
    r"^[#\s]*(§\s*\d+|ärende|bilaga|ekonomi|driftbudget|investeringsbudget|resultatbudget|finansiella mål|"
    r"kontakta? oss|relaterat|dela sidan|sidan (?:uppdaterad|granskad)|senast uppdaterad)\b",
    re.IGNORECASE,
)
_TABLE_HEAD = re.compile(r"^(?:#+\s*)?(mått|indikator(?:er)?|nyckeltal|mätetal)$", re.IGNORECASE)
_COLUMN = re.compile(
    r"^(utfall|målvärde|mål|basvärde|utgångsvärde|status|trend|kommentar|prognos)\s*(\d{4})?$", re.IGNORECASE
)
_SHARED_HEAD = re.compile(
    r"^[#\s]*(?:(kommunfullmäktiges|gemensamma|övergripande)\s+)?(indikatorer|nyckeltal)\b[^.]{0,40}$", re.IGNORECASE
)
_ALL_GOALS = re.compile(r"\b(alla|samtliga)\b[^.]{0,30}\bmål", re.IGNORECASE)
_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[•●▪*–-])\s+(?P<text>\S.*)$")
_UNIT = re.compile(r",\s*([^,\d]{1,12})$")
_TARGET = re.compile(
    r"(?P<value>\d{1,3}(?:[  ]\d{3})*(?:,\d+)?)\s*(?P<unit>procent|%|invånare|kronor|miljoner kronor|st)\b"
    r"(?:[^.]*?\b(?:år|till)\s+(?P<year>20\d\d))?",
    re.IGNORECASE,
)


_COMPARED = re.compile(r"\b(?:lägre|högre|bättre|sämre|större|mindre) än (?:i |för |hos )?[^.,;•]+", re.I)
_YEAR_AT_END = re.compile(r"\b(?:år\s+|till\s+|senast\s+)?(20\d\d)\s*\.?\s*$")


def ends_section(line: str) -> bool:
    """A heading (short, no full stop) of what usually follows a goal block: an agenda item (§), an appendix, the
    economy chapter, a web page's contact or share links."""
    text = line.strip()
    return bool(_END.match(text)) and len(text.split()) <= 8 and not text.endswith(".")


def target_in(text: str, span: Span, kind: str = "statement") -> IndicatorRow | None:
    """An indicator row for a sentence that carries its own target (value, unit and year as written), or None."""
    m = _TARGET.search(text)
    if not m:
        compared = _COMPARED.search(text)  # "ska vara lägre än i jämförbara län": the target is the comparison
        if compared:
            return IndicatorRow(label=text.strip(), span=span, target_value=compared.group(0), kind=kind)
        year = _YEAR_AT_END.search(text)  # a goal named by its target year ("klimatneutrala 2035")
        if year:
            return IndicatorRow(label=text.strip(), span=span, target_year=year.group(1), kind=kind)
        return None
    unit = "%" if m.group("unit") in ("%", "procent") else m.group("unit")
    return IndicatorRow(
        label=text.strip(),
        span=span,
        target_value=m.group("value").replace("\u00a0", " "),
        target_unit=unit,
        target_year=m.group("year"),
        kind=kind,
    )


_INLINE = re.compile(r"\s+(?:indikatorer|indikator|mått|nyckeltal)\s*:\s*", re.IGNORECASE)


def inline(text: str, span: Span) -> tuple[str, list[IndicatorRow]]:
    """Split a goal line that carries its indicators ("<statement> Indikatorer: <group> • <indicator> • …", a
    region's effect goal or a PDF page collapsed into one line) into the statement and the indicator rows; a chunk
    before the first bullet names the group."""
    parts = _INLINE.split(text, maxsplit=1)
    if len(parts) < 2:
        return text, []
    statement, tail = parts
    chunks = [c.strip() for c in re.split(r"\s*[•●▪]\s*", tail)]
    group = chunks.pop(0) or None if len(chunks) > 1 else None
    rows = []
    for chunk in filter(None, chunks):
        row = target_in(chunk, span, kind="inline") or IndicatorRow(label=chunk, span=span, kind="inline")
        row.group = group
        rows.append(row)
    return statement.strip(), rows


def shared_block(lines: list[str], after: int) -> tuple[int, int] | None:
    """Lines (first, last) of a list of indicators for all goals that starts after line `after`, or None."""
    for n in range(after + 1, len(lines) + 1):
        text = lines[n - 1].strip()
        if ends_section(text):
            return None
        m = _SHARED_HEAD.match(text)
        if not m:
            continue
        following = " ".join(lines[k - 1] for k in range(n + 1, min(n + 3, len(lines)) + 1))
        if m.group(1) or _ALL_GOALS.search(text) or _ALL_GOALS.search(following):
            last = n
            for k in range(n + 1, len(lines) + 1):
                line = lines[k - 1]
                if _ITEM.match(line) or (k <= n + 2 and _ALL_GOALS.search(line)):
                    last = k
                elif line.strip() and last > n and not _ITEM.match(line):
                    break
            return n, last
    return None


def shared_indicators(lines: list[str], block: tuple[int, int] | None) -> list[IndicatorRow]:
    """The indicators of a `shared_block`, each marked as belonging to all goals."""
    if block is None:
        return []
    rows = []
    for n in range(block[0] + 1, block[1] + 1):
        m = _ITEM.match(lines[n - 1])
        if m:
            rows.append(_row(m.group("text").strip(), Span(n, n), kind="list", shared=True))
    return rows


def section_end(lines: list[str], last_heading: int) -> int:
    """Last line (1-based) of the goals' own text: the line before the first unrelated heading or the shared
    indicator list after `last_heading`, else the last non-blank line of the document."""
    end = len(lines)
    shared = shared_block(lines, last_heading)
    for n in range(last_heading + 1, len(lines) + 1):
        if ends_section(lines[n - 1]) or (shared and n == shared[0]):
            end = n - 1
            break
    while end > last_heading and not lines[end - 1].strip():
        end -= 1
    return end


def _row(label: str, span: Span, kind: str, shared: bool = False) -> IndicatorRow:
    return IndicatorRow(label=label, span=span, applies_to_all_goals=shared, kind=kind)


def _fill(row: IndicatorRow, headers: list[str], cells: list[str]) -> None:
    for header, value in zip(headers, cells, strict=False):
        m = _COLUMN.match(header.strip())
        if not m or not value.strip():
            continue
        what, year = m.group(1).lower(), m.group(2)
        if what == "utfall" and year:
            row.outcomes[year] = value.strip()
        elif what in ("målvärde", "mål"):
            row.target_value, row.target_year = value.strip(), year
        elif what in ("basvärde", "utgångsvärde"):
            row.baseline = value.strip() + (f" ({year})" if year else "")
    if row.target_value:
        unit = _UNIT.search(row.label)
        row.target_unit = unit.group(1).strip() if unit else None


def tables(lines: list[str], start: int, end: int) -> tuple[list[IndicatorRow], dict[int, str]]:
    """Indicator tables in lines `start`..`end`: the rows, and every line the tables use (number -> reason)."""
    rows: list[IndicatorRow] = []
    used: dict[int, str] = {}
    n = start
    while n <= end:
        text = lines[n - 1].strip()
        cells = [c.strip() for c in text.split(" | ")]
        if " | " in text and _TABLE_HEAD.match(cells[0]):
            used[n] = "indikatortabell"
            headers = cells[1:]
            n += 1
            while n <= end and (" | " in lines[n - 1] or not lines[n - 1].strip()):
                if lines[n - 1].strip():
                    row_cells = [c.strip() for c in lines[n - 1].split(" | ")]
                    row = _row(row_cells[0], Span(n, n), kind="table")
                    _fill(row, headers, row_cells[1:])
                    rows.append(row)
                    used[n] = "indikatortabell"
                n += 1
            continue
        if _TABLE_HEAD.match(text):
            headers: list[str] = []
            k = n + 1
            while k <= end and _COLUMN.match(lines[k - 1].strip()):
                headers.append(lines[k - 1].strip())
                k += 1
            if headers:
                for i in range(n, k):
                    used[i] = "indikatortabell"
                width = len(headers) + 1
                while k + width - 1 <= end:
                    group = [lines[i - 1].strip() for i in range(k, k + width)]
                    if not all(group) or not re.search(r"[^\W\d_]", group[0]):
                        break
                    row = _row(group[0], Span(k, k + width - 1), kind="table")
                    _fill(row, headers, group[1:])
                    rows.append(row)
                    for i in range(k, k + width):
                        used[i] = "indikatortabell"
                    k += width
                n = k
                continue
        n += 1
    return rows, used
