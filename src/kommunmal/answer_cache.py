"""The SPARQL endpoint's answer cache: serialized answers kept by the request they answer.

The store is read-only and a release never changes, so an answer stays right for as long as the release is served;
the cache only bounds the memory it takes (least recently used answers leave first).
"""

from __future__ import annotations

from collections import OrderedDict

from kommunmal.query import QueryRequest, QueryResult


class AnswerCache:
    """Answers by request, at most `max_bytes` in all and `entry_bytes` each (bytes of the body plus the query text);
    `max_bytes` 0 keeps nothing. Answers given to `keep` (the query page's examples) stay outside those bounds."""

    def __init__(self, max_bytes: int, entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.entry_bytes = entry_bytes
        self._answers: OrderedDict[QueryRequest, QueryResult] = OrderedDict()
        self._kept: dict[QueryRequest, QueryResult] = {}
        self._bytes = 0

    def get(self, request: QueryRequest) -> QueryResult | None:
        """The cached answer to `request` (with `cached=True`), or None; a hit becomes the most recently used."""
        found = self._kept.get(request) or self._answers.get(request)
        if found is not None and request in self._answers:
            self._answers.move_to_end(request)
        return found

    def keep(self, request: QueryRequest, result: QueryResult) -> bool:
        """Keep `result` as the answer to `request` for as long as the cache lives, whatever its size and however
        many answers pass through after it; False (nothing kept) when the cache is off. For a handful of known
        queries only (the query page's examples: at 290 municipalities two of their answers exceed an entry's
        1 MB and each takes about a second to evaluate)."""
        if self.max_bytes <= 0:
            return False
        self._kept[request] = _cached(result)
        return True

    def remember(self, request: QueryRequest, result: QueryResult) -> None:
        """Keep `result` as the answer to `request` unless it is larger than an entry may be; evict the least
        recently used answers until the total fits."""
        size = len(result.body) + len(request.query)
        if size > self.entry_bytes or size > self.max_bytes:
            return
        self._answers[request] = _cached(result)
        self._bytes += size
        while self._bytes > self.max_bytes:
            old, entry = self._answers.popitem(last=False)
            self._bytes -= len(entry.body) + len(old.query)


def _cached(result: QueryResult) -> QueryResult:
    return QueryResult(result.body, result.format, result.truncated, result.ms, cached=True, where=result.where)
