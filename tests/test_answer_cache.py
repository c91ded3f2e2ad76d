"""The SPARQL endpoint's answer cache: bounded answers, and the kept answers of the query page's examples."""

from __future__ import annotations

from kommunmal.answer_cache import AnswerCache
from kommunmal.query import QueryRequest, QueryResult


def _answer(size: int) -> QueryResult:
    return QueryResult(b"x" * size, "srj", False, 1.0)


def test_answers_leave_least_recently_used_first_and_large_ones_are_not_kept() -> None:
    cache = AnswerCache(max_bytes=3000, entry_bytes=1500)
    first, second, third = (QueryRequest(f"ASK {{ <urn:{n}> ?p ?o }}") for n in range(3))
    cache.remember(first, _answer(1000))
    cache.remember(second, _answer(1000))
    assert cache.get(first).cached  # now the most recently used
    cache.remember(third, _answer(1000))
    assert cache.get(second) is None and cache.get(first) is not None and cache.get(third) is not None
    cache.remember(QueryRequest("SELECT * {}"), _answer(2000))
    assert cache.get(QueryRequest("SELECT * {}")) is None


def test_a_kept_answer_stays_whatever_its_size_and_whatever_passes_after_it() -> None:
    cache = AnswerCache(max_bytes=3000, entry_bytes=1500)
    example = QueryRequest("SELECT ?s { ?s ?p ?o }")
    assert cache.keep(example, _answer(10_000))
    for n in range(10):
        cache.remember(QueryRequest(f"ASK {{ <urn:{n}> ?p ?o }}"), _answer(1000))
    kept = cache.get(example)
    assert kept is not None and kept.cached and len(kept.body) == 10_000


def test_with_the_cache_off_nothing_is_kept() -> None:
    cache = AnswerCache(max_bytes=0, entry_bytes=1500)
    example = QueryRequest("SELECT ?s { ?s ?p ?o }")
    assert not cache.keep(example, _answer(10))
    cache.remember(example, _answer(10))
    assert cache.get(example) is None
