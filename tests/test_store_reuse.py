"""A national rebuild makes its store from the current release's, replacing the changed document folders' graphs
(kommunmal.store_reuse), and the store holds what a bulk load of the same data holds."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph
from test_national import BASE, write_units
from test_unit_cache import TWO_UNITS, built

from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.store_reuse import RECORD

REUSED = "lagringen från förra bygget"


def quads(release: Release) -> list[str]:
    """The store's quads as sorted N-Quads lines, blank node labels left out (they change on every read)."""
    store = pyoxigraph.Store.read_only(str(release.store_path))
    return sorted(re.sub(r"_:[0-9A-Za-z]+", "_:b", str(quad)) for quad in store)


def test_a_rebuild_replaces_the_changed_folders_graphs_in_the_last_store(settings: Settings, tmp_path: Path) -> None:
    units = {**TWO_UNITS, "gamma": f'<{BASE}id/gamma/z> skos:prefLabel "z"@sv .\n'}
    data = write_units(tmp_path / "data", units)
    local = settings.with_(data_dir=data)
    out = tmp_path / "out"
    first, lines = built(local, out)
    assert not any(REUSED in line for line in lines) and (out / RECORD).is_file()
    before = quads(first)

    write_units(data, {"beta": units["beta"].replace('"y"@sv', '"ändrad"@sv')})
    again, lines = built(local, out)
    assert any(REUSED in line and "1 dokumentmapp utbytt" in line for line in lines)
    full, _ = built(local, tmp_path / "full", cache=False)
    assert full.id == again.id and quads(again) == quads(full)
    assert any('"ändrad"@sv' in q for q in quads(again)) and not any('"y"@sv' in q for q in quads(again))
    assert quads(first) == before  # the earlier release's store is untouched

    # a folder removed, another changed, from a store that was itself made this way
    (data / "gamma" / "2024.ttl").unlink()
    (data / "gamma").rmdir()
    write_units(data, {"alfa": units["alfa"].replace('"x"@sv', '"ny"@sv')})
    third, lines = built(local, out)
    assert any(REUSED in line for line in lines)
    full, _ = built(local, tmp_path / "full2", cache=False)
    assert full.id == third.id and quads(third) == quads(full)
    assert not any("id/gamma/z" in q for q in quads(third))


def test_changed_shared_graphs_or_no_cache_load_the_store_afresh(settings: Settings, tmp_path: Path) -> None:
    data = write_units(tmp_path / "data", TWO_UNITS)
    local = settings.with_(data_dir=data)
    out = tmp_path / "out"
    built(local, out)
    _, lines = built(local, out, cache=False)
    assert not any(REUSED in line for line in lines)
    reference = next(p for p in (settings.data_dir / "reference").rglob("*.ttl"))
    copied = data / "reference" / reference.relative_to(settings.data_dir / "reference")
    copied.parent.mkdir(parents=True, exist_ok=True)
    copied.write_text(reference.read_text(encoding="utf-8"), encoding="utf-8")
    extra, lines = built(local, out)  # the shared graphs gained a file: their digest differs
    assert not any(REUSED in line for line in lines)
    full, _ = built(local, tmp_path / "full", cache=False)
    assert quads(extra) == quads(full)
