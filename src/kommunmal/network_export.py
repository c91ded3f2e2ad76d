"""Writers for the goal graph (kommunmal.analysis): text summary, GraphML, GEXF, JSON, CSV, PNG, SVG and HTML.

GraphML and GEXF carry only strings and numbers (lists joined with "; ") so that Gephi and Cytoscape read
them; JSON is networkx node-link data with the lists kept. The picture and the HTML page share one layout:
the goals on a circle, each goal kind (the three cross-cutting goals, the five core-service goals) in its
own arc and colour.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from kommunmal.analysis import ALL, GRADED, LAYERS, ranked_goals, ranked_pairs

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


def _layer_names(g: nx.Graph) -> list[str]:
    return list(LAYERS) if g.graph["layer"] == ALL else [g.graph["layer"]]


def _unit(g: nx.Graph) -> str:
    layer = g.graph["layer"]
    if layer == ALL:
        return "gemensamma och närliggande åtaganden, FN-delmål, ansvariga organ och indikatorer"
    if layer == "related":
        return "närliggande åtaganden"
    return f"gemensamma {LAYERS[layer].noun}"


def fmt_weight(value: float) -> str:
    """A weight as Swedish text: 3, 1,6, 0,75."""
    return f"{value:g}".replace(".", ",")


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


def _subtitle(g: nx.Graph) -> str:
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
    if sub := _subtitle(g):
        out.append(sub)
    out.append("=" * min(100, max(len(line) for line in out)))
    linked = g.number_of_edges()
    out.append(f"{g.number_of_nodes()} mål; {linked} par av mål har {_unit(g)}.")
    filters = _filters(g)
    if filters:
        out.append(f"Urval: {filters}.")
    for name in _layer_names(g):
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
            f"{a['betweenness']:>9.3f}  "
            f"{a['eigenvector']:>10.3f}  {a['community']:>5}   [{a['kind_label'] or 'utan målslag'}]"
        )
        if a["top_partners"]:
            out.append(f"  {'':<{width}}  delar mest med: {partners_text(g, node)}")
    out.append("")
    pairs = ranked_pairs(g)
    if pairs:
        shown = pairs[:max_pairs]
        more = f" (de {len(shown)} största av {len(pairs)})" if len(pairs) > len(shown) else ""
        out.append(f"Par med flest {_unit(g)}{more}:")
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
        out.append(f"Inga mål har {_unit(g)}.")
    if pairs:
        groups: dict[int, list[str]] = {}
        for node in g.nodes:
            groups.setdefault(g.nodes[node]["community"], []).append(node)
        out.append("")
        out.append(
            f"Grupper av mål som hänger ihop ({g.graph['community_method']}"
            + (f", modularitet {g.graph['modularity']:.3f}" if "modularity" in g.graph else "")
            + "):"
        )
        for number, members in sorted(groups.items()):
            out.append(f"  {number}: " + ", ".join(g.nodes[m]["title"] for m in members))
    if note := g.graph.get("eigenvector_note"):
        out.append(f"Obs: {note}.")
    out.append("")
    out.extend(SUMMARY_LEGEND)
    out.extend(_tier_legend(g))
    return ("\n".join(out) + "\n").encode("utf-8")


def _filters(g: nx.Graph) -> str:
    parts = []
    tiers = g.graph.get("tiers")
    if tiers and len(tiers) == 1:
        parts.append("bara gemensamma åtaganden" if tiers[0] == "shared" else "bara närliggande åtaganden")
    if g.graph.get("min_strength"):
        parts.append(f"länkar och närliggande åtaganden med styrka minst {fmt_weight(g.graph['min_strength'])}")
    return ", ".join(parts)


def _tier_legend(g: nx.Graph) -> list[str]:
    lines = [
        "Gemensamt åtagande: samma åtagande står under båda målen (nivå 1). Närliggande åtaganden: olika åtaganden",
        "med samma syfte, för överlappande grupper, del och helhet eller samma sak med olika styrka (nivå 2).",
        "Ett par utan kant har inget uttalat gemensamt eller närliggande åtagande; det betyder inte att målen är",
        "oberoende av varandra.",
    ]
    notes = [WEIGHT_NOTE[n] for n in _layer_names(g) if n in WEIGHT_NOTE]
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
    description = html.escape(f"{g.graph['title']}. {_subtitle(g)}. Vikt = {_unit(g)}.", quote=False)
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


# -- layout shared by the picture and the HTML page ------------------------------------------------------------------


BEND = -0.14  # negative: curves bow towards the centre, away from the goals between their ends
LABEL_CLEARANCE = 0.075  # half the size of a weight label, in units of the circle's radius


@dataclass(frozen=True)
class Layout:
    positions: dict[str, tuple[float, float]]  # on the unit circle
    angles: dict[str, float]  # radians
    radius: dict[str, float]  # of each goal's disc, in units of the circle's radius
    kinds: list[tuple[str, str]]  # (kind, label) in order of appearance
    colour: dict[str, str]  # node -> colour
    labels: dict[tuple[str, str], tuple[float, float]]  # where each edge's weight is written

    def control(self, u: str, v: str) -> tuple[float, float]:
        """Control point of the quadratic curve drawn for edge u–v (bent to keep crossing chords apart)."""
        return _control(self.positions[u], self.positions[v])


def _control(p1: tuple[float, float], p2: tuple[float, float]) -> tuple[float, float]:
    (x1, y1), (x2, y2) = p1, p2
    return (x1 + x2) / 2 + BEND * (y2 - y1), (y1 + y2) / 2 - BEND * (x2 - x1)


def _on_curve(p1: tuple[float, float], p2: tuple[float, float], t: float) -> tuple[float, float]:
    (x1, y1), (x2, y2), (cx, cy) = p1, p2, _control(p1, p2)
    a, b, c = (1 - t) ** 2, 2 * (1 - t) * t, t**2
    return a * x1 + b * cx + c * x2, a * y1 + b * cy + c * y2


def _place_labels(
    edges: list[tuple[str, str]], positions: dict[str, tuple[float, float]], radius: dict[str, float]
) -> dict[tuple[str, str], tuple[float, float]]:
    """A point on each edge's curve for its weight, clear of the discs and of the labels placed before it."""
    placed: dict[tuple[str, str], tuple[float, float]] = {}
    for u, v in edges:
        best, best_room = positions[u], -math.inf
        for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.27, 0.73):
            x, y = _on_curve(positions[u], positions[v], t)
            room = min(
                [math.dist((x, y), positions[n]) - radius[n] - LABEL_CLEARANCE for n in positions]
                + [math.dist((x, y), p) - 2 * LABEL_CLEARANCE for p in placed.values()]
            )
            if room > best_room:
                best, best_room = (x, y), room
            if room >= 0:
                break
        placed[(u, v)] = best
    return placed


