"""Build a release: load, validate, and only when it conforms write dumps, VoID, checksums and the store.

Layout of the release folder (`--out`, default `build/`):

    releases/<id>/   kommunmal.{trig,nq,ttl,nt,jsonld}  void.ttl  validation.ttl  SHA256SUMS  release.json  store/
    current          symlink to the newest release, swapped atomically
    cache/units/     the cache of unit validation of national builds (kommunmal.unit_cache)
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph
from rdflib import BNode, Dataset, Graph
from rdflib.compare import to_canonical_graph

from kommunmal import __version__, build_lock, software, store_reuse
from kommunmal.config import Settings
from kommunmal.dataset import Source, load, union_graph
from kommunmal.errors import NotConformant, NotFound
from kommunmal.formats import FORMATS
from kommunmal.query_cost import STATS_FILE, Stats
from kommunmal.validation import Report, load_shapes, validate
from kommunmal.views.swedish import count
from kommunmal.void_description import describe

if TYPE_CHECKING:
    from kommunmal.unit_cache import UnitCache

DUMP_NAME = "kommunmal"
DUMP_FORMATS = ("trig", "nquads", "turtle", "ntriples", "jsonld")

Progress = Callable[[str], None]
Extra = Callable[[Settings, Path, Progress], None]


@dataclass(frozen=True)
class Release:
    """A finished, validated release folder."""

    path: Path

    @property
    def meta(self) -> dict:
        return json.loads((self.path / "release.json").read_text(encoding="utf-8"))

    @property
    def id(self) -> str:
        return self.path.name

    @property
    def store_path(self) -> Path:
        return self.path / "store"

    def dump(self, format_name: str) -> Path:
        return self.path / f"{DUMP_NAME}.{FORMATS[format_name].extension}"

    @classmethod
    def current(cls, release_dir: Path) -> Release:
        link = Path(release_dir) / "current"
        if not (link / "release.json").exists():
            raise NotFound(f"no release in {release_dir}: run `kommunmal build --out {release_dir}` first")
        return cls(link.resolve())


def build(
    settings: Settings,
    out: Path | None = None,
    progress: Progress | None = None,
    *,
    parallel: bool | None = None,
    cache: bool = True,
) -> tuple[Release, Report]:
    """Load and validate the sources; write a release only if they conform. Raises NotConformant otherwise.

    With more than one document folder (data/<kommun>/…), or `parallel=True`, the documents are validated
    each on its own in parallel and streamed into the store (kommunmal.release_parallel); with `cache`, only the
    folders whose inputs changed since the last build into `out` are validated (kommunmal.unit_cache), and after
    a successful build the cache keeps this build's folders only. `cache=False` validates every folder and
    neither reads nor writes the cache. Then the older releases beyond the setting keep_releases are removed
    (`release_retention.prune`)."""
    say = progress or (lambda _msg: None)
    out = Path(out or settings.release_dir)
    with build_lock.held(out):
        built = _build(settings, out, say, parallel, cache)
        from kommunmal.release_retention import prune  # imports kommunmal.integrity, which imports this module

        prune(out, settings.keep_releases, say)
        return built


def _build(settings: Settings, out: Path, say: Progress, parallel: bool | None, cache: bool) -> tuple[Release, Report]:
    started = time.monotonic()
    if parallel is None:
        parallel = _document_folders(settings) > 1
    if parallel:
        from kommunmal.unit_cache import UnitCache

        units = UnitCache.of(out) if cache else None
        plan = store_reuse.Plan.of(out) if cache else None
        built = _staged(
            settings, out, say, started, lambda staging: _write_parallel(settings, staging, say, started, units, plan)
        )
        if units is not None:
            units.evict()
        if plan is not None:
            store_reuse.save(out, built[0].id, plan)
        return built
    say("Läser källor / reading sources …")
    dataset, sources = load(settings)
    say(f"  {count(len(sources), 'fil', 'filer')}, {count(len(dataset), 'trippel', 'tripplar')} / files, triples")
    say("Validerar mot SHACL / validating against SHACL …")
    union = union_graph(dataset)
    report = validate(union, load_shapes(settings), sources, dataset=dataset, engine=settings.shacl_engine)
    if not report.conforms:
        raise NotConformant(report.text())
    say(f"  konform, {count(len(report.warnings), 'varning', 'varningar')} / conforms, warnings")

    def write(staging: Path) -> tuple[str, Report]:
        return _write(settings, dataset, union, sources, report, staging, say), report

    return _staged(settings, out, say, started, write)


def _document_folders(settings: Settings) -> int:
    root = Path(settings.data_dir)
    if not root.is_dir():
        return 0
    return sum(1 for p in root.iterdir() if p.is_dir() and p.name != "reference" and not p.name.startswith("."))


def _staging(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    (out / "releases").mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out))
    staging.chmod(0o755)
    return staging


def _upload(settings: Settings, folder: Path, release_id: str, say: Progress) -> None:
    """With a remote store (setting store_url), put the release's graphs there before `current` is switched."""
    if not settings.store_url:
        return
    from kommunmal.store_remote import upload

    if not settings.store_gsp_url or not settings.store_update_url:
        raise NotFound("store_url is set: set store_gsp_url and store_update_url too, so that build can upload")
    say(f"Laddar upp till / uploading to {settings.store_gsp_url} …")
    nquads = folder / f"{DUMP_NAME}.nq"
    count = upload(
        nquads, release_id, settings.store_gsp_url, settings.store_update_url, say, query_url=settings.store_url
    )
    say(f"\n  {count} grafer på plats / graphs in place")


