"""The cache of unit validation: a national rebuild validates only the document folders whose inputs changed, and
gives the same release as a build that validates every folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_national import BASE, generate, write_units

from kommunmal.config import Settings
from kommunmal.errors import NotConformant
from kommunmal.release import Release, build
from kommunmal.unit_cache import CACHE_FOLDER

TWO_UNITS = {
    "alfa": f'<{BASE}id/alfa/x> skos:prefLabel "x"@sv .\n',
    "beta": f'<{BASE}id/beta/y> skos:prefLabel "y"@sv .\n',
}


def built(settings: Settings, out: Path, *, cache: bool = True) -> tuple[Release, list[str]]:
    lines: list[str] = []
    release, _ = build(settings, out, progress=lines.append, parallel=True, cache=cache)
    return release, lines


def validating(lines: list[str]) -> str:
    return next(line for line in lines if "dokumentmapp" in line)


def entries(out: Path) -> list[str]:
    return sorted(p.name for p in (out / CACHE_FOLDER).iterdir())


def without_blank_labels(path: Path) -> bytes:
    # The shared ontology's blank nodes get new labels on every read, with or without the cache.
    return re.sub(rb"_:[0-9a-f]+", b"_:b", path.read_bytes())


def test_a_rebuild_validates_the_changed_folder_only_and_gives_the_release_of_a_full_build(
    settings: Settings, tmp_path: Path
) -> None:
    data = generate(2, tmp_path / "data")
    local = settings.with_(data_dir=data)
    out = tmp_path / "out"
    first, lines = built(local, out)
    assert validating(lines).startswith("Validerar 2 dokumentmappar")
    assert len(entries(out)) == 2
    before = entries(out)
    changed = data / "syntet-9002" / "2024.ttl"
    changed.write_text(changed.read_text(encoding="utf-8").replace('"Syntet', '"Ändrad syntet', 1), encoding="utf-8")

    again, lines = built(local, out)
    assert validating(lines).startswith("Validerar 1 av 2 dokumentmappar (1 oförändrad sedan förra bygget)")
    assert again.id != first.id and (out / "current").resolve() == again.path
    after = entries(out)
    assert len(after) == 2 and len(set(after) & set(before)) == 1  # the changed folder's old entry is gone

    full, lines = built(local, tmp_path / "full", cache=False)
    assert validating(lines).startswith("Validerar 2 dokumentmappar")
    assert not (tmp_path / "full" / CACHE_FOLDER).exists()
    assert full.id == again.id and full.meta["content_sha256"] == again.meta["content_sha256"]
    assert without_blank_labels(full.dump("nquads")) == without_blank_labels(again.dump("nquads"))
    dumps = sorted(p.name for p in full.path.glob("kommunmal-syntet-*"))
    assert len(dumps) == 6 and dumps == sorted(p.name for p in again.path.glob("kommunmal-syntet-*"))
    for name in dumps:
        assert (full.path / name).read_bytes() == (again.path / name).read_bytes(), name
    assert "Ändrad syntet" in (again.path / "kommunmal-syntet-9002-2024.ttl").read_text(encoding="utf-8")


def test_a_folder_made_invalid_after_it_was_cached_fails_every_rebuild_and_keeps_the_release(
    settings: Settings, tmp_path: Path
) -> None:
    data = write_units(tmp_path / "data", TWO_UNITS)
    local = settings.with_(data_dir=data)
    out = tmp_path / "out"
    published, _ = built(local, out)
    sums = (published.path / "SHA256SUMS").read_bytes()
    write_units(data, {"beta": f'<{BASE}id/beta/y> skos:prefLabel "y"@sv ;\n    km:politicalTxt "y"@sv .\n'})
    messages = []
    for reused in (1, 2):  # validated, then its failing result comes from the cache: the build fails again
        lines: list[str] = []
        with pytest.raises(NotConformant, match=r"(?s)Okänd term politicalTxt.*menade du politicalText") as caught:
            build(local, out, progress=lines.append, parallel=True)
        assert "beta/2024.ttl:4" in str(caught.value) and f"{BASE}def/kommunmal#politicalTxt" in str(caught.value)
        messages.append(str(caught.value))
        expected = "Validerar 1 av 2 dokumentmappar (1 oförändrad" if reused == 1 else "Alla 2 dokumentmappar"
        assert validating(lines).startswith(expected)
        assert (out / "current").resolve() == published.path
        assert (published.path / "SHA256SUMS").read_bytes() == sums
        assert not list(out.glob(".staging-*"))
    assert messages[0] == messages[1]


def test_a_changed_shapes_file_invalidates_every_entry(settings: Settings, tmp_path: Path) -> None:
    data = write_units(tmp_path / "data", TWO_UNITS)
    shapes = tmp_path / "shapes"
    shutil.copytree(settings.shapes_dir, shapes)
    local = settings.with_(data_dir=data, shapes_dir=shapes)
    out = tmp_path / "out"
    built(local, out)
    _, lines = built(local, out)
    assert validating(lines).startswith("Alla 2 dokumentmappar oförändrade")
    (out / CACHE_FOLDER / entries(out)[0] / "unit.json").unlink()  # an entry not whole is validated again
    _, lines = built(local, out)
    assert validating(lines).startswith("Validerar 1 av 2 dokumentmappar (1 oförändrad")
    assert len(entries(out)) == 2
    (shapes / "extra.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        f"<{BASE}def/test#AltLabel> a sh:NodeShape ; sh:targetNode <{BASE}id/alfa/x> ;\n"
        "    sh:property [ sh:path skos:altLabel ; sh:minCount 1 ] .\n",
        encoding="utf-8",
    )
    lines = []
    with pytest.raises(NotConformant, match=rf"{re.escape(BASE)}id/alfa/x") as caught:
        build(local, out, progress=lines.append, parallel=True)
    assert validating(lines).startswith("Validerar 2 dokumentmappar")  # neither folder was taken from the cache
    assert "altLabel" in str(caught.value)


def test_a_new_folder_is_validated_alone_and_the_namespace_check_sees_the_cached_folders(
    settings: Settings, tmp_path: Path
) -> None:
    # alfa describes a resource under id/gamma/: allowed while no folder gamma exists (outside every unit's namespace)
    units = {**TWO_UNITS, "alfa": TWO_UNITS["alfa"] + f'<{BASE}id/gamma/z> skos:prefLabel "z"@sv .\n'}
    data = write_units(tmp_path / "data", units)
    local = settings.with_(data_dir=data)
    out = tmp_path / "out"
    built(local, out)
    write_units(data, {"delta": f'<{BASE}id/delta/w> skos:prefLabel "w"@sv .\n'})
    again, lines = built(local, out)
    assert validating(lines).startswith("Validerar 1 av 3 dokumentmappar (2 oförändrade sedan förra bygget)")
    full, _ = built(local, tmp_path / "full", cache=False)
    assert full.id == again.id
    write_units(data, {"gamma": f'<{BASE}id/gamma/v> skos:prefLabel "v"@sv .\n'})
    lines = []
    with pytest.raises(NotConformant, match=rf"alfa: .*another unit's namespace: {re.escape(BASE)}id/gamma/z"):
        build(local, out, progress=lines.append, parallel=True)
    assert validating(lines).startswith("Validerar 1 av 4 dokumentmappar (3 oförändrade")  # alfa from the cache
    assert (out / "current").resolve() == again.path
