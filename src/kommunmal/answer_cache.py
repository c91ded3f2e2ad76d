"""The SPARQL endpoint's answer cache: serialized answers kept by the request they answer.

The store is read-only and a release never changes, so an answer stays right for as long as the release is served;
the cache only bounds the memory it takes (least recently used answers leave first).
"""

from __future__ import annotations

from collections import OrderedDict

from kommunmal.query import QueryRequest, QueryResult


class AnswerCache:
    """Answers by request, at most `max_bytes` in all and `entry_bytes` each (bytes of the body plus the query text);
    `max_bytes` 0 keeps nothing."""

    def __init__(self, max_bytes: int, entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.entry_bytes = entry_bytes
        self._answers: OrderedDict[QueryRequest, QueryResult] = OrderedDict()
        self._bytes = 0

    def get(self, request: QueryRequest) -> QueryResult | None:
        """The cached answer to `request` (with `cached=True`), or None; a hit becomes the most recently used."""
        found = self._answers.get(request)
        if found is not None:
            self._answers.move_to_end(request)
        return found

    def remember(self, request: QueryRequest, result: QueryResult) -> None:
        """Keep `result` as the answer to `request` unless it is larger than an entry may be; evict the least
        recently used answers until the total fits."""
        size = len(result.body) + len(request.query)
        if size > self.entry_bytes or size > self.max_bytes:
            return
        self._answers[request] = QueryResult(
            result.body, result.format, result.truncated, result.ms, cached=True, where=result.where
        )
        self._bytes += size
        while self._bytes > self.max_bytes:
            old, entry = self._answers.popitem(last=False)
            self._bytes -= len(entry.body) + len(old.query)
