"""The goal graph as a picture (PNG, SVG) and the circular layout the picture and the HTML page share.

The goals on a circle, each goal kind (the three cross-cutting goals, the five core-service goals) in its own arc
and colour; edges as curves whose width follows the weight, dashed for pairs joined only by related commitments.
"""

from __future__ import annotations

import io
import math
import textwrap
from dataclasses import dataclass

from kommunmal.analysis import ranked_pairs
from kommunmal.lazy import lazy_import
from kommunmal.network_export import (
    EDGE_COLOUR,
    FONT,
    KIND_COLOURS,
    RELATED_DASH,
    fmt_weight,
    related_only,
    subtitle,
    unit,
)

nx = lazy_import("networkx")

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
    key = f"Linjens tjocklek och talet på den: {unit(g)}. Cirkelns storlek: målets viktade grad."
    if any(related_only(g, d) for *_e, d in edges):
        key += " Streckad linje: bara närliggande åtaganden."
    bottom = _heading(fig, [(g.graph["title"], 17, "bold"), (subtitle(g), 12, "normal"), (key, 10.5, "normal")])
    ax.set_position((0.02, 0.1, 0.96, min(0.76, bottom - 0.01 - 0.1)))
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
        ax.text(0, 0, f"Inga {unit(g)}", ha="center", va="center", fontsize=13, fontfamily=FONT, color="#666")
    return fig


HEADING_TOP = 0.975  # figure fraction
HEADING_MARGIN = 0.03  # figure fraction left free at each side
MIN_FONT = 8.0


def _heading(fig, lines: list[tuple[str, float, str]]) -> float:
    """Write the heading lines (text, font size in points, weight) centred from the top down, each wrapped to the
    figure's width less the margins, and at most two lines, its font shrunk (not below MIN_FONT) until it fits.
    Returns the figure fraction where the heading ends. Measured with the Agg renderer: the same text metrics as the
    PNG and SVG writers."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    room = fig.get_figwidth() * fig.dpi * (1 - 2 * HEADING_MARGIN)
    y = HEADING_TOP
    for text, size, weight in lines:
        if not text:
            continue
        colour = "black" if weight == "bold" else "#333"
        label = fig.text(0.5, y, text, ha="center", va="top", fontweight=weight, fontfamily=FONT, color=colour)
        for font in (size, size * 0.9, size * 0.8, max(MIN_FONT, size * 0.7)):
            label.set_fontsize(font)
            if _fit(label, text, room, renderer):
                break
        y -= label.get_window_extent(renderer).height / (fig.get_figheight() * fig.dpi) + 0.008
    return y


def _fit(label, text: str, room: float, renderer) -> bool:
    """Set `label`'s text to `text` on one line or else on two, split at the space that makes the longer line
    shortest, and say whether it is then at most `room` pixels wide at the label's font size."""
    label.set_text(text)
    if label.get_window_extent(renderer).width <= room:
        return True
    spaces = [i for i, char in enumerate(text) if char == " "]
    if spaces:
        cut = min(spaces, key=lambda i: max(i, len(text) - i - 1))
        label.set_text(text[:cut] + "\n" + text[cut + 1 :])
    return label.get_window_extent(renderer).width <= room


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


def save(g: nx.Graph, fmt: str) -> bytes:
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
