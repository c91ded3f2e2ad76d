"""The qualified links pages list: UN SDG links and responsibilities, each with its basis, rule and evidence."""

from __future__ import annotations

from typing import Any

from kommunmal.store import Store
from kommunmal.views.sparql import Row, code_key, label_rank, merge_evidence, rows, sdg_code


def _codes(found: list[Row]) -> list[Row]:
    for r in found:
        if "notation" in r:
            r["code"] = sdg_code(r["notation"])
    return found


def with_place_labels(store: Store, vocab: str, found: list[Row]) -> list[Row]:
    """Evidence rows (`quote`, `place`) with `place_label` added from one query for all their places: the one
    label a page shows (Swedish, else one without a language, else English; see `label_rank`), nothing for a
    place without a label. Rows without a place are kept as they are, in order."""
    places = sorted({str(r["place"]) for r in found if "place" in r})
    if not places:
        return found
    labels: dict[str, Any] = {}
    for r in rows(store, "page_place_labels", vocab, places=places):
        place, label = str(r["place"]), r["place_label"]
        if place not in labels or label_rank(label) < label_rank(labels[place]):
            labels[place] = label
    out: list[Row] = []
    for r in found:
        name = labels.get(str(r["place"])) if "place" in r else None
        out.append({**r, "place_label": name} if name is not None else r)
    return out


# Where each name of an SDG link row comes from: (row key, the row's resource, the field of page_link_names).
_SDG_LINK_NAMES = (
    ("subject_label", "subject", "sv"),
    ("subject_notation", "subject", "goal_notation"),
    ("notation", "object", "notation"),
    ("sv", "object", "sv"),
    ("en", "object", "en"),
    ("goal_sv", "object", "goal_sv"),
    ("basis_label", "basis", "sv"),
    ("strength_label", "strength", "sv"),
)
_SDG_LINK_ORDER = ("link", "subject", "subject_label", "subject_notation", "object", "notation", "sv", "en")
_SDG_LINK_ORDER += ("goal_sv", "basis", "basis_label", "rule", "strength", "strength_label", "quote", "place")


def with_link_names(store: Store, vocab: str, found: list[Row]) -> list[Row]:
    """SDG link rows (`subject`, `object`, `basis`, `strength` as IRIs) with their names added from one query for
    all the resources: `subject_label`, `subject_notation` (of a goal), `notation` (compact UN code), `sv`, `en`,
    `goal_sv` (the UN goal above a target), `basis_label`, `strength_label`; keys in the order of the columns of
    page_sdg_links_from before the names moved out (the JSON view keeps its shape). The first value is kept where
    a resource has several."""
    resources = sorted({str(r[k]) for r in found for k in ("subject", "object", "basis", "strength") if k in r})
    if not resources:
        return found
    names: dict[str, Row] = {}
    for r in rows(store, "page_link_names", vocab, resources=resources):
        known = names.setdefault(str(r["resource"]), {})
        for field, value in r.items():
            known.setdefault(field, value)
    out = []
    for r in found:
        row = dict(r)
        for key, resource, field in _SDG_LINK_NAMES:
            value = names.get(str(r.get(resource)), {}).get(field) if resource in r else None
            if value is not None:
                row[key] = value
        out.append({k: row[k] for k in _SDG_LINK_ORDER if k in row})
    return out


def sdg_from(store: Store, vocab: str, focus: str) -> list[Row]:
    """SDG links from `focus` (a goal or action IRI) and from the actions serving it, one per link, ordered by
    SDG code: subject, object, `code` ("13.2"), names, basis, rule, strength and `evidence` [(quote, place, label)]."""
    found = with_link_names(store, vocab, rows(store, "page_sdg_links_from", vocab, focus=focus))
    found = with_place_labels(store, vocab, found)
    return _codes(merge_evidence(found, "link", lambda r: (code_key(r.get("notation")), str(r["subject"]))))


def sdg_to(store: Store, vocab: str, focus: str, document: str | None = None) -> list[Row]:
    """SDG links to `focus` (a UN goal or target IRI) or to its targets, from the goal document `document`
    (None: every document); one per link, ordered by code then subject."""
    found = rows(store, "page_sdg_links_to", vocab, focus=focus, document=document)
    key = lambda r: (code_key(r.get("notation")), str(r.get("subject_notation", "~")), str(r["subject"]))  # noqa: E731
    return _codes(merge_evidence(found, "link", key))


def responsibilities_from(store: Store, vocab: str, focus: str) -> list[Row]:
    """Responsibilities of `focus` (a goal or action IRI) and of the actions serving it, one per link, by body."""
    found = with_place_labels(store, vocab, rows(store, "page_responsibilities_from", vocab, focus=focus))
    return merge_evidence(found, "link", lambda r: (str(r.get("label", "")), str(r["subject"])))


def unverified(vocab: str) -> Any:
    from rdflib import URIRef

    return URIRef(vocab + "unverified")
