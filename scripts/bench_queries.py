"""CPU time of every named query without parameters (src/kommunmal/queries/*.rq) on a release's store, beside the
same query as it was at an earlier revision, with a check that both give the same answers.

Each query runs in its own process (a query may run for minutes on a large store; --timeout ends it), with km:
and kmc: put in front as `sparql_source.query_text` does, and the union of all graphs as the default graph.
Queries with `$name` parameters (page queries) are left out: they are only meaningful with a resource bound.

    .venv/bin/python scripts/bench_queries.py --store /tmp/national-build/current/store --baseline-rev HEAD~10
    .venv/bin/python scripts/bench_queries.py --store … --baseline-rev main --only goal_sdg_targets goal_committees
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "src" / "kommunmal" / "queries"

RUN = """
import hashlib, json, sys, time
import pyoxigraph
from kommunmal.config import Settings
from kommunmal.sparql_source import query_text
store = pyoxigraph.Store.read_only(sys.argv[1])
prologue = "\\n".join(query_text("goals", Settings.from_env().vocab).split("\\n")[:2])
started = time.process_time()
result = store.query(prologue + "\\n" + sys.stdin.read(), use_default_graph_as_union=True)
rows = sorted({repr(tuple(None if v is None else str(v) for v in row)) for row in result})
print(json.dumps({"cpu": time.process_time() - started, "rows": len(rows),
                  "answers": hashlib.sha256("\\n".join(rows).encode()).hexdigest()}))
"""


def run(store: Path, text: str, timeout: float) -> dict | None:
    """{cpu (s), rows (distinct solutions), answers (SHA-256 of the sorted solutions)}; None after `timeout` s."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", RUN, str(store)], input=text, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode:
        raise SystemExit(f"query failed: {done.stderr.strip().splitlines()[-1]}")
    return json.loads(done.stdout)


def at_revision(rev: str, name: str) -> str | None:
    path = f"src/kommunmal/queries/{name}.rq"
    done = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], capture_output=True, text=True)
    return done.stdout if done.returncode == 0 else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a release's store folder")
    parser.add_argument("--baseline-rev", help="also run each query as it was at this git revision")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per query before it is given up")
    parser.add_argument("--min-cpu", type=float, default=0.2, help="list only queries above this CPU time (s)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these named queries (default: all)")
    args = parser.parse_args(argv)
    print("| query | CPU s | rows | baseline CPU s | same answers |")
    print("|---|---:|---:|---:|---|")
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        if "$" in text.split("WHERE", 1)[-1] or (args.only and path.stem not in args.only):
            continue
        now = run(args.store, text, args.timeout)
        old_text = at_revision(args.baseline_rev, path.stem) if args.baseline_rev else None
        old = run(args.store, old_text, args.timeout) if old_text and old_text != text else now if old_text else None
        slowest = max((r["cpu"] for r in (now, old) if r), default=args.timeout)
        if now and old and slowest < args.min_cpu:
            continue
        cpu = f"{now['cpu']:.2f}" if now else f"> {args.timeout:.0f}"
        base = "" if old_text is None else (f"{old['cpu']:.2f}" if old else f"> {args.timeout:.0f}")
        same = "" if not (now and old) else ("yes" if now["answers"] == old["answers"] else "**no**")
        print(f"| {path.stem} | {cpu} | {now['rows'] if now else ''} | {base} | {same} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
