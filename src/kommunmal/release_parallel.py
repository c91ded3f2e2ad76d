"""Build a release of many goal documents: validate each on its own, in parallel, and stream into the store.

Used by `release.build` when the data holds more than one document folder (`data/<kommun>/…`): one rdflib
graph of everything would not fit in memory at national scale (290 municipalities, millions of quads), and
one pySHACL run over it would take hours.

* Units. Each folder directly under the data folder except reference/ is one unit (a municipality: its
  organisations and its goal documents, one named graph per file). Ontology and reference data are shared.
* Validation. A process per core (`build_workers`) holds the shapes and the shared graphs; it parses one unit,
  validates the unit together with the shared graphs (pySHACL, the same shapes and options as
  `validation.validate`) and sends back the results, the unit's N-Quads and its content digest. Memory is one
  unit per process, whatever the number of units.
* Cross-document checks, in the main process: a unit may only describe resources under its own
  `id/<folder>/` or outside every unit's namespace (two municipalities never define each other's goals).
* Streaming. The N-Quads of each conforming unit are appended to kommunmal.nq as they arrive; the store is
  bulk-loaded from that file; the VoID counts come from the store, and the other dumps and the release extras are
  written from it in parallel, a process per core (`write_outputs`).

The release id is the SHA-256 over the sorted per-graph-set digests (`release.content_digest` of each unit
and of the shared graphs), so the same sources give the same id.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph
from rdflib import Dataset, Graph, URIRef

from kommunmal.config import Settings
from kommunmal.dataset import Source, discover, parse_file
from kommunmal.errors import NotConformant
from kommunmal.formats import FORMATS
from kommunmal.validation import Report, Result, load_shapes, validate

Progress = Callable[[str], None]


def units(settings: Settings, sources: list[Source]) -> tuple[list[Source], dict[str, list[Source]]]:
    """(shared sources, {unit folder name: its sources}) for the data folder's layout."""
    shared: list[Source] = []
    by_unit: dict[str, list[Source]] = {}
    root = settings.data_dir.resolve()
    for source in sources:
        if source.role != "data":
            shared.append(source)
            continue
        try:
            key = source.path.relative_to(root).parts[0]
        except ValueError:
            key = source.path.stem
        by_unit.setdefault(key, []).append(source)
    return shared, dict(sorted(by_unit.items()))


@dataclass
class UnitResult:
    key: str
    results: list[Result]
    report_nt: bytes
    nquads: bytes
    digest: str
    graphs: dict[str, int]  # named graph -> triples
    foreign: list[str]  # subjects minted under another unit's id/<folder>/


_STATE: dict = {}


def _init(settings: Settings, shared: list[Source]) -> None:
    _STATE["settings"] = settings
    _STATE["shapes"] = load_shapes(settings)
    graph = Graph()
    for source in shared:
        parse_file(source.path, settings.base_iri, graph)
    _STATE["shared"] = graph


def _validate_unit(key: str, sources: list[Source], keys: list[str]) -> UnitResult:
    from kommunmal.release import content_digest

    settings: Settings = _STATE["settings"]
    dataset = Dataset(default_union=True)
    for source in sources:
        parse_file(source.path, settings.base_iri, dataset.graph(source.graph))
    data = Graph()
    for triple in _STATE["shared"]:
        data.add(triple)
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        data.add((s, p, o))
    report = validate(data, _STATE["shapes"], sources, dataset=dataset, engine=settings.shacl_engine)
    minted = settings.base_iri + "id/"
    others = {k for k in keys if k != key}
    foreign = sorted(
        {
            str(s)
            for s in dataset.subjects()
            if isinstance(s, URIRef) and str(s).startswith(minted) and str(s)[len(minted) :].split("/")[0] in others
        }
    )
    return UnitResult(
        key=key,
        results=report.results,
        report_nt=report.graph.serialize(format="nt", encoding="utf-8"),
        nquads=dataset.serialize(format="nquads", encoding="utf-8"),
        digest=content_digest(dataset),
        graphs={str(s.graph): len(dataset.graph(s.graph)) for s in sources},
        foreign=foreign[:20],
    )


