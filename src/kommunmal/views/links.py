"""The qualified links pages list: UN SDG links and responsibilities, each with its basis, rule and evidence."""

from __future__ import annotations

from typing import Any

from kommunmal.store import Store
from kommunmal.views.sparql import Row, code_key, merge_evidence, rows, sdg_code


def _codes(found: list[Row]) -> list[Row]:
    for r in found:
        if "notation" in r:
            r["code"] = sdg_code(r["notation"])
    return found


def sdg_from(store: Store, vocab: str, focus: str) -> list[Row]:
    """SDG links from `focus` (a goal or action IRI) and from the actions serving it, one per link, ordered by
    SDG code: subject, object, `code` ("13.2"), names, basis, rule, strength and `evidence` [(quote, place, label)]."""
    found = rows(store, "page_sdg_links_from", vocab, focus=focus)
    return _codes(merge_evidence(found, "link", lambda r: (code_key(r.get("notation")), str(r["subject"]))))


def sdg_to(store: Store, vocab: str, focus: str, document: str | None = None) -> list[Row]:
    """SDG links to `focus` (a UN goal or target IRI) or to its targets, from the goal document `document`
    (None: every document); one per link, ordered by code then subject."""
    found = rows(store, "page_sdg_links_to", vocab, focus=focus, document=document)
    key = lambda r: (code_key(r.get("notation")), str(r.get("subject_notation", "~")), str(r["subject"]))  # noqa: E731
    return _codes(merge_evidence(found, "link", key))


def responsibilities_from(store: Store, vocab: str, focus: str) -> list[Row]:
    """Responsibilities of `focus` (a goal or action IRI) and of the actions serving it, one per link, by body."""
    found = rows(store, "page_responsibilities_from", vocab, focus=focus)
    return merge_evidence(found, "link", lambda r: (str(r.get("label", "")), str(r["subject"])))


def unverified(vocab: str) -> Any:
    from rdflib import URIRef

    return URIRef(vocab + "unverified")
