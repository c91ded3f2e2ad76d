"""Benchmark full-text search: the index's own time per query, /search.json and /search/suggest over HTTP on
a real server, and a naive peer in the same run (a SPARQL scan of every text for a substring, queries/
search_substring.rq, on the same store). Prints p50 / p99 in milliseconds and the ratio of the medians.

Target: /search.json p99 under 50 ms on loopback.

    .venv/bin/python scripts/bench_search.py
    .venv/bin/python scripts/bench_search.py --release build/current --rounds 200
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from kommunmal.config import Settings
from kommunmal.release import Release, build
from kommunmal.search import SearchIndex
from kommunmal.sparql_source import StoreSource, query_text
from kommunmal.store import Store

QUERIES = ("kultur", "äldreomsorg", "Stockholm", "klimatneutral", "våld", "utbildning för alla", "kommunen")
TYPED = ("kl", "klim", "klimatn", "äldreo", "stockh", "våld i n")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def timed(action: Callable[[], object], rounds: int) -> list[float]:
    action()  # warm
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serving(release_dir: Path, log: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    env |= {"KOMMUNMAL_RELEASE_DIR": str(release_dir), "KOMMUNMAL_PUBLIC_URL": url}
    command = [sys.executable, "-m", "uvicorn", "--factory", "kommunmal.web:create_app", "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen([*command, "--no-access-log"], env=env, stdout=sink, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"the server exited; see {log}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(url + "search.json", params={"q": "mål"}, timeout=5).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server did not come up; see {log}")
                time.sleep(0.2)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--release", type=Path, help="a release folder (default: build one in a temporary folder)")
    parser.add_argument("--rounds", type=int, default=100, help="timed requests per query (default 100)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as tmp:
        if args.release:
            release = Release(args.release.resolve())
            release_dir = release.path.parent.parent
        else:
            print("building a release …", file=sys.stderr)
            release, _ = build(settings, Path(tmp) / "release")
            release_dir = Path(tmp) / "release"
        index = SearchIndex.for_release(release.path)
        source = StoreSource(Store(release.store_path), settings.vocab)
        scan = query_text("search_substring", settings.vocab)
        rows = [
            "| query | hits | index p50 / p99 | SPARQL scan p50 / p99 | scan ÷ index | HTTP p50 / p99 |",
            "|---" * 6 + "|",
        ]
        http_all: list[float] = []
        with serving(release_dir, Path(tmp) / "server.log") as url, httpx.Client(timeout=30) as client:
            for q in QUERIES:
                hits = index.search(q).total
                own = timed(lambda q=q: index.search(q), args.rounds)
                word = q.split()[0].lower()
                peer = timed(lambda w=word: source.select_text(scan.replace("{word}", w)), max(10, args.rounds // 10))
                http = timed(
                    lambda q=q: client.get(url + "search.json", params={"q": q}).raise_for_status(), args.rounds
                )
                http_all += http
                (o50, o99), (p50, p99), (h50, h99) = percentiles(own), percentiles(peer), percentiles(http)
                rows.append(
                    f"| {q} | {hits} | {o50:.2f} / {o99:.2f} ms | {p50:.2f} / {p99:.2f} ms | {p50 / o50:.1f}× "
                    f"| {h50:.2f} / {h99:.2f} ms |"
                )
            suggest: list[float] = []
            for typed in TYPED:
                suggest += timed(
                    lambda t=typed: client.get(url + "search/suggest", params={"q": t}).raise_for_status(), args.rounds
                )
        a50, a99 = percentiles(http_all)
        s50, s99 = percentiles(suggest)
        print("\n".join(rows))
        print()
        print(f"/search.json over all queries: p50 {a50:.2f} ms, p99 {a99:.2f} ms (target p99 < 50 ms)")
        print(f"/search/suggest while typing ({len(TYPED)} prefixes): p50 {s50:.2f} ms, p99 {s99:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
