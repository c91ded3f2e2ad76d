"""The vocabulary page: the terms of the km: vocabulary in sections, each sorted by Swedish label in Swedish
order, and a class diagram (boxes with their object properties, arrows for subclasses) drawn as SVG."""

from __future__ import annotations

from typing import Any

from markupsafe import escape
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kommunmal.views.swedish import sort_key

SECTIONS = (
    ("klasser", "Klasser", OWL.Class),
    ("objektegenskaper", "Objektegenskaper", OWL.ObjectProperty),
    ("dataegenskaper", "Dataegenskaper", OWL.DatatypeProperty),
    ("datatyper", "Datatyper", RDFS.Datatype),
    ("begreppsscheman", "Begreppsscheman", SKOS.ConceptScheme),
    ("begrepp", "Begrepp", SKOS.Concept),
)


def _text(graph: Graph, s: Any, p: URIRef, lang: str) -> str:
    for o in graph.objects(s, p):
        if isinstance(o, Literal) and o.language == lang:
            return str(o)
    return ""


def build(graph: Graph, ontology: str, vocab: str) -> dict[str, Any]:
    """`header` (titles, description, version, licence), `sections` [{id, title, terms}] with each term's name,
    Swedish/English label and definition, types, super-terms, domain, range and scheme, sorted by Swedish
    label; `labels` (term IRI -> Swedish label) and `diagram` (classes with their object properties)."""
    onto = URIRef(ontology)

    def term(s: URIRef) -> dict[str, Any]:
        return {
            "iri": s,
            "name": str(s)[len(vocab) :],
            "sv": _text(graph, s, RDFS.label, "sv") or _text(graph, s, SKOS.prefLabel, "sv"),
            "en": _text(graph, s, RDFS.label, "en") or _text(graph, s, SKOS.prefLabel, "en"),
            "def_sv": _text(graph, s, SKOS.definition, "sv"),
            "def_en": _text(graph, s, SKOS.definition, "en"),
            "types": sorted(graph.objects(s, RDF.type), key=str),
            "super": sorted(graph.objects(s, RDFS.subClassOf), key=str)
            + sorted(graph.objects(s, RDFS.subPropertyOf), key=str),
            "domain": sorted(graph.objects(s, RDFS.domain), key=str),
            "range": sorted(graph.objects(s, RDFS.range), key=str),
            "scheme": sorted(graph.objects(s, SKOS.inScheme), key=str),
        }

    terms = {s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(vocab)}
    sections: dict[str, dict[str, Any]] = {sid: {"id": sid, "title": t, "terms": []} for sid, t, _ in SECTIONS}
    sections["ovrigt"] = {"id": "ovrigt", "title": "Övrigt", "terms": []}
    for s in terms:
        types = set(graph.objects(s, RDF.type))
        sid = next((sid for sid, _, cls in SECTIONS if cls in types), "ovrigt")
        sections[sid]["terms"].append(term(s))
    for section in sections.values():
        section["terms"].sort(key=lambda t: sort_key(t["sv"] or t["name"]))
    header = {
        "title_sv": _text(graph, onto, DCTERMS.title, "sv"),
        "title_en": _text(graph, onto, DCTERMS.title, "en"),
        "description_sv": _text(graph, onto, DCTERMS.description, "sv"),
        "description_en": _text(graph, onto, DCTERMS.description, "en"),
        "version": next(iter(graph.objects(onto, OWL.versionInfo)), ""),
        "version_iri": next(iter(graph.objects(onto, OWL.versionIRI)), ""),
        "modified": next(iter(graph.objects(onto, DCTERMS.modified)), ""),
        "license": next(iter(graph.objects(onto, DCTERMS.license)), ""),
    }
    labels = {t["iri"]: t["sv"] for s in sections.values() for t in s["terms"]}
    classes = sections["klasser"]["terms"]
    diagram = [
        {
            "name": c["name"],
            "label": c["sv"] or c["name"],
            "super": [labels.get(s) or str(s)[len(vocab) :] for s in c["super"] if str(s).startswith(vocab)],
            "properties": sorted(
                (
                    (p["sv"] or p["name"], labels.get(r) or str(r).rsplit("#", 1)[-1].rsplit("/", 1)[-1])
                    for p in sections["objektegenskaper"]["terms"]
                    if c["iri"] in p["domain"]
                    for r in (p["range"] or [URIRef("")])
                ),
                key=lambda pr: sort_key(pr[0]),
            ),
        }
        for c in classes
    ]
    return {
        "header": header,
        "ontology": onto,
        "vocab": vocab,
        "sections": [s for s in sections.values() if s["terms"]],
        "labels": labels,
        "diagram": diagram,
    }


BOX_W, LINE_H, PAD, COLS, GAP = 300, 18, 10, 3, 24


def diagram_svg(classes: list[dict[str, Any]], href: str = "#") -> str:
    """The classes as an SVG class diagram: one box per class (name, "är en" super-classes, then each object
    property as "egenskap → klass"), laid out in columns; each box links to the term on the page."""
    boxes, heights = [], []
    for c in classes:
        lines = [("title", c["label"])]
        lines += [("super", f"är en {s}") for s in c["super"]]
        lines += [("prop", f"{p} → {r}" if r else p) for p, r in c["properties"]]
        boxes.append((c, lines))
        heights.append(PAD * 2 + LINE_H * len(lines))
    col_y = [0] * COLS
    parts = []
    for (c, lines), h in zip(boxes, heights, strict=True):
        col = col_y.index(min(col_y))
        x, y = col * (BOX_W + GAP), col_y[col]
        col_y[col] += h + GAP
        text = []
        for i, (kind, line) in enumerate(lines):
            cls = {"title": "t", "super": "s", "prop": "p"}[kind]
            text.append(f'<text class="{cls}" x="{x + PAD}" y="{y + PAD + LINE_H * (i + 1) - 4}">{escape(line)}</text>')
        parts.append(
            f'<a href="{escape(href)}{escape(c["name"])}"><rect x="{x}" y="{y}" width="{BOX_W}" height="{h}" rx="6"/>'
            + "".join(text)
            + "</a>"
        )
    width, height = COLS * BOX_W + (COLS - 1) * GAP, max(col_y, default=0)
    return (
        f'<svg class="class-diagram" viewBox="0 0 {width} {height}" role="group" '
        f'aria-labelledby="diagram-title" xmlns="http://www.w3.org/2000/svg"><title id="diagram-title">'
        f"Vokabulärens {len(classes)} klasser med sina objektegenskaper</title>" + "".join(parts) + "</svg>"
    )
