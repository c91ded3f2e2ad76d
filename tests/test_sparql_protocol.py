"""SPARQL 1.1 Protocol and Service Description over a live server.

The cases follow the W3C protocol test manifest (w3c/rdf-tests, sparql/sparql11/protocol/manifest.ttl), with
the manifest's example graphs replaced by named graphs of this release. Its update cases are turned around:
the public endpoint is read-only, so every update request must be refused (tests/test_sparql_safety.py checks
that nothing changed).
"""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from live_server import Server, free_port, running_server, wait_until_up
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from kommunmal.cli import main as cli_main
from kommunmal.config import Settings
from kommunmal.store import Store
from kommunmal.web.routes.query_page import EXAMPLES

pytestmark = pytest.mark.server

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
JSON = "application/sparql-results+json"
XML = "application/sparql-results+xml"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"


@pytest.fixture(scope="module")
def server(release_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    with running_server(release_dir, tmp_path_factory.mktemp("logs")) as s:
        yield s


@pytest.fixture(scope="module")
def client(server: Server):
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def graphs(store: Store) -> dict[str, str]:
    """Three named graphs g1..g3, each with a subject s1..s3 that is a subject in no other graph."""
    picked: dict[str, str] = {}
    names = [g for g in store.named_graphs() if "/texts/" in g][:3]
    assert len(names) == 3, store.named_graphs()
    for index, name in enumerate(names, 1):
        rows = store.query(f"""SELECT ?s WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }}
            FILTER NOT EXISTS {{ GRAPH ?other {{ ?s ?p2 ?o2 }} FILTER(?other != <{name}>) }}
            FILTER(isIRI(?s)) }} ORDER BY ?s LIMIT 1""")
        picked[f"g{index}"] = name
        picked[f"s{index}"] = next(iter(rows))[0].value
    return picked


def ask(response: httpx.Response) -> bool:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(JSON)
    return response.json()["boolean"]


# --- W3C protocol manifest: queries that must succeed ---------------------------------------------------------


def test_query_get(client: httpx.Client) -> None:
    assert ask(client.get("/sparql", params={"query": "ASK {}"})) is True


def test_query_post_form(client: httpx.Client) -> None:
    r = client.post("/sparql", content=b"query=ASK%20%7B%7D", headers={"Content-Type": FORM})
    assert ask(r) is True


def test_query_post_direct(client: httpx.Client) -> None:
    assert ask(client.post("/sparql/", content=b"ASK {}", headers={"Content-Type": DIRECT})) is True


def test_query_dataset_default_graphs_get(client: httpx.Client, graphs: dict[str, str]) -> None:
    query = f"ASK {{ <{graphs['s1']}> ?p ?o . <{graphs['s2']}> ?q ?v }}"
    both = [("query", query), ("default-graph-uri", graphs["g1"]), ("default-graph-uri", graphs["g2"])]
    assert ask(client.get("/sparql", params=both)) is True
    only_first = [("query", query), ("default-graph-uri", graphs["g1"])]
    assert ask(client.get("/sparql", params=only_first)) is False


def test_query_dataset_default_graphs_post(client: httpx.Client, graphs: dict[str, str]) -> None:
    query = f"ASK {{ <{graphs['s1']}> ?p ?o . <{graphs['s2']}> ?q ?v }}"
    r = client.post(
        "/sparql",
        params=[("default-graph-uri", graphs["g1"]), ("default-graph-uri", graphs["g2"])],
        content=query.encode(),
        headers={"Content-Type": DIRECT},
    )
    assert ask(r) is True


def test_query_dataset_named_graphs(client: httpx.Client, graphs: dict[str, str]) -> None:
    query = f"ASK {{ GRAPH ?g1 {{ <{graphs['s1']}> ?p ?o }} GRAPH ?g2 {{ <{graphs['s2']}> ?q ?v }} }}"
    named = [("named-graph-uri", graphs["g1"]), ("named-graph-uri", graphs["g2"])]
    assert ask(client.get("/sparql", params=[("query", query), *named])) is True
    r = client.post("/sparql", params=named, content=query.encode(), headers={"Content-Type": DIRECT})
    assert ask(r) is True
    # With only named graphs given, the default graph is empty.
    assert ask(client.get("/sparql", params=[("query", f"ASK {{ <{graphs['s1']}> ?p ?o }}"), *named])) is False
    # A graph left out of the dataset is not visible.
    assert ask(client.get("/sparql", params=[("query", query), named[0]])) is False


def test_query_dataset_full(client: httpx.Client, graphs: dict[str, str]) -> None:
    query = (
        f"ASK {{ <{graphs['s3']}> ?x ?y GRAPH ?g1 {{ <{graphs['s1']}> ?p ?o }} "
        f"GRAPH ?g2 {{ <{graphs['s2']}> ?q ?v }} }}"
    )
    params = [("default-graph-uri", graphs["g3"]), ("named-graph-uri", graphs["g1"]), ("named-graph-uri", graphs["g2"])]
    r = client.post("/sparql", params=params, content=query.encode(), headers={"Content-Type": DIRECT})
    assert ask(r) is True


def test_query_multiple_dataset_protocol_overrides_from(client: httpx.Client, graphs: dict[str, str]) -> None:
    query = f"ASK FROM <{graphs['g1']}> {{ <{graphs['s2']}> ?p ?o }}"
    assert ask(client.get("/sparql", params={"query": query})) is False
    r = client.get("/sparql", params=[("query", query), ("default-graph-uri", graphs["g2"])])
    assert ask(r) is True


def test_from_is_resolved_inside_the_store(client: httpx.Client, graphs: dict[str, str]) -> None:
    query = f"ASK FROM <{graphs['g1']}> {{ <{graphs['s1']}> ?p ?o }}"
    assert ask(client.get("/sparql", params={"query": query})) is True
    unknown = "ASK FROM <http://127.0.0.1:9/nothing> { ?s ?p ?o }"
    assert ask(client.get("/sparql", params={"query": unknown})) is False
    named = f"ASK FROM NAMED <{graphs['g2']}> {{ GRAPH ?g {{ <{graphs['s2']}> ?p ?o }} }}"
    assert ask(client.get("/sparql", params={"query": named})) is True


def test_default_graph_is_the_union(client: httpx.Client, store: Store) -> None:
    r = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    served = int(r.json()["results"]["bindings"][0]["n"]["value"])
    direct = int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)
    assert served == direct > 1000


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (XML, XML),
        (JSON, JSON),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
    ],
)
def test_query_content_type_select(client: httpx.Client, store: Store, accept: str, media: str) -> None:
    query = "SELECT ?s WHERE { ?s a <http://metadata.un.org/sdg/ontology#Goal> } ORDER BY ?s"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    expected = [row[0].value for row in store.query(query)]
    if media == JSON:
        got = [b["s"]["value"] for b in r.json()["results"]["bindings"]]
    elif media == XML:
        got = [line.split("<uri>")[1].split("</uri>")[0] for line in r.text.split("<result>")[1:]]
    elif media == "text/csv":
        got = [row[0] for row in list(csv.reader(io.StringIO(r.text)))[1:]]
    else:
        got = [line.strip("<>") for line in r.text.splitlines()[1:]]
    assert got == expected and len(got) == 17


