"""`kommunmal serve` and `build` run with mimalloc when started as the command (kommunmal.allocator)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from live_server import Server, free_port, wait_until_up

from kommunmal import allocator

COMMAND = str(Path(sys.executable).parent / "kommunmal")
pytestmark = pytest.mark.skipif(
    not (sys.platform.startswith("linux") and platform.machine() == "x86_64"),
    reason="the cmeel-mimalloc wheel is a dependency on Linux x86-64 only",
)


def _mapped(pid: int) -> bool:
    return "libmimalloc" in Path(f"/proc/{pid}/maps").read_text(errors="replace")


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def test_the_library_is_installed() -> None:
    path = allocator.library()
    assert path is not None and path.is_file() and path.name.startswith("libmimalloc.so.")


@pytest.mark.parametrize("choice", ["mimalloc", "system"])
def test_serve_runs_with_the_chosen_allocator(choice: str, release_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_") and k != "LD_PRELOAD"}
    env |= {"KOMMUNMAL_ALLOCATOR": choice, "KOMMUNMAL_WARM_PAGES": "false"}
    log = tmp_path / "serve.log"
    command = [COMMAND, "serve", "--release-dir", str(release_dir), "--port", str(port), "--workers", "1"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        server = Server(f"http://127.0.0.1:{port}/", process, log)
        wait_until_up(server)
        r = httpx.get(server.sparql, params={"query": "SELECT ?s WHERE { ?s a ?c } LIMIT 3"}, timeout=30)
        assert r.status_code == 200 and len(r.json()["results"]["bindings"]) == 3
        # the process that answers is the one started (re-executed in place), and so are its query workers
        assert _mapped(process.pid) is (choice == "mimalloc")
        workers = _children(process.pid)
        assert workers and all(_mapped(pid) is (choice == "mimalloc") for pid in workers)
        assert f"allocator {choice}" in log.read_text()
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_an_unknown_allocator_is_refused_with_the_setting_named(tmp_path: Path) -> None:
    env = dict(os.environ, KOMMUNMAL_ALLOCATOR="jemalloc")
    done = subprocess.run([COMMAND, "build", "--out", str(tmp_path)], env=env, capture_output=True, text=True)
    assert done.returncode == 2
    assert "KOMMUNMAL_ALLOCATOR" in done.stderr and "jemalloc" in done.stderr
    assert not any(tmp_path.iterdir())  # nothing was built
