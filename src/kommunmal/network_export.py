"""Writers for the goal graph (kommunmal.analysis): text summary, GraphML, GEXF, JSON, CSV, DOT, PNG, SVG, HTML.

GraphML and GEXF carry only strings and numbers (lists joined with "; ") so that Gephi and Cytoscape read
them; JSON is networkx node-link data with the lists kept. The picture and the HTML page share one layout:
the goals on a circle, each goal kind (the three cross-cutting goals, the five core-service goals) in its
own arc and colour. They live in kommunmal.network_picture and kommunmal.network_page, imported when first used
(matplotlib is heavy). Pairs joined only by related commitments (tier 2) are drawn dashed in both.
"""

from __future__ import annotations

import csv
import html
import io
import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from kommunmal.analysis import ALL, GRADED, LAYERS, ranked_goals, ranked_pairs
from kommunmal.lazy import lazy_import

nx = lazy_import("networkx")

LIST_SEPARATOR = "; "
SHARED_SEPARATOR = " | "
# Okabe–Ito colours (readable with colour-blindness), one per goal kind in order of appearance.
KIND_COLOURS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")
EDGE_COLOUR = "#4d4d4d"
RELATED_DASH = (8.0, 5.0)  # points; a pair joined only by related commitments (tier 2) is drawn dashed
FONT = "DejaVu Sans"


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    extension: str
    binary: bool  # not for a terminal: needs --out
    write: Callable[[nx.Graph], bytes]
    other_extensions: tuple[str, ...] = ()  # further file name endings that mean this format (.gv for DOT)

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.other_extensions)


def layer_names(g: nx.Graph) -> list[str]:
    return list(LAYERS) if g.graph["layer"] == ALL else [g.graph["layer"]]


def unit(g: nx.Graph) -> str:
    layer = g.graph["layer"]
    if layer == ALL:
        return "gemensamma och närliggande åtaganden, FN-delmål, ansvariga organ och indikatorer"
    if layer == "related":
        return "närliggande åtaganden"
    return f"gemensamma {LAYERS[layer].noun}"


def fmt_weight(value: float) -> str:
    """A weight as Swedish text: 3, 1,6, 0,75."""
    return f"{value:g}".replace(".", ",")


def fmt_measure(value: float) -> str:
    """A measure from 0 to 1 (betweenness, eigenvector centrality, modularity) as Swedish text, three decimals
    after a decimal comma: 0,190."""
    return f"{value:.3f}".replace(".", ",")


def related_only(g: nx.Graph, d: dict) -> bool:
    """An edge drawn for related commitments only (tier 2): every edge of the related layer, and in `all` an edge
    whose goals share no action but related commitments. Drawn dashed."""
    if g.graph["layer"] == "related":
        return True
    return g.graph["layer"] == ALL and not d.get("weight_actions") and bool(d.get("weight_related"))


WEIGHT_NOTE = {
    "related": "vikt = summan av poängen (0,4–0,9) för slaget av närhet",
    "sdg": "vikt per delmål = den svagare länkens styrka (uttalad eller direkt 1, delvis 0,6, sammanhang 0,3)",
}


def subtitle(g: nx.Graph) -> str:
    return "; ".join(g.graph.get("documents") or []) or g.graph.get("source", "")


def _graded(data: dict, name: str) -> list[str]:
    """The layer's shared items, with their strength in brackets where the layer grades them (sdg, related)."""
    labels = list(data[f"shared_{name}"])
    if name in GRADED:
        return [
            f"{label} ({strength})" for label, strength in zip(labels, data[f"shared_{name}_strengths"], strict=True)
        ]
    return labels


def shared_labels(g: nx.Graph, data: dict) -> list[str]:
    """What an edge's goals share in the graph's layer; for `all`, each label is prefixed with its layer."""
    layer = g.graph["layer"]
    if layer != ALL:
        return _graded(data, layer)
    return [f"{LAYERS[name].singular}: {label}" for name in LAYERS for label in _graded(data, name)]


def partners_text(g: nx.Graph, node: str) -> str:
    attrs = g.nodes[node]
    return LIST_SEPARATOR.join(
        f"{g.nodes[p]['title']} ({fmt_weight(w)})"
        for p, w in zip(attrs["top_partners"], attrs["top_partner_weights"], strict=True)
    )


# -- text ---------------------------------------------------------------------------------------------------------

SUMMARY_LEGEND = (
    "Viktad grad: summan av vad målet delar med vart och ett av de andra målen. Grannar: hur många mål det delar",
    "något med. Mellanhet: hur ofta målet ligger på de starkaste vägarna mellan andra mål (avstånd = 1/vikt).",
    "Egenvektor: hög när målet delar mycket med mål som i sin tur delar mycket. Grupp: se grupperna ovan.",
)


