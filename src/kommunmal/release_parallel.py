"""Build a release of many goal documents: validate each on its own, in parallel, and stream into the store.

Used by `release.build` when the data holds more than one document folder (`data/<kommun>/…`): one rdflib
graph of everything would not fit in memory at national scale (290 municipalities, millions of quads), and
one pySHACL run over it would take hours.

* Units. Each folder directly under the data folder except reference/ is one unit (a municipality: its
  organisations and its goal documents, one named graph per file). Ontology and reference data are shared.
* Validation. A process per core holds the shapes and the shared graphs; it reads one unit,
  validates the unit together with the shared graphs (the same shapes, engine and options as
  `validation.validate`; `kommunmal.unit_validation`), checks the terms of our vocabulary it uses, and sends back
  the results, the unit's N-Quads and its content digest. Memory is one unit per process, whatever the number of
  units.
* Cross-document checks, in the main process: a unit may only describe resources under its own
  `id/<folder>/` or outside every unit's namespace (two municipalities never define each other's goals).
* Streaming. The N-Quads of each conforming unit are appended to kommunmal.nq as they arrive (and each of its
  documents' own dumps written by the worker); the store is bulk-loaded from that file while the other dumps are
  written from it, then the query statistics, the VoID counts and the release extras are written from the store,
  in parallel, a process per core (`write_outputs`).
* Rebuilds. A unit whose inputs did not change since the last build is not validated again: its result and dumps
  come from the cache of unit validation under the release folder (`kommunmal.unit_cache`).

The content digest is the SHA-256 over the sorted per-graph-set digests (`unit_validation.quads_digest` of each
unit and of the shared graphs, over canonical N-Quads), so the same sources give the same digest; the release id is
made of it and the software (`release.identifier`).
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import pyoxigraph
from rdflib import Graph

from kommunmal import store_reuse, unit_cache, unit_validation
from kommunmal.config import Settings
from kommunmal.dataset import Source, discover
from kommunmal.errors import NotConformant
from kommunmal.formats import FORMATS
from kommunmal.union_dump import union_ntriples
from kommunmal.unit_cache import UnitCache
from kommunmal.validation import Report, Result, display_path, restricted
from kommunmal.views.swedish import count

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


def build_units(
    settings: Settings,
    folder: Path,
    say: Progress,
    workers: int | None = None,
    cache: UnitCache | None = None,
    plan: store_reuse.Plan | None = None,
) -> tuple[Report, list[Source], str, dict[str, int]]:
    """Validate every unit and write folder/kommunmal.nq; raise NotConformant when any unit does not conform.

    With `cache`, a unit whose inputs are unchanged since a build that stored it (`unit_cache.unit_keys`) is not
    validated again: its stored result is used and its dumps are linked into `folder`; every unit validated is
    stored, whether it conforms or not (its key covers its inputs, and the build fails on it again).
    With `plan`, each unit's digest, graphs and (when the current release's store lacks them) N-Quads are noted
    in it for `store_reuse.load`.
    Returns (the combined report, all sources, the content digest, triples per named graph)."""
    from kommunmal.release import DUMP_NAME

    sources = discover(settings)
    shared, by_unit = units(settings, sources)
    shared_quads = list(
        dict.fromkeys(q for source in shared for q in unit_validation.read_source(source, settings.base_iri))
    )
    digests = [unit_validation.quads_digest(shared_quads)]
    if plan is not None:
        plan.start(digests[0], len(shared_quads))
    keys = unit_cache.unit_keys(settings, shared, digests[0], by_unit) if cache is not None else {}
    known = {
        name: hit for name, key in keys.items() if (hit := cache.get(key, name, by_unit, settings.base_iri)) is not None
    }
    say(_validating(len(by_unit), len(known), workers or os.cpu_count() or 1))
    graphs = {str(s.graph): 0 for s in shared}
    for q in shared_quads:
        graphs[q.graph_name.value] += 1
    gathered = _Gathered()
    with open(folder / f"{DUMP_NAME}.nq", "wb") as dump:
        dump.write(pyoxigraph.serialize(shared_quads, format=pyoxigraph.RdfFormat.N_QUADS))
        del shared_quads
        for unit in _each_unit(settings, shared, by_unit, list(by_unit), folder, workers, known):
            if unit.key in known:
                cache.restore(keys[unit.key], unit, folder)
            elif cache is not None:
                cache.put(keys[unit.key], unit, folder)
            gathered.add(unit)
            dump.write(unit.nquads)
            if plan is not None:
                plan.note(unit.key, unit.digest, unit.graphs, unit.nquads)
            digests.append(unit.digest)
            graphs.update(unit.graphs)
    report = gathered.report()
    problems = [
        f"{key}: beskriver resurser i en annan kommuns namnrymd / describes resources in another unit's namespace: "
        + ", ".join(iris[:5])
        for key, iris in gathered.foreign
    ]
    if problems or not report.conforms:
        raise NotConformant("\n".join([*problems, report.text()]))
    digest = hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()
    return report, sources, digest, graphs


def _validating(total: int, reused: int, cores: int) -> str:
    """The progress line before the units are validated: how many, how many are reused, on how many cores."""
    todo = total - reused
    if not reused:
        return f"Validerar {total} dokumentmappar på {cores} kärnor / validating document folders …"
    if not todo:
        return (
            f"Alla {total} dokumentmappar oförändrade sedan förra bygget / all {total} document folders unchanged "
            "since the last build …"
        )
    on = count(min(cores, todo), "kärna", "kärnor")
    return (
        f"Validerar {todo} av {total} dokumentmappar ({count(reused, 'oförändrad', 'oförändrade')} sedan förra "
        f"bygget) på {on} / validating {todo} of {total} document folders ({reused} unchanged since the last "
        "build) …"
    )


def validate_units(settings: Settings, paths: Iterable[Path] = ()) -> Report | None:
    """The build's validation without writing anything: each unit (municipality folder) with the shared graphs, in
    a process per core, and the check that no unit describes another's resources (a Violation naming them).

    With `paths` (files or folders), only the units they lie in are validated and only the results about nodes
    written in those files are reported, as `validation.validate_in_context` does. Returns None when the data is
    not laid out in several unit folders or a path lies outside every unit folder: validate it the usual way then.
    Loading every unit into one graph to check one file took 128 s at 29 municipalities; this reads the file's own
    unit only. Raises SourceError for a file that cannot be read."""
    sources = discover(settings)
    shared, by_unit = units(settings, sources)
    if len(by_unit) < 2:
        return None
    root = settings.data_dir.resolve()
    wanted = list(by_unit)
    if paths:
        wanted = []
        for path in paths:
            resolved = Path(path).resolve()
            inside = resolved.relative_to(root).parts if resolved.is_relative_to(root) else ()
            if not inside or inside[0] not in by_unit:
                return None
            wanted += [inside[0]] if inside[0] not in wanted else []
    gathered = _Gathered()
    for unit in _each_unit(settings, shared, by_unit, wanted, None):
        gathered.add(unit)
    report = gathered.report()
    for key, iris in gathered.foreign:
        files = tuple(sorted(display_path(s.path) for s in by_unit[key]))
        report.results += [
            Result.violation(
                iri,
                f"Dokumentmappen {key} beskriver en resurs i en annan kommuns namnrymd",
                f"The folder {key} describes a resource in another unit's namespace",
                files,
            )
            for iri in iris
        ]
    return restricted(report, discover(settings, paths)) if paths else report


def _each_unit(
    settings: Settings,
    shared: list[Source],
    by_unit: dict[str, list[Source]],
    wanted: list[str],
    folder: Path | None,
    workers: int | None = None,
    known: dict[str, Callable[[], unit_validation.UnitResult]] | None = None,
) -> Iterator[unit_validation.UnitResult]:
    """Each unit of `wanted`, in order: from `known` (functions that read a result already at hand) or validated
    (`unit_validation.validate_unit`) in a process per core, with a progress bar on stderr. No process is started
    when every unit is known."""
    known = known or {}
    todo = [key for key in wanted if key not in known]
    if not todo:
        yield from (known[key]() for key in wanted)
        return
    keys = list(by_unit)
    workers = min(workers or os.cpu_count() or 1, len(todo))
    started = time.monotonic()
    with ProcessPoolExecutor(workers, initializer=unit_validation.init, initargs=(settings, shared)) as pool:
        futures = {key: pool.submit(unit_validation.validate_unit, key, by_unit[key], keys, folder) for key in todo}
        done = 0
        for key in wanted:
            if key in known:
                yield known[key]()
                continue
            yield futures[key].result()
            done += 1
            _bar(done, len(todo), started)


class _Gathered:
    """The units' results (each once), report graphs and foreign subjects, as they arrive."""

    def __init__(self) -> None:
        self.results: dict[tuple, Result] = {}
        self.parts: list[bytes] = []
        self.foreign: list[tuple[str, list[str]]] = []

    def add(self, unit: unit_validation.UnitResult) -> None:
        for r in unit.results:
            self.results.setdefault((r.focus, r.path, r.shape, r.value, r.severity), r)
        self.parts.append(unit.report_nt)
        if unit.foreign:
            self.foreign.append((unit.key, unit.foreign))

    def report(self) -> Report:
        return Report(results=list(self.results.values()), graph=_merged(self.parts))


