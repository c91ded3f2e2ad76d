"""/sparql as a person meets it: readable syntax errors (position kept, undeclared prefixes named, no lists of
character ranges), the project's prefixes predeclared (a query's own PREFIX wins, the ETag keys on the query as
sent, the service description lists them), and updates sent as `query=` refused in Swedish and English."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, Namespace, URIRef

from kommunmal.config import Settings
from kommunmal.query_prefixes import standard_prefixes

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
JSON = "application/sparql-results+json"
SH = Namespace("http://www.w3.org/ns/shacl#")
QUERIES = Path(__file__).resolve().parents[1] / "src" / "kommunmal" / "queries"


def test_undeclared_prefix_is_named_with_its_position(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s foo:bar ?o }"}, headers={"Accept": JSON})
    assert r.status_code == 400
    sv, en = r.text.strip().split("\n")
    assert sv.startswith("Syntaxfel på rad 1, kolumn 21: prefixet foo: är inte deklarerat")
    assert "PREFIX foo: <" in sv and "PREFIX km: <https://w3id.org/kommunmal/def/kommunmal#>" in sv
    assert en.startswith("Syntax error at line 1, column 21: the prefix foo: is not declared")
    assert "\\u{" not in r.text and "..=" not in r.text


def test_undeclared_prefix_as_predicate_on_a_later_line(client: TestClient) -> None:
    # Oxigraph itself says only "expected OPTIONAL" here.
    query = "SELECT ?x WHERE {\n  ?x a km:Goal .\n  ?x ex:p ?y }"
    r = client.get("/sparql", params={"query": query}, headers={"Accept": JSON})
    assert r.status_code == 400
    assert r.text.startswith("Syntaxfel på rad 3, kolumn 6: prefixet ex: är inte deklarerat"), r.text


def test_expected_tokens_without_character_classes(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o "}, headers={"Accept": JSON})
    assert r.status_code == 400
    first = r.text.split("\n")[0]
    assert re.fullmatch(r"Syntaxfel på rad 1, kolumn \d+: parsern väntade sig något av .+\.", first), first
    assert '"}"' in first and "[" not in r.text


def test_query_page_shows_the_short_swedish_message(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s foo:bar ?o }"}, headers={"Accept": BROWSER})
    assert r.status_code == 400
    box = re.search(r'<div class="error" role="alert" data-line="1" data-column="21">\s*<p>([^<]*)</p>', r.text)
    assert box and box.group(1).startswith("Syntaxfel på rad 1, kolumn 21: prefixet foo:"), r.text[-1500:]
    assert "\\u{" not in r.text


def test_project_prefixes_are_predeclared(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x a km:Goal } LIMIT 3"}, headers={"Accept": JSON})
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]["bindings"]) == 3


def test_readme_example_query_runs_as_it_stands(client: TestClient) -> None:
    query = (QUERIES / "goals_by_sdg.rq").read_text(encoding="utf-8")
    assert "PREFIX km:" not in query
    r = client.post("/sparql", data={"query": query}, headers={"Accept": JSON})
    assert r.status_code == 200, r.text
    assert r.json()["results"]["bindings"]


def test_own_prefix_overrides_and_etag_keys_on_the_query_as_sent(client: TestClient) -> None:
    plain = "SELECT ?x WHERE { ?x a km:Goal } LIMIT 1"
    own = "PREFIX km: <urn:x-other:>\n" + plain
    a = client.get("/sparql", params={"query": plain}, headers={"Accept": JSON})
    b = client.get("/sparql", params={"query": own}, headers={"Accept": JSON})
    assert a.status_code == b.status_code == 200
    assert a.json()["results"]["bindings"] and not b.json()["results"]["bindings"]
    assert a.headers["etag"] != b.headers["etag"]
    explicit = "PREFIX km: <https://w3id.org/kommunmal/def/kommunmal#>\n" + plain
    c = client.get("/sparql", params={"query": explicit}, headers={"Accept": JSON})
    assert c.json() == a.json() and c.headers["etag"] != a.headers["etag"]
    again = client.get("/sparql", params={"query": plain}, headers={"Accept": JSON, "If-None-Match": a.headers["etag"]})
    assert again.status_code == 304


def test_service_description_lists_the_predeclared_prefixes(client: TestClient, settings: Settings) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    declared = {str(g.value(d, SH.prefix)): str(g.value(d, SH.namespace)) for d in g.objects(None, SH.declare)}
    assert declared == standard_prefixes(settings.base_iri)
    assert declared["km"] == settings.vocab
    for d in g.objects(None, SH.declare):
        assert isinstance(g.value(d, SH.namespace), Literal)
        assert isinstance(next(g.subjects(SH.declare, d)), URIRef)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_update_sent_as_query_is_refused_in_swedish_first(client: TestClient, method: str) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    if method == "GET":
        r = client.get("/sparql", params={"query": update})
    else:
        r = client.post("/sparql", data={"query": update})
    assert r.status_code == 400
    sv, en = r.text.strip().split("\n")
    assert sv.startswith("Uppdateringar tas inte emot") and "skrivskyddad" in sv
    assert "Updates are not accepted" in en and "read-only" in en


@pytest.mark.parametrize(
    ("request_kwargs", "status", "swedish", "english"),
    [
        ({"method": "PUT"}, 405, "PUT går inte här; använd GET eller POST", "PUT is not allowed"),
        (
            {"method": "POST", "content": b"x", "headers": {"Content-Type": "text/plain"}},
            415,
            "POST kräver Content-Type",
            "POST needs Content-Type",
        ),
        (
            {"method": "POST", "content": b"", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            400,
            "Ingen fråga: skicka SPARQL-frågan",
            "no query: send the SPARQL query",
        ),
        ({"method": "GET", "params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400, "Bara en parameter", "exactly"),
    ],
)
def test_protocol_errors_are_swedish_first(
    client: TestClient, request_kwargs: dict, status: int, swedish: str, english: str
) -> None:
    # They were English only; syntax errors, updates and 406s were already Swedish first.
    kwargs = dict(request_kwargs)
    r = client.request(kwargs.pop("method"), "/sparql", **kwargs)
    assert r.status_code == status
    sv, en = r.text.strip().split("\n")
    assert sv.startswith(swedish) and en.startswith(english), r.text
