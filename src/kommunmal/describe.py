"""The description of one resource from the store: its triples, inbound links and the labels of its neighbours.

Pages render it; the linked-data documents serialise `Description.graph()`, which carries enough labels for a
client to show the resource without fetching anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, VOID
from rdflib.term import Node

from kommunmal.sparql_source import query_text, with_values
from kommunmal.store import Store

# Predicates that name a resource, most preferred first.
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCTERMS.title, FOAF.name, SKOS.notation)
Triple = tuple[Node, Node, Node]


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(datatype))


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode:
    return ox.BlankNode(str(term)) if isinstance(term, BNode) else ox.NamedNode(str(term))


@dataclass
class Description:
    """What the store says about `iri`: outbound triples (with blank nodes closed), inbound links, labels."""

    iri: URIRef
    triples: list[Triple] = field(default_factory=list)
    inbound: list[Triple] = field(default_factory=list)
    labels: dict[URIRef, dict[str, str]] = field(default_factory=dict)
    label_triples: list[Triple] = field(default_factory=list)

    @property
    def exists(self) -> bool:
        return bool(self.triples or self.inbound)

    @property
    def types(self) -> list[URIRef]:
        return sorted(o for s, p, o in self.triples if s == self.iri and p == RDF.type)

    def values(self, predicate: URIRef, subject: Node | None = None) -> list[Node]:
        subject = self.iri if subject is None else subject
        return [o for s, p, o in self.triples if s == subject and p == predicate]

    def value(self, predicate: URIRef, lang: str | None = None) -> Node | None:
        """One value: the one in `lang` when there is one, else the first."""
        found = self.values(predicate)
        for v in found:
            if lang and isinstance(v, Literal) and v.language == lang:
                return v
        return found[0] if found else None

    def label(self, iri: Node, lang: str = "sv") -> str | None:
        """The label of `iri` in `lang`, else in any language; None when it has none."""
        names = self.labels.get(iri, {})  # type: ignore[call-overload]
        return names.get(lang) or names.get("") or next(iter(names.values()), None)

    def graph(self, document: str, dataset: str) -> Graph:
        """The RDF document about the resource: its triples, inbound links, neighbour labels, document metadata."""
        g = Graph()
        for triple in self.triples:
            g.add(triple)
        for triple in self.inbound:
            g.add(triple)
        for triple in self.label_triples:
            g.add(triple)
        doc = URIRef(document)
        g.add((doc, RDF.type, FOAF.Document))
        g.add((doc, FOAF.primaryTopic, self.iri))
        g.add((doc, VOID.inDataset, URIRef(dataset)))
        return g


def describe(store: Store, iri: str) -> Description:
    """Everything the store says about `iri` as subject (blank nodes followed) and as object."""
    d = Description(URIRef(iri))
    node = ox.NamedNode(iri)
    seen: set[Triple] = set()
    todo: list[ox.NamedNode | ox.BlankNode] = [node]
    visited: set[str] = set()
    while todo:
        subject = todo.pop()
        if str(subject) in visited:
            continue
        visited.add(str(subject))
        for q in store.oxigraph.quads_for_pattern(subject, None, None):
            triple = (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))
            if triple not in seen:
                seen.add(triple)
                d.triples.append(triple)
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
    inbound: set[Triple] = set()
    for q in store.oxigraph.quads_for_pattern(None, None, node):
        inbound.add((to_rdflib(q.subject), to_rdflib(q.predicate), d.iri))
    d.inbound = sorted(inbound)
    d.triples.sort(key=lambda t: (t[0] != d.iri, str(t[1]), str(t[2])))
    neighbours = {t for triple in d.triples for t in triple if isinstance(t, URIRef)}
    neighbours |= {s for s, p, _ in d.inbound} | {p for _, p, _ in d.inbound}
    d.labels, d.label_triples = labels(store, neighbours)
    return d


def labels(store: Store, iris: Iterable[Node]) -> tuple[dict[URIRef, dict[str, str]], list[Triple]]:
    """The best label per language of each IRI (prefLabel, then rdfs:label, dct:title, foaf:name, notation),
    and the triples that state them."""
    wanted = sorted({str(i) for i in iris if isinstance(i, URIRef)})
    found: dict[URIRef, dict[str, str]] = {}
    triples: dict[tuple[URIRef, str], Triple] = {}
    rank: dict[tuple[URIRef, str], int] = {}
    text = query_text("label_triples", "urn:x-kommunmal:")
    for start in range(0, len(wanted), 500):
        values = " ".join(f"<{i}>" for i in wanted[start : start + 500])
        for row in store.query(with_values(text, f"VALUES ?s {{ {values} }}")):
            o = row["o"]
            if not isinstance(o, ox.Literal):
                continue
            s, lang = URIRef(row["s"].value), o.language or ""
            r = LABEL_PREDICATES.index(URIRef(row["p"].value))
            if r < rank.get((s, lang), len(LABEL_PREDICATES)):
                rank[(s, lang)] = r
                found.setdefault(s, {})[lang] = o.value
                triples[(s, lang)] = (s, LABEL_PREDICATES[r], to_rdflib(o))
    return found, list(triples.values())


def graph_contents(store: Store, graph: str) -> Graph:
    """One named graph of the store as an rdflib Graph."""
    g = Graph()
    for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
        g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return g


def exists(store: Store, iri: str) -> bool:
    """Whether the store mentions `iri` as a subject or an object."""
    node = ox.NamedNode(iri)
    return any(True for _ in store.oxigraph.quads_for_pattern(node, None, None)) or any(
        True for _ in store.oxigraph.quads_for_pattern(None, None, node)
    )
