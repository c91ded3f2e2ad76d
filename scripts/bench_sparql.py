"""Benchmark the SPARQL endpoint against its peers on loopback, with one query mix and bounded load.

Servers, all over the same release:

* kommunmal        `kommunmal serve` (on-disk read-only store, worker processes, answer cache on)
* kommunmal-nocache the same with KOMMUNMAL_SPARQL_CACHE_BYTES=0: every request is evaluated
* oxigraph         `oxigraph serve-read-only --union-default-graph` on the release's store (same storage)
* rdflib-endpoint  `rdflib-endpoint serve kommunmal.nq` (in-memory rdflib)
* ceiling          a constant-response FastAPI route run by uvicorn like ours: the most any Python route gets
* kommunmal-nocache-granian, ceiling-granian: the same under `kommunmal serve --server granian`
* kommunmal-nocache-2p, ceiling-2p: the same with two uvicorn server processes (`kommunmal serve --processes 2`)
* …-system         the same with the C library's malloc (KOMMUNMAL_ALLOCATOR=system; `kommunmal serve` preloads
                   mimalloc otherwise, kommunmal.allocator)

Each of our servers is compared with oxigraph and with the ceiling on its own HTTP server.

Each (server, query) is loaded with 1, 2 and 8 keep-alive clients for --duration seconds by `wrk` (apt package
wrk) or, without it, by a thread pool of httpx clients (slower: check the ceiling row). Prints a Markdown
table: requests per second, p50 and p99 per query, and the ratios to the peers.

    .venv/bin/python scripts/bench_sparql.py --quick
    .venv/bin/python scripts/bench_sparql.py --duration 20 --out bench.md
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from kommunmal.config import Settings
from kommunmal.release import Release, build
from kommunmal.web.routes.query_page import EXAMPLES

BIN = Path(sys.executable).parent
VOCAB = Settings.from_env(environ={}).vocab
JSON = "application/sparql-results+json"
TURTLE = "text/turtle"


@dataclass(frozen=True)
class Query:
    name: str
    text: str
    accept: str
    example: bool = False  # one of the query page's examples: p99 < 50 ms at 2 clients is a target


QUERIES: tuple[Query, ...] = (
    Query("goal_sdgs", EXAMPLES[0][1].format(vocab=VOCAB), JSON, True),
    Query("shared_actions", EXAMPLES[1][1].format(vocab=VOCAB), JSON, True),
    Query("responsible", EXAMPLES[2][1].format(vocab=VOCAB), JSON, True),
    Query(
        "sdg_targets",
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
SELECT ?goal ?label (COUNT(?target) AS ?targets) WHERE {
  ?goal a sdgo:Goal ; skos:prefLabel ?label ; sdgo:hasTarget ?target FILTER(lang(?label) = "en")
} GROUP BY ?goal ?label ORDER BY ?goal""",
        JSON,
    ),
    Query(
        "paragraph_search",
        f"""PREFIX km: <{VOCAB}>
SELECT ?paragraph ?text WHERE {{
  ?paragraph a km:Paragraph ; km:text ?text FILTER(CONTAINS(LCASE(?text), "klimat"))
}} ORDER BY ?paragraph""",
        JSON,
    ),
    Query("ask", f"ASK {{ ?goal a <{VOCAB}Goal> ; <{VOCAB}contributesTo> <http://metadata.un.org/sdg/11> }}", JSON),
    Query(
        "construct_goal",
        f"""PREFIX km: <{VOCAB}>
CONSTRUCT {{ ?goal ?p ?o . ?action km:serves ?goal ; ?ap ?ao }} WHERE {{
  VALUES ?goal {{ <https://w3id.org/kommunmal/id/ostersund/budget-2024/goal/1.2> }}
  {{ ?goal ?p ?o }} UNION {{ ?action km:serves ?goal ; ?ap ?ao }}
}}""",
        TURTLE,
    ),
)


@dataclass
class Peer:
    name: str
    command: list[str]
    path: str  # the query path, e.g. /sparql
    env: dict[str, str] = field(default_factory=dict)
    constant: bool = False  # the ceiling: answers the same bytes whatever the query


@dataclass
class Measure:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float = 0.0  # CPU time of the server's process tree per request


