"""The IRIs, namespaces and Turtle form of a draft: minted as in data/ostersund/2024/, written relative to the base."""

from __future__ import annotations

import re

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, ORG, PROV, SKOS

from kommunmal.ingest.model import ParsedDocument, ParsedGoal, Span

SPDX = Namespace("http://spdx.org/rdf/terms#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
CV = Namespace("http://data.europa.eu/m8g/")
SWE = URIRef("http://publications.europa.eu/resource/authority/language/SWE")
_DEBRIS = re.compile(r"\s{2,}")


class Minter:
    """The IRIs of one goal document under a base IRI."""

    def __init__(self, base: str, slug: str, year: int) -> None:
        self.base = base
        self.km = Namespace(base + "def/kommunmal#")
        self.org = URIRef(f"{base}id/{slug}")
        self.orgs = Namespace(f"{base}id/{slug}/org/")
        self.doc = Namespace(f"{base}id/{slug}/budget-{year}/")
        self.goal = Namespace(self.doc + "goal/")
        self.text = Namespace(self.doc + "text/")
        self.para = Namespace(self.doc + "paragraph/")
        self.span = Namespace(self.doc + "source/")
        self.action = Namespace(self.doc + "action/")
        self.stmt = Namespace(self.doc + "statement/")
        self.link = Namespace(self.doc + "link/")
        self.review = Namespace(self.doc + "review/")

    def bind(self, graph: Graph) -> Graph:
        for prefix, ns in (
            ("km", self.km),
            ("doc", self.doc),
            ("goal", self.goal),
            ("text", self.text),
            ("para", self.para),
            ("span", self.span),
            ("action", self.action),
            ("stmt", self.stmt),
            ("link", self.link),
            ("review", self.review),
            ("org", ORG),
            ("orgs", self.orgs),
            ("sdg", Namespace("http://metadata.un.org/sdg/")),
            ("prov", PROV),
            ("dct", DCTERMS),
            ("dcat", DCAT),
            ("skos", SKOS),
            ("spdx", SPDX),
            ("adms", ADMS),
            ("cv", CV),
        ):
            graph.bind(prefix, ns, override=True)
        return graph


def notation_of(goal: ParsedGoal, index: int) -> str:
    """The goal's notation in the form the shapes accept ("2:3" → "2.3"); its place in the document otherwise."""
    cleaned = re.sub(r"[:]", ".", goal.notation.strip()).strip(".")
    return cleaned if re.fullmatch(r"[0-9]+(\.[0-9]+)*", cleaned) else str(index)


def serialize(graph: Graph, base: str, header: str = "") -> str:
    """Turtle with every IRI under `base` written relative to it (as the files under data/ are)."""
    text = graph.serialize(format="turtle")
    text = text.replace(f"<{base}", "<")
    head = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return head + text


def ocr_text(doc: ParsedDocument, span: Span) -> str:
    return "\n".join(doc.lines[span.start - 1 : span.end])


def clean(text: str) -> str:
    """Whitespace collapsed to single spaces (the shapes reject double spaces); nothing else is changed."""
    return _DEBRIS.sub(" ", text).strip()
