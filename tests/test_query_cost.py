"""The cheap-query proof (query_cost) and the in-process path it opens: bounds that hold on the real store,
queries outside the proved class, and the time limit for whichever path evaluates a query."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from live_server import running_server

from kommunmal.config import Settings
from kommunmal.query import QueryRequest
from kommunmal.query_cost import STATS_FILE, Stats, cost_class, estimate
from kommunmal.query_pool import QueryPool
from kommunmal.release import Release
from kommunmal.web.routes.query_page import EXAMPLES

KM = "https://w3id.org/kommunmal/def/kommunmal#"
RDF_TYPE = pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i ?f ?c"


@pytest.fixture(scope="module")
def store(release: Release) -> pyoxigraph.Store:
    return pyoxigraph.Store.read_only(str(release.store_path))


@pytest.fixture(scope="module")
def stats(release: Release) -> Stats:
    return Stats.load(release.path / STATS_FILE)


def test_build_writes_exact_statistics(store: pyoxigraph.Store, stats: Stats) -> None:
    assert stats.quads == len(store)
    goal, serves = pyoxigraph.NamedNode(KM + "Goal"), pyoxigraph.NamedNode(KM + "serves")
    assert stats.classes[KM + "Goal"] == len(list(store.quads_for_pattern(None, RDF_TYPE, goal)))
    count, max_out, max_in = stats.predicates[KM + "serves"]
    assert count == len(list(store.quads_for_pattern(None, serves, None)))
    assert 1 <= max_out <= count and 1 <= max_in <= count


QUERIES = [
    f"ASK {{ ?goal a <{KM}Goal> ; <{KM}contributesTo> <http://metadata.un.org/sdg/11> }}",
    f"SELECT ?g ?t WHERE {{ ?g a <{KM}Goal> OPTIONAL {{ ?g <http://purl.org/dc/terms/title> ?t }} }}",
    f"PREFIX km: <{KM}> SELECT * WHERE {{ ?a km:serves ?g1, ?g2 FILTER(STR(?g1) < STR(?g2)) }}",
    f"SELECT * WHERE {{ {{ ?x a <{KM}Goal> }} UNION {{ ?x a <{KM}Action> }} }}",
    "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
    f"SELECT ?s WHERE {{ VALUES ?o {{ <{KM}Goal> <{KM}Action> }} ?s a ?o }}",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_bound_holds_on_the_real_store(store: pyoxigraph.Store, stats: Stats, query: str) -> None:
    work = estimate(query, stats)
    assert work is not None
    result = store.query(query, use_default_graph_as_union=True)
    solutions = 1 if isinstance(result, pyoxigraph.QueryBoolean) else len(list(result))
    assert solutions <= work


@pytest.mark.parametrize("example", range(len(EXAMPLES)))
def test_the_query_page_examples_are_proved_cheap(stats: Stats, example: int) -> None:
    query = EXAMPLES[example][1].format(vocab=KM)
    work = estimate(query, stats)
    assert work is not None
    assert cost_class(work, 5_000, Settings.from_env(environ={}).sparql_local_work) != "worker"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }",
        "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { ?o ?q ?r } }",
        "SELECT * WHERE { ?s ?p ?o BIND(CONCAT(?o, ?o) AS ?x) }",
        "SELECT (REPLACE(STR(?o), '.', '$0$0') AS ?x) WHERE { ?s ?p ?o }",
        f"SELECT * WHERE {{ ?s <{KM}serves>* ?o }}",
        f"SELECT * WHERE {{ ?s <{KM}serves>/<{KM}serves> ?o }}",
        "SELECT * WHERE { ?s ?p [ ?q ?r ] }",
        f"DESCRIBE <{KM}Goal>",
        "SELECT * WHERE { ?s ?p ?o FILTER(STRLEN(UCASE(UCASE(UCASE(UCASE(UCASE(?o)))))) > 1) }",
        "SELECT * WHERE { ?s ?p ?o . SERVICE <http://127.0.0.1:9/> { ?o ?q ?r } }",
        "SELECT * WHERE { ?s ?p ",
        "SELECT * WHERE { ?s ?p ?o } VALUES ?s { <urn:a> }",
    ],
)
def test_queries_outside_the_proved_class_go_to_the_workers(stats: Stats, query: str) -> None:
    assert estimate(query, stats) is None
    assert cost_class(estimate(query, stats), 5_000, 200_000) == "worker"


def test_a_cross_product_is_bounded_by_its_product(stats: Stats) -> None:
    work = estimate(CROSS_PRODUCT, stats)
    assert work is not None and work >= stats.quads**3
    assert cost_class(work, 5_000, 200_000) == "worker"


def test_a_slow_in_process_query_turns_the_fast_path_off(release: Release, stats: Stats) -> None:
    async def main() -> tuple[str, str, bool]:
        store = pyoxigraph.Store.read_only(str(release.store_path))
        # A time limit so short that the in-process evaluation of a whole-store count passes a tenth of it.
        pool = QueryPool(release.store_path, workers=1, timeout_s=0.001, cache_bytes=0, local_store=store, stats=stats)
        await pool.start()
        try:
            query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
            first = await pool.run(QueryRequest(query))
            return first.where, pool.path(query), pool.local_store is None
        finally:
            await pool.close()

    where, then, off = asyncio.run(main())
    assert where in ("inline", "local")
    assert off and then == "worker"


def test_a_local_query_measured_cheap_runs_inline_next_time(release: Release, stats: Stats) -> None:
    query = QUERIES[4]  # proved within the local bound, above the inline one

    async def main(inline_cpu_s: float) -> list[str]:
        store = pyoxigraph.Store.read_only(str(release.store_path))
        # A time limit of 60 s puts the pool's switch-off (a proven query using a tenth of the limit in CPU) far
        # from this query's CPU time even on a loaded machine; the switch-off has its own test.
        pool = QueryPool(
            release.store_path,
            workers=1,
            cache_bytes=0,
            local_store=store,
            stats=stats,
            inline_cpu_s=inline_cpu_s,
            timeout_s=60,
        )
        await pool.start(wait=False)
        try:
            return [(await pool.run(QueryRequest(query))).where for _ in range(3)]
        finally:
            await pool.close()

    assert cost_class(estimate(query, stats), 500, 200_000) == "local"
    assert asyncio.run(main(10.0)) == ["local", "inline", "inline"]
    assert asyncio.run(main(0.0)) == ["local", "local", "local"]  # never measured cheap enough: stays in a thread


@pytest.mark.server
def test_server_paths_and_the_time_limit_with_the_cache_off(release_dir: Path, tmp_path: Path) -> None:
    with (
        running_server(release_dir, tmp_path, sparql_cache_bytes=0, sparql_timeout_s=2) as server,
        httpx.Client(timeout=30) as client,
    ):
        ask = client.get(server.sparql, params={"query": QUERIES[0]})
        assert ask.status_code == 200 and ask.json() == {"head": {}, "boolean": True}
        assert 'desc="inline"' in ask.headers["server-timing"]
        whole = client.get(server.sparql, params={"query": QUERIES[4]}, headers={"Accept": "text/csv"})
        assert whole.status_code == 200 and 'desc="local"' in whole.headers["server-timing"]
        again = client.get(server.sparql, params={"query": QUERIES[0]})
        assert "cached" not in again.headers["server-timing"]
        slow = client.get(server.sparql, params={"query": CROSS_PRODUCT})
        assert slow.status_code == 503
        assert client.get(server.sparql, params={"query": QUERIES[0]}).status_code == 200
