"""Which goals share actions: the goal–item bipartite graphs and their projection to a weighted goal–goal graph.

Five layers, each a kind of item a goal can be linked to; two goals are joined when they share items of the
layer, and the edge's weight is what they share:

    actions     tier 1: an action (or measurable target) that serves both goals (km:serves), the same commitment
                stated under both; weight 1 per action
    related     tier 2: a km:RelatedCommitment between an action of one goal and an action of the other; weight
                its km:score (0–1: 0.9 same thing with different force … 0.4 same end by different means)
    sdg         a UN SDG target or goal both contribute to, directly or through an action that serves them;
                weight per target the weaker of the two goals' strongest links to it (stated 1, inferred by its
                km:strength: direct 1, partial 0.6, contextual 0.3; an ungraded link counts 1)
    committees  a body responsible for both, for the goal itself or for an action that serves it; weight 1
    indicators  an indicator that follows up both, the goal itself or a target that serves it; weight 1

An item reached through an action counts for every goal the action serves. `all` sums the five weights.
Filters (rule: actions.ttl and docs/analyst-guide.md): `tiers` keeps shared actions, related commitments or both;
`min_strength` (0–1) drops SDG links and related commitments weighted below it; `document` keeps the goals of one
goal document. A pair without an edge has no stated shared or related commitment; that does not make it independent.
The data is read only through the queries in kommunmal/queries/, so a remote endpoint gives the same graph.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache

from kommunmal.lazy import lazy_import
from kommunmal.sparql_source import SparqlSource

nx = lazy_import("networkx")

COMMUNITY_SEED = 20240101
TOP_PARTNERS = 3
TIERS = ("shared", "related")
# Named strengths for --min-strength; the numbers are the km:weight of the concepts in the vocabulary.
STRENGTHS = {"direct": 1.0, "partial": 0.6, "contextual": 0.3}
STATED_LABEL = "uttalad"
UNGRADED_LABEL = "ograderad"
GRADED = ("related", "sdg")  # layers whose items carry a strength (the others weigh 1 per item)


@dataclass(frozen=True)
class Layer:
    name: str
    query: str
    noun: str  # Swedish plural for sentences: "gemensamma {noun}"
    singular: str
    title: str
    notation_first: bool = False  # show "4.1 …" / "N01951 …" rather than the label alone
    # The order its rows are read in (the query has no ORDER BY: the engine decodes IRIs per comparison, 4 s of the
    # SDG query at 290 municipalities); the first row of an item gives its label, the first of equal strengths wins.
    order: tuple[str, ...] = ("goal", "item")


LAYERS: dict[str, Layer] = {
    layer.name: layer
    for layer in (
        Layer("actions", "goal_actions", "åtaganden", "åtagande", "Mål som delar åtaganden"),
        Layer(
            "related",
            "goal_related",
            "närliggande åtaganden",
            "närliggande åtagande",
            "Mål med närliggande åtaganden",
            order=("item", "goal"),
        ),
        Layer("sdg", "goal_sdg_targets", "FN-delmål", "FN-delmål", "Mål som bidrar till samma FN-delmål", True),
        Layer("committees", "goal_committees", "ansvariga organ", "ansvarigt organ", "Mål med samma ansvariga organ"),
        Layer(
            "indicators", "goal_indicators", "indikatorer", "indikator", "Mål som följs upp med samma indikatorer", True
        ),
    )
}
ALL = "all"
LAYER_CHOICES = (*LAYERS, ALL)
# The action tier a layer is made of: with only the other tier kept, the layer can join no pair of goals.
LAYER_TIER = {"actions": "shared", "related": "related"}
ALL_TITLE = "Mål som hänger ihop: åtaganden, närliggande åtaganden, FN-delmål, ansvariga organ och indikatorer"


@dataclass(frozen=True)
class Goal:
    iri: str
    notation: str
    label: str
    statement: str
    kind: str  # local name of the km:GoalKind, e.g. "genomgripande"
    kind_label: str

    @property
    def node(self) -> str:
        """The goal's node id in the goal graph: its notation, or its IRI when it has none."""
        return self.notation or self.iri

    @property
    def title(self) -> str:
        return f"{self.notation} {self.label}".strip()


