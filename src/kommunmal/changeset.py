"""A `Comparison` as RDF: a kmc:ChangeSet (ontology/changes.ttl) derived from the two goal documents it compares.

IRIs: {base}id/changes/{from-name}--{to-name} for the set (names as "ostersund-2023"), and /{n} after it for
its n-th change. Every change gives its kind, the goal or action before and after, the rule that paired them,
the similarity of the statements and, for reworded statements and texts, the old and new values and a word diff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from kommunmal.word_diff import diff_string

if TYPE_CHECKING:
    from kommunmal.compare import Comparison, Document
    from kommunmal.word_diff import WordOp

ACTION_KINDS = {"kept": "unchanged", "reworded": "reworded", "new": "added", "dropped": "removed", "unknown": "unknown"}
RULES = {
    "notation": "byNotation",
    "short-name": "byShortName",
    "similarity": "bySimilarity",
    "iri-name": "byIdentifier",
}


def _slug(doc: Document) -> str:
    return doc.name.replace("/", "-") if doc.slug and doc.year else doc.iri.rstrip("/").rsplit("/", 2)[-2]


def change_set(comparison: Comparison, base_iri: str) -> Graph:
    """The change set graph; prefixes kmc, km, prov, skos bound. Base IRI as in Settings.base_iri."""
    kmc = Namespace(base_iri + "def/changes#")
    km = Namespace(base_iri + "def/kommunmal#")
    g = Graph()
    for prefix, ns in (("kmc", kmc), ("km", km), ("prov", PROV), ("skos", SKOS), ("dct", DCTERMS)):
        g.bind(prefix, ns)
    before, after = comparison.before, comparison.after
    cs = URIRef(f"{base_iri}id/changes/{_slug(before)}--{_slug(after)}")
    g.add((cs, RDF.type, kmc.ChangeSet))
    g.add((cs, RDFS.label, Literal(f"Ändringar från {before.title} till {after.title}", lang="sv")))
    g.add((cs, kmc.fromDocument, URIRef(before.iri)))
    g.add((cs, kmc.toDocument, URIRef(after.iri)))
    g.add((cs, kmc.matchRule, Literal(comparison.rule, lang="sv")))
    for doc in (before, after):
        g.add((URIRef(doc.iri), kmc.coverage, kmc[doc.coverage]))
    n = 0

    def change(kind: str, old: str | None, new: str | None) -> URIRef:
        nonlocal n
        n += 1
        c = URIRef(f"{cs}/{n}")
        g.add((cs, kmc.change, c))
        g.add((c, RDF.type, kmc.Change))
        g.add((c, kmc.changeKind, kmc[kind]))
        if old:
            g.add((c, kmc.before, URIRef(old)))
        if new:
            g.add((c, kmc.after, URIRef(new)))
        return c

    def values(c: URIRef, prop: URIRef, old: str, new: str, ops: list[WordOp]) -> None:
        g.add((c, kmc.property, prop))
        g.add((c, kmc.oldValue, Literal(old, lang="sv")))
        g.add((c, kmc.newValue, Literal(new, lang="sv")))
        g.add((c, kmc.wordDiff, Literal(diff_string(ops))))

    for gc in comparison.goals:
        a, b = gc.before, gc.after
        for kind in gc.kinds:
            c = change(kind, a.iri if a else None, b.iri if b else None)
            if gc.matched_by:
                g.add((c, kmc.matchedBy, kmc[RULES[gc.matched_by]]))
                g.add((c, kmc.similarity, Literal(f"{gc.similarity:.3f}", datatype=XSD.decimal)))
            if kind == "reworded" and a and b:
                values(c, km.statement, a.statement, b.statement, gc.statement_diff)
            elif kind == "renamed" and a and b:
                g.add((c, kmc.property, SKOS.prefLabel))
                g.add((c, kmc.oldValue, Literal(a.label, lang="sv")))
                g.add((c, kmc.newValue, Literal(b.label, lang="sv")))
        if gc.text_changed and a and b and gc.text_diff is not None:
            c = change("reworded", a.iri, b.iri)
            values(c, km.text, a.text, b.text, gc.text_diff)
    for ac in comparison.actions:
        c = change(ACTION_KINDS[ac.kind], ac.before.iri if ac.before else None, ac.after.iri if ac.after else None)
        if ac.matched_by:
            g.add((c, kmc.matchedBy, kmc[RULES[ac.matched_by]]))
            g.add((c, kmc.similarity, Literal(f"{ac.similarity:.3f}", datatype=XSD.decimal)))
    return g
