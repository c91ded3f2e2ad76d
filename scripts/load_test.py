"""Bounded load on loopback with wrk: a mix of cheap and expensive SPARQL queries, page views, searches and dumps.

    python scripts/load_test.py --release-dir build                # sweep 1…64 clients, 10 s each, then a 5 min soak
    python scripts/load_test.py --release-dir build --sweep 4,16 --duration 5 --soak 0
    python scripts/load_test.py --url http://127.0.0.1:8000/       # against a server that is already running

Starts `kommunmal serve` on a free loopback port (unless --url), finds the saturation point (the fewest clients
that reach 95 % of the best throughput of the sweep), and reports, per step: requests/s, p50/p90/p99 latency,
5xx answers, other non-2xx/3xx answers, socket errors (connect/read/write/timeout: dropped connections), and the
resident memory of the server and its query workers sampled every few seconds. The soak runs at the saturation
point and reports memory at its start and end and its slope (MB/min). Output: a table on stderr, JSON with
--json FILE. The load generator is wrk (apt: wrk); the request mix is a Lua script written next to the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

VOCAB = "https://w3id.org/kommunmal/def/kommunmal#"
CHEAP = [
    "ASK {}",
    f"PREFIX km: <{VOCAB}> SELECT ?g WHERE {{ ?g a km:Goal }} LIMIT 10",
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 5",
]
EXPENSIVE = [
    "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    f"PREFIX km: <{VOCAB}> SELECT ?a ?b (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x km:serves ?a, ?b "
    "FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b ORDER BY DESC(?n)",
    "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isLiteral(?o) && CONTAINS(LCASE(STR(?o)), 'hållbar')) }"
    " GROUP BY ?o",
]
SEARCH_WORDS = ["mål", "skola", "klimat", "trygghet", "näringsliv"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(release_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    env |= {"KOMMUNMAL_RELEASE_DIR": str(release_dir), "KOMMUNMAL_PUBLIC_URL": url}
    kommunmal = shutil.which("kommunmal") or str(Path(sys.executable).with_name("kommunmal"))
    process = subprocess.Popen(
        [kommunmal, "serve", "--port", str(port)], env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited:\n{log.read_text(errors='replace')}")
        try:
            if httpx.get(url + "health", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("the server did not come up in 60 s")


def paths(url: str) -> tuple[list[tuple[str, int]], list[str]]:
    """(path, weight) of the mix, and notes on what was left out."""
    notes = []
    mix: list[tuple[str, int]] = []
    for q in CHEAP:
        mix.append(("/sparql?query=" + quote(q), 6))
    for i, q in enumerate(EXPENSIVE):
        # A comment makes each of a few variants its own cache entry, so some evaluations are uncached.
        for variant in range(3):
            mix.append(("/sparql?query=" + quote(f"# v{variant}\n{q}"), 1 if i else 2))
    goals = httpx.get(
        url + "sparql",
        params={"query": f"PREFIX km: <{VOCAB}> SELECT ?g WHERE {{ ?g a km:Goal }} ORDER BY ?g LIMIT 5"},
        headers={"accept": "application/sparql-results+json"},
        timeout=30,
    ).json()["results"]["bindings"]
    for g in goals:
        iri = g["g"]["value"]
        mix.append(("/doc/" + iri.split("/id/", 1)[1], 3))
    for page in ("/", "/sdg", "/graph", "/catalog", "/dumps/"):
        mix.append((page, 2))
    mix += [(path, 1) for path in dump_paths(url, notes)]
    if httpx.get(url + "search", params={"q": "mål"}, timeout=30).status_code == 200:
        mix += [("/search?q=" + quote(w), 2) for w in SEARCH_WORDS]
    else:
        notes.append("/search is not served by this version: searches left out of the mix")
    for path, _ in mix:
        status = httpx.get(url + path.lstrip("/"), timeout=60).status_code
        if status >= 400:
            notes.append(f"{path[:60]} answers {status} before the load")
    return mix, notes


WHOLE_DUMP_LIMIT = 64 << 20  # wrk keeps each answer in memory: past this a download is a soak of its own


def dump_paths(url: str, notes: list[str]) -> list[str]:
    """The dumps in the mix: the whole dataset as Turtle and N-Quads, or where a whole dump is larger than
    WHOLE_DUMP_LIMIT (at 290 municipalities: hundreds of MB), the first goal document's dump in that format, with a
    note saying so."""
    listing = httpx.get(url + "dumps/", headers={"accept": "text/plain"}, timeout=30).text
    sizes = {line.split()[2]: int(line.split()[1]) for line in listing.splitlines() if len(line.split()) == 3}
    paths = []
    for whole in ("kommunmal.ttl", "kommunmal.nq"):
        if sizes.get(whole, 0) <= WHOLE_DUMP_LIMIT:
            paths.append("/dumps/" + whole)
            continue
        suffix = whole.rpartition(".")[2]
        one = next((n for n in sorted(sizes) if n.startswith("kommunmal-") and n.endswith("." + suffix)), None)
        if one is not None:
            paths.append("/dumps/" + one)
            notes.append(f"{whole} is {sizes[whole] / 2**20:.0f} MB: the mix downloads {one} instead")
    return paths


LUA = r"""
local paths = {PATHS}
local i = 0
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  counts = {}
  i = tonumber(wrk.thread:get("id")) * 7
end
function request()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1], {["Accept"] = "*/*"})
end
function response(status, headers, body)
  local k = tostring(status)
  counts[k] = (counts[k] or 0) + 1
