"""Server time of the comparison pages across municipalities: the first request (computed) against repeated ones
(kept per release by kommunmal.result_cache), p50 and p99 in milliseconds of the repeats, with /health as the
peer in the same run. Meant for a national-scale release:

    .venv/bin/python scripts/gen_national.py --size 290 --out /tmp/national
    KOMMUNMAL_DATA_DIR=/tmp/national .venv/bin/kommunmal build --out /tmp/national-build
    .venv/bin/python scripts/bench_across.py --release /tmp/national-build --data-dir /tmp/national --n 20
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from fastapi.testclient import TestClient

from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.web.app import create_app

KINDS = (
    ("health (peer)", "/health", {}),
    ("SDG matrix, goals", "/jamfor/globala-mal", {}),
    ("SDG matrix, targets", "/jamfor/globala-mal", {"niva": "delmal"}),
    ("SDG matrix as CSV", "/jamfor/globala-mal.csv", {}),
    ("SDG matrix as PNG", "/jamfor/globala-mal.png", {}),
    ("goal mapping", "/jamfor/mal", {}),
    ("goal mapping as JSON", "/jamfor/mal.json", {}),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release", type=Path, required=True, help="a release folder (kommunmal build --out)")
    parser.add_argument("--data-dir", type=Path, help="the data folder the release was built from")
    parser.add_argument("--n", type=int, default=20, help="timed repeated requests per kind")
    args = parser.parse_args(argv)
    settings = Settings.from_env(environ={}).with_(release_dir=args.release)
    if args.data_dir:
        settings = settings.with_(data_dir=args.data_dir)
    app = create_app(settings, Release.current(args.release))
    print("| comparison | path | first ms | repeat p50 ms | repeat p99 ms | status |")
    print("|---|---|---:|---:|---:|---:|")
    with TestClient(app) as client:
        for name, path, params in KINDS:
            start = time.perf_counter()
            status = client.get(path, params=params, headers={"accept": "text/html"}).status_code
            first = (time.perf_counter() - start) * 1000
            times = []
            for _ in range(args.n):
                start = time.perf_counter()
                client.get(path, params=params, headers={"accept": "text/html"})
                times.append((time.perf_counter() - start) * 1000)
            query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
            print(
                f"| {name} | `{path}{query}` | {first:.1f} | {statistics.median(times):.1f} "
                f"| {percentile(times, 0.99):.1f} | {status} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
