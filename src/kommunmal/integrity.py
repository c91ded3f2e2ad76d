"""Release integrity at start: a damaged release is refused with the reason and the last good one is served.

A release is whole when release.json reads, every file it lists has the size and SHA-256 it lists (dumps, VoID,
validation report, extras), SHA256SUMS agrees with it, and the store folder opens read-only and holds the number
of quads release.json gives. The build writes all of these before it points `current` at the release
(kommunmal.release), so a release that fails any of them was damaged afterwards (a truncated copy, a bad disk,
a hand edit) or never finished.

Checksums are not computed again at every start: after a release passes, the size, modification time and inode of
each of its files (the listed ones and those of the store) are kept in `.verified.json` in the release folder, and
a file whose three are unchanged is not hashed again (nor the store counted). At national scale (290
municipalities, 5 GB of dumps) hashing took 5 of the 6 s before the server answered. A copy, a restore, an edit
or a truncation changes at least one of the three and brings the full check back; damage in place that changes
none of them (bit rot) is not seen until `.verified.json` is deleted, which makes the next start check everything.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph

from kommunmal.errors import KommunmalError, NotFound
from kommunmal.release import Release, file_sha256

log = logging.getLogger("kommunmal.release")


class DamagedRelease(KommunmalError):
    """No release in the folder passes the integrity check."""


@dataclass(frozen=True)
class Choice:
    release: Release
    refused: tuple[tuple[Path, tuple[str, ...]], ...] = ()  # releases passed over, each with its problems

    def describe(self) -> str:
        """One line per refused release, then the one chosen; empty when the current release was whole."""
        if not self.refused:
            return ""
        lines = [f"release {p.name} refused: {'; '.join(problems)}" for p, problems in self.refused]
        lines.append(f"serving the last good release {self.release.id} ({self.release.path})")
        return "\n".join(lines)


VERIFIED = ".verified.json"


def problems(path: Path) -> list[str]:
    """What is wrong with the release folder at `path`; an empty list when it is whole.

    Files unchanged since they last passed (see the module's docstring) are not hashed again; when the release
    passes, `.verified.json` is written (silently skipped on a read-only folder)."""
    path = Path(path)
    try:
        meta = json.loads((path / "release.json").read_text(encoding="utf-8"))
        listed = meta["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [f"release.json cannot be read ({type(exc).__name__}: {exc})"]
    verified = _verified(path)
    found: list[str] = []
    for name, expected in sorted(listed.items()):
        target = path / name
        if not target.is_file():
            found.append(f"{name} is missing")
            continue
        size = target.stat().st_size
        if size != expected.get("bytes"):
            found.append(f"{name} has {size} bytes, release.json says {expected.get('bytes')} (truncated?)")
            continue
        if verified.get(name) != _stamp(target) and file_sha256(target) != expected.get("sha256"):
            found.append(f"{name} does not match its SHA-256 checksum")
    found += _sums_problems(path, listed)
    store_files = _store_stamps(path)
    if not store_files or any(verified.get(name) != stamp for name, stamp in store_files.items()):
        found += _store_problems(path, meta.get("quads"))
    if not found:
        remember(path)
    return found


def remember(path: Path) -> None:
    """Record the files of the release folder at `path` as verified (`.verified.json`): the build calls this for
    the files it has just hashed and counted; `problems` after a full check. An OSError (read-only folder) is
    ignored."""
    path = Path(path)
    try:
        listed = json.loads((path / "release.json").read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    stamps = {**{name: _stamp(path / name) for name in listed if (path / name).is_file()}, **_store_stamps(path)}
    _remember(path, stamps)


def _stamp(target: Path) -> list[int]:
    info = target.stat()
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def _store_stamps(path: Path) -> dict[str, list[int]]:
    store = path / "store"
    if not store.is_dir():
        return {}
    return {str(f.relative_to(path)): _stamp(f) for f in sorted(store.iterdir()) if f.is_file()}


def _verified(path: Path) -> dict:
    try:
        found = json.loads((path / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _remember(path: Path, stamps: dict[str, list[int]]) -> None:
    if stamps == _verified(path):
        return
    try:
        tmp = path / f"{VERIFIED}.{os.getpid()}"
        tmp.write_text(json.dumps(stamps, sort_keys=True), encoding="utf-8")
        tmp.replace(path / VERIFIED)
    except OSError:
        pass  # a read-only release folder: the next start checks everything again


def _sums_problems(path: Path, listed: dict) -> list[str]:
    sums = path / "SHA256SUMS"
    if not sums.is_file():
        return ["SHA256SUMS is missing"]
    wrong = []
    for line in sums.read_text(encoding="utf-8", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        if name and name in listed and listed[name].get("sha256") != digest:
            wrong.append(f"SHA256SUMS and release.json disagree on {name}")
    return wrong


def _store_problems(path: Path, quads: int | None) -> list[str]:
    store = path / "store"
    if not store.is_dir():
        return ["the store folder is missing"]
    try:
        count = len(pyoxigraph.Store.read_only(str(store)))
    except OSError as exc:
        return [f"the store cannot be opened ({exc})"]
    if quads is not None and count != quads:
        return [f"the store holds {count} quads, release.json says {quads}"]
    return []


def choose(release_dir: Path) -> Choice:
    """The release to serve from `release_dir`: `current` if whole, else the newest whole one in releases/.

    Raises NotFound when there is no release at all and DamagedRelease when none is whole; both messages say
    where they looked and how to point elsewhere.
    """
    release_dir = Path(release_dir)
    try:
        current = Release.current(release_dir)
    except NotFound:
        raise NotFound(no_release_message(release_dir)) from None
    refused: list[tuple[Path, tuple[str, ...]]] = []
    for candidate in [current.path, *others(release_dir, current.path)]:
        found = problems(candidate)
        if not found:
            choice = Choice(Release(candidate), tuple(refused))
            if refused:
                log.error("%s", choice.describe())
            return choice
        refused.append((candidate, tuple(found)))
    details = "\n".join(f"  {p.name}: {'; '.join(found)}" for p, found in refused)
    raise DamagedRelease(
        f"no whole release in {release_dir.resolve()}:\n{details}\n"
        f"rebuild with `kommunmal build --out {release_dir}`, or point to another folder with --release-dir DIR "
        "or KOMMUNMAL_RELEASE_DIR"
    )


def named(release_dir: Path, release_id: str = "") -> Release:
    """The release `release_id` (a folder of release_dir/releases/), checked whole; with no id, `choose`'s.

    Raises NotFound when there is no such release and DamagedRelease when it is not whole."""
    if not release_id:
        return choose(release_dir).release
    path = Path(release_dir) / "releases" / release_id
    if not (path / "release.json").is_file():
        raise NotFound(f"no release {release_id} in {path.parent.resolve()}: leave the setting release empty")
    found = problems(path)
    if found:
        raise DamagedRelease(f"release {release_id} is not whole: {'; '.join(found)}")
    return Release(path)


def others(release_dir: Path, current: Path) -> list[Path]:
    """The other finished releases, newest first (by the time release.json gives)."""
    found = []
    for folder in (release_dir / "releases").glob("*"):
        if folder.resolve() == current.resolve() or not (folder / "release.json").is_file():
            continue
        try:
            created = json.loads((folder / "release.json").read_text(encoding="utf-8")).get("created", "")
        except (OSError, ValueError):
            created = ""
        found.append((str(created), folder))
    return [folder for _, folder in sorted(found, reverse=True)]


def no_release_message(release_dir: Path) -> str:
    """Where a release was looked for and how to make or point to one (the setting, the flag)."""
    where = Path(release_dir).resolve()
    if (where / "release.json").is_file() and where.parent.name == "releases":
        return (
            f"{release_dir} is one release of a build folder: give the build folder (the --out of `kommunmal build`, "
            f"holding current/ and releases/) with --release-dir {where.parent.parent}, and the release with "
            f"KOMMUNMAL_RELEASE={where.name} if it is not the current one"
        )
    return (
        f"no release found: looked for {where / 'current' / 'release.json'} "
        f"(setting release_dir = {release_dir}). Build one with `kommunmal build --out {release_dir}`, or point "
        "to an existing build folder with --release-dir DIR or the environment variable KOMMUNMAL_RELEASE_DIR"
    )
