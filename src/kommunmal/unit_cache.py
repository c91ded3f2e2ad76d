"""The cache of unit validation: a rebuild of national data validates only the units whose inputs changed.

Validating the units is most of a national build's CPU (about 125 of 290 s at 290 municipalities), while the
data steward's usual rebuild changes one municipality's document. Each unit's result (`unit_validation.UnitResult`)
and the per-document dumps its worker wrote are kept under the release folder, keyed by a SHA-256 over everything
they depend on (`unit_keys`); a unit whose key is found is not validated again, and its dumps are hard-linked into
the new release. The results are the same as a validation's, so the release id, kommunmal.nq and every dump are.

Layout, beside releases/ in the release folder (`--out`):

    cache/units/<key>/   unit.json (results, digest, graphs, subjects under other folders, dump names)  unit.nq
                         report.nt
                         dumps/kommunmal-<slug>-<year>.{nq,trig,ttl}

An entry is written into a temporary folder and renamed into place, so a build stopped half way leaves no entry
that looks complete; an entry that is not whole is removed and its unit validated again. Entries the last successful
build did not use are removed after it (`UnitCache.evict`): the cache holds one build's units, whatever the number
of rebuilds. A failed build removes nothing and keeps what it validated, a unit that does not conform too: its key
covers its inputs, so the next build fails on it again without validating it, with the same report.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Collection
from pathlib import Path

from kommunmal import software
from kommunmal.config import Settings
from kommunmal.dataset import Source
from kommunmal.unit_validation import UnitResult, foreign_of
from kommunmal.validation import Result

CACHE_FOLDER = Path("cache") / "units"
# Bumped when the layout of an entry changes, so that entries of another layout are never read.
LAYOUT = "2"


def unit_keys(
    settings: Settings, shared: list[Source], shared_digest: str, by_unit: dict[str, list[Source]]
) -> dict[str, str]:
    """{unit folder name: its cache key, 64 hex digits}.

    The key is the SHA-256 over what the unit's validation, its N-Quads and its dumps depend on: the unit's source
    files (path relative to the data folder, graph name, role and bytes, sorted by path); the shared graphs (their
    content digest, and each file's path and bytes); the bytes of every file in the shapes folder; every setting
    (base IRI, vocabulary, SHACL engine, folders, …); the working folder (reports name files relative to it); the
    versions of Python, kommunmal, pyoxigraph, shacl, pyshacl-turbo, pySHACL and rdflib, and the bytes of kommunmal's
    own code (a changed check gives other results under the same version number). Not the other units' names: the
    check of IRIs minted in another unit's namespace is worked out again from the stored subjects when an entry is
    read (`UnitCache.get`), so that adding or removing a municipality revalidates that folder only. Raises OSError
    for a file that cannot be read."""
    common = hashlib.sha256()
    part = software.feed
    part(common, "kommunmal unit cache", LAYOUT, *software.parts())
    part(common, json.dumps(settings.environment(), sort_keys=True), str(Path.cwd()))
    part(common, "shared", shared_digest)
    for source in sorted(shared, key=lambda s: str(s.path)):
        part(common, str(source.path), str(source.graph), source.role, source.path.read_bytes())
    for name, data in software.shapes_files(settings):
        part(common, "shape", name, data)
    root = Path(settings.data_dir).resolve()
    keys = {}
    for name, sources in by_unit.items():
        h = common.copy()
        part(h, "unit", name)
        for source in sorted(sources, key=lambda s: str(s.path)):
            inside = source.path.is_relative_to(root)
            part(
                h,
                source.path.relative_to(root).as_posix() if inside else str(source.path),
                str(source.graph),
                source.role,
                source.path.read_bytes(),
            )
        keys[name] = h.hexdigest()
    return keys


class UnitCache:
    """The entries under `root` (`<release folder>/cache/units`), and the keys one build looked up (`used`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.used: set[str] = set()

    @classmethod
    def of(cls, out: Path) -> UnitCache:
        """The cache of the release folder `out`."""
        return cls(Path(out) / CACHE_FOLDER)

    def get(self, key: str, unit: str, units: Collection[str], base_iri: str) -> Callable[[], UnitResult] | None:
        """The stored result of unit `unit` under `key`, as a function that reads it (its N-Quads are read when the
        unit's turn comes, so that a rebuild holds one unit's at a time), or None when there is none or the entry is
        not whole (it is removed then: the unit is validated again). Its subjects minted in another unit's
        namespace are worked out for this build's `units` (folder names) and `base_iri`: the stored entry does not
        depend on which other folders there are."""
        self.used.add(key)
        entry = self.root / key
        if not entry.is_dir():
            return None
        try:
            meta = json.loads((entry / "unit.json").read_text(encoding="utf-8"))
            if meta["layout"] != LAYOUT or meta["key"] != unit:
                raise ValueError("another layout or unit")
            for path in (entry / "unit.nq", entry / "report.nt", *(entry / "dumps" / n for n in meta["dumps"])):
                if not path.is_file():
                    raise FileNotFoundError(path)
            results = [Result(**{**r, "files": tuple(r["files"])}) for r in meta["results"]]
        except (OSError, ValueError, KeyError, TypeError):
            shutil.rmtree(entry, ignore_errors=True)
            return None

        def read() -> UnitResult:
            return UnitResult(
                key=unit,
                results=results,
                report_nt=(entry / "report.nt").read_bytes(),
                nquads=(entry / "unit.nq").read_bytes(),
                digest=meta["digest"],
                graphs=meta["graphs"],
                foreign=foreign_of(meta["elsewhere"], unit, list(units), base_iri),
                dumps=meta["dumps"],
                elsewhere=meta["elsewhere"],
            )

        return read

    def put(self, key: str, unit: UnitResult, folder: Path) -> None:
        """Store `unit` under `key`, with its dumps (`unit.dumps`, files of `folder`) linked in. Writes into a
        temporary folder renamed into place; an entry already there is kept. A failure to write leaves no entry and
        is not an error of the build (the unit is validated again next time)."""
        self.used.add(key)
        if (self.root / key).is_dir():
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{key[:16]}-", dir=self.root))
        except OSError:
            return
        try:
            (tmp / "dumps").mkdir()
            for name in unit.dumps:
                link(folder / name, tmp / "dumps" / name)
            same = [n for n in unit.dumps if n.endswith(".nq") and _holds(folder / n, unit.nquads)]
            if same:  # a unit of one goal document: its dump is its N-Quads, kept once
                link(tmp / "dumps" / same[0], tmp / "unit.nq")
            else:
                (tmp / "unit.nq").write_bytes(unit.nquads)
            (tmp / "report.nt").write_bytes(unit.report_nt)
            meta = {
                "layout": LAYOUT,
                "key": unit.key,
                "results": [{**vars(r), "files": list(r.files)} for r in unit.results],
                "digest": unit.digest,
                "graphs": unit.graphs,
                "elsewhere": unit.elsewhere,
                "dumps": unit.dumps,
            }
            (tmp / "unit.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
            os.rename(tmp, self.root / key)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)

    def restore(self, key: str, unit: UnitResult, folder: Path) -> None:
        """Put the dumps of the entry `key` (`unit` as `get`'s function read it) into the release being built, `folder`.
        Raises OSError when they cannot be linked or copied."""
        for name in unit.dumps:
            link(self.root / key / "dumps" / name, folder / name)

    def evict(self) -> int:
        """Remove every entry (and temporary folder) not looked up or stored by this build; returns how many."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for entry in self.root.iterdir():
            if entry.name not in self.used:
                shutil.rmtree(entry, ignore_errors=True)
                removed += 1
        return removed


def _holds(path: Path, data: bytes) -> bool:
    return path.stat().st_size == len(data) and path.read_bytes() == data


def link(source: Path, target: Path) -> None:
    """Hard-link `source` as `target` (a copy where the file system cannot link). Raises OSError."""
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