PIDS: dict[str, int] = {}  # query URL -> server process id


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its live descendants, from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    parent: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent[int(entry)] = int(fields[1])
            cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        total += cpu.get(p, 0.0)
        todo.extend(c for c, pp in parent.items() if pp == p)
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(peer: Peer, port: int, log_dir: Path) -> Iterator[str]:
    command = [part.replace("{port}", str(port)) for part in peer.command]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")} | peer.env
    env["KOMMUNMAL_PUBLIC_URL"] = f"http://127.0.0.1:{port}/"
    log = (log_dir / f"{peer.name}.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{peer.name} exited; see {log.name}")
            with contextlib.suppress(httpx.TransportError):
                r = httpx.get(base + peer.path, params={"query": "ASK {}"}, timeout=5)
                if r.status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{peer.name} did not come up")
            time.sleep(0.1)
        wait_for_warm_up(peer, Path(log.name))
        PIDS[base + peer.path] = process.pid
        yield base + peer.path
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def wait_for_warm_up(peer: Peer, log: Path, timeout_s: float = 900) -> None:
    """Wait until each server process of a `kommunmal serve` peer has logged that its warm-up (the examples'
    answers, the index pages) is done: at 290 municipalities it takes a minute of the server's CPU, which would
    otherwise be counted against the first queries measured."""
    if "serve" not in peer.command or peer.env.get("KOMMUNMAL_WARM_PAGES", "true") == "false":
        return
    processes = int(peer.command[peer.command.index("--processes") + 1]) if "--processes" in peer.command else 1
    deadline = time.monotonic() + timeout_s
    while log.read_text(errors="replace").count("index pages ready") < processes:
        if time.monotonic() > deadline:
            raise RuntimeError(f"{peer.name} did not finish its warm-up; see {log}")
        time.sleep(0.5)


def check(url: str, query: Query) -> str:
    """A short fingerprint of the answer (rows, triples or boolean), to see that every peer answers alike."""
    r = httpx.get(url, params={"query": query.text}, headers={"Accept": query.accept}, timeout=60)
    if r.status_code != 200:
        return f"HTTP {r.status_code}"
    if query.accept == TURTLE:
        from rdflib import Graph

        return f"{len(Graph().parse(data=r.text, format='turtle'))} triples"
    data = r.json()
    if "boolean" in data:
        return str(data["boolean"]).lower()
    return f"{len(data['results']['bindings'])} rows"


def load(url: str, query: Query, clients: int, seconds: float) -> Measure:
    target = f"{url}?query={quote(query.text)}"
    if shutil.which("wrk"):
        return _wrk(target, query.accept, clients, seconds)
    return _threads(target, query.accept, clients, seconds)


