"""Properties and classes written under the deployment's base IRI that no vocabulary namespace holds: a misspelled
`@prefix km: <def/komunmal#>` line.

`validation.unknown_terms` checks terms under the ontology's own namespaces (`…/def/kommunmal#`). A typo in the
namespace itself puts every term of the file outside them, so that check saw nothing, SHACL saw no km:Goal (no shape
targeted the file's nodes), and the violations fell on the other files that point at them: `kommunmal validate` of
the file said it conforms and the build listed hundreds of violations elsewhere. Under the base IRI only the
vocabulary mints properties and classes, so any such IRI in predicate or rdf:type position that the ontology does
not define is a mistake; the nearest defined IRI (difflib) is suggested.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF


def stray_terms(
    graphs: Iterable[tuple[Path, Graph]], base_iri: str, namespaces: tuple[str, ...], defined: frozenset[str]
) -> dict[str, tuple[set[Path], str | None]]:
    """Term IRI -> (files using it, nearest defined term or None) for each IRI under `base_iri` used as a property
    or class in `graphs` ((file, graph) pairs) that is not in `defined` and not under one of `namespaces` (those
    `unknown_terms` already reports). Empty without a base IRI."""
    if not base_iri:
        return {}
    used: dict[str, set[Path]] = defaultdict(set)
    for path, graph in graphs:
        for _s, p, o in graph:
            for term in (p, o) if p == RDF.type else (p,):
                text = str(term)
                if (
                    isinstance(term, URIRef)
                    and text.startswith(base_iri)
                    and text not in defined
                    and not text.startswith(namespaces)
                ):
                    used[text].add(path)
    known = sorted(defined)
    return {
        term: (paths, next(iter(difflib.get_close_matches(term, known, n=1, cutoff=0.8)), None))
        for term, paths in sorted(used.items())
    }


def namespace_of(term: str) -> str:
    """`term` up to its last '#' or '/', inclusive (the namespace a @prefix line declares)."""
    cut = max(term.rfind("#"), term.rfind("/"))
    return term[: cut + 1]
