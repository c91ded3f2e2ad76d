"""The goal graph as Graphviz DOT (`dot -Tsvg goal-graph.dot`), written here rather than by networkx.

networkx writes DOT only through pygraphviz (`nx.nx_agraph`, which needs the Graphviz C library) or pydot
(`nx.nx_pydot`); neither is a dependency of kommunmal, so this small writer follows the DOT grammar
(https://graphviz.org/doc/info/lang.html) itself: an undirected `graph`, every ID a double-quoted string (quotes
and backslashes escaped, line breaks as `\\n`), the attributes of kommunmal.network_export.flat (strings and numbers
only, lists joined with "; ") plus Graphviz's own `label` (the goal's number and name), `penwidth` (1–6 points by
weight) and `style=dashed` for a pair joined only by related commitments, as in the picture.
"""

from __future__ import annotations

from kommunmal.analysis import ranked_pairs
from kommunmal.lazy import lazy_import
from kommunmal.network_export import flat, related_only, subtitle, unit

nx = lazy_import("networkx")


def quote(value: object) -> str:
    """A DOT ID: any value as a double-quoted string, `"` and `\\` escaped and line breaks written `\\n`."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\r\n", "\n").replace("\n", "\\n") + '"'


def _attributes(values: dict[str, object]) -> str:
    return "[" + ", ".join(f"{quote(k)}={quote(v)}" for k, v in values.items()) + "]"


def write_dot(g: nx.Graph) -> bytes:
    """The goal graph `g` (kommunmal.analysis.goal_graph) as a UTF-8 DOT file: one node per goal (id = its node
    id, e.g. "1.4"), one edge per pair that shares something, heaviest first, with every attribute of the GraphML
    export."""
    f = flat(g)
    top = max((d["weight"] for _u, _v, d in g.edges(data=True)), default=0) or 1
    heading = "\n".join(filter(None, (g.graph["title"], subtitle(g), f"Vikt: {unit(g)}")))
    graph_attributes = {k: v for k, v in f.graph.items() if k != "label"}
    lines = [
        "graph " + quote(g.graph["title"]) + " {",
        "  graph " + _attributes({**graph_attributes, "label": heading, "labelloc": "t", "charset": "UTF-8"}) + ";",
        "  node " + _attributes({"shape": "circle", "fontname": "DejaVu Sans"}) + ";",
    ]
    for node, attrs in f.nodes(data=True):
        values = {k: v for k, v in attrs.items() if k != "label"}
        values["name"] = attrs.get("label", "")
        values["label"] = g.nodes[node].get("title") or node
        lines.append(f"  {quote(node)} {_attributes(values)};")
    for u, v, d in ranked_pairs(g):
        values = dict(f.edges[u, v])
        values["penwidth"] = round(1 + 5 * d["weight"] / top, 2)
        if related_only(g, d):
            values["style"] = "dashed"
        lines.append(f"  {quote(u)} -- {quote(v)} {_attributes(values)};")
    lines.append("}")
    return ("\n".join(lines) + "\n").encode("utf-8")
