"""Where in a source file a node is written: the line a data steward should open to fix a reported problem.

RDF parsers keep no positions, so the node is looked for in the text: as `<full IRI>`, as a prefixed name under
any prefix the file declares (`@prefix` / `PREFIX`, relative namespaces resolved against the base IRI), or, in
JSON-LD and RDF/XML, as the quoted IRI. A line where the node starts a statement (its subject position) is
preferred to one where it is only mentioned.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.\-]*):\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


# Characters a Turtle local name writes with a backslash (RDF 1.1 Turtle, PN_LOCAL_ESC).
_RESERVED = re.compile(r"[~.!$&()*+,;=/?#@%-]")


@lru_cache(maxsize=64)
def _text(path: Path, mtime_ns: int) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def _lines(path: Path) -> tuple[str, ...]:
    try:
        return _text(path, path.stat().st_mtime_ns)
    except OSError:
        return ()


def spellings(path: Path, iri: str, base_iri: str) -> list[str]:
    """The ways `iri` can be written in the file at `path`: `<iri>`, `prefix:local` for its prefixes, `"iri"`."""
    found = [f"<{iri}>", f'"{iri}"']
    if iri.startswith(base_iri):
        found.append(f"<{iri[len(base_iri) :]}>")
    for prefix, namespace in _PREFIX.findall("\n".join(_lines(path)[:400])):
        namespace = urljoin(base_iri, namespace) + ("#" if namespace.endswith("#") else "")
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            escaped = _RESERVED.sub(lambda m: "\\" + m.group(), local)
            found.append(f"{prefix}:{escaped}")
            found.append(f"{prefix}:{local}")
    return found


def line_of(path: Path, iri: str, base_iri: str) -> int | None:
    """The 1-based line where `iri` is written in `path` (as subject if it is one somewhere), or None."""
    lines = _lines(path)
    if not lines:
        return None
    written = "|".join(re.escape(s) for s in spellings(path, iri, base_iri))
    # One alternation for every spelling: a line is scanned once (a report names a node per result).
    pattern = re.compile(r"(?<![\w:/.\-])(?:" + written + r")(?![\w:\-])")
    first = None
    for number, line in enumerate(lines, 1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            continue
        for match in pattern.finditer(line):
            if match.start() == 0:
                return number  # at the very start of an unindented line: a statement about it
            if first is None:
                first = number
    return first
