"""A public, read-only, unauthenticated endpoint under hostile requests: federation, updates, runaway queries,
huge bodies, long results; plus CORS, caching headers and the access log."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import httpx
import pyoxigraph
import pytest
from live_server import Listener, Server, running_server

from kommunmal.query import QueryFailed, QueryRefused, QueryRequest, inspect
from kommunmal.query_pool import QueryPool
from kommunmal.release import Release
from kommunmal.store import Store

TIMEOUT_S = 2
MAX_ROWS = 50
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
CROSS_PRODUCT = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?i ?f ?c"


@pytest.fixture(scope="module")
def server(release_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    with running_server(
        release_dir,
        tmp_path_factory.mktemp("logs"),
        sparql_timeout_s=TIMEOUT_S,
        sparql_max_rows=MAX_ROWS,
        sparql_workers=2,
    ) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: Server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture
def listener():
    listen = Listener()
    yield listen
    listen.close()


def count(client: httpx.Client) -> int:
    r = client.get("/sparql", params={"query": COUNT}, headers={"Cache-Control": "no-cache"})
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


# --- federation and network access ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "select * where {{ sErViCe silent <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }} }} }}",
        "# a comment\nSELECT * WHERE {{ ?x ?y 'a string' . SERVICE<http://127.0.0.1:{port}/>{{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ \\u0053ERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}",
    ],
)
@pytest.mark.server
def test_service_is_refused_without_connecting(client: httpx.Client, listener: Listener, template: str) -> None:
    query = template.format(port=listener.port)
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400
    assert "SERVICE" in r.text
    time.sleep(0.2)
    assert listener.connections == []


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p 'SERVICE <http://x/> { }' }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> { }",
        "SELECT ?service WHERE { ?service <http://x/serviceType> ?t }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:service ?o }",
        "SELECT * WHERE { <http://example.org/SERVICE> ?p ?o }",
        'SELECT * WHERE { ?s ?p "x"@service }',
    ],
)
def test_service_in_strings_iris_comments_and_names_is_not_service(query: str) -> None:
    assert inspect(query).form == "SELECT"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?äFROM ?s WHERE { ?s ?p ?o }",
        "SELECT ?ö_from WHERE { ?ö_from ?p ?o }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:å_from ?o }",
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:årFROM ?o }",
    ],
)
def test_from_inside_a_swedish_name_names_no_dataset(query: str) -> None:
    """A name with a non-ASCII letter before "from" is one token: the query keeps the default dataset."""
    assert inspect(query).has_dataset is False


def test_from_as_a_keyword_still_names_a_dataset() -> None:
    assert inspect("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }").has_dataset is True


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ex:a\\# . SERVICE <http://x/> {} }",  # an escaped '#' in a local name is no comment
        "SELECT * WHERE { ?s ?p ex:a\\' . SERVICE <http://x/> {} ex:b\\' }",  # escaped quotes open no string
        "SELECT * WHERE { SERVICE:x {} }",
        "SELECT * WHERE { ?s ?p 1SERVICE<http://x/>{} }",
        "SELECT * WHERE { FILTER(?a<?b)SERVICE<http://x/>{} }",
        "SELECT * WHERE { ?s ?p '''a\\''' . SERVICE <http://x/> {} }",
    ],
)
def test_service_hidden_by_tricks_is_found(query: str) -> None:
    with pytest.raises(QueryRefused):
        inspect(query)


def test_workers_cannot_open_connections(release: Release, listener: Listener) -> None:
    """The backstop: even a SERVICE that got past the checks cannot reach the network from a worker."""

    async def run() -> tuple[str, BaseException | None]:
        pool = QueryPool(release.store_path, workers=1, timeout_s=10, cache_bytes=0)
        await pool.start()
        try:
            query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{listener.port}/sparql> {{ ?s ?p ?o }} }}"
            await pool.run(QueryRequest(query))
        except QueryFailed as exc:
            return pool.isolation, exc
        finally:
            await pool.close()
        return pool.isolation, None

    isolation, error = asyncio.run(run())
    if isolation == "audit hook only":
        pytest.skip("no network namespace on this machine: only the audit hook guards Python-level sockets")
    assert error is not None
    time.sleep(0.2)
    assert listener.connections == []


# --- updates --------------------------------------------------------------------------------------------------


@pytest.mark.server
def test_updates_are_refused_and_change_nothing(client: httpx.Client) -> None:
    before = count(client)
    insert = "INSERT DATA { GRAPH <http://example.org/g> { <http://example.org/s> <http://example.org/p> 1 } }"
    r = client.get("/sparql", params={"query": insert})
    assert r.status_code == 400 and "read-only" in r.text
    r = client.post("/sparql", content=insert.encode(), headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 400
    r = client.post("/sparql", data={"update": insert})
    assert r.status_code == 403 and "read-only" in r.text
    r = client.post("/sparql", content=insert.encode(), headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 403
    for other in (
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "DROP ALL",
        "LOAD <http://127.0.0.1:9/x.ttl>",
        "PREFIX ex: <http://example.org/> WITH ex:g DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ):
        assert client.get("/sparql", params={"query": other}).status_code == 400, other
    assert count(client) == before
    asked = client.get("/sparql", params={"query": "ASK { <http://example.org/s> ?p ?o }"}).json()
    assert asked["boolean"] is False


def test_the_store_itself_is_read_only(release: Release) -> None:
    store = pyoxigraph.Store.read_only(str(release.store_path))
    with pytest.raises((OSError, RuntimeError), match="read"):
        store.update("INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }")
    assert len(Store(release.store_path)) == len(store)


# --- time limit -----------------------------------------------------------------------------------------------


@pytest.mark.server
def test_runaway_query_is_stopped_while_others_are_answered(client: httpx.Client, server: Server) -> None:
    slow: dict[str, object] = {}

    def run_slow() -> None:
        started = time.monotonic()
        slow["response"] = httpx.get(server.sparql, params={"query": CROSS_PRODUCT}, timeout=60)
        slow["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.3)
    quick = client.get("/sparql", params={"query": "ASK { ?s a <http://metadata.un.org/sdg/ontology#Goal> }"})
    assert quick.status_code == 200 and quick.json()["boolean"] is True
    assert thread.is_alive()  # the quick one was answered while the slow one still ran
    thread.join(timeout=60)
    response = slow["response"]
    assert isinstance(response, httpx.Response)
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    assert slow["seconds"] < TIMEOUT_S + 8  # stopped at the limit, not run to its end
    # The killed worker is replaced; the server keeps answering, also with both workers busy in turn.
    for _ in range(6):
        r = client.get(
            "/sparql",
            params={
                "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
                "default-graph-uri": "https://w3id.org/kommunmal/graph/ontology/kommunmal",
            },
        )
        assert r.status_code == 200
    assert server.alive()


# --- request size ---------------------------------------------------------------------------------------------


@pytest.mark.server
def test_huge_body_gets_413_and_server_stays_up(client: httpx.Client) -> None:
    huge = b"ASK {} #" + b"x" * (10 * 1024 * 1024)
    r = client.post("/sparql", content=huge, headers={"Content-Type": "application/sparql-query"})
    assert r.status_code == 413

    def chunks():  # no Content-Length: the body is counted while it streams
        for _ in range(10):
            yield b"x" * (1024 * 1024)

    with httpx.Client(timeout=30) as fresh:
        r = fresh.post(
            str(client.base_url) + "sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"}
        )
        assert r.status_code == 413
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


# --- result cap -----------------------------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("fmt", ["srj", "srx", "csv", "tsv"])
def test_rows_over_the_cap_are_cut_and_signalled(client: httpx.Client, fmt: str) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "format": fmt})
    assert r.status_code == 200
    assert r.headers["X-Kommunmal-Truncated"] == "true"
    assert str(MAX_ROWS) in r.headers["Warning"]
    if fmt == "srj":
        assert len(r.json()["results"]["bindings"]) == MAX_ROWS
    elif fmt == "srx":
        assert r.text.count("<result>") == MAX_ROWS
    elif fmt == "tsv":
        assert len(r.text.splitlines()) == MAX_ROWS + 1
    else:
        assert r.text.count("\r\n") >= MAX_ROWS + 1


@pytest.mark.server
def test_triples_over_the_cap_are_cut(client: httpx.Client) -> None:
    r = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"}
    )
    assert r.headers["X-Kommunmal-Truncated"] == "true"
    assert len(r.text.splitlines()) == MAX_ROWS


@pytest.mark.server
def test_results_under_the_cap_are_whole(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}"})
    assert "X-Kommunmal-Truncated" not in r.headers
    assert len(r.json()["results"]["bindings"]) == MAX_ROWS


# --- CORS, caching, logging -------------------------------------------------------------------------------------


@pytest.mark.server
def test_cors(client: httpx.Client) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in r.headers
    r = client.options(
        "/sparql",
        headers={
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "content-type" in r.headers["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in r.headers


@pytest.mark.server
def test_etag_and_304(client: httpx.Client) -> None:
    params = {"query": "SELECT ?s WHERE { ?s a <http://metadata.un.org/sdg/ontology#Goal> }"}
    first = client.get("/sparql", params=params)
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get("/sparql", params=params, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    other = client.get("/sparql", params=params, headers={"Accept": "text/csv"})
    assert other.headers["ETag"] != etag
    assert client.get("/sparql", params=params, headers={"If-None-Match": '"other"'}).status_code == 200


@pytest.mark.server
def test_access_log(client: httpx.Client, server: Server) -> None:
    client.get("/sparql", params={"query": "ASK { ?logged ?p ?o }"})
    time.sleep(0.2)
    lines = [line for line in server.log_text().splitlines() if "kommunmal.sparql" in line and "?logged" in line]
    assert lines and " 200 " in lines[-1] and "ms" in lines[-1]