@pytest.mark.parametrize(("accept", "media"), [(XML, XML), (JSON, JSON)])
def test_query_content_type_ask(client: httpx.Client, accept: str, media: str) -> None:
    r = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].split(";")[0] == media
    assert "true" in r.text


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
@pytest.mark.parametrize("form", ["CONSTRUCT", "DESCRIBE"])
def test_query_content_type_graph(
    client: httpx.Client, store: Store, graphs: dict[str, str], accept: str, rdflib_format: str, form: str
) -> None:
    s1 = graphs["s1"]
    query = f"CONSTRUCT WHERE {{ <{s1}> ?p ?o }}" if form == "CONSTRUCT" else f"DESCRIBE <{s1}>"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].split(";")[0] == accept
    served = Graph().parse(data=r.content, format=rdflib_format)
    expected = {(t.subject.value, t.predicate.value) for t in store.query(query)}
    assert {(str(s), str(p)) for s, p, _ in served} == expected
    assert len(served) == len(list(store.query(query))) > 0


# --- content negotiation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, JSON),
        ("*/*", JSON),
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", XML),
        ("application/json", JSON),
        ("text/*", "text/csv"),
        ("text/turtle, text/tab-separated-values;q=0.1", "text/tab-separated-values"),
    ],
)
def test_negotiation_of_results(client: httpx.Client, accept: str | None, media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers=headers)
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media


