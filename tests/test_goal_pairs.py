"""The goal graph's edges where goals of several documents share a notation (one node, many pairs of goals per edge):
kommunmal.goal_pairs finds each edge's first and last pair without listing the pairs; the graph must be the one
made by adding every pair of goals in order (nodes, then the goals' order) with its weight and what it shares."""

from __future__ import annotations

import itertools
import json
import random

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st

from kommunmal import analysis, goal_pairs
from kommunmal.analysis import LAYERS, Goal, GoalData, Item, Strength


@given(st.lists(st.sampled_from("abcd"), min_size=0, max_size=12), st.randoms(use_true_random=False))
def test_first_and_last_pair_of_each_edge(nodes: list[str], rnd: random.Random) -> None:
    goals = sorted(rnd.sample(range(len(nodes)), rnd.randint(0, len(nodes))))
    found: goal_pairs.Extremes = {}
    goal_pairs.add_all_pairs(found, goals, nodes)
    expected: goal_pairs.Extremes = {}
    for a, c in itertools.combinations(goals, 2):
        goal_pairs.add(expected, (nodes[a], nodes[c], a, c))
    assert found == expected


def _data(documents: int, zero_weight: bool = False) -> GoalData:
    """Goals 1–4 in each document (the same notations), sharing SDG targets across documents, bodies and related
    commitments within them; strengths vary by goal."""
    rnd = random.Random(documents)
    goals = [
        Goal(f"https://ex.org/d{d}/goal/{n}", str(n), f"Mål {n}", "", "", "")
        for n in range(1, 5)
        for d in range(documents)
    ]
    links: dict[str, dict[str, dict[str, set[str]]]] = {name: {} for name in LAYERS}
    items: dict[str, dict[str, Item]] = {name: {} for name in LAYERS}
    strengths: dict[str, dict[str, dict[str, Strength]]] = {name: {} for name in LAYERS}
    sides = {}
    weights = [Strength(1.0, "direkt"), Strength(0.6, "delvis"), Strength(0.3, "sammanhang")]
    if zero_weight:
        weights.append(Strength(0.0, "ingen"))
    for goal in goals:
        document = goal.iri.rsplit("/goal/", 1)[0]
        for target in rnd.sample(range(6), 3):
            iri = f"http://metadata.un.org/sdg/{target}"
            items["sdg"][iri] = Item(iri, f"{target} Delmål", "sdg")
            links["sdg"].setdefault(goal.iri, {})[iri] = {""}
            strengths["sdg"].setdefault(goal.iri, {})[iri] = rnd.choice(weights)
        body = f"{document}/org/{rnd.randint(1, 2)}"
        items["committees"][body] = Item(body, f"Nämnd {body[-1]}", "committees")
        links["committees"].setdefault(goal.iri, {})[body] = {""}
    for document in range(documents):
        one, other = (f"https://ex.org/d{document}/goal/{n}" for n in rnd.sample(range(1, 5), 2))
        iri = f"https://ex.org/d{document}/related/1"
        items["related"][iri] = Item(iri, "a ↔ b", "related")
        sides[iri] = (frozenset({one}), frozenset({other}))
        for goal in (one, other):
            links["related"].setdefault(goal, {})[iri] = {""}
            strengths["related"].setdefault(goal, {})[iri] = rnd.choice(weights)
    return GoalData(goals, links, items, strengths=strengths, sides=sides)


def _every_pair(data: GoalData, layer: str) -> nx.Graph:
    """The goal graph's edges made the straightforward way: every pair of goals, in order, with its attributes."""
    order = {goal.iri: index for index, goal in enumerate(data.goals)}
    node = {goal.iri: goal.node for goal in data.goals}
    counted = list(LAYERS) if layer == analysis.ALL else [layer]
    per_layer = {name: analysis.shared_items(data, name) for name in LAYERS}
    g = nx.Graph()
    g.add_nodes_from(goal.node for goal in data.goals)
    pairs = {pair for name in counted for pair in per_layer[name]}
    for a, c in sorted(pairs, key=lambda p: (node[p[0]], node[p[1]], order[p[0]], order[p[1]])):
        attrs: dict = {}
        for name in LAYERS:
            shared = per_layer[name].get((a, c), [])
            graded = [analysis.pair_strength(data, name, a, c, item.iri) for item in shared]
            attrs[f"weight_{name}"] = analysis._number(sum(s.weight for s in graded))
            attrs[f"shared_{name}"] = [item.label for item in shared]
            attrs[f"shared_{name}_iris"] = [item.iri for item in shared]
            if name in analysis.GRADED:
                attrs[f"shared_{name}_strengths"] = [s.label for s in graded]
        attrs["weight"] = analysis._number(sum(attrs[f"weight_{name}"] for name in counted))
        if attrs["weight"] > 0:
            g.add_edge(node[a], node[c], **attrs)
    return g


def _edges(g: nx.Graph) -> str:
    """Edges with their attributes (without the node metrics) and each node's neighbours, in the graph's order."""
    return json.dumps([list(g.edges(data=True)), {n: list(g[n]) for n in g.nodes}])


def test_documents_with_the_same_notations() -> None:
    for zero_weight in (False, True):
        data = _data(documents=5, zero_weight=zero_weight)
        for layer in ("sdg", "related", "committees", analysis.ALL):
            g = analysis.goal_graph(data, layer)
            assert g.number_of_nodes() == 4
            assert _edges(g) == _edges(_every_pair(data, layer)), (zero_weight, layer)
