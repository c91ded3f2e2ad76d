"""Benchmark the build and the start of the server at national scale, on the synthetic data of gen_national.py.

For each size (municipalities): generate the data, then

* build        `kommunmal build` (validation of every document in parallel, streaming load, dumps, VoID):
               wall time, CPU time (user + sys of the whole process tree: steadier than wall time on a shared
               machine) and peak memory of the whole process tree (RSS summed over the processes, sampled)
* peer load    `oxigraph load` of the release's kommunmal.nq into a fresh store: loading alone, no validation
* serve start  seconds from starting `kommunmal serve` to its first answer on /sparql (median of --starts), beside
               `oxigraph serve-read-only` on the same store

    .venv/bin/python scripts/bench_build.py --sizes 1,29 --out build-bench.md

With --rebuild, the data steward's rebuild instead: for each size, a cold build (empty release folder), then one
municipality's file is changed (its name, in the middle unit) and the release is built again into the same folder,
with the cache of unit validation and, beside it, with --no-cache (`--no-cache-too`); nothing else is measured.

    .venv/bin/python scripts/bench_build.py --sizes 29 --rebuild --no-cache-too --keep /tmp/bench-rebuild

With --engines, cold builds of the same data with each SHACL engine named (setting shacl_engine), in turns for
--rounds rounds, the first engine first in odd rounds and last in even ones; the content digests of the releases
must agree (their ids differ: a release id covers the SHACL engine, whose report it publishes).

    .venv/bin/python scripts/bench_build.py --sizes 290 --engines shacl-engine,turbo --rounds 2

The machine may be shared: the figures of one run are comparable with each other, not with another day's.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def measured(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, int]:
    """(seconds, CPU seconds of the process tree, peak tree RSS in bytes, exit code) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.1)
    if process.returncode:
        sys.stderr.write(process.stderr.read().decode(errors="replace")[-3000:])
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the process and the children it waited for
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return time.monotonic() - started, cpu, peak, process.returncode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_to_answer(command: list[str], url: str, env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while time.monotonic() - started < 120:
            try:
                if httpx.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                time.sleep(0.02)
        return float("nan")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,29", help="municipalities, comma-separated (e.g. 1,29,290)")
    parser.add_argument("--out", type=Path, help="also write the Markdown table here")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep the data and releases (for bench_sparql)"
    )
    parser.add_argument("--starts", type=int, default=5, help="server starts per size; the median is reported")
    parser.add_argument("--rebuild", action="store_true", help="measure a cold build and a rebuild after one edit")
    parser.add_argument("--no-cache-too", action="store_true", help="with --rebuild: also rebuild with --no-cache")
    parser.add_argument("--engines", help="compare cold builds with these SHACL engines, comma-separated")
    parser.add_argument("--rounds", type=int, default=1, help="with --engines: rounds of one build per engine")
    args = parser.parse_args(argv)
    if args.rebuild:
        return rebuilds(args)
    if args.engines:
        return engines(args)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-build-") as scratch:
        tmp = str(args.keep) if args.keep else scratch
        for size in [int(s) for s in args.sizes.split(",")]:
            data, out = Path(tmp) / f"data-{size}", Path(tmp) / f"build-{size}"
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(Path(tmp) / f"peer-{size}", ignore_errors=True)
            subprocess.run([sys.executable, str(HERE / "gen_national.py"), "--size", str(size), "--out", str(data)])
            env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
            env["KOMMUNMAL_DATA_DIR"] = str(data)
            seconds, cpu, peak, code = measured([str(BIN / "kommunmal"), "build", "-q", "--out", str(out)], env)
            if code:
                print(f"build of size {size} failed (exit {code})", file=sys.stderr)
                return 1
            release = (out / "current").resolve()
            quads = sum(1 for _ in (release / "kommunmal.nq").open("rb"))
            peer_store = Path(tmp) / f"peer-{size}"
            peer_s, _, peer_peak, _ = measured(
                [str(BIN / "oxigraph"), "load", "--location", str(peer_store), "--file", str(release / "kommunmal.nq")]
            )
            port = free_port()
            serve_env = env | {"KOMMUNMAL_RELEASE_DIR": str(out), "KOMMUNMAL_PUBLIC_URL": f"http://127.0.0.1:{port}/"}
            # The median of several starts: one start right after the build varies with what the build left in
            # the page cache and with the machine's other work.
            ours = statistics.median(
                time_to_answer(
                    [str(BIN / "kommunmal"), "serve", "--port", str(port)], f"http://127.0.0.1:{port}/sparql", serve_env
                )
                for _ in range(args.starts)
            )
            port = free_port()
            theirs = statistics.median(
                time_to_answer(
                    [
                        str(BIN / "oxigraph"),
                        "serve-read-only",
                        "--location",
                        str(release / "store"),
                        "--bind",
                        f"127.0.0.1:{port}",
                    ],
                    f"http://127.0.0.1:{port}/query",
                )
                for _ in range(args.starts)
            )
            row = (size, quads, seconds, cpu, peak, peer_s, peer_peak, ours, theirs)
            rows.append(row)
            print(
                f"size {size}: {quads} quads, build {seconds:.1f} s ({cpu:.0f} s CPU) peak {peak / 2**20:.0f} MiB; "
                f"oxigraph load "
                f"{peer_s:.1f} s peak {peer_peak / 2**20:.0f} MiB; serve answers after {ours:.2f} s "
                f"(oxigraph {theirs:.2f} s)",
                file=sys.stderr,
            )
    lines = [
        "| municipalities | quads | build + validation | build CPU (user + sys) | peak memory | oxigraph load (peer) "
        "| peer peak | serve answers after | oxigraph serve answers after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for size, quads, seconds, cpu, peak, peer_s, peer_peak, ours, theirs in rows:
        lines.append(
            f"| {size} | {quads:,} | {seconds:.1f} s | {cpu:.0f} s | {peak / 2**20:.0f} MiB | {peer_s:.1f} s | "
            f"{peer_peak / 2**20:.0f} MiB | {ours:.2f} s | {theirs:.2f} s |"
        )
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


def edit_one(data: Path) -> Path:
    """Change the first name (skos:prefLabel) in the middle municipality's file; returns the file."""
    folders = sorted(p for p in data.iterdir() if p.is_dir() and p.name != "reference")
    target = sorted(folders[len(folders) // 2].glob("*.ttl"))[0]
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace('skos:prefLabel "', 'skos:prefLabel "Ändrad: ', 1), encoding="utf-8")
    return target


def fresh(tmp: Path, size: int) -> tuple[Path, Path, dict[str, str]]:
    """(data folder, release folder, environment) for `size` municipalities under `tmp`: the data generated anew,
    the release folder emptied, the environment without the caller's KOMMUNMAL_* settings but the data folder."""
    data, out = tmp / f"data-{size}", tmp / f"build-{size}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, str(HERE / "gen_national.py"), "--size", str(size), "--out", str(data)])
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    return data, out, env | {"KOMMUNMAL_DATA_DIR": str(data)}


def rebuilds(args: argparse.Namespace) -> int:
    """The --rebuild mode: cold build, one edit, rebuild (and a rebuild without the cache); prints a table."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-rebuild-") as scratch:
        tmp = Path(args.keep or scratch)
        for size in [int(s) for s in args.sizes.split(",")]:
            data, out, env = fresh(tmp, size)
            command = [str(BIN / "kommunmal"), "build", "-q", "--out", str(out)]
            runs = [("cold build", command)]
            runs += [("rebuild after one edit", command)]
            runs += [("rebuild after one edit, --no-cache", [*command, "--no-cache"])] if args.no_cache_too else []
            for index, (name, argv) in enumerate(runs):
                if index == 1:
                    print(f"size {size}: changed {edit_one(data)}", file=sys.stderr)
                seconds, cpu, peak, code = measured(argv, env)
                if code:
                    print(f"{name} of size {size} failed (exit {code})", file=sys.stderr)
                    return 1
                release = (out / "current").resolve().name
                rows.append((size, name, seconds, cpu, peak, release))
                print(f"size {size}: {name} {seconds:.1f} s ({cpu:.0f} s CPU), release {release}", file=sys.stderr)
    lines = ["| municipalities | build | wall | CPU (user + sys) | peak memory | release |", "|---" * 6 + "|"]
    lines += [f"| {r[0]} | {r[1]} | {r[2]:.1f} s | {r[3]:.0f} s | {r[4] / 2**20:.0f} MiB | {r[5]} |" for r in rows]
    table = "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


def engines(args: argparse.Namespace) -> int:
    """The --engines mode: cold builds of the same data with each engine, in turns; prints a table of medians."""
    names = args.engines.split(",")
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-engines-") as scratch:
        tmp = Path(args.keep or scratch)
        for size in [int(s) for s in args.sizes.split(",")]:
            _, out, env = fresh(tmp, size)
            runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in names}
            releases = set()
            for round_ in range(args.rounds):
                for name in names if round_ % 2 == 0 else names[::-1]:
                    shutil.rmtree(out, ignore_errors=True)
                    command = [str(BIN / "kommunmal"), "build", "-q", "--out", str(out)]
                    seconds, cpu, peak, code = measured(command, env | {"KOMMUNMAL_SHACL_ENGINE": name})
                    if code:
                        print(f"build of size {size} with {name} failed (exit {code})", file=sys.stderr)
                        return 1
                    meta = json.loads((out / "current" / "release.json").read_text(encoding="utf-8"))
                    releases.add(meta["content_sha256"][:16])
                    runs[name].append((seconds, cpu, peak))
                    print(f"size {size}, {name}: {seconds:.1f} s ({cpu:.0f} s CPU)", file=sys.stderr)
            if len(releases) != 1:
                print(f"size {size}: the engines gave different content {sorted(releases)}", file=sys.stderr)
                return 1
            release = releases.pop()
            for name in names:
                rows.append((size, name, *[statistics.median(r[i] for r in runs[name]) for i in range(3)], release))
    head = "| municipalities | SHACL engine | wall | CPU (user + sys) | peak memory | content digest |"
    lines = [head, "|---" * 6 + "|"]
    lines += [f"| {r[0]} | {r[1]} | {r[2]:.1f} s | {r[3]:.0f} s | {r[4] / 2**20:.0f} MiB | {r[5]} |" for r in rows]
    table = f"Medians of {args.rounds} round(s).\n\n" + "\n".join(lines)
    print(table)
    if args.out:
        args.out.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