def test_negotiation_of_graphs(client: httpx.Client) -> None:
    query = "CONSTRUCT WHERE { ?s a <http://metadata.un.org/sdg/ontology#Goal> }"
    assert client.get("/sparql", params={"query": query}).headers["content-type"].startswith("text/turtle")
    r = client.get(
        "/sparql", params={"query": query}, headers={"Accept": "application/rdf+xml;q=0.4, application/ld+json;q=0.8"}
    )
    assert r.headers["content-type"].startswith("application/ld+json")


def test_not_acceptable(client: httpx.Client) -> None:
    r = client.get(
        "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}, headers={"Accept": "text/turtle"}
    )
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.text
    r = client.get(
        "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 406


def test_format_parameter_overrides_accept(client: httpx.Client) -> None:
    r = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", "format": "csv"},
        headers={"Accept": "text/html"},
    )
    assert r.headers["content-type"].startswith("text/csv")
    r = client.get("/sparql", params={"query": "ASK {}", "format": "xml"}, headers={"Accept": JSON})
    assert r.headers["content-type"].startswith(XML)
    r = client.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s a ?t } LIMIT 1", "format": "json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    # A value it does not know leaves the choice to the Accept header.
    r = client.get("/sparql", params={"query": "ASK {}", "format": "nonsense"}, headers={"Accept": XML})
    assert r.status_code == 200 and r.headers["content-type"].startswith(XML)


# --- W3C protocol manifest: queries that must fail ------------------------------------------------------------


def test_bad_query_method(client: httpx.Client) -> None:
    r = client.put("/sparql/", params={"query": "ASK {}"}, headers={"Content-Type": FORM})
    assert r.status_code == 405
    assert "GET" in r.headers["allow"] and "POST" in r.headers["allow"]
    assert client.delete("/sparql").status_code == 405


def test_bad_multiple_queries(client: httpx.Client) -> None:
    r = client.get("/sparql/?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D")
    assert r.status_code == 400


