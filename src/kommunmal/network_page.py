"""The goal graph as a standalone interactive HTML page: inline SVG, the data as JSON, no external resources."""

from __future__ import annotations

import html
import json
import math

from kommunmal.analysis import LAYERS, ranked_goals, ranked_pairs
from kommunmal.lazy import lazy_import
from kommunmal.network_export import (
    KIND_COLOURS,
    fmt_measure,
    fmt_weight,
    layer_names,
    partners_text,
    related_only,
    subtitle,
    tier_legend,
    unit,
)
from kommunmal.network_picture import Layout, _edge_width, layout

nx = lazy_import("networkx")

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
        for name in layer_names(g):
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
    return {"layers": {n: LAYERS[n].noun for n in layer_names(g)}, "nodes": nodes, "edges": edges}


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
        f"<td class=n>{fmt_measure(a['betweenness'])}</td>"
        f"<td class=n>{fmt_measure(a['eigenvector'])}</td><td class=n>{a['community']}</td>"
        f"<td>{html.escape(partners_text(g, n))}</td></tr>"
        for n in ranked_goals(g)
        for a in [g.nodes[n]]
    )
    intro = (
        f"<h2>Välj ett mål</h2><p>För musen över ett mål, eller klicka på det, för att se vilka mål det delar "
        f"{html.escape(unit(g))} med och vilka det är. Klicka på en linje för att se vad två mål delar. "
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
<body><header><h1>{html.escape(g.graph["title"])}</h1><p>{html.escape(subtitle(g))}</p>
<p>Linjens tjocklek och talet på den: {html.escape(unit(g))}. Cirkelns storlek: målets viktade grad.{dash_note}</p>
<p>{html.escape(" ".join(tier_legend(g)))}</p>
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