def _merged(parts: list[bytes]) -> Graph:
    graph = Graph()
    for part in parts:
        graph.parse(data=part, format="nt")
    return graph


def _bar(done: int, total: int, started: float) -> None:
    """The progress bar on stderr: redrawn in place on a terminal; in a log (not a terminal), a line at each tenth
    of the way, where the redrawing wrote one line of hundreds of bars."""
    width = 30
    filled = width * done // total
    elapsed = time.monotonic() - started
    bar = f"  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} dokument, {elapsed:.0f} s"
    if sys.stderr.isatty():
        sys.stderr.write("\r" + bar + ("\n" if done == total else ""))
    elif done == total or 10 * done // total != 10 * (done - 1) // total:
        sys.stderr.write(bar + "\n")
    sys.stderr.flush()


def write_outputs(
    settings: Settings,
    folder: Path,
    prefixes: dict[str, str],
    extras: tuple,
    say: Progress,
    description: tuple[list[Source], dict[str, int]] | None = None,
    meanwhile: Callable[[], object] | None = None,
    load: Callable[[], object] | None = None,
) -> int | None:
    """The other dumps, the store's statistics and description, and the release extras, each in its own process;
    returns the union graph's triples (as void.ttl gives them), None without `description`.

    `folder/kommunmal.nq` must hold the dataset and `folder/store` be closed for writing, or with `load`, be filled
    by `load` in this process while the tasks that read the N-Quads file only run (the dumps; the store's bulk load
    keeps about one core busy for some 40 s at 290 municipalities, and the dumps are about 26 s of CPU); the tasks
    that read the store start when `load` has returned. Tasks: TriG of the dataset (from the N-Quads file); the
    union graph as N-Triples (from the N-Quads file's lines, `union_dump.union_ntriples`), then as Turtle and JSON-LD
    (from the N-Triples file); with `description` (the sources and the triples per named graph), the VoID
    description (void.ttl, written here from the counts of the union's lines) and the query planner's statistics
    (`query_cost.STATS_FILE`, counted in the store); every extra (`release.release_extras`). Oxigraph reads a file
    about four times as fast as it reads its store, so each pass over the store is made once. `meanwhile` runs in
    this process while the tasks run. Raises what a task raised."""
    from_file = [(_dump_union, (folder, prefixes)), (_dump_trig, (folder, prefixes))]
    from_store = [(_extra, (extra, settings, folder)) for extra in extras]
    if description is not None:
        from_store.append((_statistics, (folder,)))
    started = time.monotonic()
    triples = None
    with ProcessPoolExecutor(min(len(from_file) + len(from_store), os.cpu_count() or 1)) as pool:
        futures = {pool.submit(function, *args): (function, args) for function, args in from_file}
        if load is not None:
            load()
        futures |= {pool.submit(function, *args): (function, args) for function, args in from_store}
        if meanwhile is not None:
            meanwhile()
        for future in as_completed(futures):
            result = future.result()
            function, args = futures[future]
            say(f"  {_task_name(function, args)} ({time.monotonic() - started:.0f} s)")
            if function is _dump_union and description is not None:
                triples = result[0]
                _write_void(settings, folder, description, *result)
                say(f"  VoID ({time.monotonic() - started:.0f} s)")
    return triples