def layout(g: nx.Graph) -> Layout:
    """Goals on a circle in notation order; each kind in one arc, the first kind centred on the left."""
    kinds: list[tuple[str, str]] = []
    members: dict[str, list[str]] = {}
    for node, attrs in g.nodes(data=True):
        kind = attrs.get("kind", "")
        if kind not in members:
            kinds.append((kind, attrs.get("kind_label", "")))
            members[kind] = []
        members[kind].append(node)
    gap = 1 if len(kinds) > 1 else 0
    slots = max(1, g.number_of_nodes() + gap * len(kinds))
    step = 2 * math.pi / slots
    first = len(members[kinds[0][0]]) if kinds else 1
    angle = math.pi - (first - 1) / 2 * step
    positions, angles, colour = {}, {}, {}
    for index, (kind, _label) in enumerate(kinds):
        for node in members[kind]:
            positions[node] = (math.cos(angle), math.sin(angle))
            angles[node] = angle
            colour[node] = KIND_COLOURS[index % len(KIND_COLOURS)]
            angle += step
        angle += gap * step
    top = max((g.nodes[n]["weighted_degree"] for n in g.nodes), default=0) or 1
    radius = {n: 0.085 + 0.06 * g.nodes[n]["weighted_degree"] / top for n in g.nodes}
    labels = _place_labels([(u, v) for u, v, _d in ranked_pairs(g)], positions, radius)
    return Layout(positions, angles, radius, kinds, colour, labels)


