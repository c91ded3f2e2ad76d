"""Checks of the data's terms that no shape makes: literals that are no value of their XSD datatype
(`kommunmal.typed_literals`) and properties or classes under the base IRI outside every vocabulary namespace
(`kommunmal.vocabulary_space`, a misspelled `@prefix km:` line), as validation Results naming file and line.

`validation.validate` runs them on rdflib graphs; a national build's unit validation (`unit_results`) on the unit's
Oxigraph quads and N-Quads text, looking at the quads only when the text shows a candidate, so that a clean unit costs
two scans of its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from kommunmal.typed_literals import ill_typed, is_ill_typed_text, literal_messages
from kommunmal.validation import Result, _where, display_path, term_violation
from kommunmal.vocabulary_space import namespace_of, stray_terms

XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPED = b'"^^<' + XSD.encode()  # where an XSD-typed literal's text ends in N-Quads


def ill_typed_results(graphs: Iterable[tuple[Path, Graph]], base_iri: str) -> list[Result]:
    """A Violation for each literal of `graphs` ((file, graph) pairs) whose text is no value of its XSD datatype,
    about its subject, naming the file and the line that writes the text."""
    return [
        Result(
            focus=str(subject),
            path=str(predicate),
            severity="Violation",
            messages=literal_messages(literal),
            value=str(literal),
            shape=None,
            files=(f"{display_path(path)}:{line}" if line else _where(path, str(subject), base_iri),),
        )
        for path, subject, predicate, literal, line in ill_typed(graphs)
    ]


def stray_term_results(
    graphs: Iterable[tuple[Path, Graph]], base_iri: str, namespaces: tuple[str, ...], defined: frozenset[str]
) -> list[Result]:
    """A Violation for each property or class under `base_iri` that `graphs` use and that lies outside the
    vocabulary's `namespaces` (`vocabulary_space.stray_terms`), naming every file and line and the nearest term."""
    results = []
    for term, (paths, near) in stray_terms(graphs, base_iri, namespaces, defined).items():
        sv, en = f"; menade du <{near}>?" if near else "", f"; did you mean <{near}>?" if near else ""
        namespace = namespace_of(term)
        sv = f"Okänd term: {namespace} är ingen av vokabulärens namnrymder; rätta @prefix-raden{sv}"
        en = f"Unknown term: {namespace} is no namespace of the vocabulary; correct the @prefix line{en}"
        results.append(term_violation(term, sv, en, paths, base_iri))
    return results


def unit_results(
    quads: list[ox.Quad],
    nquads: bytes,
    paths: dict[str, Path],
    base_iri: str,
    namespaces: tuple[str, ...],
    defined: frozenset[str],
) -> list[Result]:
    """`ill_typed_results` and `stray_term_results` of one unit of a national build: `quads` in their named graphs,
    `nquads` their text, `paths` {graph IRI: file}. The quads are looked at only when the text holds a typed literal
    that is no value of its type, or an IRI under `base_iri` that is neither defined nor an instance's (id/) or a
    graph's (graph/)."""
    ill = any(is_ill_typed_text(_unescape(text), XSD + name) for text, name in _typed_literals(nquads))
    outside = rb"<(" + re.escape(base_iri.encode()) + rb"(?!id/|graph/)[^>]*)>"  # not an instance's or a graph's
    stray = base_iri and any(
        iri not in defined and not iri.startswith(namespaces)
        for iri in {m.decode() for m in re.findall(outside, nquads)}
    )
    if not ill and not stray:
        return []
    graphs: dict[str, Graph] = {}
    for q in quads:
        graphs.setdefault(q.graph_name.value, Graph()).add(
            (_rdflib(q.subject), URIRef(q.predicate.value), _rdflib(q.object))
        )
    pairs = [(paths[name], graph) for name, graph in graphs.items()]
    results = ill_typed_results(pairs, base_iri) if ill else []
    return results + (stray_term_results(pairs, base_iri, namespaces, defined) if stray else [])


def _rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    datatype = None if term.language else URIRef(term.datatype.value)
    return Literal(term.value, lang=term.language, datatype=datatype)


def _typed_literals(nquads: bytes) -> set[tuple[bytes, str]]:
    """(text as written, XSD datatype's local name) of each XSD-typed literal in `nquads`. Found from the end of the
    literal back to its opening quote: a regular expression over the whole text cost as much as the SHACL engine."""
    found = set()
    at = nquads.find(_TYPED)
    while at >= 0:
        start = nquads.rfind(b'"', 0, at)
        while start > 0 and nquads[start - 1 : start] == b"\\":  # an escaped quote inside the text
            start = nquads.rfind(b'"', 0, start - 1)
        end = nquads.find(b">", at)
        found.add((nquads[start + 1 : at], nquads[at + len(_TYPED) : end].decode()))
        at = nquads.find(_TYPED, end)
    return found


def _unescape(text: bytes) -> str:
    # N-Quads string escapes (Oxigraph writes \" \\ \n \r and \t); a lexical form that needs one is invalid anyway.
    return text.decode("utf-8").replace('\\"', '"').replace("\\n", "\n").replace("\\r", "\r").replace("\\\\", "\\")
