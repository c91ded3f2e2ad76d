"""Faults: a damaged release is refused at start and the last good one served; a build killed or starved of disk
leaves the previous release current and whole; a query worker killed mid-query is replaced and its request gets a
clean error."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from live_server import running_server

from kommunmal import integrity
from kommunmal.config import Settings
from kommunmal.errors import NotFound
from kommunmal.release import Release

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def two_releases(release: Release, root: Path) -> tuple[Path, Path]:
    """A release folder with an older and a newer copy of the session's release, `current` on the newer."""
    (root / "releases").mkdir(parents=True)
    old, new = root / "releases" / "old", root / "releases" / "new"
    shutil.copytree(release.path, old)
    shutil.copytree(release.path, new)
    meta = json.loads((old / "release.json").read_text(encoding="utf-8"))
    meta["created"] = "2000-01-01T00:00:00+00:00"
    (old / "release.json").write_text(json.dumps(meta), encoding="utf-8")
    (root / "current").symlink_to(Path("releases") / "new")
    return old, new


def truncate(folder: Path) -> str:
    dump = folder / "kommunmal.nt"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    return "kommunmal.nt has"


def corrupt(folder: Path) -> str:
    void = folder / "void.ttl"
    data = bytearray(void.read_bytes())
    data[len(data) // 2] ^= 0x20
    void.write_bytes(bytes(data))
    return "void.ttl does not match its SHA-256"


def drop_store(folder: Path) -> str:
    shutil.rmtree(folder / "store")
    return "store folder is missing"


@pytest.mark.parametrize("damage", [truncate, corrupt, drop_store])
def test_damaged_release_is_refused_and_the_last_good_one_chosen(release: Release, tmp_path: Path, damage) -> None:
    old, new = two_releases(release, tmp_path)
    assert integrity.choose(tmp_path).release.path == new  # whole: current is served
    reason = damage(new)
    choice = integrity.choose(tmp_path)
    assert choice.release.path == old
    assert reason in choice.describe() and "new" in choice.describe() and "last good release old" in choice.describe()


def test_a_release_named_by_id_is_served_whole_or_refused(release: Release, tmp_path: Path) -> None:
    old, new = two_releases(release, tmp_path)
    assert integrity.named(tmp_path, "old").path == old  # not current: what a server process was told to serve
    assert integrity.named(tmp_path, "").path == new
    truncate(old)
    with pytest.raises(integrity.DamagedRelease, match="old is not whole"):
        integrity.named(tmp_path, "old")
    with pytest.raises(NotFound, match="no release gone"):
        integrity.named(tmp_path, "gone")


def test_settings_pass_through_the_environment_unchanged(tmp_path: Path) -> None:
    chosen = Settings.from_env(environ={}, release_dir=tmp_path, sparql_workers=3, warm_pages=True, release="old")
    assert Settings.from_env(environ=chosen.environment()) == chosen


def test_no_whole_release_is_a_clear_error(release: Release, tmp_path: Path) -> None:
    old, new = two_releases(release, tmp_path)
    truncate(new)
    drop_store(old)
    with pytest.raises(integrity.DamagedRelease) as caught:
        integrity.choose(tmp_path)
    message = str(caught.value)
    assert "kommunmal.nt" in message and "store folder is missing" in message and "--release-dir" in message
    with pytest.raises(NotFound, match="looked for"):
        integrity.choose(tmp_path / "empty")


@pytest.mark.server
def test_server_starts_on_the_last_good_release(release: Release, tmp_path: Path) -> None:
    old, new = two_releases(release, tmp_path / "releases-dir")
    corrupt(new)
    with running_server(tmp_path / "releases-dir", tmp_path) as live:
        health = httpx.get(live.url + "health").json()
        assert health["status"] == "ok"
        # Same content, so the same id; the path shows which copy the server opened.
        assert "refused" in live.log_text() and "void.ttl" in live.log_text()
        assert str(old) in live.log_text()


def _build(out: Path, env: dict[str, str], preexec=None) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from kommunmal.cli import main; sys.exit(main())",
            "build",
            "--out",
            str(out),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec,
    )


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}


def _one_release(release: Release, out: Path) -> Path:
    """A release folder `out` holding a copy of the session's release as releases/previous, `current` on it."""
    (out / "releases").mkdir(parents=True)
    shutil.copytree(release.path, out / "releases" / "previous")
    (out / "current").symlink_to(Path("releases") / "previous")
    return out


