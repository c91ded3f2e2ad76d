"""Goals without numbering: a bullet list introduced by a line about goals (a news item about the adopted budget).

Rule (goal-documents.md, layout 5): the first run of two or more bullet lines ("•", "-", "–", "*"; blank lines
between are allowed) whose introducing line, at most three lines above, speaks of goals ("mål", "målen",
"målsättningar", "prioriteringar") is the goal list. Each bullet is one goal, numbered in document order (the
notation is then assigned, not written); a bullet that is itself a target ("30 000 invånare år 2030") also gives an
indicator row.
"""

from __future__ import annotations

import re

from kommunmal.ingest import indicators
from kommunmal.ingest.model import ParsedDocument, ParsedGoal, Span
from kommunmal.ingest.ocr import repair

_BULLET = re.compile(r"^\s*(?:[•●▪◦*·]|-|–|—)\s+(?P<rest>\S.*)$")
_INTRO = re.compile(r"\bmål(?:en|et)?\b|målsättning|prioriter", re.IGNORECASE)


def _runs(lines: list[str]) -> list[list[int]]:
    runs: list[list[int]] = []
    current: list[int] = []
    for n, text in enumerate(lines, start=1):
        if _BULLET.match(text):
            current.append(n)
        elif text.strip():
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return [r for r in runs if len(r) >= 2]


def _intro(lines: list[str], first: int) -> int | None:
    seen = 0
    for n in range(first - 1, 0, -1):
        if not lines[n - 1].strip():
            continue
        seen += 1
        if _INTRO.search(lines[n - 1]):
            return n
        if seen >= 3:
            return None
    return None


def parse_bullets(
    path: str, sha: str, lines: list[str], noise: dict[int, str], stripped: bool
) -> ParsedDocument | None:
    """The goal section of a document whose goals are a bullet list, or None when there is none."""
    for run in _runs(lines):
        items = [n for n in run if n not in noise]
        intro = _intro(lines, items[0]) if items else None
        if intro is None:
            continue
        goals = []
        for i, n in enumerate(items, start=1):
            text = repair(_BULLET.match(lines[n - 1]).group("rest"), stripped=stripped)
            target = indicators.target_in(text.text, Span(n, n))
            goals.append(
                ParsedGoal(
                    notation=str(i),
                    statement=text,
                    span=Span(n, n),
                    notation_assigned=True,
                    indicators=[target] if target else [],
                )
            )
        confidence = sum(g.statement.confidence for g in goals) / len(goals)
        return ParsedDocument(
            path=path,
            sha256=sha,
            lines=lines,
            layout="bullets-in-prose",
            section=Span(intro, items[-1]),
            goals=goals,
            stripped=stripped,
            confidence=round(confidence, 4),
        )
    return None