@dataclass(frozen=True)
class Item:
    """Something goals can share: an action, an SDG target, a responsible body or an indicator."""

    iri: str
    label: str
    layer: str


@dataclass(frozen=True)
class Strength:
    """How strongly a goal is linked to an item: weight 0–1 and a Swedish word for it (uttalad, direkt, delvis …)."""

    weight: float
    label: str


UNGRADED = Strength(1.0, UNGRADED_LABEL)


@dataclass
class GoalData:
    """Everything the goal graph is made from, as read from the store or endpoint."""

    goals: list[Goal]
    # layer -> goal IRI -> item IRI -> the actions it comes through ("" for a direct link)
    links: dict[str, dict[str, dict[str, set[str]]]]
    items: dict[str, dict[str, Item]]  # layer -> item IRI -> item
    documents: list[str] = field(default_factory=list)
    source: str = ""
    # layer -> goal IRI -> item IRI -> the goal's strongest link to the item (absent: weight 1)
    strengths: dict[str, dict[str, dict[str, Strength]]] = field(default_factory=dict)
    # related commitment IRI -> (goals of one action, goals of the other action)
    sides: dict[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)


def empty_combination(layer: str, tiers: tuple[str, ...]) -> str | None:
    """Why `layer` with only `tiers` (action tiers, see TIERS) can give no pair of goals, in Swedish then English;
    None when the combination can. Rule: the actions layer is the shared tier (tier 1) and the related layer is the
    related tier (tier 2), so each is empty when its tier is filtered out (`fetch` skips its query); the other
    layers and `all` take any tier."""
    needed = LAYER_TIER.get(layer)
    if needed is None or needed in tiers:
        return None
    return (
        f"lagret {layer} bygger bara på nivån {needed}, så med nivån {' och '.join(tiers)} blir det inga par av mål. "
        f"Välj --layer {layer} med --tier {needed} eller both, eller --layer "
        f"{'related' if layer == 'actions' else 'actions'} med --tier {' '.join(tiers)}; lagren sdg, committees, "
        f"indicators och all går med varje nivå / the {layer} layer is made of the {needed} tier only, so --tier "
        f"{' '.join(tiers)} gives no pair of goals: use --layer {layer} with --tier {needed} or both"
    )