def _current_state(out: Path) -> tuple[str, list[str]]:
    return os.readlink(out / "current"), integrity.problems(out / "current")


def test_build_killed_while_writing_leaves_the_previous_release(release: Release, tmp_path: Path) -> None:
    out = _one_release(release, tmp_path / "out")
    before = _current_state(out)
    process = _build(out, _env())
    assert process.stderr is not None
    seen = ""
    for line in process.stderr:  # kill it in the middle of writing the release (the store is being loaded)
        seen += line
        if "lagringen" in line:
            break
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, seen
    assert "Skriver dumpar" in seen
    assert _current_state(out) == before and before[1] == []
    assert integrity.choose(out).release.path == (out / "releases" / "previous")
    assert [p.name for p in (out / "releases").iterdir()] == ["previous"]  # nothing half-written was published


def test_full_disk_during_build_leaves_the_previous_release(release: Release, tmp_path: Path) -> None:
    """The file size limit (RLIMIT_FSIZE) makes writes past 1 MiB fail as on a full disk."""
    out = _one_release(release, tmp_path / "out")
    before = _current_state(out)

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    process = _build(out, _env(), small_disk)
    _, err = process.communicate(timeout=300)
    assert process.returncode == 2, err
    assert "Nothing was published" in err and "previous release is still current" in err and "Traceback" not in err
    assert "Free space or choose another folder" in err
    assert _current_state(out) == before
    assert not list(out.glob(".staging-*"))


def test_build_into_a_file_says_to_choose_a_folder(tmp_path: Path, capsys) -> None:
    from kommunmal.cli import main

    target = tmp_path / "release.txt"
    target.write_text("not a folder", encoding="utf-8")
    assert main(["build", "--out", str(target), "-q"]) == 2
    err = capsys.readouterr().err
    assert "Choose another folder with --out DIR" in err and "Free space" not in err  # no space is missing
    assert target.read_text(encoding="utf-8") == "not a folder"


@pytest.mark.server
def test_worker_killed_mid_query_is_replaced_and_the_request_gets_a_clean_error(
    release_dir: Path, tmp_path: Path
) -> None:
    with running_server(release_dir, tmp_path, sparql_workers=1, sparql_timeout_s=60, sparql_cache_bytes=0) as live:
        workers = _children(live.process.pid)
        assert len(workers) == 1
        answer: dict[str, httpx.Response] = {}
        thread = threading.Thread(
            target=lambda: answer.setdefault("r", httpx.get(live.sparql, params={"query": SLOW}, timeout=60))
        )
        thread.start()
        time.sleep(1.0)
        os.kill(workers[0], signal.SIGKILL)
        thread.join(60)
        r = answer["r"]
        assert 500 <= r.status_code < 600 and r.headers["content-type"].startswith("text/plain")
        assert "worker" in r.text and "Traceback" not in r.text
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ok = httpx.get(live.sparql, params={"query": "ASK {}"}, timeout=30)
            if ok.status_code == 200:
                break
            time.sleep(0.2)
        assert ok.status_code == 200
        replacement = _children(live.process.pid)
        assert len(replacement) == 1 and replacement != workers
        assert live.alive()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(t) for t in text]
    return sorted(found)


def test_verified_files_are_not_hashed_again_until_the_stamp_is_gone(release: Release, tmp_path: Path) -> None:
    """The build records what it hashed (.verified.json); a start trusts unchanged files and checks changed ones."""
    _old, new = two_releases(release, tmp_path)
    assert integrity.choose(tmp_path).release.path == new  # a copy (new inodes): checked in full, then recorded
    stamps = json.loads((new / integrity.VERIFIED).read_text(encoding="utf-8"))
    assert {"void.ttl", "kommunmal.nq"} <= set(stamps) and any(name.startswith("store/") for name in stamps)
    # Damage in place that keeps size and modification time is the one thing the stamp cannot see …
    void = new / "void.ttl"
    before = void.stat()
    corrupt(new)
    os.utime(void, ns=(before.st_atime_ns, before.st_mtime_ns))
    if void.stat().st_ino == before.st_ino:
        assert integrity.problems(new) == []
    # … until the stamp is removed: then every file is hashed again.
    (new / integrity.VERIFIED).unlink()
    assert any("void.ttl does not match" in p for p in integrity.problems(new))
