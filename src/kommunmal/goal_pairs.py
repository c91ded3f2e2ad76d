"""Which pairs of goals make the goal graph's edges, found without listing every pair of goals.

A goal's node in the goal graph is its notation, so goals of different documents with the same notation ("1.1")
are one node, and many pairs of goals are one edge. kommunmal.analysis.goal_graph adds the pairs of goals that
share something in the order of their position (node of the one, node of the other, then the goals' order): an
edge is placed where its first pair is added and keeps the attributes of its last. At 290 municipalities an SDG
target is shared by some 600 goals, so the pairs of goals number in the millions while the edges number under a
hundred; these functions find each edge's first and last pair from each item's goals grouped by node (a binary
search per two nodes) and list pairs one by one only where they are few (related commitments) or where a pair's
weight must be checked (see analysis.goal_graph).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable

from kommunmal.analysis import (
    GRADED,
    LAYERS,
    GoalData,
    Item,
    Strength,
    _number,
    natural_key,
    pair_strength,
    shared_items,
)

# (node of the goal first in order, node of the other, the first goal's order, the other's): the order pairs are
# added in. Goals are numbered by their place in GoalData.goals.
Position = tuple[str, str, int, int]
# undirected edge (the two nodes, sorted) -> [first position, last position] among its pairs
Extremes = dict[tuple[str, str], list[Position]]


def add(found: Extremes, position: Position) -> None:
    """Count the pair at `position` for its edge: keep it if it comes before the edge's first or after its last."""
    x, y = position[0], position[1]
    known = found.setdefault((x, y) if x <= y else (y, x), [position, position])
    if position < known[0]:
        known[0] = position
    elif position > known[1]:
        known[1] = position


def add_all_pairs(found: Extremes, goals: Iterable[int], node: list[str]) -> None:
    """Count every pair of `goals` (numbers of the goals that share one item; node[n] is goal n's node) with two
    positions per pair of nodes instead of one per pair of goals: the first pair of nodes x, y is the first goal of
    x with the first goal of y after it, the last is the last goal of y with the last goal of x before it."""
    by_node: dict[str, list[int]] = {}
    for number in sorted(goals):
        by_node.setdefault(node[number], []).append(number)
    for x, xs in by_node.items():
        for y, ys in by_node.items():
            after = bisect_right(ys, xs[0])
            if after == len(ys):
                continue  # no goal of y comes after the first goal of x, so none after any goal of x
            add(found, (x, y, xs[0], ys[after]))
            before = bisect_left(xs, ys[-1]) - 1  # >= 0: xs[0] comes before ys[after], so before ys[-1]
            add(found, (x, y, xs[before], ys[-1]))


def in_order(found: Extremes) -> list[tuple[Position, Position]]:
    """(first position, last position) of each edge, in the order the edges are first added."""
    return sorted((first, last) for first, last in found.values())


def edge_pairs(data: GoalData, counted: list[str]) -> Extremes:
    """The first and last pair of goals of each edge among the pairs that share items of the `counted` layers (names
    of analysis.LAYERS) and weigh more than 0 together."""
    number = {goal.iri: index for index, goal in enumerate(data.goals)}
    node = [goal.node for goal in data.goals]
    found: Extremes = {}
    weighs = [s.weight for name in counted for per in data.strengths.get(name, {}).values() for s in per.values()]
    if not all(w >= 0.001 for w in weighs):
        # A link weighing (about) 0 can leave a pair at weight 0, which adds no edge: every pair is weighed.
        for a, c in {pair for name in counted for pair in shared_items(data, name)}:
            if _pair_weight(data, counted, a, c) > 0:
                add(found, (node[number[a]], node[number[c]], number[a], number[c]))
        return found
    for name in counted:
        goals_of: dict[str, list[int]] = defaultdict(list)
        for goal, item_vias in data.links[name].items():
            for iri in item_vias:
                goals_of[iri].append(number[goal])
        for iri, goals in goals_of.items():
            if name == "related" and iri in data.sides:
                one, other = data.sides[iri]
                for x, y in {tuple(sorted((number[a], number[c]))) for a in one for c in other if a != c}:
                    add(found, (node[x], node[y], x, y))
            else:
                add_all_pairs(found, goals, node)
    return found


def _shared(data: GoalData, layer: str, a: str, c: str) -> list[Item]:
    """The items of `layer` that goals a and c share, as shared_items lists them for the pair."""
    links = data.links[layer]
    common = links.get(a, {}).keys() & links.get(c, {}).keys()
    if layer == "related":
        common = {iri for iri in common if iri not in data.sides or _across(data.sides[iri], a, c)}
    items = data.items[layer]
    return sorted((items[iri] for iri in common), key=lambda item: (natural_key(item.label), item.iri))


def _across(sides: tuple[frozenset[str], frozenset[str]], a: str, c: str) -> bool:
    one, other = sides
    return (a in one and c in other) or (c in one and a in other)


def _layer_weight(data: GoalData, layer: str, a: str, c: str, shared: list[Item]) -> tuple[float, list[Strength]]:
    graded = [pair_strength(data, layer, a, c, item.iri) for item in shared]
    return _number(sum(s.weight for s in graded)), graded


def _pair_weight(data: GoalData, counted: list[str], a: str, c: str) -> int | float:
    """The weight of the pair of goals a, c: pair_attrs(…)["weight"] without the lists."""
    return _number(sum(_layer_weight(data, name, a, c, _shared(data, name, a, c))[0] for name in counted))


def pair_attrs(data: GoalData, counted: list[str], a: str, c: str) -> dict:
    """The edge attributes of the pair of goals a, c (IRIs, a first in GoalData.goals): per layer its weight and
    what they share (labels, IRIs, strengths), and the weight of the `counted` layers."""
    attrs: dict = {}
    for name in LAYERS:
        shared = _shared(data, name, a, c)
        attrs[f"weight_{name}"], graded = _layer_weight(data, name, a, c, shared)
        attrs[f"shared_{name}"] = [item.label for item in shared]
        attrs[f"shared_{name}_iris"] = [item.iri for item in shared]
        if name in GRADED:
            attrs[f"shared_{name}_strengths"] = [s.label for s in graded]
    attrs["weight"] = _number(sum(attrs[f"weight_{name}"] for name in counted))
    return attrs
