"""`kommunmal build --keep N`: older releases are removed, never the current one and never one a running
`kommunmal serve` serves (kommunmal.release_retention)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from live_server import Server, free_port, wait_until_up

from kommunmal.cli import main

ROOT = Path(__file__).resolve().parents[1]
COMMAND = str(Path(sys.executable).parent / "kommunmal")


def _build(data: Path, out: Path, label: str, *extra: str) -> str:
    """Build `data` with a goal's Swedish name changed to `label` (a new release each time); its id."""
    goals = data / "ostersund" / "2024" / "goals.ttl"
    text = goals.read_text(encoding="utf-8")
    marker = "# retention test: "
    text = text.split(marker)[0] + f'{marker}\n<urn:x-test:release> <urn:x-test:label> "{label}" .\n'
    goals.write_text(text, encoding="utf-8")
    assert main(["build", "--out", str(out), "-q", *extra]) == 0
    return (out / "current").resolve().name


def _releases(out: Path) -> set[str]:
    return {p.name for p in (out / "releases").iterdir()}


def test_keep_removes_older_releases_but_not_one_a_server_serves(tmp_path: Path, monkeypatch) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    shutil.copytree(ROOT / "data", data)
    monkeypatch.setenv("KOMMUNMAL_DATA_DIR", str(data))
    first = _build(data, out, "a")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    env |= {"KOMMUNMAL_WARM_PAGES": "false", "KOMMUNMAL_ALLOCATOR": "system"}
    port, log = free_port(), tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [COMMAND, "serve", "--release-dir", str(out), "--port", str(port), "--workers", "1"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        wait_until_up(Server(f"http://127.0.0.1:{port}/", process, log))
        second = _build(data, out, "b")
        third = _build(data, out, "c", "--keep", "1")
        # the server serves the first release: kept; the second is served by nobody: removed
        assert _releases(out) == {first, third}
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert second not in _releases(out)
    fourth = _build(data, out, "d", "--keep", "2")
    assert _releases(out) == {third, fourth}  # the server has stopped: the first goes too
    assert (out / "current").resolve().name == fourth
    fifth = _build(data, out, "e")  # without --keep (keep_releases 0): every release stays
    assert _releases(out) == {third, fourth, fifth}
