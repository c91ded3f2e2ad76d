""" "Menade du?": the resources whose names or addresses are closest to what was asked for."""

from __future__ import annotations

import difflib
import re
import threading
from typing import Any
from urllib.parse import unquote

from rdflib import Literal

from kommunmal.store import Store
from kommunmal.views.sparql import rows

_lock = threading.Lock()
_names: dict[str, list[tuple[str, str, str]]] = {}


def _index(store: Store, vocab: str, base: str) -> list[tuple[str, str, str]]:
    key = str(store.path)
    with _lock:
        if key not in _names:
            found = rows(store, "page_names", vocab, base=Literal(base))
            _names[key] = [(str(r["s"]), str(r["label"]), _words(str(r["s"])[len(base) :])) for r in found]
        return _names[key]


def _words(text: str) -> str:
    return " ".join(re.split(r"[/\-_.#\s]+", unquote(text).casefold())).strip()


def closest(store: Store, vocab: str, base: str, wanted: str, limit: int = 8) -> list[dict[str, Any]]:
    """Up to `limit` resources [{iri, label}] whose Swedish name or address under `base` is most like `wanted`
    (a path or IRI), by difflib's ratio over words; best first, none below 0.45."""
    words = _words(wanted.removeprefix(base))
    if not words:
        return []
    last = words.rsplit(" ", 1)[-1]
    whole, tail = difflib.SequenceMatcher(), difflib.SequenceMatcher()
    whole.set_seq2(words)  # SequenceMatcher caches what it knows about its second sequence
    tail.set_seq2(last)
    scored = []
    for iri, label, address in _index(store, vocab, base):
        score = max(
            _ratio(whole, address),
            _ratio(tail, label.casefold()),
            _ratio(tail, address.rsplit(" ", 1)[-1]),
        )
        if score >= CUTOFF:
            scored.append((score, label, iri))
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [{"iri": iri, "label": label} for _, label, iri in scored[:limit]]


CUTOFF = 0.45


def _ratio(matcher: difflib.SequenceMatcher, text: str) -> float:
    matcher.set_seq1(text)
    if matcher.real_quick_ratio() < CUTOFF or matcher.quick_ratio() < CUTOFF:
        return 0.0
    return matcher.ratio()
