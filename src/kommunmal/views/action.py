"""The page of one action or measurable target: what it says, the goals it serves, its quotes in the text, UN
SDG links, responsibility, indicators, related commitments (when the data has them) and target progress."""

from __future__ import annotations

from typing import Any

from kommunmal.describe import Description
from kommunmal.errors import NotFound
from kommunmal.progress import progress
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.views import links
from kommunmal.views.sparql import rows


def build(store: Store, vocab: str, d: Description) -> dict[str, Any]:
    """What the action page shows for `d.iri`: `info` (names, kind, modality, text, target value/unit/year,
    direction), `goals`, `evidence`, `sdg`, `responsibility`, `indicators`, `related` (other commitments with
    kind, score and quotes; empty when the data has none) and, for a measurable target, `progress`
    (kommunmal.progress: target value, outcomes with year and source, latest, follow-up pages; None otherwise) with
    `chart` (an SVG trend chart when outcomes exist, else "")."""
    action = str(d.iri)
    info = rows(store, "page_action", vocab, action=action)
    related: dict[Any, dict[str, Any]] = {}
    for r in rows(store, "page_action_related", vocab, action=action):
        item = related.setdefault(r["relation"], {**r, "quotes": []})
        item.pop("quote", None)
        if "quote" in r and str(r["quote"]) not in item["quotes"]:
            item["quotes"].append(str(r["quote"]))
    try:
        tracked = progress(StoreSource(store, vocab), action)
    except NotFound:
        tracked = None
    return {
        "iri": d.iri,
        "info": info[0] if info else {},
        "goals": rows(store, "page_action_goals", vocab, action=action),
        "evidence": rows(store, "page_action_evidence", vocab, action=action),
        "sdg": links.sdg_from(store, vocab, action),
        "responsibility": links.responsibilities_from(store, vocab, action),
        "indicators": rows(store, "page_action_indicators", vocab, action=action),
        "related": list(related.values()),
        "progress": tracked.to_dict() if tracked else None,
        "chart": tracked.svg() if tracked and tracked.outcomes else "",
    }
