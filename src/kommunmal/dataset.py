"""Load the sources (ontology, data, reference data) into one RDF dataset, one named graph per file."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from kommunmal.config import Settings
from kommunmal.errors import SourceError

PARSERS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld", ".rdf": "xml"}


@dataclass(frozen=True)
class Source:
    """One source file and the named graph it becomes."""

    path: Path
    graph: URIRef
    role: str  # "ontology", "data" or "reference"


def discover(settings: Settings, paths: Iterable[Path] | None = None) -> list[Source]:
    """The source files: ontology/*.ttl and data/**/*.ttl, or the given files and folders."""
    if paths:
        files = sorted({f for p in paths for f in _rdf_files(Path(p))})
        return [_source_for(settings, f) for f in files]
    found = [_source_for(settings, f) for f in _rdf_files(settings.ontology_dir)]
    found += [_source_for(settings, f) for f in _rdf_files(settings.data_dir)]
    return found


def _rdf_files(path: Path) -> Iterator[Path]:
    if not path.exists():
        raise SourceError(path, "no such file or folder")
    if path.is_file():
        yield path.resolve()
        return
    for f in sorted(path.rglob("*")):
        if f.suffix in PARSERS and f.is_file() and "examples" not in f.relative_to(path).parts:
            yield f.resolve()


def _source_for(settings: Settings, path: Path) -> Source:
    for root, role, prefix in (
        (settings.ontology_dir, "ontology", "graph/ontology/"),
        (settings.data_dir, "data", "graph/"),
    ):
        try:
            rel = path.relative_to(root.resolve())
        except ValueError:
            continue
        if role == "data" and rel.parts[0] == "reference":
            role = "reference"
        name = rel.with_suffix("").as_posix()
        return Source(path, URIRef(settings.base_iri + prefix + name), role)
    return Source(path, URIRef(settings.base_iri + "graph/local/" + path.stem), "data")


def parse_file(path: Path, base_iri: str, into: Graph | None = None) -> Graph:
    """Parse one RDF file with relative IRIs resolved against `base_iri`; errors name file and line."""
    graph = into if into is not None else Graph()
    fmt = PARSERS.get(path.suffix)
    if fmt is None:
        raise SourceError(path, f"unknown RDF file type {path.suffix!r}; use one of {', '.join(PARSERS)}")
    try:
        graph.parse(path, format=fmt, publicID=base_iri)
    except BadSyntax as exc:
        reason = getattr(exc, "_why", str(exc))
        raise SourceError(
            path, f"{fmt} syntax error: {reason}; fix the file and run again", line=exc.lines + 1
        ) from None
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise SourceError(path, f"{fmt} syntax error: {exc}; fix the file and run again", line=line) from None
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
    return graph


def load(settings: Settings, paths: Iterable[Path] | None = None) -> tuple[Dataset, list[Source]]:
    """All sources as one Dataset (default graph = union of the named graphs)."""
    sources = discover(settings, paths)
    dataset = Dataset(default_union=True)
    for source in sources:
        parse_file(source.path, settings.base_iri, dataset.graph(source.graph))
    return dataset, sources


def union_graph(dataset: Dataset) -> Graph:
    """A plain Graph holding every triple of every named graph."""
    union = Graph()
    for prefix, ns in dataset.namespaces():
        union.bind(prefix, ns, override=False)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union
