"""Results computed from a release, kept while that release is served: a bounded LRU per (release id, key)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from cachetools import LRUCache

T = TypeVar("T")


class ReleaseCache:
    """Values computed from one release (coverage matrices, goal mappings, pictures), each made once per
    (release id, key) and kept in a least-recently-used cache of at most `maxsize` entries.

    A release never changes while it is served (its id is the checksum of its content), so an entry is valid as
    long as its release is the one asked for. Asking for another release id drops every entry of the previous
    one: a new release invalidates the cache, and memory is not held for a release no longer served.
    Thread-safe; two threads asking for the same missing key may both compute it, and the first result is kept.
    Raises ValueError for `maxsize` < 1."""

    def __init__(self, maxsize: int = 128) -> None:
        if maxsize < 1:
            raise ValueError(f"maxsize must be at least 1, not {maxsize}")
        self._lock = threading.Lock()
        self._entries: LRUCache[Hashable, Any] = LRUCache(maxsize=maxsize)
        self._release: str | None = None
        self.hits = 0
        self.misses = 0

    def get(self, release_id: str, key: Hashable, make: Callable[[], T]) -> T:
        """The value for `key` (a hashable of the request's parameters) in release `release_id`: `make()` the first
        time, the kept value afterwards. Exceptions from `make` propagate and nothing is kept."""
        with self._lock:
            if release_id != self._release:
                self._entries.clear()
                self._release = release_id
            if key in self._entries:
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        value = make()
        with self._lock:
            if release_id != self._release:
                return value  # the release changed while computing: do not keep a value of the old one
            if key in self._entries:
                return self._entries[key]
            self._entries[key] = value
            return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)
