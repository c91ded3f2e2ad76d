"""Goals without numbering: a bullet list introduced by a line about goals."""

from __future__ import annotations

from kommunmal.ingest.model import ParsedDocument


def parse_bullets(
    path: str, sha: str, lines: list[str], noise: dict[int, str], stripped: bool
) -> ParsedDocument | None:
    """The goal section of a document whose goals are a bullet list, or None."""
    return None
