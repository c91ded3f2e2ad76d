"""Per-document dumps: every goal document of a release as its own N-Quads, TriG and Turtle file.

Written into the release folder as `kommunmal-<slug>-<year>.{nq,trig,ttl}` (a release extra, see
kommunmal.release.release_extras), so that the catalog can offer each document as its own dataset with its own
distributions. A dump holds the document's graphs and its municipality's own graphs (organisations, outcomes);
the UN SDG KOS and the vocabulary stay in the whole dump, since their IRIs resolve on their own.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

from kommunmal.config import Settings
from kommunmal.documents import Document, documents, graphs_of
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store

# extension -> the pyoxigraph format; TriG and N-Quads keep the named graphs, Turtle gives their union.
FORMATS = {"nq": pyoxigraph.RdfFormat.N_QUADS, "trig": pyoxigraph.RdfFormat.TRIG, "ttl": pyoxigraph.RdfFormat.TURTLE}


def dump_name(document: Document, extension: str) -> str:
    """File name of a document's dump: `kommunmal-ostersund-2024.ttl`."""
    return f"kommunmal-{document.slug}-{document.year}.{extension}"


def write_document_dumps(settings: Settings, folder: Path, say=None) -> list[Path]:
    """Write the dumps of every goal document in the release folder's store; returns the files written.

    Reads `folder / "store"` read-only; one pass over the quads of each document's graphs per document.
    """
    store = Store(folder / "store")
    graph_iris = store.named_graphs()
    written: list[Path] = []
    docs = [d for d in documents(StoreSource(store, settings.vocab)) if d.year]
    for index, doc in enumerate(docs, 1):
        quads = [
            q
            for g in graphs_of(doc, graph_iris, settings.base_iri)
            for q in store.oxigraph.quads_for_pattern(None, None, None, pyoxigraph.NamedNode(g))
        ]
        written += write_document_dump(settings, doc, quads, folder)
        if say and (index == len(docs) or index % 50 == 0):
            say(f"  dumpar per måldokument / per-document dumps: {index}/{len(docs)}")
    return written


def write_document_dump(
    settings: Settings,
    document: Document,
    quads: list[pyoxigraph.Quad],
    folder: Path,
    nquads: bytes | None = None,
    triples: list[pyoxigraph.Quad] | None = None,
) -> list[Path]:
    """Write one document's dumps (`dump_name`, every format of FORMATS) into `folder` from `quads`, the quads of
    its graphs (`graphs_of`); returns the three paths. Turtle holds each triple once. `nquads`, when given, is
    `quads` already serialized as N-Quads, written as it is; `triples`, when given, are the triples of `quads`,
    each once, as quads in the default graph (as the parser gives them), written as the Turtle."""
    written = []
    for extension, fmt in FORMATS.items():
        target = folder / dump_name(document, extension)
        # A new file, never one written over in place: a release's dumps may be hard links into the cache of unit
        # validation (kommunmal.unit_cache) and into the previous release.
        target.unlink(missing_ok=True)
        if fmt is pyoxigraph.RdfFormat.N_QUADS and nquads is not None:
            target.write_bytes(nquads)
            written.append(target)
            continue
        if fmt is pyoxigraph.RdfFormat.TURTLE and triples is not None:
            items = triples
        elif fmt is pyoxigraph.RdfFormat.TURTLE:
            items = list(dict.fromkeys(pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads))
        else:
            items = quads
        pyoxigraph.serialize(items, str(target), fmt, prefixes=_prefixes(settings))
        written.append(target)
    return written


def _prefixes(settings: Settings) -> dict[str, str]:
    return {
        "km": settings.vocab,
        "skos": "http://www.w3.org/2004/02/skos/core#",
        "dct": "http://purl.org/dc/terms/",
        "prov": "http://www.w3.org/ns/prov#",
        "org": "http://www.w3.org/ns/org#",
        "sdg": "http://metadata.un.org/sdg/",
    }