def write_text(g: nx.Graph, max_pairs: int = 10, max_items: int = 8) -> bytes:
    """A summary a person at a terminal can read: goals by weighted degree, then the pairs that share most."""
    out: list[str] = []
    layer = g.graph["layer"]
    out.append(g.graph["title"])
    if sub := subtitle(g):
        out.append(sub)
    out.append("=" * min(100, max(len(line) for line in out)))
    linked = g.number_of_edges()
    out.append(f"{g.number_of_nodes()} mål; {linked} par av mål har {unit(g)}.")
    filters = _filters(g)
    if filters:
        out.append(f"Urval: {filters}.")
    for name in layer_names(g):
        out.append(
            f"  {LAYERS[name].noun}: {g.graph[f'items_{name}']} totalt, "
            f"{g.graph[f'shared_items_{name}']} delas av mer än ett mål"
        )
    out.append("")
    out.append("Mål efter viktad grad (hur mycket målet delar med de andra målen sammanlagt):")
    width = max((len(g.nodes[n]["title"]) for n in g.nodes), default=10)
    out.append(f"  {'':<{width}}  {'viktad':>6}  {'grannar':>7}  {'mellanhet':>9}  {'egenvektor':>10}  grupp")
    for node in ranked_goals(g):
        a = g.nodes[node]
        out.append(
            f"  {a['title']:<{width}}  {fmt_weight(a['weighted_degree']):>6}  {a['degree']:>7}  "
            f"{fmt_measure(a['betweenness']):>9}  "
            f"{fmt_measure(a['eigenvector']):>10}  {a['community']:>5}   [{a['kind_label'] or 'utan målslag'}]"
        )
        if a["top_partners"]:
            out.append(f"  {'':<{width}}  delar mest med: {partners_text(g, node)}")
    out.append("")
    pairs = ranked_pairs(g)
    if pairs:
        shown = pairs[:max_pairs]
        more = f" (de {len(shown)} största av {len(pairs)})" if len(pairs) > len(shown) else ""
        out.append(f"Par med flest {unit(g)}{more}:")
        for u, v, d in shown:
            detail = ""
            if layer == ALL:
                detail = " (" + ", ".join(f"{LAYERS[n].noun} {fmt_weight(d[f'weight_{n}'])}" for n in LAYERS) + ")"
            out.append(f"  {g.nodes[u]['title']} – {g.nodes[v]['title']}: {fmt_weight(d['weight'])}{detail}")
            labels = shared_labels(g, d)
            for label in labels[:max_items]:
                out.append("      - " + textwrap.shorten(label, 110, placeholder=" …"))
            if len(labels) > max_items:
                out.append(f"      … och {len(labels) - max_items} till")
    else:
        out.append(f"Inga mål har {unit(g)}.")
    if pairs:
        groups: dict[int, list[str]] = {}
        for node in g.nodes:
            groups.setdefault(g.nodes[node]["community"], []).append(node)
        out.append("")
        out.append(
            f"Grupper av mål som hänger ihop ({g.graph['community_method']}"
            + (f", modularitet {fmt_measure(g.graph['modularity'])}" if "modularity" in g.graph else "")
            + "):"
        )
        for number, members in sorted(groups.items()):
            out.append(f"  {number}: " + ", ".join(g.nodes[m]["title"] for m in members))
    if note := g.graph.get("eigenvector_note"):
        out.append(f"Obs: {note}.")
    out.append("")
    out.extend(SUMMARY_LEGEND)
    out.extend(tier_legend(g))
    return ("\n".join(out) + "\n").encode("utf-8")


def _filters(g: nx.Graph) -> str:
    parts = []
    tiers = g.graph.get("tiers")
    if tiers and len(tiers) == 1:
        parts.append("bara gemensamma åtaganden" if tiers[0] == "shared" else "bara närliggande åtaganden")
    if g.graph.get("min_strength"):
        parts.append(f"länkar och närliggande åtaganden med styrka minst {fmt_weight(g.graph['min_strength'])}")
    return ", ".join(parts)


def tier_legend(g: nx.Graph) -> list[str]:
    lines = [
        "Gemensamt åtagande: samma åtagande står under båda målen (nivå 1). Närliggande åtaganden: olika åtaganden",
        "med samma syfte, för överlappande grupper, del och helhet eller samma sak med olika styrka (nivå 2).",
        "Ett par utan kant har inget uttalat gemensamt eller närliggande åtagande; det betyder inte att målen är",
        "oberoende av varandra.",
    ]
    notes = [WEIGHT_NOTE[n] for n in layer_names(g) if n in WEIGHT_NOTE]
    if notes:
        lines.append("Vikter: " + "; ".join(notes) + ".")
    return lines


# -- flat attributes for GraphML, GEXF and CSV ---------------------------------------------------------------------