end
function done(summary, latency, requests)
  local statuses = {}
  for _, t in ipairs(threads) do
    local c = t:get("counts")
    for k, v in pairs(c) do statuses[k] = (statuses[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(statuses) do table.insert(parts, string.format('"%s": %d', k, v)) end
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"timeout": %d, "non_2xx_3xx": %d, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, table.concat(parts, ", ")))
end
"""


def lua_script(mix: list[tuple[str, int]]) -> str:
    weighted = [path for path, weight in mix for _ in range(weight)]
    # Spread the weights so that consecutive requests differ.
    order = sorted(range(len(weighted)), key=lambda k: (k * 7919) % len(weighted))
    body = ", ".join(json.dumps(weighted[k]) for k in order)
    return LUA.replace("{PATHS}", "{" + body + "}")


def rss_mb(pid: int) -> float:
    """Resident memory of `pid` and all its descendants, MB."""
    total = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total / 1024


def run_wrk(url: str, script: Path, clients: int, seconds: float, pid: int | None, every: float) -> dict:
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def sample() -> None:
        started = time.monotonic()
        while not stop.is_set():
            if pid:
                samples.append((round(time.monotonic() - started, 1), round(rss_mb(pid), 1)))
            stop.wait(every)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    threads = max(1, min(clients, 2))
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{clients}",
        f"-d{int(seconds)}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        url.rstrip("/"),
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=False)
    stop.set()
    sampler.join()
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("RESULT ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result:\n{out.stdout}\n{out.stderr}")
    result = json.loads(line[len("RESULT ") :])
    result["clients"] = clients
    result["rps"] = round(result["requests"] / (result["duration_us"] / 1e6), 1)
    result["5xx"] = sum(v for k, v in result["statuses"].items() if k.startswith("5"))
    result["dropped"] = result["connect"] + result["read"] + result["write"] + result["timeout"]
    result["memory_mb"] = samples
    return result


def row(r: dict) -> str:
    mem = r["memory_mb"]
    peak = max((m for _, m in mem), default=0)
    return (
        f"{r['clients']:>4} clients  {r['rps']:>8.1f} req/s  p50 {r['p50_ms']:>7.1f} ms  p99 {r['p99_ms']:>8.1f} ms  "
        f"5xx {r['5xx']:>3}  dropped {r['dropped']:>3} (client timeouts {r['timeout']})  "
        f"other non-2xx/3xx {r['non_2xx_3xx'] - r['5xx']:>3}  "
        f"peak RSS {peak:>6.0f} MB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--release-dir", type=Path, default=Path("build"), help="release folder to serve")
    parser.add_argument("--url", help="load a server that is already running (memory is then not sampled)")
    parser.add_argument("--sweep", default="1,2,4,8,16,32,64", help="client counts to try (comma-separated)")
    parser.add_argument("--duration", type=float, default=10, help="seconds per sweep step")
    parser.add_argument("--soak", type=float, default=300, help="seconds of the run at the saturation point (0: none)")
    parser.add_argument("--json", type=Path, help="write all figures here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    work = Path(tempfile.mkdtemp(prefix="kommunmal-load-"))
    process = None
    try:
        if args.url:
            url, pid = args.url if args.url.endswith("/") else args.url + "/", None
        else:
            process, url = start_server(args.release_dir, work / "server.log")
            pid = process.pid
        mix, notes = paths(url)
        script = work / "mix.lua"
        script.write_text(lua_script(mix), encoding="utf-8")
        for note in notes:
            print(f"note: {note}", file=sys.stderr)
        print(f"{len(mix)} distinct requests in the mix; server {url}; cpus {os.cpu_count()}", file=sys.stderr)
        sweep = []
        for clients in (int(c) for c in args.sweep.split(",")):
            result = run_wrk(url, script, clients, args.duration, pid, 2.0)
            sweep.append(result)
            print(row(result), file=sys.stderr)
        best = max(r["rps"] for r in sweep)
        saturation = next(r for r in sweep if r["rps"] >= 0.95 * best)
        print(f"saturation point: {saturation['clients']} clients ({saturation['rps']} req/s)", file=sys.stderr)
        figures: dict = {"mix": mix, "notes": notes, "sweep": sweep, "saturation_clients": saturation["clients"]}
        if args.soak > 0:
            soak = run_wrk(url, script, saturation["clients"], args.soak, pid, 10.0)
            mem = soak["memory_mb"]
            if len(mem) >= 4:
                head = [m for _, m in mem[: len(mem) // 4]]
                tail = [m for _, m in mem[-len(mem) // 4 :]]
                soak["memory_first_quarter_mb"] = round(sum(head) / len(head), 1)
                soak["memory_last_quarter_mb"] = round(sum(tail) / len(tail), 1)
                # Over the second half: the first minutes fill the bounded caches (answers, pages, analysis).
                half = mem[len(mem) // 2 :]
                minutes = (half[-1][0] - half[0][0]) / 60 or 1
                soak["memory_slope_mb_per_min"] = round((half[-1][1] - half[0][1]) / minutes, 2)
            figures["soak"] = soak
            print("soak: " + row(soak), file=sys.stderr)
            print(
                f"soak memory: first quarter {soak.get('memory_first_quarter_mb')} MB, last quarter "
                f"{soak.get('memory_last_quarter_mb')} MB, slope over the second half "
                f"{soak.get('memory_slope_mb_per_min')} MB/min",
                file=sys.stderr,
            )
        if args.json:
            args.json.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        failed = any(r["5xx"] or r["dropped"] for r in [saturation, figures.get("soak", saturation)])
        return 1 if failed else 0
    finally:
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
