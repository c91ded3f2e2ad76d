"""Two builds into one release folder: the second is refused while the first runs (kommunmal.build_lock)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest
from test_national import BASE, write_units

from kommunmal.cli import main
from kommunmal.config import Settings
from kommunmal.errors import Busy
from kommunmal.release import build


def test_a_build_is_refused_while_another_holds_the_folder(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = write_units(tmp_path / "data", {"alfa": f'<{BASE}id/alfa/x> skos:prefLabel "x"@sv .\n'})
    local = settings.with_(data_dir=data)
    out = tmp_path / "out"
    out.mkdir()
    with open(out / ".build.lock", "a+", encoding="utf-8") as other:  # what a running build holds
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        other.write("pid 4242\n")
        other.flush()
        with pytest.raises(Busy, match=r"ett annat bygge skriver till .*out \(pid 4242\)"):
            build(local, out, parallel=True)
        monkeypatch.setenv("KOMMUNMAL_DATA_DIR", str(data))
        assert main(["build", "--out", str(out)]) == 2
        assert "another build is writing to" in capsys.readouterr().err
        assert not (out / "releases").exists() or not any((out / "releases").iterdir())
    release, _ = build(local, out, parallel=True)  # released: the build goes ahead and says who holds it now
    assert (out / "current").resolve() == release.path
    assert (out / ".build.lock").read_text(encoding="utf-8") == f"pid {os.getpid()}\n"