@cache
def natural_key(notation: str) -> tuple:
    """Sort "1.2" before "1.10". Remembered: the goal graph sorts the same labels many times."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\s]+", notation))


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1]


def fetch(
    source: SparqlSource,
    *,
    tiers: tuple[str, ...] = TIERS,
    min_strength: float = 0.0,
    document: str | None = None,
) -> GoalData:
    """Run the analysis queries against `source`.

    tiers: which action tiers to keep ("shared", "related"); min_strength: drop SDG links and related commitments
    weighted below it (0–1); document: keep only the goals of this goal document (an IRI, see
    kommunmal.documents.resolve). Raises ValueError for an unknown tier.
    """
    unknown = set(tiers) - set(TIERS)
    if unknown:
        raise ValueError(f"unknown tier {sorted(unknown)[0]!r}; use {' or '.join(TIERS)}")
    goals: dict[str, Goal] = {}
    for row in source.select("goals"):
        iri = row["goal"]
        if iri in goals or (document and row.get("document") != document):
            continue
        kind = row.get("kind", "")
        goals[iri] = Goal(
            iri=iri,
            notation=row.get("notation", ""),
            label=row.get("label") or local_name(iri),
            statement=row.get("statement", ""),
            kind=local_name(kind) if kind else "",
            kind_label=row.get("kindLabel") or (local_name(kind) if kind else "utan målslag"),
        )
    ordered = sorted(goals.values(), key=lambda g: (natural_key(g.notation), g.iri))
    links: dict[str, dict[str, dict[str, set[str]]]] = {}
    items: dict[str, dict[str, Item]] = {}
    strengths: dict[str, dict[str, dict[str, Strength]]] = {}
    sides: dict[str, tuple[set[str], set[str]]] = {}
    for layer in LAYERS.values():
        by_goal: dict[str, dict[str, set[str]]] = defaultdict(dict)
        strongest: dict[str, dict[str, Strength]] = defaultdict(dict)
        found: dict[str, Item] = {}
        needed = LAYER_TIER.get(layer.name)  # the tier the layer is made of, if any
        skip = needed is not None and needed not in tiers
        rows = [] if skip else source.select(layer.query)
        rows.sort(key=lambda row: tuple(row[name] for name in layer.order))
        for row in rows:
            goal, iri = row["goal"], row["item"]
            if goal not in goals:
                continue
            strength = _strength(row)
            if strength.weight < min_strength:
                continue
            if layer.name == "related":
                side = sides.setdefault(iri, (set(), set()))
                side[0 if row.get("side") == "subject" else 1].add(goal)
            by_goal[goal].setdefault(iri, set()).add(row.get("via", ""))
            if iri not in strongest[goal] or strength.weight > strongest[goal][iri].weight:
                strongest[goal][iri] = strength
            if iri not in found:
                found[iri] = Item(iri, _item_label(layer, row), layer.name)
        links[layer.name] = dict(by_goal)
        items[layer.name] = found
        strengths[layer.name] = dict(strongest)
    documents = sorted(
        {
            ", ".join(filter(None, (row.get("publisher"), row.get("title"))))
            for row in source.select("goal_documents")
            if not document or row.get("document") == document
        }
        - {""}
    )
    frozen = {iri: (frozenset(a), frozenset(b)) for iri, (a, b) in sides.items()}
    return GoalData(ordered, links, items, documents, source.describe, strengths, frozen)


def _strength(row: dict[str, str]) -> Strength:
    """The weight of one link row: stated 1; inferred by its strength's km:weight (or ?score); ungraded 1."""
    if row.get("basis", "").endswith("stated"):
        return Strength(1.0, STATED_LABEL)
    value = row.get("weight") or row.get("score")
    if not value:
        return Strength(1.0, UNGRADED_LABEL)
    return Strength(float(value), row.get("strengthLabel") or local_name(row.get("strength", "")) or value)


def _item_label(layer: Layer, row: dict[str, str]) -> str:
    label, notation = row.get("label", ""), row.get("notation", "")
    if row.get("isGoal") == "true" and notation:
        return f"Globalt mål {notation}: {label}".strip()
    if layer.notation_first and notation and not label.startswith(notation):
        return f"{notation} {label}".strip()
    return label or notation or local_name(row["item"])


def bipartite(data: GoalData, layer: str) -> nx.Graph:
    """Goals (bipartite=0) and the items of one layer (bipartite=1); an edge when the goal has the item."""
    g = nx.Graph(layer=layer)
    for goal in data.goals:
        g.add_node(goal.iri, bipartite=0, kind="goal", node=goal.node, label=goal.title)
    for item in data.items[layer].values():
        g.add_node(item.iri, bipartite=1, kind=layer, label=item.label)
    for goal_iri, item_vias in data.links[layer].items():
        for item_iri, vias in item_vias.items():
            g.add_edge(goal_iri, item_iri, via=sorted(v for v in vias if v), direct="" in vias)
    return g


