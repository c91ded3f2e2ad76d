"""Validation of one unit of a national build (a municipality's folder), in a worker process of `build_units`.

The unit is read with Oxigraph's parsers and validated in an Oxigraph store, never as rdflib graphs: at 290
municipalities rdflib's Turtle parser and the copies between rdflib graphs took about 0.7 of the 1.2 s of CPU a
unit cost (a cProfile of the rdflib version), while Oxigraph reads a unit in about 0.04 s. The SHACL engine
(shacl-engine by default, or pyshacl-turbo) reads the unit's N-Quads after the shared graphs', with the shapes
compiled once per process. pySHACL (setting `shacl_engine = pyshacl`) gets the same data as an rdflib graph.

Literals keep their lexical form as written (rdflib normalises some, e.g. "1.50"^^xsd:decimal to "1.5"); a file
Oxigraph refuses is read again with rdflib to name the line and the fix (`dataset.parse_file`), and is refused even
where rdflib would accept it, since the store could not hold it.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph

from kommunmal.config import Settings
from kommunmal.dataset import Source, parse_file
from kommunmal.document_dumps import write_document_dump
from kommunmal.documents import documents, graphs_of
from kommunmal.errors import SourceError
from kommunmal.shacl_engines import compile_shapes, run_engine
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.term_checks import unit_results
from kommunmal.validation import (
    Result,
    blank_subject_files,
    load_shapes,
    locations,
    report_results,
    sources_base_iri,
    unknown_term_results,
    unreported,
    vocabulary_terms,
)

# File types Oxigraph reads here; the others (RDF/XML, JSON-LD, TriG, N-Quads) go through rdflib's parsers, which
# refuse hostile input first and put a file's triples in the source's graph whatever graphs the file names.
OXIGRAPH_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}


@dataclass
class UnitResult:
    """What a worker sends back for one unit: its results (unknown terms included), the report as N-Triples, the
    unit's N-Quads for the dump, its content digest, triples per named graph, subjects it mints under another
    unit's `id/<folder>/` (at most 20), the names of the per-document dumps written into the release folder, and
    every subject it describes under another folder's `id/<folder>/` (`elsewhere`: `foreign` is those of them in
    a folder that is a unit, so that it can be worked out again for another set of units)."""

    key: str
    results: list[Result]
    report_nt: bytes
    nquads: bytes
    digest: str
    graphs: dict[str, int]
    foreign: list[str]
    dumps: list[str] = field(default_factory=list)
    elsewhere: list[str] = field(default_factory=list)


_STATE: dict = {}


def init(settings: Settings, shared: list[Source]) -> None:
    """Prepare a worker: the shapes (compiled once), the shared graphs' quads and N-Quads, and the vocabulary's
    terms."""
    _STATE["settings"] = settings
    _STATE["shapes"] = shapes = load_shapes(settings)
    _STATE["engine"] = compile_shapes(settings.shacl_engine, shapes)
    _STATE["shared"] = quads = [q for source in shared for q in read_source(source, settings.base_iri)]
    _STATE["shared_nquads"] = ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8")
    _STATE["documents"] = store = ox.Store()  # the shared graphs, and each unit's while its documents are listed
    store.bulk_extend(quads)
    ontology = Dataset()
    for source in shared:
        if source.role == "ontology":
            parse_file(source.path, settings.base_iri, ontology.graph(source.graph))
    _STATE["vocabulary"] = vocabulary_terms(ontology.graph(s.graph) for s in shared if s.role == "ontology")
    namespaces = _STATE["vocabulary"][0]
    _STATE["vocabulary_iri"] = re.compile(
        b"<((?:" + b"|".join(re.escape(ns.encode()) for ns in namespaces) + b")[^>]*)>" if namespaces else b"(?!)"
    )


def read_source(source: Source, base_iri: str, graph: ox.NamedNode | ox.DefaultGraph | None = None) -> list[ox.Quad]:
    """The triples of one source file as quads in `graph` (default: the source's named graph), relative IRIs
    resolved against `base_iri`, blank nodes renamed apart from every other file's.

    Raises SourceError naming the file, line and fix for a file that cannot be read."""
    name = ox.NamedNode(str(source.graph)) if graph is None else graph
    fmt = OXIGRAPH_FORMATS.get(source.path.suffix)
    if fmt is None:
        parsed = parse_file(source.path, base_iri, Graph())
        text = parsed.serialize(format="nt", encoding="utf-8")
        triples = ox.parse(text, ox.RdfFormat.N_TRIPLES, rename_blank_nodes=True)
        return [ox.Quad(q.subject, q.predicate, q.object, name) for q in triples]
    try:
        triples = ox.parse(path=str(source.path), format=fmt, base_iri=base_iri, rename_blank_nodes=True)
        if isinstance(name, ox.DefaultGraph):
            return list(triples)  # the parser's quads are in the default graph already
        return [ox.Quad(q.subject, q.predicate, q.object, name) for q in triples]
    except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
        parse_file(source.path, base_iri, Graph())  # raises SourceError with the line and the fix
        line = getattr(exc, "lineno", None)
        raise SourceError(source.path, f"{exc}; fix the file and run again", line=line) from None
    except OSError as exc:
        raise SourceError(source.path, f"cannot read: {exc.strerror or exc}") from None


def validate_unit(key: str, sources: list[Source], keys: list[str], folder: Path | None = None) -> UnitResult:
    """Read and validate one unit with the shared graphs (`init` must have run in this process).

    `keys` are all units' folder names, for the cross-document check of minted IRIs. With `folder` (the release
    being built), the dumps of each goal document of the unit are written there too (`document_dumps`), from the
    quads already read: reading them back from the store cost three times as much at 290 municipalities.

    The unit is read once, as quads in its files' named graphs, and serialized once as N-Quads: that text is the
    unit's part of kommunmal.nq, the engine's input (after the shared graphs' N-Quads, validated as the union of
    the graphs) and, without blank nodes, the input of the digest. No store is filled for the engine, and the
    checks that look at every quad make one pass over them (each pass cost 10 to 50 ms a unit)."""
    settings: Settings = _STATE["settings"]
    triples = {str(s.graph): read_source(s, settings.base_iri, ox.DefaultGraph()) for s in sources}
    paths = {str(s.graph): s.path for s in sources}
    counts: dict[str, int] = dict.fromkeys(paths, 0)
    by_subject: dict[ox.NamedNode | ox.BlankNode, set[str]] = defaultdict(set)
    quads: list[ox.Quad] = []
    for graph, ts in triples.items():
        name = ox.NamedNode(graph)
        # A triple written twice in a file is one quad, as in a store.
        mine = list(dict.fromkeys(ox.Quad(t.subject, t.predicate, t.object, name) for t in ts))
        counts[graph] += len(mine)
        for q in mine:
            by_subject[q.subject].add(graph)
        quads += mine
    subjects = {str(s): graphs for s, graphs in by_subject.items()}  # subject (N-Triples form) -> its graphs
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    # Any blank node shows as "_:" in the text (a literal may too: then the canonical digest, which is the same for
    # quads without blank nodes, is merely slower); cheaper than looking at each quad.
    blank = b"_:" in nquads
    dumps = _write_document_dumps(settings, quads, nquads, triples, folder) if folder is not None else []
    report = run_engine(settings.shacl_engine, _engine_input(settings.shacl_engine, quads, nquads), _STATE["engine"])
    base = sources_base_iri(sources)

    blank_files = {paths[g] for g in blank_subject_files(subjects)}

    def locate(focus: object) -> tuple[str, ...]:
        graphs = subjects.get(focus.n3())
        files = {paths[g] for g in graphs} if graphs else blank_files if isinstance(focus, BNode) else set()
        return locations(files, focus, base)

    results = report_results(report, _STATE["shapes"], locate)
    results += _unknown_terms(quads, nquads, paths, base)
    results += unreported(results, unit_results(quads, nquads, paths, base, *_STATE["vocabulary"]))
    minted = settings.base_iri + "id/"
    elsewhere = sorted(
        {iri for s in subjects if s.startswith("<" + minted) and minted_in(iri := s[1:-1], settings.base_iri) != key}
    )
    return UnitResult(
        key=key,
        results=results,
        report_nt=report.serialize(format="nt", encoding="utf-8"),
        nquads=nquads,
        digest=nquads_digest(nquads) if not blank else quads_digest(quads),
        graphs=counts,
        foreign=foreign_of(elsewhere, key, keys, settings.base_iri),
        dumps=dumps,
        elsewhere=elsewhere,
    )


def minted_in(iri: str, base_iri: str) -> str:
    """The folder whose namespace `iri` is minted in: "x" for `<base_iri>id/x/…`."""
    return iri[len(base_iri) + 3 :].split("/")[0]


def foreign_of(elsewhere: list[str], key: str, keys: list[str] | set[str], base_iri: str) -> list[str]:
    """Of the IRIs unit `key` describes under another folder's `id/<folder>/` (`elsewhere`), those of a folder that
    is another unit of the build (`keys`): at most 20, sorted."""
    others = set(keys) - {key}
    return [iri for iri in elsewhere if minted_in(iri, base_iri) in others][:20]


def _engine_input(engine: str, quads: list[ox.Quad], nquads: bytes) -> object:
    """The unit with the shared graphs as the engine reads them, validated as the union of the graphs: for
    shacl-engine, their N-Quads text; for pyshacl-turbo, the same text as its `Input` (the form it makes of a store
    it is given, with the blank nodes' labels kept); for pySHACL, which reads rdflib graphs only, an rdflib graph of
    the triples."""
    if engine in ("shacl-engine", "turbo"):
        text = _STATE["shared_nquads"] + nquads.decode("utf-8")
        if engine == "shacl-engine":
            return text
        from pyshacl_turbo.rdf import Input

        return Input(text, "oxigraph-nquads", None, {}, preserve_ids=True)
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in [*_STATE["shared"], *quads])
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def _write_document_dumps(
    settings: Settings, quads: list[ox.Quad], nquads: bytes, triples: dict[str, list[ox.Quad]], folder: Path
) -> list[str]:
    # The documents are listed with the shared graphs, as in the release's store: the unit's graphs are added to
    # the worker's store of the shared graphs and removed again (cheaper than a new store of both each time).
    data: ox.Store = _STATE["documents"]
    names = sorted({q.graph_name.value for q in quads})
    data.bulk_extend(quads)
    try:
        found = documents(StoreSource(Store.of(data), settings.vocab))
    finally:
        for name in names:
            data.remove_graph(ox.NamedNode(name))
    written: list[Path] = []
    for document in found:
        if document.year:
            mine = set(graphs_of(document, names, settings.base_iri))
            written += write_document_dump(
                settings,
                document,
                [q for q in quads if q.graph_name.value in mine],
                folder,
                nquads=nquads if len(mine) == len(names) else None,
                triples=list(dict.fromkeys(t for name, ts in triples.items() if name in mine for t in ts)),
            )
    return [path.name for path in written]


def quads_digest(quads: list[ox.Quad]) -> str:
    """SHA-256 (hex) over the sorted N-Quads of `quads` after W3C RDF Dataset Canonicalization (RDFC-1.0), so that
    blank node labels, which change on every read, do not change the digest."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return hashlib.sha256("\n".join(sorted(str(q) for q in dataset)).encode("utf-8")).hexdigest()


def nquads_digest(nquads: bytes) -> str:
    """`quads_digest` of quads without blank nodes, from their N-Quads as Oxigraph writes them (one quad a line,
    each line the quad's text and " ."): canonicalization leaves such quads as they are, and UTF-8 sorts as the
    text does, so the digest is the same without making a Python object of each quad."""
    lines = sorted(line[:-2] for line in nquads.split(b"\n") if line)
    return hashlib.sha256(b"\n".join(lines)).hexdigest()


def _unknown_terms(quads: list[ox.Quad], nquads: bytes, paths: dict[str, Path], base_iri: str) -> list[Result]:
    namespaces, defined = _STATE["vocabulary"]
    if not namespaces:
        return []
    # The text names every IRI the quads use (and a literal may only look like one): the quads are looked at only
    # when it names a term the vocabulary does not define.
    if all(m.decode() in defined for m in set(_STATE["vocabulary_iri"].findall(nquads))):
        return []
    used: dict[str, set[Path]] = defaultdict(set)
    for q in quads:
        for term in (q.subject, q.predicate, q.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(namespaces) and term.value not in defined:
                used[term.value].add(paths[q.graph_name.value])
    return unknown_term_results(used, namespaces, defined, base_iri)