def _publish(out: Path, staging: Path, release_id: str) -> Path:
    final = out / "releases" / release_id
    if final.exists():
        shutil.rmtree(staging)
    else:
        staging.rename(final)
    _point_current(out, final)
    return final


def _staged(
    settings: Settings, out: Path, say: Progress, started: float, write: Callable[[Path], tuple[str, Report]]
) -> tuple[Release, Report]:
    """`write(staging)` fills a new staging folder under `out` and returns (release id, report); the folder is then
    uploaded where a remote store is set and published as the current release. On any failure the staging folder
    is removed and the previous release stays current."""
    staging = _staging(out)
    try:
        release_id, report = write(staging)
        _upload(settings, staging, release_id, say)
        final = _publish(out, staging, release_id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    say(f"Release {release_id} klar på {time.monotonic() - started:.1f} s / ready: {final}")
    return Release(final), report


def _write_parallel(
    settings: Settings,
    staging: Path,
    say: Progress,
    started: float,
    cache: UnitCache | None = None,
    plan: store_reuse.Plan | None = None,
) -> tuple[str, Report]:
    from kommunmal import release_parallel as rp

    report, sources, digest, graphs = rp.build_units(settings, staging, say, cache=cache, plan=plan)
    warnings = count(len(report.warnings), "varning", "varningar")
    say(f"  konform, {warnings} / conforms, warnings ({time.monotonic() - started:.0f} s)")
    say(
        "Laddar den inbäddade lagringen och skriver dumpar, statistik och tillägg parallellt / loading the embedded "
        "store and writing dumps, statistics and extras in parallel …"
    )
    loaded: list[int] = []

    def load() -> None:
        reused = store_reuse.load(plan, staging.parent, staging / "store") if plan is not None else None
        if reused is None:
            store = pyoxigraph.Store(str(staging / "store"))
            store.bulk_load(path=str(staging / f"{DUMP_NAME}.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
            store.optimize()
            loaded.append(len(store))
            del store  # closed before the tasks that read it open it
        else:
            loaded.append(reused)
            replaced = len(plan.changes()[1])
            say(
                f"  lagringen från förra bygget, {count(replaced, 'dokumentmapp', 'dokumentmappar')} "
                f"{'utbytt' if replaced == 1 else 'utbytta'} / the last build's store, {replaced} document "
                f"{'folder' if replaced == 1 else 'folders'} replaced"
            )
        say(f"  {count(loaded[0], 'kvad', 'kvader')} / quads ({time.monotonic() - started:.0f} s)")

    from kommunmal.document_dumps import write_document_dumps

    # The workers wrote the per-document dumps while validating (kommunmal.unit_validation).
    extras = tuple(extra for extra in release_extras() if extra is not write_document_dumps)
    triples = rp.write_outputs(
        settings,
        staging,
        _prefixes(settings),
        extras,
        say,
        description=(sources, graphs),
        meanwhile=lambda: report.graph.serialize(staging / "validation.ttl", format="turtle", encoding="utf-8"),
        load=load,
    )
    quads = loaded[0]
    release_id = identifier(settings, digest)
    _finish(settings, staging, say, release_id, digest, triples, quads, sources, len(report.warnings), extras=False)
    return release_id, report


def _write(
    settings: Settings,
    dataset: Dataset,
    union: Graph,
    sources: list[Source],
    report: Report,
    folder: Path,
    say: Progress,
) -> str:
    for prefix, ns in _prefixes(settings).items():
        dataset.bind(prefix, ns, override=True)
        union.bind(prefix, ns, override=True)
    say("Skriver dumpar / writing dumps …")
    for name in DUMP_FORMATS:
        fmt = FORMATS[name]
        target = folder / f"{DUMP_NAME}.{fmt.extension}"
        source = dataset if fmt.kind == "dataset" else union
        source.serialize(destination=target, format=fmt.rdflib, encoding="utf-8")
        say(f"  {target.name}")
    with (folder / f"{DUMP_NAME}.nq").open("rb") as nq:
        quad_count = sum(1 for line in nq if line.strip())
    digest = content_digest(dataset)
    release_id = identifier(settings, digest)
    void = describe(settings, dataset, sources, union)
    void.serialize(destination=folder / "void.ttl", format="turtle", encoding="utf-8")
    report.graph.serialize(destination=folder / "validation.ttl", format="turtle", encoding="utf-8")
    say("Laddar den inbäddade lagringen / loading the embedded store …")
    store = pyoxigraph.Store(str(folder / "store"))
    store.bulk_load(path=str(folder / f"{DUMP_NAME}.nq"), format=pyoxigraph.RdfFormat.N_QUADS)
    store.optimize()
    Stats.of_store(store).save(folder / STATS_FILE)
    del store
    _finish(settings, folder, say, release_id, digest, len(union), quad_count, sources, len(report.warnings))
    return release_id


def _finish(
    settings: Settings,
    folder: Path,
    say: Progress,
    release_id: str,
    digest: str,
    triples: int,
    quads: int,
    sources: list[Source],
    warnings: int,
    extras: bool = True,
) -> None:
    """The extras (unless already written: `extras=False`), then SHA256SUMS and release.json: the last files of a
    release folder."""
    for extra in release_extras() if extras else ():
        extra(settings, folder, say)
    files = sorted(p for p in folder.iterdir() if p.is_file())
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # hashlib lets go of the GIL: every core hashes
        sums = dict(zip((p.name for p in files), pool.map(file_sha256, files), strict=True))
    (folder / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in sums.items()), encoding="utf-8")
    meta = {
        "id": release_id,
        "content_sha256": digest,
        "software_sha256": software.fingerprint(settings),
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "kommunmal_version": __version__,
        "base_iri": settings.base_iri,
        "triples": triples,
        "quads": quads,
        "graphs": {str(s.graph): {"file": s.path.name, "role": s.role} for s in sources},
        "warnings": warnings,
        "files": {n: {"sha256": h, "bytes": (folder / n).stat().st_size} for n, h in sums.items()},
    }
    (folder / "release.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    from kommunmal.integrity import remember  # integrity imports this module

    remember(folder)  # hashed and counted just now: the first start need not do it again


def file_sha256(path: Path) -> str:
    """SHA-256 of the file at `path` as 64 hex digits, read in 1 MiB blocks (the checksums of SHA256SUMS and
    release.json). Raises OSError when the file cannot be read."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def release_extras() -> tuple[Extra, ...]:
    """What else goes into a release folder, written after the dumps and the store and before the checksums.

    Each extra is called as `extra(settings, folder, say)`: it may read `folder / "kommunmal.nq"` (all quads) or
    open `folder / "store"` read-only, and writes its own files into `folder`. The list lives in
    kommunmal.release_extras so that the features that add files (search index, per-document dumps, …) register
    there without this module importing them at start.
    """
    from kommunmal import release_extras as extras

    return tuple(extras.EXTRAS)


def identifier(settings: Settings, digest: str) -> str:
    """The release id, 16 hex digits: the start of the SHA-256 over the data's content digest (64 hex digits) and
    `software.fingerprint(settings)`, so that the same data and software give the same id and a release of the
    same data by other software (another version, code or shapes) is a new release, not the old folder kept."""
    return hashlib.sha256(f"{digest}\n{software.fingerprint(settings)}".encode()).hexdigest()[:16]


def content_digest(dataset: Dataset) -> str:
    """SHA-256 over the sorted N-Quads of the dataset, with blank nodes canonically labelled.

    Blank node labels change on every parse; canonical labels keep the release id stable for the same sources.
    """
    lines: list[str] = []
    for graph in dataset.graphs():
        if not len(graph):
            continue
        name = graph.identifier.n3()
        plain = Graph()
        for triple in graph:
            if isinstance(triple[0], BNode) or isinstance(triple[2], BNode):
                plain.add(triple)
            else:
                lines.append(f"{triple[0].n3()} {triple[1].n3()} {triple[2].n3()} {name} .")
        for s, p, o in to_canonical_graph(plain):
            lines.append(f"{s.n3()} {p.n3()} {o.n3()} {name} .")
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def _point_current(out: Path, final: Path) -> None:
    link = out / "current"
    tmp = out / f".current-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(final.relative_to(out))
    os.replace(tmp, link)


def _prefixes(settings: Settings) -> dict[str, str]:
    base = settings.base_iri
    return {
        "km": settings.vocab,
        "goal": base + "id/ostersund/budget-2024/goal/",
        "para": base + "id/ostersund/budget-2024/paragraph/",
        "action": base + "id/ostersund/budget-2024/action/",
        "ostorg": base + "id/ostersund/org/",
        "sdg": "http://metadata.un.org/sdg/",
        "sdgo": "http://metadata.un.org/sdg/ontology#",
        "org": "http://www.w3.org/ns/org#",
        "cv": "http://data.europa.eu/m8g/",
        "prov": "http://www.w3.org/ns/prov#",
        "qb": "http://purl.org/linked-data/cube#",
    }
