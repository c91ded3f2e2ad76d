"""What software makes a release's files: kommunmal's code, the shapes, the libraries that write and validate.

A release folder is a function of its data and of this software. The release id covers both
(`release.identifier`): with the data digest alone, a build after an upgrade or a change of the shapes found the
folder of the same data already there and kept it, so the published validation report, statistics, search index
and dumps stayed those of the old software. The cache of unit validation keys its entries with the same parts
(`unit_cache.unit_keys`).
"""

from __future__ import annotations

import hashlib
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

import pyoxigraph

from kommunmal import __version__
from kommunmal.config import Settings

# The libraries whose versions change what a build writes: the parsers and serializers, and the SHACL engines.
LIBRARIES = ("shacl", "pyshacl-turbo", "pyshacl", "rdflib")


@cache
def code_digest() -> str:
    """SHA-256 (64 hex digits) over kommunmal's Python modules and SPARQL queries (path and bytes, sorted by path):
    a changed check gives other results under the same version number. Read once per process (a build needs it
    for the unit cache's keys, the release id and release.json)."""
    package = Path(__file__).resolve().parent
    h = hashlib.sha256()
    for path in sorted(p for p in package.rglob("*") if p.suffix in (".py", ".rq") and p.is_file()):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def version(dist: str) -> str:
    """The installed version of the distribution `dist`, or "absent"."""
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "absent"


def parts() -> list[str]:
    """The versions of Python, kommunmal, pyoxigraph and LIBRARIES, and `code_digest()`, in a fixed order."""
    return [sys.version, __version__, pyoxigraph.__version__, *(f"{d} {version(d)}" for d in LIBRARIES), code_digest()]


def shapes_files(settings: Settings) -> list[tuple[str, bytes]]:
    """(path relative to the shapes folder, bytes) of every file in `settings.shapes_dir`, sorted by path. Raises
    OSError for a file that cannot be read."""
    shapes = Path(settings.shapes_dir)
    return [
        (p.relative_to(shapes).as_posix(), p.read_bytes()) for p in sorted(q for q in shapes.rglob("*") if q.is_file())
    ]


def fingerprint(settings: Settings) -> str:
    """SHA-256 (64 hex digits) over `parts()`, the shapes (`shapes_files`) and the SHACL engine setting: what a
    release's files depend on besides its data. Not the folders: the same data and software give the same id
    wherever they lie. Raises OSError for a shapes file that cannot be read."""
    h = hashlib.sha256()
    feed(h, "kommunmal release", *parts(), settings.shacl_engine)
    for name, data in shapes_files(settings):
        feed(h, name, data)
    return h.hexdigest()


def feed(h: hashlib._Hash, *items: str | bytes) -> None:
    """Add `items` (text as UTF-8, or bytes) to the SHA-256 `h`, each after its length in 8 bytes, so that no two
    different sequences of items give the same stream."""
    for item in items:
        data = item.encode("utf-8") if isinstance(item, str) else item
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
