"""Where a national build's CPU goes: each part of `kommunmal build` run again, alone, on data already built.

Times, one after the other in this process (CPU of the process with its threads, and wall), the parts a cold build
of national data runs: the SHACL engine on each municipality folder with the shared graphs (the engine call only),
Oxigraph's bulk load and optimize into a new store, the four other dumps of the whole dataset (each parsed from
N-Quads or N-Triples, as the build does), the planner's statistics, the search index and the checksums. The parts
that are libraries' own work (engine, load, parsers and serializers) are summed apart from ours: on a machine with
N cores a build can take no less than their CPU divided by N, whatever our code does.

    .venv/bin/python scripts/gen_national.py --size 290 --out /tmp/n290
    KOMMUNMAL_DATA_DIR=/tmp/n290 .venv/bin/kommunmal build --out /tmp/n290-build
    .venv/bin/python scripts/build_parts.py --data-dir /tmp/n290 --release-dir /tmp/n290-build
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from kommunmal import allocator

Part = tuple[str, bool, Callable[[], object]]  # (name, a library's own work, the work)


def cpu() -> float:
    """CPU seconds (user + system) of this process and its threads so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def engine_part(data_dir: Path) -> Callable[[], object]:
    """The SHACL engine's calls for every unit of `data_dir` (units read beforehand, outside the timing)."""
    os.environ["KOMMUNMAL_DATA_DIR"] = str(data_dir)
    from kommunmal import release_parallel, unit_validation
    from kommunmal.config import Settings
    from kommunmal.dataset import discover
    from kommunmal.shacl_engines import run_engine

    settings = Settings.from_env()
    shared, by_unit = release_parallel.units(settings, discover(settings))
    unit_validation.init(settings, shared)
    state = unit_validation._STATE
    texts = []
    for sources in by_unit.values():
        quads = [q for s in sources for q in unit_validation.read_source(s, settings.base_iri)]
        texts.append(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    print(f"{len(texts)} folders read; SHACL engine {settings.shacl_engine}", file=sys.stderr)
    engine = settings.shacl_engine
    if engine not in ("shacl-engine", "turbo"):
        raise SystemExit(f"SHACL engine {engine}: this script times shacl-engine or turbo (KOMMUNMAL_SHACL_ENGINE)")

    def run() -> None:
        for text in texts:
            run_engine(engine, unit_validation._engine_input(engine, [], text), state["engine"])

    return run


def parts(data_dir: Path, release: Path, scratch: Path) -> list[Part]:
    """The parts, in the order a build runs them."""
    from kommunmal.config import Settings
    from kommunmal.query_cost import Stats
    from kommunmal.release import file_sha256
    from kommunmal.search.index import build_index
    from kommunmal.union_dump import union_ntriples

    settings = Settings.from_env()
    nq, nt = release / "kommunmal.nq", scratch / "x.nt"  # nothing of the release is written
    store_path = scratch / "store"
    opened: list[ox.Store] = []

    def load() -> None:
        opened.append(ox.Store(str(store_path)))
        opened[0].bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)

    def optimize() -> None:
        opened[0].optimize()
        opened.clear()

    def dump(source: Path, fmt: ox.RdfFormat, target: str) -> Callable[[], object]:
        kind = ox.RdfFormat.N_QUADS if source.suffix == ".nq" else ox.RdfFormat.N_TRIPLES
        return lambda: ox.serialize(ox.parse(path=str(source), format=kind), str(scratch / target), fmt)

    def read_only() -> ox.Store:
        return ox.Store.read_only(str(store_path))

    def search() -> None:
        folder = scratch / "search"
        folder.mkdir(exist_ok=True)
        (folder / "store").symlink_to(store_path)
        build_index(settings, folder, lambda _line: None)

    def checksums() -> None:
        files = sorted(p for p in release.iterdir() if p.is_file())
        with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
            list(pool.map(file_sha256, files))

    return [
        ("SHACL engine, every folder", True, engine_part(data_dir)),
        ("store: bulk load", True, load),
        ("store: optimize", True, optimize),
        ("dump: N-Triples of the union, with the VoID counts (our line pass)", False, lambda: union_ntriples(nq, nt)),
        ("dump: TriG", True, dump(nq, ox.RdfFormat.TRIG, "x.trig")),
        ("dump: Turtle", True, dump(nt, ox.RdfFormat.TURTLE, "x.ttl")),
        ("dump: JSON-LD", True, dump(nt, ox.RdfFormat.JSON_LD, "x.jsonld")),
        ("planner statistics (queries on the store)", False, lambda: Stats.of_store(read_only())),
        ("search index", False, search),
        ("checksums", False, checksums),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="the national data the release was built from")
    parser.add_argument("--release-dir", type=Path, required=True, help="the build folder (holding current/)")
    parser.add_argument("--allocator", choices=("mimalloc", "system"), default="mimalloc")
    args = parser.parse_args()
    allocator.reexec(args.allocator)
    release = (args.release_dir / "current").resolve()
    os.environ["KOMMUNMAL_DATA_DIR"] = str(args.data_dir)
    scratch = Path(tempfile.mkdtemp(prefix="build-parts-"))
    try:
        todo = parts(args.data_dir, release, scratch)
        print(f"release {release.name}, allocator {allocator.loaded()}, {os.cpu_count()} cores")
        print("\n| part | library's own | CPU s | wall s |\n|---|---|---|---|")
        totals = {True: 0.0, False: 0.0}
        for name, library, work in todo:
            print(f"  {name} …", file=sys.stderr, flush=True)
            c, w = cpu(), time.monotonic()
            work()
            used = cpu() - c
            totals[library] += used
            print(f"| {name} | {'yes' if library else 'no'} | {used:.1f} | {time.monotonic() - w:.1f} |", flush=True)
        cores = os.cpu_count() or 1
        print(
            f"\nlibraries' own work {totals[True]:.1f} s of CPU (at least {totals[True] / cores:.1f} s on {cores} "
            f"cores); ours {totals[False]:.1f} s; both {sum(totals.values()):.1f} s (at least "
            f"{sum(totals.values()) / cores:.1f} s on {cores} cores). Not counted: reading and checking the folders, "
            "the per-document dumps, the validation report."
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
