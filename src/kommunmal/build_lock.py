"""The lock of a release folder while a build writes into it (`<out>/.build.lock`)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kommunmal.errors import Busy


@contextmanager
def held(out: Path) -> Iterator[None]:
    """Hold `<out>/.build.lock` while building: two builds into one release folder would evict each other's cache
    entries and record stores for each other (kommunmal.unit_cache, kommunmal.store_reuse). Raises Busy, naming the
    folder and the other build's process, when another build holds it; the lock goes with the process that holds
    it, so a build that was killed leaves none behind."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / ".build.lock", "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise Busy(
                f"ett annat bygge skriver till {out} ({holder}); vänta tills det är klart och kör igen / another "
                f"build is writing to {out} ({holder}); wait for it to finish and run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}\n")
        handle.flush()
        yield