def flat(g: nx.Graph) -> nx.Graph:
    """A copy with only string and number attributes: lists joined with "; ", partners with their weights.

    A number attribute that is a decimal anywhere is written as a decimal everywhere, since GraphML and GEXF
    declare one type per attribute.
    """
    out = nx.Graph()
    out.graph.update({k: _scalar(v) for k, v in g.graph.items()})
    for node, attrs in g.nodes(data=True):
        values = {k: _scalar(v) for k, v in attrs.items() if k not in ("top_partners", "top_partner_weights")}
        values["top_partners"] = partners_text(g, node)
        out.add_node(node, **values)
    for u, v, attrs in g.edges(data=True):
        values = {k: _scalar(v) for k, v in attrs.items()}
        values["shared"] = LIST_SEPARATOR.join(shared_labels(g, attrs))
        out.add_edge(u, v, **values)
    for table in ([a for _n, a in out.nodes(data=True)], [a for *_e, a in out.edges(data=True)]):
        decimal = {k for attrs in table for k, v in attrs.items() if isinstance(v, float)}
        for attrs in table:
            for k in decimal & set(attrs):
                if isinstance(attrs[k], int):
                    attrs[k] = float(attrs[k])
    return out


def _scalar(value: object) -> str | int | float:
    if isinstance(value, list | tuple | set):
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float | str):
        return value
    return "" if value is None else str(value)


def write_graphml(g: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(flat(g), buffer, encoding="utf-8", prettyprint=True)
    return buffer.getvalue()


def write_gexf(g: nx.Graph) -> bytes:
    f = flat(g)
    for key in list(f.graph):
        # The GEXF writer reads graph-level keys as its own settings (mode, …); the meta goes in the description.
        del f.graph[key]
    buffer = io.BytesIO()
    nx.write_gexf(f, buffer, encoding="utf-8", prettyprint=True, version="1.2draft")
    text = buffer.getvalue().decode("utf-8")
    description = html.escape(f"{g.graph['title']}. {subtitle(g)}. Vikt = {unit(g)}.", quote=False)
    text = text.replace("</creator>", f"</creator>\n    <description>{description}</description>", 1)
    return text.encode("utf-8")


def write_json(g: nx.Graph) -> bytes:
    data = nx.node_link_data(g)
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


CSV_COLUMNS = ("source", "target", "source_label", "target_label", "weight", "shared")


def write_csv(g: nx.Graph) -> bytes:
    """Edge list, heaviest first: the goals, the weight, what they share (" | "), the per-layer weights and items,
    and the strengths of the graded layers' items (related: kind of relation; sdg: uttalad, direkt, delvis …)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [
            *CSV_COLUMNS,
            *(f"weight_{n}" for n in LAYERS),
            *(f"shared_{n}" for n in LAYERS),
            *(f"strengths_{n}" for n in GRADED),
        ]
    )
    for u, v, d in ranked_pairs(g):
        writer.writerow(
            [
                u,
                v,
                g.nodes[u]["title"],
                g.nodes[v]["title"],
                d["weight"],
                SHARED_SEPARATOR.join(shared_labels(g, d)),
                *(d[f"weight_{n}"] for n in LAYERS),
                *(SHARED_SEPARATOR.join(d[f"shared_{n}"]) for n in LAYERS),
                *(SHARED_SEPARATOR.join(d[f"shared_{n}_strengths"]) for n in GRADED),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def write_dot(g: nx.Graph) -> bytes:
    """Graphviz DOT (kommunmal.network_dot)."""
    from kommunmal.network_dot import write_dot as dot

    return dot(g)


def write_png(g: nx.Graph) -> bytes:
    from kommunmal.network_picture import save

    return save(g, "png")


def write_svg(g: nx.Graph) -> bytes:
    from kommunmal.network_picture import save

    return save(g, "svg")


def write_html(g: nx.Graph) -> bytes:
    """A standalone page (kommunmal.network_page)."""
    from kommunmal.network_page import write_html as page

    return page(g)


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("text", "text/plain; charset=utf-8", "txt", False, write_text),
        ExportFormat("graphml", "application/graphml+xml", "graphml", False, write_graphml),
        ExportFormat("gexf", "application/gexf+xml", "gexf", False, write_gexf),
        ExportFormat("json", "application/json", "json", False, write_json),
        ExportFormat("csv", "text/csv; charset=utf-8", "csv", False, write_csv),
        ExportFormat("dot", "text/vnd.graphviz; charset=utf-8", "dot", False, write_dot, ("gv",)),
        ExportFormat("png", "image/png", "png", True, write_png),
        ExportFormat("svg", "image/svg+xml", "svg", True, write_svg),
        ExportFormat("html", "text/html; charset=utf-8", "html", False, write_html),
    )
}


def render(g: nx.Graph, fmt: str) -> bytes:
    """The goal graph in one of EXPORT_FORMATS."""
    try:
        writer = EXPORT_FORMATS[fmt].write
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}") from None
    return writer(g)


def format_for_path(path: str) -> str | None:
    """The export format a file name's extension implies (".dot" and ".gv" both "dot"), None for another or none."""
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return next((f.name for f in EXPORT_FORMATS.values() if suffix in f.extensions), None)


def extension_list() -> str:
    """Every file name ending the formats are chosen by, with the format, for messages: ".txt (text), …"."""
    return ", ".join(f".{ext} ({f.name})" for f in EXPORT_FORMATS.values() for ext in f.extensions)