def _edge_width(weight: float, top: float) -> float:
    return 1.0 + 9.0 * weight / (top or 1)


def _dashes(width: float) -> tuple[float, tuple[float, float]]:
    """The dash pattern for a line of `width` points: matplotlib scales dashes by the width, so divide it out to keep
    dashes of about the same length on thin and thick lines."""
    on, off = RELATED_DASH
    return 0.0, (max(1.2, on / width), max(0.8, off / width))


# -- picture ----------------------------------------------------------------------------------------------------------


def figure(g: nx.Graph):  # -> matplotlib.figure.Figure
    """The goal graph drawn with matplotlib (no pyplot, so it is safe in a server thread)."""
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, PathPatch
    from matplotlib.path import Path

    lay = layout(g)
    fig = Figure(figsize=(13, 10.5), dpi=100)
    fig.patch.set_facecolor("white")
    ax = fig.add_axes((0.02, 0.1, 0.96, 0.76))
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_xlim(-1.75, 1.75)
    ax.set_ylim(-1.3, 1.3)
    edges = ranked_pairs(g)
    top = max((d["weight"] for _u, _v, d in edges), default=1)
    for u, v, d in reversed(edges):  # heaviest on top
        (x1, y1), (x2, y2), (cx, cy) = lay.positions[u], lay.positions[v], lay.control(u, v)
        path = Path([(x1, y1), (cx, cy), (x2, y2)], [Path.MOVETO, Path.CURVE3, Path.CURVE3])
        ax.add_patch(
            PathPatch(
                path,
                facecolor="none",
                edgecolor=EDGE_COLOUR,
                alpha=0.35 + 0.4 * d["weight"] / top,
                linewidth=_edge_width(d["weight"], top),
                linestyle=_dashes(_edge_width(d["weight"], top)) if related_only(g, d) else "solid",
                capstyle="butt" if related_only(g, d) else "round",
                zorder=1,
            )
        )
    for u, v, d in edges:
        mx, my = lay.labels[(u, v)]
        ax.text(
            mx,
            my,
            fmt_weight(d["weight"]),
            ha="center",
            va="center",
            fontsize=10.5,
            fontfamily=FONT,
            zorder=3,
            color="#222",
            bbox={"boxstyle": "round,pad=0.18", "fc": "white", "ec": "#999", "lw": 0.6},
        )
    for node in g.nodes:
        x, y = lay.positions[node]
        radius = lay.radius[node]
        ax.add_patch(Circle((x, y), radius, facecolor=lay.colour[node], edgecolor="white", linewidth=2, zorder=4))
        attrs = g.nodes[node]
        ax.text(
            x,
            y,
            attrs["notation"] or "?",
            ha="center",
            va="center",
            fontsize=12,
            fontweight="bold",
            color="white",
            fontfamily=FONT,
            zorder=5,
        )
        angle = lay.angles[node]
        lx, ly = (1 + radius + 0.06) * math.cos(angle), (1 + radius + 0.06) * math.sin(angle)
        ha = "left" if math.cos(angle) > 0.25 else "right" if math.cos(angle) < -0.25 else "center"
        va = "bottom" if math.sin(angle) > 0.5 else "top" if math.sin(angle) < -0.5 else "center"
        name = "\n".join(textwrap.wrap(attrs["label"], 26))
        ax.text(
            lx,
            ly,
            f"{name}\nviktad grad {fmt_weight(attrs['weighted_degree'])}",
            ha=ha,
            va=va,
            fontsize=11,
            fontfamily=FONT,
            color="#111",
            zorder=5,
            linespacing=1.25,
        )
    fig.text(0.5, 0.965, g.graph["title"], ha="center", va="top", fontsize=17, fontweight="bold", fontfamily=FONT)
    fig.text(0.5, 0.925, _subtitle(g), ha="center", va="top", fontsize=12, fontfamily=FONT, color="#333")
    fig.text(
        0.5,
        0.895,
        f"Linjens tjocklek och talet på den: {_unit(g)}. Cirkelns storlek: målets viktade grad."
        + (" Streckad linje: bara närliggande åtaganden." if any(related_only(g, d) for *_e, d in edges) else ""),
        ha="center",
        va="top",
        fontsize=10.5,
        fontfamily=FONT,
        color="#333",
    )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=13,
            markerfacecolor=KIND_COLOURS[i],
            markeredgecolor="white",
            label=label or kind or "utan målslag",
        )
        for i, (kind, label) in enumerate(lay.kinds)
    ]
    fig.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.03, 0.02),
        frameon=False,
        prop={"family": FONT, "size": 11},
        title="Målslag",
        title_fontproperties={"family": FONT, "size": 11, "weight": "bold"},
    )
    if edges:
        fig.text(
            0.97,
            0.03,
            "\n".join(_community_lines(g)),
            ha="right",
            va="bottom",
            fontsize=10.5,
            fontfamily=FONT,
            color="#333",
        )
    if not edges:
        ax.text(0, 0, f"Inga {_unit(g)}", ha="center", va="center", fontsize=13, fontfamily=FONT, color="#666")
    return fig


