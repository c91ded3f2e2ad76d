"""The query engine alone, without HTTP: pyoxigraph evaluating and serializing each query of bench_sparql's mix on a
release's store, CPU per query on one thread and queries per second on one and two threads.

Compares with `oxigraph serve` in bench_sparql.py: what is left between the two is the server, not the engine.
`--allocator mimalloc` (the default, as `kommunmal serve`) or `system` runs it with that allocator.

    .venv/bin/python scripts/bench_engine.py --release-dir build
    .venv/bin/python scripts/bench_engine.py --release-dir build --allocator system
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from kommunmal import allocator

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_sparql import QUERIES


def answer(store: ox.Store, text: str) -> bytes:
    result = store.query(text, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(list(result), format=ox.RdfFormat.TURTLE)
    if isinstance(result, ox.QueryBoolean):
        return b"true" if result else b"false"
    return result.serialize(format=ox.QueryResultsFormat.JSON)


def per_second(store: ox.Store, text: str, threads: int, seconds: float) -> float:
    """Queries answered per second by `threads` threads asking `text` over and over for `seconds`."""
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def work(index: int) -> None:
        while time.perf_counter() < stop:
            answer(store, text)
            done[index] += 1

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sum(done) / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release-dir", type=Path, required=True, help="folder with current/store")
    parser.add_argument("--seconds", type=float, default=2.0, help="seconds per query and thread count")
    parser.add_argument("--allocator", choices=("mimalloc", "system"), default="mimalloc")
    args = parser.parse_args()
    allocator.reexec(args.allocator)
    store = ox.Store.read_only(str(args.release_dir / "current" / "store"))
    print(f"allocator {allocator.loaded()}; CPU µs per query (median of 200, one thread); queries/s on 1 and 2 threads")
    print("\n| query | CPU µs | 1 thread /s | 2 threads /s | 2 / 1 |\n|---|---|---|---|---|")
    for query in QUERIES:
        cpu = []
        for _ in range(200):
            started = time.thread_time()
            answer(store, query.text)
            cpu.append(time.thread_time() - started)
        one, two = (per_second(store, query.text, n, args.seconds) for n in (1, 2))
        print(f"| {query.name} | {statistics.median(cpu) * 1e6:,.0f} | {one:,.0f} | {two:,.0f} | {two / one:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
