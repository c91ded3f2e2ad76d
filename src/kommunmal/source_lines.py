"""Where in a source file a node is written: the line a data steward should open to fix a reported problem.

RDF parsers keep no positions, so the node is looked for in the text: as `<full IRI>`, as a prefixed name under
any prefix the file declares (`@prefix` / `PREFIX`, relative namespaces resolved against the base IRI), or, in
JSON-LD and RDF/XML, as the quoted IRI. A line where the node starts a statement (its subject position) is
preferred to one where it is only mentioned.
"""

from __future__ import annotations

import re
from bisect import bisect_right
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


def _stamp(path: Path) -> int | None:
    """The file's modification time (ns), which keys the caches below; None when it cannot be read."""
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _prefixes(path: Path) -> list[tuple[str, str]]:
    stamp = _stamp(path)
    return [] if stamp is None else _declared(path, stamp)


@lru_cache(maxsize=64)
def _declared(path: Path, mtime_ns: int) -> list[tuple[str, str]]:
    return _PREFIX.findall("\n".join(_text(path, mtime_ns)[:400]))


def spellings(path: Path, iri: str, base_iri: str) -> list[str]:
    """The ways `iri` can be written in the file at `path`: `<iri>`, `prefix:local` for its prefixes, `"iri"`."""
    found = [f"<{iri}>", f'"{iri}"']
    if iri.startswith(base_iri):
        found.append(f"<{iri[len(base_iri) :]}>")
    for prefix, namespace in _prefixes(path):
        namespace = urljoin(base_iri, namespace) + ("#" if namespace.endswith("#") else "")
        if iri.startswith(namespace) and len(iri) > len(namespace):
            local = iri[len(namespace) :]
            escaped = _RESERVED.sub(lambda m: "\\" + m.group(), local)
            found.append(f"{prefix}:{escaped}")
            found.append(f"{prefix}:{local}")
    return found


def line_of(path: Path, iri: str, base_iri: str) -> int | None:
    """The 1-based line where `iri` is written in `path` (as subject if it is one somewhere), or None."""
    text, starts = _joined(path)
    if not text:
        return None
    # Each spelling is looked for with str.find in the whole text, and each place it is found checked for the
    # characters around it: a regular expression of every spelling tried at each character of the file cost 5 ms
    # a node, and a report names a node per result. A place at the very start of a line is a statement about the
    # node; otherwise the first line outside a comment that mentions it.
    found: set[int] = set()
    for spelling in spellings(path, iri, base_iri):
        at = text.find(spelling)
        while at >= 0:
            if not (at and _BEFORE.match(text, at - 1)) and not _AFTER.match(text, at + len(spelling)):
                found.add(at)
            at = text.find(spelling, at + 1)
    first = None
    for at in sorted(found):
        number = bisect_right(starts, at)
        if at == starts[number - 1]:
            return number
        if first is None and not text[starts[number - 1] : at].lstrip().startswith("#"):
            first = number
    return first


# What may not stand right before or after a spelling of the node (a longer name or IRI around it).
_BEFORE = re.compile(r"[\w:/.\-]")
_AFTER = re.compile(r"[\w:\-]")


@lru_cache(maxsize=64)
def _joined_text(path: Path, mtime_ns: int) -> tuple[str, list[int]]:
    lines = _text(path, mtime_ns)
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    return "\n".join(lines), starts


def _joined(path: Path) -> tuple[str, list[int]]:
    """The file's lines joined by newlines, and the offset where each line starts."""
    stamp = _stamp(path)
    return ("", []) if stamp is None else _joined_text(path, stamp)