def _community_lines(g: nx.Graph) -> list[str]:
    groups: dict[int, list[str]] = {}
    for node in g.nodes:
        groups.setdefault(g.nodes[node]["community"], []).append(node)
    lines = ["Grupper av mål (Louvain):"]
    alone = [members[0] for _n, members in sorted(groups.items()) if len(members) == 1]
    lines += [f"grupp {n}: " + ", ".join(members) for n, members in sorted(groups.items()) if len(members) > 1]
    if alone:
        lines.append("ensamma: " + ", ".join(alone))
    return lines


def _save(g: nx.Graph, fmt: str) -> bytes:
    fig = figure(g)
    buffer = io.BytesIO()
    metadata = {"Title": g.graph["title"]} if fmt == "svg" else {"Title": g.graph["title"], "Software": None}
    if fmt == "svg":
        metadata["Date"] = None  # byte-identical output for the same graph
    import matplotlib

    # A fixed salt makes the SVG's element ids, and so the file, the same on every run.
    with matplotlib.rc_context({"svg.hashsalt": "kommunmal"}):
        fig.savefig(buffer, format=fmt, dpi=150 if fmt == "png" else None, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def write_png(g: nx.Graph) -> bytes:
    return _save(g, "png")


def write_svg(g: nx.Graph) -> bytes:
    return _save(g, "svg")


# -- interactive HTML ----------------------------------------------------------------------------------------------

_SCALE = 250.0
_CENTRE = (490.0, 335.0)


def _xy(point: tuple[float, float]) -> tuple[float, float]:
    return _CENTRE[0] + _SCALE * point[0], _CENTRE[1] - _SCALE * point[1]


def _svg(g: nx.Graph, lay: Layout) -> str:
    edges = ranked_pairs(g)
    top = max((d["weight"] for _u, _v, d in edges), default=1)
    parts = [
        '<svg id="graph" viewBox="0 0 980 670" role="img" xmlns="http://www.w3.org/2000/svg" '
        f'aria-label="{html.escape(g.graph["title"])}">'
    ]
    parts.append('<g class="edges">')
    for index, (u, v, d) in enumerate(reversed(edges)):
        (x1, y1), (x2, y2), (cx, cy) = _xy(lay.positions[u]), _xy(lay.positions[v]), _xy(lay.control(u, v))
        title = html.escape(f"{g.nodes[u]['title']} – {g.nodes[v]['title']}: {fmt_weight(d['weight'])}")
        kind = "edge related" if related_only(g, d) else "edge"
        parts.append(
            f'<path class="{kind}" data-edge="{len(edges) - 1 - index}" data-a="{html.escape(u)}" '
            f'data-b="{html.escape(v)}" d="M{x1:.1f},{y1:.1f} Q{cx:.1f},{cy:.1f} {x2:.1f},{y2:.1f}" '
            f'stroke-width="{_edge_width(d["weight"], top):.2f}"><title>{title}</title></path>'
        )
    parts.append('</g><g class="weights">')
    for index, (u, v, d) in enumerate(edges):
        mx, my = _xy(lay.labels[(u, v)])
        parts.append(
            f'<g class="weight" data-edge="{index}" data-a="{html.escape(u)}" data-b="{html.escape(v)}">'
            f'<rect x="{mx - 11:.1f}" y="{my - 9:.1f}" width="22" height="18" rx="5"/>'
            f'<text x="{mx:.1f}" y="{my + 4.5:.1f}">{fmt_weight(d["weight"])}</text></g>'
        )
    parts.append('</g><g class="nodes">')
    for node in g.nodes:
        attrs = g.nodes[node]
        x, y = _xy(lay.positions[node])
        r = lay.radius[node] * _SCALE
        angle = lay.angles[node]
        lx, ly = _xy(((1 + (r + 14) / _SCALE) * math.cos(angle), (1 + (r + 14) / _SCALE) * math.sin(angle)))
        anchor = "start" if math.cos(angle) > 0.25 else "end" if math.cos(angle) < -0.25 else "middle"
        dy = -8 if math.sin(angle) > 0.5 else 14 if math.sin(angle) < -0.5 else 4
        parts.append(
            f'<g class="node" tabindex="0" data-id="{html.escape(node)}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{lay.colour[node]}"/>'
            f'<text class="notation" x="{x:.1f}" y="{y + 5:.1f}">{html.escape(attrs["notation"])}</text>'
            f'<text class="name" x="{lx:.1f}" y="{ly + dy:.1f}" text-anchor="{anchor}">'
            f"{html.escape(attrs['label'])}</text>"
            f"<title>{html.escape(attrs['title'])}: {html.escape(attrs['statement'])}</title></g>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def _page_data(g: nx.Graph) -> dict:
    edges = []
    for u, v, d in ranked_pairs(g):
        shared = {}
        for name in _layer_names(g):
            strengths = d.get(f"shared_{name}_strengths") or [""] * len(d[f"shared_{name}"])
            shared[name] = [
                {"iri": i, "label": lab, "strength": st}
                for i, lab, st in zip(d[f"shared_{name}_iris"], d[f"shared_{name}"], strengths, strict=True)
            ]
        edges.append(
            {
                "a": u,
                "b": v,
                "weight": d["weight"],
                "text": fmt_weight(d["weight"]),
                "related": related_only(g, d),
                "shared": shared,
            }
        )
    nodes = {
        n: {
            k: a[k]
            for k in ("iri", "notation", "label", "title", "statement", "kind_label", "weighted_degree", "community")
        }
        for n, a in g.nodes(data=True)
    }
    for n, a in g.nodes(data=True):
        nodes[n]["weighted_degree_text"] = fmt_weight(a["weighted_degree"])
    return {"layers": {n: LAYERS[n].noun for n in _layer_names(g)}, "nodes": nodes, "edges": edges}


_STYLE = """
body{font-family:"DejaVu Sans",system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff}
header{padding:14px 24px 4px}h1{font-size:1.35rem;margin:0 0 4px}header p{margin:2px 0;color:#444}
main{display:flex;flex-wrap:wrap;align-items:flex-start;gap:12px;padding:0 16px 16px}
#graph{flex:1 1 660px;max-width:980px;height:auto}
aside{flex:1 1 300px;max-width:480px;max-height:92vh;overflow:auto;position:sticky;top:0;
 border-left:3px solid #ddd;padding:4px 14px;font-size:.93rem}
aside h2{font-size:1.05rem;margin:.4em 0}aside h3{font-size:.95rem;margin:.8em 0 .2em}
aside ul{margin:.2em 0;padding-left:1.2em}
.edge{fill:none;stroke:#4d4d4d;stroke-opacity:.5;stroke-linecap:round;cursor:pointer}
.edge.related{stroke-dasharray:7 5;stroke-linecap:butt}
.weight{cursor:pointer}.weight rect{fill:#fff;stroke:#999;stroke-width:.8}
.weight text{font-size:12px;text-anchor:middle;fill:#222}
.node{cursor:pointer}.node circle{stroke:#fff;stroke-width:3}.node .notation{fill:#fff;font-weight:bold;
font-size:14px;text-anchor:middle;pointer-events:none}.node .name{font-size:16px;fill:#111}
.node:focus{outline:none}.node:focus circle{stroke:#222}
svg.focus .edge{stroke-opacity:.08}svg.focus .weight{opacity:.15}svg.focus .node{opacity:.35}
svg.focus .edge.on{stroke:#222;stroke-opacity:.85}svg.focus .weight.on,svg.focus .node.on{opacity:1}
.legend span{display:inline-block;width:12px;height:12px;border-radius:50%;margin:0 4px 0 12px;vertical-align:-1px}
table{border-collapse:collapse;margin:8px 24px 24px;font-size:.9rem}th,td{padding:3px 10px;text-align:left;
border-bottom:1px solid #e3e3e3}td.n{text-align:right}
"""

_SCRIPT = """
(function(){
var data=JSON.parse(document.getElementById('goal-graph-data').textContent);
var svg=document.getElementById('graph'),panel=document.getElementById('details'),pinned=null;
var ENTITIES={'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'};
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return ENTITIES[c];});}
function items(e){var h='';for(var layer in data.layers){var list=e.shared[layer];if(!list.length)continue;
 h+='<p><b>'+esc(data.layers[layer])+'</b> ('+list.length+')</p><ul>';
 list.forEach(function(it){h+='<li title="'+esc(it.iri)+'">'+esc(it.label)+(it.strength?' ('+esc(it.strength)+')':'')
  +'</li>';});h+='</ul>';}return h;}
function mark(test){svg.classList.add('focus');svg.querySelectorAll('.edge,.weight').forEach(function(el){
 el.classList.toggle('on',test(el.dataset.a,el.dataset.b));});}
function showNode(id){var n=data.nodes[id],near=data.edges.filter(function(e){return e.a===id||e.b===id;});
 mark(function(a,b){return a===id||b===id;});svg.querySelectorAll('.node').forEach(function(el){var o=el.dataset.id;
 el.classList.toggle('on',o===id||near.some(function(e){return e.a===o||e.b===o;}));});
 var h='<h2>'+esc(n.title)+'</h2><p>'+esc(n.statement)+'</p>'
  +'<p>'+esc(n.kind_label)+' · viktad grad '+esc(n.weighted_degree_text)+'</p>';
 if(!near.length)h+='<p>Delar inget med andra mål i det här lagret.</p>';
 near.forEach(function(e){var o=e.a===id?e.b:e.a;h+='<h3>'+esc(data.nodes[o].title)+' ('+e.text+')</h3>'+items(e);});
 panel.innerHTML=h;}
function showEdge(i){var e=data.edges[i];mark(function(a,b){return a===e.a&&b===e.b;});
 svg.querySelectorAll('.node').forEach(function(el){el.classList.toggle('on',el.dataset.id===e.a||el.dataset.id===e.b);});
 panel.innerHTML='<h2>'+esc(data.nodes[e.a].title)+' – '+esc(data.nodes[e.b].title)+'</h2>'
  +'<p>Vikt '+e.text+(e.related?' (bara närliggande åtaganden)':'')+'</p>'+items(e);}
function reset(){svg.classList.remove('focus');panel.innerHTML=panel.dataset.intro;}
panel.dataset.intro=panel.innerHTML;
svg.querySelectorAll('.node').forEach(function(el){var id=el.dataset.id;
 el.addEventListener('mouseenter',function(){if(pinned===null)showNode(id);});
 el.addEventListener('mouseleave',function(){if(pinned===null)reset();});
 el.addEventListener('click',function(ev){ev.stopPropagation();pinned=id;showNode(id);});
 el.addEventListener('keydown',function(ev){
  if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();pinned=id;showNode(id);}});});
svg.querySelectorAll('.edge,.weight').forEach(function(el){el.addEventListener('click',function(ev){
 ev.stopPropagation();pinned='edge';showEdge(+el.dataset.edge);});});
document.addEventListener('click',function(){pinned=null;reset();});
document.addEventListener('keydown',function(ev){if(ev.key==='Escape'){pinned=null;reset();}});
})();
"""


def write_html(g: nx.Graph) -> bytes:
    """A standalone page: the graph as inline SVG; hovering or clicking a goal lists what it shares, and with whom."""
    lay = layout(g)
    data = json.dumps(_page_data(g), ensure_ascii=False).replace("</", "<\\/")
    legend = "".join(
        f'<span style="background:{KIND_COLOURS[i]}"></span>{html.escape(label or kind)}'
        for i, (kind, label) in enumerate(lay.kinds)
    )
    rows = "".join(
        f"<tr><td>{html.escape(a['title'])}</td><td>{html.escape(a['kind_label'])}</td>"
        f"<td class=n>{fmt_weight(a['weighted_degree'])}</td><td class=n>{a['degree']}</td>"
        f"<td class=n>{a['betweenness']:.3f}</td>"
        f"<td class=n>{a['eigenvector']:.3f}</td><td class=n>{a['community']}</td>"
        f"<td>{html.escape(partners_text(g, n))}</td></tr>"
        for n in ranked_goals(g)
        for a in [g.nodes[n]]
    )
    intro = (
        f"<h2>Välj ett mål</h2><p>För musen över ett mål, eller klicka på det, för att se vilka mål det delar "
        f"{html.escape(_unit(g))} med och vilka det är. Klicka på en linje för att se vad två mål delar. "
        f"Esc eller ett klick utanför återställer.</p>"
    )
    dash_note = (
        " Streckad linje: målen har bara närliggande åtaganden."
        if any(related_only(g, d) for *_e, d in g.edges(data=True))
        else ""
    )
    page = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(g.graph["title"])}</title><style>{_STYLE}</style></head>
<body><header><h1>{html.escape(g.graph["title"])}</h1><p>{html.escape(_subtitle(g))}</p>
<p>Linjens tjocklek och talet på den: {html.escape(_unit(g))}. Cirkelns storlek: målets viktade grad.{dash_note}</p>
<p>{html.escape(" ".join(_tier_legend(g)))}</p>
<p class="legend">{legend}</p></header>
<main>{_svg(g, lay)}<aside id="details" aria-live="polite">{intro}</aside></main>
<table><caption>Mål efter viktad grad</caption><thead><tr><th>Mål</th><th>Målslag</th><th>Viktad grad</th>
<th>Grannar</th><th>Mellanhet</th><th>Egenvektor</th><th>Grupp</th><th>Delar mest med</th></tr></thead>
<tbody>{rows}</tbody></table>
<script type="application/json" id="goal-graph-data">{data}</script>
<script>{_SCRIPT}</script>
</body></html>
"""
    return page.encode("utf-8")


EXPORT_FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("text", "text/plain; charset=utf-8", "txt", False, write_text),
        ExportFormat("graphml", "application/graphml+xml", "graphml", False, write_graphml),
        ExportFormat("gexf", "application/gexf+xml", "gexf", False, write_gexf),
        ExportFormat("json", "application/json", "json", False, write_json),
        ExportFormat("csv", "text/csv; charset=utf-8", "csv", False, write_csv),
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
    """The export format a file name's extension implies, if any."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return next((f.name for f in EXPORT_FORMATS.values() if f.extension == suffix), None)