def test_bad_query_wrong_media_type(client: httpx.Client) -> None:
    r = client.post("/sparql/", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


def test_bad_query_missing_form_type(client: httpx.Client) -> None:
    r = client.post("/sparql/", content=b"query=ASK%20%7B%7D")
    assert r.status_code == 415


def test_bad_query_missing_direct_type(client: httpx.Client) -> None:
    assert client.post("/sparql/", content=b"ASK {}").status_code == 415


def test_bad_query_non_utf8(client: httpx.Client) -> None:
    body = "ASK {}".encode("utf-16")
    r = client.post("/sparql/", content=body, headers={"Content-Type": "application/sparql-query; charset=UTF-16"})
    assert r.status_code == 400
    r = client.post("/sparql/", content=body, headers={"Content-Type": DIRECT})
    assert r.status_code == 400
    assert "UTF-8" in r.text


def test_bad_query_non_utf8_percent_encoded(client: httpx.Client) -> None:
    assert client.get("/sparql?query=ASK%20%7B%7D%FF").status_code == 400
    r = client.post("/sparql", content=b"query=ASK%20%7B%7D%C3%28", headers={"Content-Type": FORM})
    assert r.status_code == 400


def test_bad_query_syntax(client: httpx.Client) -> None:
    r = client.get("/sparql/?query=ASK%20%7B")
    assert r.status_code == 400
    # the parser's position, line and column, Swedish first
    assert r.text.startswith("Syntaxfel på rad 1, kolumn 6: ") and "line 1, column 6" in r.text


def test_post_without_query(client: httpx.Client) -> None:
    assert client.post("/sparql", content=b"", headers={"Content-Type": FORM}).status_code == 400


@pytest.mark.parametrize(
    ("method", "path", "body", "content_type"),
    [
        ("POST", "/sparql/", b"update=CLEAR+ALL", FORM),  # update_post_form
        ("POST", "/sparql/", b"CLEAR ALL", "application/sparql-update"),  # update_post_direct
        ("POST", "/sparql/?using-graph-uri=http%3A%2F%2Fx", b"CLEAR ALL", "application/sparql-update"),
        ("GET", "/sparql/?update=CLEAR%20ALL", b"", None),  # bad_update_get
        ("POST", "/sparql/", b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT", FORM),  # bad_multiple_updates
        ("POST", "/sparql/", b"CLEAR NAMED", "text/plain"),  # bad_update_wrong_media_type
        ("POST", "/sparql/", b"update=CLEAR%20NAMED", None),  # bad_update_missing_form_type
        ("POST", "/sparql/", "CLEAR NAMED".encode("utf-16"), "application/sparql-update; charset=UTF-16"),
        ("POST", "/sparql/", b"update=CLEAR%20XYZ", FORM),  # bad_update_syntax
    ],
)
def test_update_requests_are_refused(
    client: httpx.Client, method: str, path: str, body: bytes, content_type: str | None
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    r = client.request(method, path, content=body or None, headers=headers)
    assert 400 <= r.status_code < 500
    if r.status_code == 403:
        assert "read-only" in r.text


# --- service description -------------------------------------------------------------------------------------


def test_service_description(client: httpx.Client, server: Server, store: Store) -> None:
    r = client.get("/sparql")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    service = g.value(predicate=RDF.type, object=URIRef(SD + "Service"))
    assert service is not None
    assert g.value(service, URIRef(SD + "endpoint")) == URIRef(server.sparql)
    assert (service, URIRef(SD + "supportedLanguage"), URIRef(SD + "SPARQL11Query")) in g
    assert (service, URIRef(SD + "feature"), URIRef(SD + "UnionDefaultGraph")) in g
    formats = {str(o) for o in g.objects(service, URIRef(SD + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert "http://www.w3.org/ns/formats/Turtle" in formats
    dataset = g.value(service, URIRef(SD + "defaultDataset"))
    names = {str(g.value(n, URIRef(SD + "name"))) for n in g.objects(dataset, URIRef(SD + "namedGraph"))}
    assert names == set(store.named_graphs())
    default = g.value(dataset, URIRef(SD + "defaultGraph"))
    assert (
        int(g.value(default, URIRef(VOID + "triples"))) == len(store)
        or int(g.value(default, URIRef(VOID + "triples"))) > 1000
    )


@pytest.mark.parametrize(
    ("accept", "rdflib_format"), [("application/rdf+xml", "xml"), ("application/ld+json", "json-ld")]
)
def test_service_description_formats(client: httpx.Client, server: Server, accept: str, rdflib_format: str) -> None:
    r = client.get("/sparql", headers={"Accept": accept})
    assert r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.content, format=rdflib_format)
    assert (None, URIRef(SD + "endpoint"), URIRef(server.sparql)) in g


# --- the query page ------------------------------------------------------------------------------------------


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_query_page(client: httpx.Client) -> None:
    r = client.get("/sparql", headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = r.text
    for part in (
        '<html lang="sv">',
        "<header",
        '<main id="main"',
        "<footer",
        'aria-label="Huvudmeny"',
        'id="results"',
        '<label for="query">',
        '<label for="format">',
        "km:contributesTo",
        "km:serves",
        "km:responsible",
        'src="/static/sparql.js"',
    ):
        assert part in page, part
    assert "http://" not in page.split("<body>")[0].replace('href="/', "")  # no external assets in the head
    js = client.get("/static/sparql.js")
    assert js.status_code == 200 and "fetch(" in js.text


def test_query_page_renders_results_without_javascript(client: httpx.Client) -> None:
    query = "SELECT ?s WHERE { ?s a <http://metadata.un.org/sdg/ontology#Goal> } ORDER BY ?s LIMIT 3"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": BROWSER})
    assert r.status_code == 200
    assert r.text.count("<tr>") == 4  # header + 3 rows
    assert "http://metadata.un.org/sdg/1" in r.text


def test_example_queries_run(client: httpx.Client, store: Store) -> None:
    vocab = Settings.from_env(environ={}).vocab
    for title, text in EXAMPLES:
        r = client.get("/sparql", params={"query": text.format(vocab=vocab)})
        assert r.status_code == 200, (title, r.text)
        rows = r.json()["results"]["bindings"]
        used = [p for p in ("contributesTo", "serves", "responsible") if f"km:{p}" in text]
        # An example must find something as soon as the data holds the links it asks about.
        if all(bool(store.query(f"ASK {{ ?s <{vocab}{p}> ?o }}")) for p in used):
            assert rows, title


def test_head(client: httpx.Client) -> None:
    r = client.head("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 200 and r.content == b""


# --- kommunmal serve -----------------------------------------------------------------------------------------


def test_serve_without_release_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["serve", "--release-dir", str(tmp_path)]) == 2
    assert "kommunmal build" in capsys.readouterr().err


@pytest.mark.parametrize("http_server", ["uvicorn", "granian"])
def test_serve_command(release_dir: Path, tmp_path: Path, http_server: str) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "kommunmal"),
                "serve",
                "--release-dir",
                str(release_dir),
                "--port",
                str(port),
                "--workers",
                "1",
                "--server",
                http_server,
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env=env | {"KOMMUNMAL_SPARQL_CACHE_BYTES": "0"},
        )
    try:
        server = Server(f"http://127.0.0.1:{port}/", process, log)
        wait_until_up(server)
        params = {"query": "ASK { ?s ?p ?o }"}
        r = httpx.get(server.sparql, params=params)
        assert r.json()["boolean"] is True
        assert "date" in r.headers and r.headers["access-control-allow-origin"] == "*"
        # The same HTTP semantics whichever server runs the app: HEAD keeps the headers, If-None-Match gives 304.
        head = httpx.head(server.sparql, params=params)
        assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == r.headers["etag"]
        assert head.headers["content-length"] == r.headers["content-length"]
        again = httpx.get(server.sparql, params=params, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304 and again.content == b"" and "content-type" not in again.headers
        bad = httpx.get(server.sparql, params={"query": "SELECT WHERE"})
        assert bad.status_code == 400 and bad.headers["content-type"].startswith("text/plain")
        query = b"ASK { <urn:x:none> ?p ?o }"
        posted = httpx.post(server.sparql, content=query, headers={"Content-Type": "application/sparql-query"})
        assert posted.json()["boolean"] is False
        sd = Graph().parse(data=httpx.get(server.sparql).text, format="turtle")
        assert (None, URIRef(SD + "endpoint"), URIRef(server.sparql)) in sd
        assert httpx.get(server.url + "health").status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert "kommunmal.sparql" in log.read_text() and f"({http_server}, allocator " in log.read_text()


def _server_processes(supervisor: int) -> set[int]:
    """The uvicorn server processes `supervisor` started (multiprocessing's spawned children), from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if parent == supervisor and b"spawn_main" in command:
            found.add(int(entry.name))
    return found


def test_serve_with_two_processes_answers_while_one_is_replaced(release_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    command = [str(Path(sys.executable).parent / "kommunmal"), "serve", "--release-dir", str(release_dir)]
    command += ["--port", str(port), "--workers", "1", "--processes", "2"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, env=env)
    try:
        server = Server(f"http://127.0.0.1:{port}/", process, log)
        wait_until_up(server)
        deadline = time.monotonic() + 60
        while len(_server_processes(process.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        first = _server_processes(process.pid)
        assert len(first) == 2
        release = httpx.get(server.url + "health").json()["release"]
        os.kill(min(first), signal.SIGKILL)
        for _ in range(20):  # the other process answers meanwhile
            r = httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
            assert r.status_code == 200 and r.json()["boolean"] is True
        while len(_server_processes(process.pid) - {min(first)}) < 2 and time.monotonic() < deadline + 60:
            time.sleep(0.2)
        assert len(_server_processes(process.pid) - {min(first)}) == 2  # the supervisor replaced it
        # every process serves the release chosen at start
        assert {httpx.get(server.url + "health").json()["release"] for _ in range(10)} == {release}
    finally:
        process.terminate()
        process.wait(timeout=30)
