"""Indicators in a goal section: flattened table rows, indicator lists and the end of the goal block."""

from __future__ import annotations

import re

from kommunmal.ingest.model import IndicatorRow
from kommunmal.ingest.paragraphs import Body

_END = re.compile(
    r"^[#\s]*(ärende|bilaga|driftbudget|investeringsbudget|resultatbudget|finansiella mål|kontakta? oss|relaterat|"
    r"dela sidan|sidan (?:uppdaterad|granskad)|senast uppdaterad)\b",
    re.IGNORECASE,
)


def section_end(lines: list[str], last_heading: int) -> int:
    """Last line (1-based) of the goal block that starts before `last_heading`: the line before the first
    unrelated heading after it, else the last non-blank line of the document."""
    end = len(lines)
    for n in range(last_heading + 1, len(lines) + 1):
        if _END.match(lines[n - 1]):
            end = n - 1
            break
    while end > last_heading and not lines[end - 1].strip():
        end -= 1
    return end


def take_from(lines: list[str], body: Body, stripped: bool) -> tuple[list[IndicatorRow], Body]:
    """Move indicator rows out of a goal's body paragraphs."""
    return [], body


def shared_indicators(lines: list[str], start: int, stripped: bool) -> list[IndicatorRow]:
    """Indicators listed after the goals that belong to all goals at once."""
    return []