def _statistics(folder: Path) -> None:
    from kommunmal.query_cost import STATS_FILE, Stats

    Stats.of_store(pyoxigraph.Store.read_only(str(folder / "store"))).save(folder / STATS_FILE)


def _write_void(
    settings: Settings,
    folder: Path,
    description: tuple[list[Source], dict[str, int]],
    triples: int,
    entities: int,
    classes: list[tuple[str, int]],
) -> None:
    from kommunmal.void_description import void_graph

    sources, graphs = description
    void = void_graph(settings, sources, triples=triples, entities=entities, graph_triples=graphs, classes=classes)
    void.serialize(destination=folder / "void.ttl", format="turtle", encoding="utf-8")


def _task_name(function: Callable, args: tuple) -> str:
    if function is _dump_union:
        return "dumpar / dumps: turtle, ntriples, jsonld"
    if function is _dump_trig:
        return "dump / dump: trig"
    if function is _statistics:
        return "statistik / statistics"
    return args[0].__name__


def _dump_trig(folder: Path, prefixes: dict[str, str]) -> None:
    from kommunmal.release import DUMP_NAME

    quads = pyoxigraph.parse(path=str(folder / f"{DUMP_NAME}.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    pyoxigraph.serialize(quads, folder / f"{DUMP_NAME}.trig", pyoxigraph.RdfFormat.TRIG, prefixes=prefixes)


def _dump_union(folder: Path, prefixes: dict[str, str]) -> tuple[int, int, list[tuple[str, int]]]:
    from kommunmal.release import DUMP_NAME

    ntriples = folder / f"{DUMP_NAME}.{FORMATS['ntriples'].extension}"
    counts = union_ntriples(folder / f"{DUMP_NAME}.nq", ntriples)
    for name, fmt, extra in (
        ("turtle", pyoxigraph.RdfFormat.TURTLE, {"prefixes": prefixes}),
        ("jsonld", pyoxigraph.RdfFormat.JSON_LD, {}),
    ):
        triples = pyoxigraph.parse(path=str(ntriples), format=pyoxigraph.RdfFormat.N_TRIPLES)
        pyoxigraph.serialize(triples, folder / f"{DUMP_NAME}.{FORMATS[name].extension}", fmt, **extra)
    return counts.triples, counts.entities, counts.classes()


def _extra(extra: Callable, settings: Settings, folder: Path) -> None:
    extra(settings, folder, _stderr)


def _stderr(line: str) -> None:
    sys.stderr.write(line + "\n")
