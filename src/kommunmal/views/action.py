"""The page of one action or measurable target: what it says, the goals it serves, its quotes in the text, UN
SDG links, responsibility, indicators, related commitments (when the data has them) and target progress."""

from __future__ import annotations

from typing import Any

from kommunmal.describe import Description
from kommunmal.store import Store
from kommunmal.views import links
from kommunmal.views.sparql import rows


def build(store: Store, vocab: str, d: Description) -> dict[str, Any]:
    """What the action page shows for `d.iri`: `info` (names, kind, modality, text, target value/unit/year,
    direction), `goals`, `evidence`, `sdg`, `responsibility`, `indicators`, `related` (other commitments with
    kind, score and quotes; empty when the data has none) and `outcomes` (none recorded yet: an empty list)."""
    action = str(d.iri)
    info = rows(store, "page_action", vocab, action=action)
    related: dict[Any, dict[str, Any]] = {}
    for r in rows(store, "page_action_related", vocab, action=action):
        item = related.setdefault(r["relation"], {**r, "quotes": []})
        item.pop("quote", None)
        if "quote" in r and str(r["quote"]) not in item["quotes"]:
            item["quotes"].append(str(r["quote"]))
    return {
        "iri": d.iri,
        "info": info[0] if info else {},
        "goals": rows(store, "page_action_goals", vocab, action=action),
        "evidence": rows(store, "page_action_evidence", vocab, action=action),
        "sdg": links.sdg_from(store, vocab, action),
        "responsibility": links.responsibilities_from(store, vocab, action),
        "indicators": rows(store, "page_action_indicators", vocab, action=action),
        "related": list(related.values()),
        "outcomes": [],
    }