def shared_items(data: GoalData, layer: str) -> dict[tuple[str, str], list[Item]]:
    """Project the layer's bipartite graph onto the goals: (goal IRI, goal IRI) -> the items they share.

    A related commitment joins each goal of its one action with each goal of its other action (not two goals of
    the same action: those share the action itself when it serves both).
    """
    b = bipartite(data, layer)
    order = {goal.iri: index for index, goal in enumerate(data.goals)}
    pairs: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for iri, attrs in b.nodes(data=True):
        if attrs["bipartite"] != 1:
            continue
        item = data.items[layer][iri]
        if layer == "related" and iri in data.sides:
            one, other = data.sides[iri]
            joined = {tuple(sorted((a, c), key=order.__getitem__)) for a in one for c in other if a != c}
            ordered = sorted(joined, key=lambda p: (order[p[0]], order[p[1]]))
        else:
            # Pairs of distinct goals, already in goal order: no set or sort needed (an item's goals number in the
            # hundreds at national scale, so its pairs in the tens of thousands).
            ordered = itertools.combinations(sorted(b.neighbors(iri), key=order.__getitem__), 2)
        for pair in ordered:
            pairs[pair].append(item)
    for shared in pairs.values():
        shared.sort(key=lambda item: (natural_key(item.label), item.iri))
    return dict(pairs)


def pair_strength(data: GoalData, layer: str, a: str, c: str, item: str) -> Strength:
    """What one shared item weighs on the edge a–c: the weaker of the two goals' strongest links to it."""
    return _weaker(data.strengths.get(layer, {}), a, c, item)


def _weaker(by_goal: dict[str, dict[str, Strength]], a: str, c: str, item: str) -> Strength:
    one, other = by_goal.get(a, {}).get(item), by_goal.get(c, {}).get(item)
    if one is None or other is None:
        return one or other or UNGRADED
    return other if other.weight < one.weight else one


def _number(value: float) -> int | float:
    """A weight as an int when it is whole (counts stay counts), else rounded to 3 decimals."""
    rounded = round(value, 3)
    return int(rounded) if float(rounded).is_integer() else rounded


def goal_graph(data: GoalData, layer: str = "actions") -> nx.Graph:
    """The weighted goal–goal graph for a layer (or `all`), with node metrics; see the module docstring.

    A goal's node is its notation: goals of several documents with the same notation are one node, and an edge
    between two nodes has the attributes of the last of its pairs of goals in the order of nodes, then of
    GoalData.goals (the same graph whatever the hash seed). ValueError for an unknown layer."""
    if layer not in LAYER_CHOICES:
        raise ValueError(f"unknown layer {layer!r}; use one of {', '.join(LAYER_CHOICES)}")
    g = nx.Graph()
    g.graph.update(
        layer=layer,
        title=LAYERS[layer].title if layer in LAYERS else ALL_TITLE,
        documents=data.documents,
        source=data.source,
        community_method=f"Louvain (networkx), seed {COMMUNITY_SEED}",
    )
    for goal in data.goals:
        g.add_node(
            goal.node,
            iri=goal.iri,
            notation=goal.notation,
            label=goal.label,
            title=goal.title,
            statement=goal.statement,
            kind=goal.kind,
            kind_label=goal.kind_label,
        )
    for name in LAYERS:
        items = data.items[name]
        goals_per_item: dict[str, int] = defaultdict(int)
        for item_vias in data.links[name].values():
            for iri in item_vias:
                goals_per_item[iri] += 1
        g.graph[f"items_{name}"] = len(items)
        g.graph[f"shared_items_{name}"] = sum(1 for n in goals_per_item.values() if n > 1)
    counted = list(LAYERS) if layer == ALL else [layer]
    # The pairs of goals that share something are added in the order of their nodes, then of the goals: an edge is
    # placed by its first pair and keeps the attributes of its last (goals of different documents with the same
    # notation are one node). kommunmal.goal_pairs finds those two pairs per edge without listing every pair.
    from kommunmal import goal_pairs  # it reads this module's data classes

    for first, last in goal_pairs.in_order(goal_pairs.edge_pairs(data, counted)):
        attrs = goal_pairs.pair_attrs(data, counted, data.goals[last[2]].iri, data.goals[last[3]].iri)
        g.add_edge(first[0], first[1], **attrs)
    add_metrics(g)
    return g


