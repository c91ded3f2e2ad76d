"""Which releases a build keeps: the current one, the newest others up to the setting `keep_releases`, and every
release a `kommunmal serve` on this machine is serving.

Every build of changed data or software publishes a new release folder (at 290 municipalities about 4 GB that no
other release shares: the store and the dumps of the whole dataset), and none was ever removed. With
`keep_releases = N` (`kommunmal build --keep N`; 0, the default, keeps every release) a successful build removes the
older finished releases beyond the N newest, counting the current one. A server keeps serving the release it
started with until it is restarted, so `kommunmal serve` holds a shared lock (flock) on the folder of the release it
serves for as long as it runs, and a release whose folder is locked is never removed: the build says so and keeps
it. The older releases are where a server turns when `current` is damaged (`integrity.choose`).
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from kommunmal.integrity import others
from kommunmal.views.swedish import count


def hold(release: Path) -> int:
    """Lock the folder `release` shared for as long as this process (and the processes it forks) keeps the returned
    descriptor open: `prune` does not remove it meanwhile. Raises OSError when the folder cannot be opened."""
    fd = os.open(release, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def prune(release_dir: Path, keep: int, say: Callable[[str], None]) -> list[str]:
    """Remove the finished releases of `release_dir` beyond the `keep` newest (the current one counted first, the
    others by the time their release.json gives), except those a server holds (`hold`); returns the ids removed.
    `keep` < 1 removes nothing. Raises OSError when a folder cannot be removed."""
    current = (Path(release_dir) / "current").resolve()
    if keep < 1 or not (current / "release.json").is_file():
        return []
    removed, held = [], []
    for folder in others(Path(release_dir), current)[keep - 1 :]:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                held.append(folder.name)
                continue
            shutil.rmtree(folder)
            removed.append(folder.name)
        finally:
            os.close(fd)
    if removed:
        say(
            f"  {count(len(removed), 'äldre utgåva borttagen', 'äldre utgåvor borttagna')} (keep_releases = {keep}) "
            f"/ older releases removed: {', '.join(removed)}"
        )
    if held:
        them = "den" if len(held) == 1 else "dem"
        say(
            f"  {count(len(held), 'äldre utgåva', 'äldre utgåvor')} kvar eftersom en server visar {them} / older "
            f"releases kept while a server serves them: {', '.join(held)}"
        )
    return removed
