"""The parsed shape of a goal section: what the layout parser finds and the proposal step consumes.

The parser (`kommunmal.ingest.layout`) turns a document's text into a `ParsedDocument`; the proposal step
(`kommunmal.ingest.proposals`) adds actions, shared actions and SDG candidates; the writer turns both into draft
Turtle in the layout of data/ostersund/2024/. Line numbers count from 1 in `ParsedDocument.lines`, which is the
extracted text of the input file (for a .txt, the file itself), so every span can be traced to its place.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Span:
    """Lines `start`..`end` (1-based, inclusive) of the extracted text, with the lines left out as noise
    (captions, page numbers, pull-quotes) inside that range."""

    start: int
    end: int
    omitted: tuple[int, ...] = ()


@dataclass
class RepairedText:
    """A text as written (`ocr`, verbatim) and as repaired (`text`); `unsure` are words kept as written because
    the repair was not sure; `confidence` is the share (0..1) of words accepted as known after repair."""

    ocr: str
    text: str
    unsure: list[str] = field(default_factory=list)
    confidence: float = 1.0


@dataclass
class Paragraph:
    """One paragraph of a goal's political text."""

    text: RepairedText
    span: Span


@dataclass
class IndicatorRow:
    """An indicator found in the section (a line of a flattened table or of a list), with an optional target."""

    label: str
    span: Span
    baseline: str | None = None
    outcomes: dict[str, str] = field(default_factory=dict)  # year -> value as written
    target_value: str | None = None
    target_unit: str | None = None
    target_year: str | None = None
    applies_to_all_goals: bool = False
    kind: str = "table"  # where it was read: "table", "list" (of indicators), "statement" (a goal that is a target),
    # "inline" (listed on the goal's own line after "Indikatorer:")
    group: str | None = None  # the indicator group the document puts it in ("Sysselsättning"), if any


@dataclass
class ParsedGoal:
    """One goal or goal area. `notation` as written in the document ("1.1", "2:3", "3"), or assigned in document
    order when the document numbers nothing (then `notation_assigned` is True). `parent` is the notation of the
    enclosing goal area for documents with two or three levels; `level` counts from 1."""

    notation: str
    statement: RepairedText
    span: Span
    short_name: str | None = None
    notation_assigned: bool = False
    parent: str | None = None
    level: int = 1
    group: str | None = None  # label of the group the document puts the goal in, if any
    paragraphs: list[Paragraph] = field(default_factory=list)
    indicators: list[IndicatorRow] = field(default_factory=list)
    sdg_numbers: list[str] = field(default_factory=list)  # UN goal numbers the document itself names for the goal
    title: RepairedText | None = None  # title of the goal's political text ("Kommunens ledning"), if any
    summary_span: Span | None = None  # where the goal stands in a summary list before the headings, if any


@dataclass
class ParsedDocument:
    """The goal section of one document. `layout` names the kind recognised (see goal-documents.md), e.g.
    "numbered-with-text", "web-page-per-goal", "short-title-explained", "multi-level", "bullets-in-prose",
    "un-goals-as-own"."""

    path: str
    sha256: str
    lines: list[str]
    layout: str
    section: Span
    goals: list[ParsedGoal]
    groups: dict[str, list[str]] = field(default_factory=dict)  # group label -> notations
    indicators: list[IndicatorRow] = field(default_factory=list)  # those that belong to all goals
    unused: list[tuple[Span, str]] = field(default_factory=list)  # lines left out of the section's texts, and why
    stripped: bool = False  # the text lost its å/ä/ö (OCR of a scan); repair restored them
    confidence: float = 1.0  # mean share of words the OCR repair accepted as known, over statements and paragraphs
