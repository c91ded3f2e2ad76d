"""The goal graph page: for one goal document and one layer (what goals share), the goals as nodes with their
measures, the pairs with what they share, and node positions for the picture drawn on the page.

The graph comes from kommunmal.analysis (the same core as `kommunmal analyse` and /analysis/…), restricted to
the document's goals; positions from kommunmal.network_picture.layout.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

from kommunmal.analysis import ALL, ALL_TITLE, LAYER_CHOICES, LAYERS, GoalData, fetch, goal_graph, ranked_pairs
from kommunmal.network_picture import layout
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.views.sparql import rows

# Swedish names of the layers for the switch on the page, in the analysis' order.
LAYER_NAMES = {
    "actions": "Gemensamma åtaganden",
    "sdg": "FN-delmål",
    "committees": "Ansvariga organ",
    "indicators": "Indikatorer",
    "related": "Närliggande åtaganden",
    ALL: "Allt",
}
_lock = threading.Lock()
_data: dict[str, GoalData] = {}
_built: dict[tuple[str, frozenset[str], str], dict[str, Any]] = {}


def goal_data(store: Store, vocab: str, graphs: list[str] | None = None) -> GoalData:
    """The analysis input read from `graphs` (named graph IRIs; None: the whole store), once per store and graphs
    (a release never changes)."""
    source = StoreSource(store, vocab, graphs=graphs)
    with _lock:
        if source.key not in _data:
            _data[source.key] = fetch(source)
        return _data[source.key]


def scoped(data: GoalData, goals: set[str]) -> GoalData:
    """`data` with only the goals in `goals` (IRIs) and their links."""
    return replace(
        data,
        goals=[g for g in data.goals if g.iri in goals],
        links={layer: {g: items for g, items in per.items() if g in goals} for layer, per in data.links.items()},
        sides={item: (frozenset(one & goals), frozenset(other & goals)) for item, (one, other) in data.sides.items()},
    )


def build(store: Store, vocab: str, goals: set[str], layer: str, graphs: list[str] | None = None) -> dict[str, Any]:
    """The goal graph of the goals `goals` (IRIs of one document's goals) for `layer` (one of LAYER_CHOICES;
    ValueError otherwise), read from `graphs` (the document's `documents.dataset_graphs`; None: the whole store):
    `layers` (name, Swedish label, current), `nodes` (goal IRI, notation, label, kind, weighted degree,
    betweenness, eigenvector centrality, community, x/y in [-1, 1], r), `edges` (both goals, weight, what they
    share per layer), `communities` and the graph's title."""
    if layer not in LAYER_CHOICES:
        raise ValueError(f"unknown layer {layer!r}; use one of {', '.join(LAYER_CHOICES)}")
    key = (StoreSource(store, vocab, graphs=graphs).key, frozenset(goals), layer)
    if key not in _built:
        _built[key] = _build(store, vocab, goals, layer, graphs)
    return _built[key]


def _build(store: Store, vocab: str, goals: set[str], layer: str, graphs: list[str] | None) -> dict[str, Any]:
    g = goal_graph(scoped(goal_data(store, vocab, graphs), goals), layer)
    lay = layout(g) if g.number_of_nodes() else None
    nodes = []
    for node, a in g.nodes(data=True):
        x, y = lay.positions[node] if lay else (0.0, 0.0)
        nodes.append(
            {
                "goal": a["iri"],
                "notation": a["notation"],
                "label": a["label"],
                "kind_label": a.get("kind_label", ""),
                "weighted_degree": a["weighted_degree"],
                "degree": a["degree"],
                "betweenness": a["betweenness"],
                "eigenvector": a["eigenvector"],
                "community": a["community"],
                "colour": lay.colour[node] if lay else "#00543c",
                "x": round(x, 4),
                "y": round(y, 4),
                "r": round(lay.radius[node], 4) if lay else 0.1,
            }
        )
    iri = {n: a["iri"] for n, a in g.nodes(data=True)}
    edges = [
        {
            "a": iri[u],
            "b": iri[v],
            "a_notation": g.nodes[u]["notation"],
            "b_notation": g.nodes[v]["notation"],
            "a_label": g.nodes[u]["label"],
            "b_label": g.nodes[v]["label"],
            "weight": d["weight"],
            "shared": {name: d.get(f"shared_{name}", []) for name in LAYERS},
            "shared_iris": {name: d.get(f"shared_{name}_iris", []) for name in LAYERS},
        }
        for u, v, d in ranked_pairs(g)
    ]
    english = english_only(store, vocab, {i for e in edges for iris in e["shared_iris"].values() for i in iris})
    for e in edges:
        # Not in the JSON view (a key starting with "_"): the language of each shared item's name, for lang="en".
        e["_langs"] = {name: ["en" if i in english else "" for i in iris] for name, iris in e["shared_iris"].items()}
    return {
        "layer": layer,
        "title": LAYERS[layer].title if layer in LAYERS else ALL_TITLE,
        "layers": [{"name": n, "label": LAYER_NAMES.get(n, n), "current": n == layer} for n in LAYER_CHOICES],
        "unit": (LAYERS[layer].singular, LAYERS[layer].noun) if layer in LAYERS else ("koppling", "kopplingar"),
        "nodes": nodes,
        "edges": edges,
        "communities": g.graph.get("communities", 0),
        "modularity": g.graph.get("modularity"),
        "eigenvector_note": g.graph.get("eigenvector_note", ""),
    }


def english_only(store: Store, vocab: str, iris: set[str]) -> set[str]:
    """Those of `iris` (IRI strings; others such as kommunmal's own keys are ignored) named only in English."""
    wanted = sorted(i for i in iris if i.startswith("http"))
    if not wanted:
        return set()
    return {str(r["resource"]) for r in rows(store, "page_english_only", vocab, resources=wanted)}


def community_members(nodes: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Nodes per community number, for the list of groups under the picture."""
    found: dict[int, list[dict[str, Any]]] = {}
    for n in nodes:
        found.setdefault(n["community"], []).append(n)
    return dict(sorted(found.items()))
