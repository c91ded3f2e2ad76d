"""Server time of the HTML pages, per page kind: p50 and p99 in milliseconds over --n requests each.

Requests go through the app in process (Starlette's TestClient, no sockets), so the figures are the time the
server spends assembling and rendering a page. "first" is the first request of each kind, in the order below, on
an app without warm-up: what the first visitor waits for when nothing has assembled the page's data yet. Peers
in the same run: /health (the framework's floor) and, for /doc/ pages, the same document as N-Triples (the store
lookup without page assembly). Target: p50 < 100 ms.

    .venv/bin/python scripts/bench_pages.py                     # builds a release into a temporary folder
    .venv/bin/python scripts/bench_pages.py --release build --n 50
    .venv/bin/python scripts/bench_pages.py --release /tmp/national-build --municipality syntet-9001
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from kommunmal.config import Settings
from kommunmal.release import Release, build
from kommunmal.web.app import create_app

HTML = "text/html"
NT = "application/n-triples"
KINDS = (
    ("health (floor)", "/health", "*/*"),
    ("home", "/", HTML),
    ("goal document", "/doc/ostersund/budget-2024/document", HTML),
    ("goal", "/doc/ostersund/budget-2024/goal/1.4", HTML),
    ("goal as N-Triples (peer)", "/doc/ostersund/budget-2024/goal/1.4", NT),
    ("action", "/doc/ostersund/budget-2024/action/invanare-75000-ar-2040", HTML),
    ("organisation", "/doc/ostersund/org/kommunstyrelsen", HTML),
    ("paragraph (generic)", "/doc/ostersund/budget-2024/paragraph/1.1-4", HTML),
    ("action index", "/atgarder", HTML),
    ("action index, filtered", "/atgarder?mal=1.4&organ=kommunstyrelsen", HTML),
    ("action index as CSV", "/atgarder.csv", "text/csv"),
    ("organisation index", "/organisationer", HTML),
    ("SDG overview", "/sdg", HTML),
    ("SDG goal", "/sdg/11", HTML),
    ("SDG target", "/sdg/11.2", HTML),
    ("goal graph", "/graph", HTML),
    ("goal graph, all layers", "/graph?lager=all", HTML),
    ("goal graph of a chosen document", "/graph?dokument=ostersund/2024&lager=sdg", HTML),
    ("goal graph as JSON, one document", "/analysis/goal-graph.json?dokument=ostersund/2024", "application/json"),
    ("catalog (RDF/XML, harvested)", "/catalog", "application/rdf+xml"),
    ("comparison across municipalities", "/jamfor/globala-mal", HTML),
    ("vocabulary", "/def/kommunmal", HTML),
    ("404 with suggestions", "/doc/ostersund/org/kommunstyrelse", HTML),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", type=Path, help="a release folder (default: build one into a temp folder)")
    parser.add_argument("--n", type=int, default=30, help="timed requests per page kind (after 2 warm-ups)")
    parser.add_argument(
        "--municipality",
        default="ostersund",
        help="IRI slug whose pages are asked for, e.g. syntet-9001 in a release of scripts/gen_national.py",
    )
    args = parser.parse_args(argv)
    settings = Settings.from_env(environ={})
    with tempfile.TemporaryDirectory() as tmp:
        release_dir = args.release
        if release_dir is None:
            print("building a release …", file=sys.stderr)
            release_dir = Path(tmp) / "release"
            build(settings, release_dir)
        app = create_app(settings.with_(release_dir=release_dir), Release.current(release_dir))
        print("| page kind | path | first ms | p50 ms | p99 ms | status |")
        print("|---|---|---:|---:|---:|---:|")
        with TestClient(app) as client:
            for name, path, accept in KINDS:
                path = path.replace("ostersund/", f"{args.municipality}/")
                headers = {"accept": accept}
                start = time.perf_counter()
                status = client.get(path, headers=headers).status_code
                first = (time.perf_counter() - start) * 1000
                client.get(path, headers=headers)
                times = []
                for i in range(args.n):
                    start = time.perf_counter()
                    client.get(path, headers=headers)
                    times.append((time.perf_counter() - start) * 1000)
                    print(f"\r{name}: {i + 1}/{args.n}", end="", file=sys.stderr)
                print("\r", end="", file=sys.stderr)
                p50, p99 = statistics.median(times), percentile(times, 0.99)
                print(f"| {name} | `{path}` | {first:.0f} | {p50:.1f} | {p99:.1f} | {status} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