def add_metrics(g: nx.Graph) -> None:
    """Per goal: weighted degree, betweenness (distance = 1/weight), eigenvector centrality, community, top 3."""
    order = {node: index for index, node in enumerate(g.nodes)}
    distances = nx.Graph()
    distances.add_nodes_from(g.nodes)
    distances.add_edges_from((u, v, {"distance": 1.0 / w}) for u, v, w in g.edges(data="weight"))
    betweenness = nx.betweenness_centrality(distances, weight="distance", normalized=True)
    eigenvector, note = eigenvector_centrality(g)
    if note:
        g.graph["eigenvector_note"] = note
    communities = detect_communities(g)
    for node in g.nodes:
        partners = sorted(g[node].items(), key=lambda kv: (-kv[1]["weight"], order[kv[0]]))[:TOP_PARTNERS]
        g.nodes[node].update(
            weighted_degree=_number(sum(d["weight"] for d in g[node].values())),
            degree=g.degree(node),
            betweenness=round(betweenness[node], 6),
            eigenvector=round(eigenvector[node], 6),
            community=communities[node],
            top_partners=[p for p, _ in partners],
            top_partner_weights=[d["weight"] for _, d in partners],
        )
    g.graph["communities"] = max(communities.values(), default=0)
    groups = defaultdict(set)
    for node, number in communities.items():
        groups[number].add(node)
    if g.number_of_edges():
        g.graph["modularity"] = round(nx.community.modularity(g, groups.values(), weight="weight"), 6)


def eigenvector_centrality(g: nx.Graph) -> tuple[dict[str, float], str]:
    """Weighted eigenvector centrality; all zeros (with a note) when there are no edges or it does not converge."""
    if g.number_of_edges() == 0:
        return dict.fromkeys(g.nodes, 0.0), "inga mål delar något, så egenvektorcentraliteten är 0 för alla mål"
    try:
        # networkx iterates with A + I, so it converges on bipartite and disconnected graphs too; goals outside
        # the component with the largest eigenvalue get (close to) 0.
        return nx.eigenvector_centrality(g, weight="weight", max_iter=10000, tol=1e-10), ""
    except nx.PowerIterationFailedConvergence:
        return dict.fromkeys(g.nodes, 0.0), "egenvektorcentraliteten konvergerade inte och är satt till 0"


def detect_communities(g: nx.Graph) -> dict[str, int]:
    """Louvain communities with a fixed seed, numbered from 1 in the order of their first goal."""
    order = {node: index for index, node in enumerate(g.nodes)}
    found = nx.community.louvain_communities(g, weight="weight", seed=COMMUNITY_SEED)
    ranked = sorted((sorted(c, key=order.__getitem__) for c in found), key=lambda c: order[c[0]])
    return {node: number for number, members in enumerate(ranked, start=1) for node in members}


def analyse(
    source: SparqlSource,
    layer: str = "actions",
    *,
    tiers: tuple[str, ...] = TIERS,
    min_strength: float = 0.0,
    document: str | None = None,
) -> nx.Graph:
    """Read the goals and their links from `source` and build the goal graph for `layer` (filters: see fetch)."""
    g = goal_graph(fetch(source, tiers=tiers, min_strength=min_strength, document=document), layer)
    g.graph.update(tiers=list(tiers), min_strength=min_strength, document=document or "")
    return g


def ranked_goals(g: nx.Graph) -> list[str]:
    """Goal nodes by weighted degree (highest first), then by notation."""
    order = {node: index for index, node in enumerate(g.nodes)}
    return sorted(g.nodes, key=lambda n: (-g.nodes[n]["weighted_degree"], order[n]))


def ranked_pairs(g: nx.Graph) -> list[tuple[str, str, dict]]:
    """Edges by weight (highest first), then by notation."""
    order = {node: index for index, node in enumerate(g.nodes)}
    edges = [(u, v, d) if order[u] < order[v] else (v, u, d) for u, v, d in g.edges(data=True)]
    return sorted(edges, key=lambda e: (-e[2]["weight"], order[e[0]], order[e[1]]))