def _wrk(target: str, accept: str, clients: int, seconds: float) -> Measure:
    out = subprocess.run(
        ["wrk", "-t1", f"-c{clients}", f"-d{max(1, round(seconds))}s", "--latency", "-H", f"Accept: {accept}", target],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", out))
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return Measure(rps, _wrk_ms(out, "50%"), _wrk_ms(out, "99%"), errors)


def _wrk_ms(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def _threads(target: str, accept: str, clients: int, seconds: float) -> Measure:
    latencies: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    lock = threading.Lock()

    def worker() -> None:
        mine: list[float] = []
        with httpx.Client(headers={"Accept": accept}, timeout=60) as client:
            while time.monotonic() < stop:
                started = time.perf_counter()
                r = client.get(target)
                mine.append((time.perf_counter() - started) * 1000)
                if r.status_code != 200:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [latencies[0]] * 99
    return Measure(len(latencies) / seconds, q[49], q[98], errors[0])


def ceiling_app() -> Any:
    """The app that --serve-ceiling runs: one constant answer."""
    from fastapi import FastAPI
    from fastapi.responses import Response

    app = FastAPI()
    body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'

    @app.get("/sparql")
    def constant() -> Response:
        return Response(body, media_type=JSON)

    return app


def peers(release: Release, only: set[str] | None, baseline: Path | None = None) -> list[Peer]:
    serve = [str(BIN / "kommunmal"), "serve", "--release-dir", str(release.path.parent.parent), "--port", "{port}"]
    # With the answer cache off nothing is kept from a warm-up, so the uncached peers start without one.
    nocache = {"KOMMUNMAL_SPARQL_CACHE_BYTES": "0", "KOMMUNMAL_WARM_PAGES": "false"}
    system = {"KOMMUNMAL_ALLOCATOR": "system"}
    granian = [*serve, "--server", "granian"]
    ceiling = [sys.executable, __file__, "--serve-ceiling", "{port}"]
    found = [
        Peer("kommunmal", serve, "/sparql"),
        Peer("kommunmal-nocache", serve, "/sparql", nocache),
        Peer("kommunmal-nocache-system", serve, "/sparql", nocache | system),
        Peer("kommunmal-nocache-2p", [*serve, "--processes", "2"], "/sparql", nocache),
        Peer("kommunmal-nocache-granian", granian, "/sparql", nocache),
        Peer("kommunmal-nocache-granian-system", granian, "/sparql", nocache | system),
        Peer(
            "oxigraph",
            [
                str(BIN / "oxigraph"),
                "serve-read-only",
                "--location",
                str(release.store_path),
                "--bind",
                "127.0.0.1:{port}",
                "--union-default-graph",
            ],
            "/query",
        ),
        Peer(
            "rdflib-endpoint",
            [
                str(BIN / "rdflib-endpoint"),
                "serve",
                str(release.dump("nquads")),
                "--host",
                "127.0.0.1",
                "--port",
                "{port}",
            ],
            "/",
        ),
        Peer("baseline-nocache", serve, "/sparql", nocache | {"PYTHONPATH": str(baseline)}) if baseline else None,
        Peer("ceiling", ceiling, "/sparql", constant=True),
        Peer("ceiling-granian", [*ceiling, "--ceiling-server", "granian"], "/sparql", constant=True),
        Peer("ceiling-2p", [*ceiling, "--ceiling-processes", "2"], "/sparql", constant=True),
    ]
    return [p for p in found if p is not None and (only is None or p.name in only)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--release-dir", type=Path, help="folder with a release (default: build one into a temp dir)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per (server, query, clients)")
    parser.add_argument("--clients", default="1,2,8", help="concurrent clients, comma-separated")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 s each")
    parser.add_argument("--peers", help="comma-separated subset of: " + ", ".join(p.name for p in peers_names()))
    parser.add_argument("--queries", help="comma-separated subset of: " + ", ".join(q.name for q in QUERIES))
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds per cell, peers in rotated order; medians are reported"
    )
    parser.add_argument(
        "--baseline-src",
        type=Path,
        help="also serve from this source tree (its src/, e.g. a `git archive` of main) as peer baseline-nocache",
    )
    parser.add_argument("--serve-ceiling", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--ceiling-server", default="uvicorn", help=argparse.SUPPRESS)
    parser.add_argument("--ceiling-processes", type=int, default=1, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_ceiling and args.ceiling_server == "granian":
        from granian import Granian
        from granian.constants import Interfaces

        app = ceiling_app()
        Granian("ceiling", port=args.serve_ceiling, interface=Interfaces.ASGI).serve(target_loader=lambda _t: app)
        return 0
    if args.serve_ceiling:
        import uvicorn

        many = args.ceiling_processes > 1  # uvicorn starts several processes from an import string only
        uvicorn.run(
            "bench_sparql:ceiling_app" if many else ceiling_app(),
            factory=many,
            workers=args.ceiling_processes if many else None,
            app_dir=str(Path(__file__).resolve().parent),
            host="127.0.0.1",
            port=args.serve_ceiling,
            access_log=False,
            log_level="warning",
            server_header=False,
        )
        return 0
    duration = 2.0 if args.quick else args.duration
    clients = [int(c) for c in args.clients.split(",")]
    queries = [q for q in QUERIES if not args.queries or q.name in args.queries.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench-sparql-") as tmp:
        if args.release_dir:
            release = Release.current(args.release_dir)
        else:
            release, _ = build(Settings.from_env(environ={}), Path(tmp) / "release")
        baseline = args.baseline_src.resolve() / "src" if args.baseline_src else None
        selected = peers(release, set(args.peers.split(",")) if args.peers else None, baseline)
        print(
            f"release {release.id}, {release.meta['triples']} triples; {duration:g} s per run, clients {clients}; "
            f"load generator: {'wrk' if shutil.which('wrk') else 'httpx threads'}",
            file=sys.stderr,
        )
        results: dict[tuple[str, str, int], Measure] = {}
        ratios: dict[tuple[str, str, str, int], float] = {}
        answers: dict[tuple[str, str], str] = {}
        # All servers run at once (idle ones cost nothing) and each cell is measured for every server in turn:
        # a change in the machine's background load then hits all servers alike.
        with contextlib.ExitStack() as stack:
            urls = {peer.name: stack.enter_context(running(peer, free_port(), Path(tmp))) for peer in selected}
            for query in queries:
                for peer in selected:
                    if not peer.constant:
                        answers[peer.name, query.name] = check(urls[peer.name], query)
                    load(urls[peer.name], query, 2, min(1.0, duration / 2))  # warm up
                for n in clients:
                    rounds: dict[str, list[Measure]] = {peer.name: [] for peer in selected}
                    # The machine is shared: each round measures every peer once, in a rotated order, and the
                    # ratios are taken per round, so that a burst of background load hits all peers alike.
                    for r in range(max(1, args.rounds)):
                        order = selected[r % len(selected) :] + selected[: r % len(selected)]
                        for peer in order:
                            before = tree_cpu(PIDS[urls[peer.name]])
                            m = load(urls[peer.name], query, n, duration)
                            used = tree_cpu(PIDS[urls[peer.name]]) - before
                            m.cpu_us = used / max(1.0, m.rps * duration) * 1e6
                            rounds[peer.name].append(m)
                            print(
                                f"  {peer.name:18} {query.name:17} c={n} r={r}: {m.rps:9.0f} req/s"
                                f"  p50 {m.p50_ms:7.2f} ms  p99 {m.p99_ms:7.2f} ms  errors {m.errors}"
                                f"  cpu {m.cpu_us:.0f} us/req",
                                file=sys.stderr,
                            )
                    for name, measures in rounds.items():
                        results[name, query.name, n] = median_measure(measures)
                        for other, theirs in rounds.items():
                            per_round = [m.rps / t.rps for m, t in zip(measures, theirs, strict=True) if t.rps]
                            if per_round:
                                ratios[name, other, query.name, n] = statistics.median(per_round)
        table = report(selected, queries, clients, results, answers, duration, ratios, args.rounds)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


def peers_names() -> list[Peer]:
    return [Peer(n, [], "") for n in PEER_NAMES]


PEER_NAMES = (
    "kommunmal",
    "kommunmal-nocache",
    "kommunmal-nocache-system",
    "kommunmal-nocache-2p",
    "kommunmal-nocache-granian",
    "kommunmal-nocache-granian-system",
    "baseline-nocache",
    "oxigraph",
    "rdflib-endpoint",
    "ceiling",
    "ceiling-granian",
    "ceiling-2p",
)


def median_measure(measures: list[Measure]) -> Measure:
    return Measure(
        statistics.median(m.rps for m in measures),
        statistics.median(m.p50_ms for m in measures),
        statistics.median(m.p99_ms for m in measures),
        sum(m.errors for m in measures),
        statistics.median(m.cpu_us for m in measures),
    )


def ceiling_of(name: str, ceilings: list[str]) -> str | None:
    """The constant route on the same HTTP server as our peer `name`."""
    wanted = "ceiling-granian" if "-granian" in name else "ceiling-2p" if name.endswith("-2p") else "ceiling"
    return wanted if wanted in ceilings else None


def report(
    selected: list[Peer],
    queries: list[Query],
    clients: list[int],
    results: dict,
    answers: dict,
    duration: float,
    ratios: dict | None = None,
    rounds: int = 1,
) -> str:
    names = [p.name for p in selected if not p.constant]
    ceilings = [p.name for p in selected if p.constant]
    lines = [
        f"Requests per second (p50 / p99 ms), medians of {rounds} rounds of {duration:g} s; ratios are medians of "
        "the per-round ratios. Keep-alive clients on loopback.",
        "",
    ]
    ours = [n for n in names if n.startswith(("kommunmal", "baseline"))]
    pairs = [(o, p) for o in ours for p in ("oxigraph", "rdflib-endpoint") if p in names]
    pairs += [(o, c) for o in ours if (c := ceiling_of(o, ceilings))]
    head = ["query", "clients", *names, *ceilings, *(f"{o} / {p}" for o, p in pairs)]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for query in queries:
        for n in clients:
            row = [query.name, str(n)]
            for name in names:
                m = results.get((name, query.name, n))
                row.append(
                    f"{m.rps:,.0f} ({m.p50_ms:.2f} / {m.p99_ms:.2f})" + (f" {m.errors} err" if m.errors else "")
                    if m
                    else "–"
                )
            for c in ceilings:
                top = results.get((c, query.name, n))
                row.append(f"{top.rps:,.0f}" if top else "–")
            for o, p in pairs:
                if ratios and (o, p, query.name, n) in ratios:
                    row.append(f"{ratios[o, p, query.name, n]:.2f}×")
                else:
                    mine, other = results.get((o, query.name, n)), results.get((p, query.name, n))
                    row.append(f"{mine.rps / other.rps:.2f}×" if mine and other and other.rps else "–")
            lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "CPU time of the server's process tree per request (µs; workers included), medians; on a machine whose CPUs"
        " are shared this is the steadier measure of cost, and its inverse bounds throughput when CPU-bound:",
        "",
        "| query | clients | "
        + " | ".join(names + ceilings)
        + " | "
        + " | ".join(f"oxigraph / {o}" for o in ours)
        + " |",
        "|" + "---|" * (2 + len(names) + len(ceilings) + len(ours)),
    ]
    for query in queries:
        for n in clients:
            cells = [results.get((name, query.name, n)) for name in names + ceilings]
            row = [query.name, str(n)] + [f"{c.cpu_us:,.0f}" if c else "–" for c in cells]
            theirs = results.get(("oxigraph", query.name, n))
            for o in ours:
                mine = results.get((o, query.name, n))
                row.append(f"{theirs.cpu_us / mine.cpu_us:.2f}×" if theirs and mine and mine.cpu_us else "–")
            lines.append("| " + " | ".join(row) + " |")
    lines += [
        "",
        "Answers (every peer should agree):",
        "",
        "| query | " + " | ".join(names) + " |",
        "|" + "---|" * (len(names) + 1),
    ]
    for query in queries:
        lines.append(f"| {query.name} | " + " | ".join(answers.get((n, query.name), "–") for n in names) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