def build_units(
    settings: Settings, folder: Path, say: Progress, workers: int | None = None
) -> tuple[Report, list[Source], str, dict[str, int]]:
    """Validate every unit and write folder/kommunmal.nq; raise NotConformant when any unit does not conform.

    Returns (the combined report, all sources, the content digest, triples per named graph)."""
    from kommunmal.release import DUMP_NAME, content_digest

    sources = discover(settings)
    shared, by_unit = units(settings, sources)
    workers = workers or os.cpu_count() or 1
    say(f"Validerar {len(by_unit)} dokumentmappar på {workers} kärnor / validating document folders …")
    shared_set = Dataset(default_union=True)
    for source in shared:
        parse_file(source.path, settings.base_iri, shared_set.graph(source.graph))
    digests = [content_digest(shared_set)]
    graphs = {str(s.graph): len(shared_set.graph(s.graph)) for s in shared}
    results: dict[tuple, Result] = {}
    report_parts: list[bytes] = []
    problems: list[str] = []
    started = time.monotonic()
    keys = list(by_unit)
    with (
        open(folder / f"{DUMP_NAME}.nq", "wb") as dump,
        ProcessPoolExecutor(workers, initializer=_init, initargs=(settings, shared)) as pool,
    ):
        dump.write(shared_set.serialize(format="nquads", encoding="utf-8"))
        del shared_set
        futures = [pool.submit(_validate_unit, key, by_unit[key], keys) for key in keys]
        for done, future in enumerate(futures, 1):
            unit = future.result()
            for r in unit.results:
                results.setdefault((r.focus, r.path, r.shape, r.value, r.severity), r)
            report_parts.append(unit.report_nt)
            if unit.foreign:
                problems.append(
                    f"{unit.key}: beskriver resurser i en annan kommuns namnrymd / describes resources in another "
                    f"unit's namespace: {', '.join(unit.foreign[:5])}"
                )
            dump.write(unit.nquads)
            digests.append(unit.digest)
            graphs.update(unit.graphs)
            _bar(done, len(futures), started)
    sys.stderr.write("\n")
    report = Report(results=list(results.values()), graph=_merged(report_parts))
    if problems or not report.conforms:
        raise NotConformant("\n".join([*problems, report.text()]))
    digest = hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()
    return report, sources, digest, graphs


def _merged(parts: list[bytes]) -> Graph:
    graph = Graph()
    for part in parts:
        graph.parse(data=part, format="nt")
    return graph


def _bar(done: int, total: int, started: float) -> None:
    width = 30
    filled = width * done // total
    elapsed = time.monotonic() - started
    sys.stderr.write(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} dokument, {elapsed:.0f} s")
    sys.stderr.flush()


def write_outputs(settings: Settings, folder: Path, prefixes: dict[str, str], extras: tuple, say: Progress) -> None:
    """The other dumps and the release extras, each in its own process over the store opened read-only.

    The store in `folder/store` must be closed for writing. Tasks: TriG of the dataset; Turtle, N-Triples and
    JSON-LD of the union graph; every extra (`release.release_extras`). At 290 municipalities these took as long
    as the validation when run one after another (each is one pass over 3 million quads). Raises what a task
    raised."""
    tasks = [(_dump, (folder, name, prefixes)) for name in ("trig", "turtle", "ntriples", "jsonld")]
    tasks += [(_extra, (extra, settings, folder)) for extra in extras]
    started = time.monotonic()
    with ProcessPoolExecutor(min(len(tasks), os.cpu_count() or 1)) as pool:
        futures = {pool.submit(function, *args): _task_name(function, args) for function, args in tasks}
        for future in as_completed(futures):
            future.result()
            say(f"  {futures[future]} ({time.monotonic() - started:.0f} s)")


def _task_name(function: Callable, args: tuple) -> str:
    if function is _dump:
        return f"dump {args[1]}"
    return args[0].__name__


def _dump(folder: Path, name: str, prefixes: dict[str, str]) -> None:
    from kommunmal.release import DUMP_NAME

    store = pyoxigraph.Store.read_only(str(folder / "store"))
    target = folder / f"{DUMP_NAME}.{FORMATS[name].extension}"
    if name == "trig":
        store.dump(target, pyoxigraph.RdfFormat.TRIG, prefixes=prefixes)
        return
    # The union graph: each triple once, however many graphs hold it (DISTINCT in the engine, not a Python set).
    union = "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }"
    extra = {"prefixes": prefixes} if name == "turtle" else {}
    fmt = {"turtle": pyoxigraph.RdfFormat.TURTLE, "ntriples": pyoxigraph.RdfFormat.N_TRIPLES}
    pyoxigraph.serialize(store.query(union), target, fmt.get(name, pyoxigraph.RdfFormat.JSON_LD), **extra)


def _extra(extra: Callable, settings: Settings, folder: Path) -> None:
    extra(settings, folder, _stderr)


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")


def describe_store(settings: Settings, store: pyoxigraph.Store, sources: list[Source], graphs: dict) -> Graph:
    """The VoID description of `release.describe`, counted in the store instead of an rdflib graph."""
    from kommunmal.release import void_graph
    from kommunmal.sparql_source import query_text

    def rows(name: str) -> list[dict[str, str]]:
        result = store.query(query_text(name, settings.vocab))
        names = [v.value for v in result.variables]
        return [{n: s[n].value for n in names if s[n] is not None} for s in result]

    counts = rows("void_counts")[0]
    return void_graph(
        settings,
        sources,
        triples=int(counts["triples"]),
        entities=int(counts["entities"]),
        graph_triples=graphs,
        classes=sorted((row["class"], int(row["entities"])) for row in rows("void_classes")),
    )
