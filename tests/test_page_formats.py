"""`?format=` on the pages that are HTML with a JSON view (home, actions, organisations, a goal): a value naming
neither gets the 406 that lists what is offered, as the RDF resources (/catalog, /sdg/…, /doc/…) answer; the
names, extensions and media types of both are taken."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

PAGES = ("/", "/atgarder", "/organisationer", "/doc/ostersund/budget-2024/goal/1.4")


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("value", ["csv", "bogus", "turtle"])
def test_a_format_no_page_offers_is_not_acceptable(client: TestClient, path: str, value: str) -> None:
    if value == "turtle" and path.startswith("/doc/"):
        pytest.skip("a /doc/ document is RDF too")
    r = client.get(path, params={"format": value})
    # /atgarder?format=csv gave the HTML page with 200, so a script took HTML for the CSV it asked for.
    assert r.status_code == 406, (path, value, r.headers.get("content-type"))
    assert r.headers["content-type"].startswith("text/plain")
    names = r.text.splitlines()[-1].split("?format= ")[1]
    assert "html" in names and ("json" in names or path.startswith("/doc/")), r.text


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize(
    ("value", "media"),
    [
        ("json", "application/json"),
        ("application/json", "application/json"),
        ("JSON", "application/json"),
        ("html", "text/html"),
    ],
)
def test_the_page_and_its_json_view_by_any_of_their_names(
    client: TestClient, path: str, value: str, media: str
) -> None:
    if value == "application/json" and path.startswith("/doc/"):
        pytest.skip("a /doc/ document gives JSON-LD for the JSON media type")
    # An explicit format wins over Accept, as on the RDF resources.
    accept = "text/html" if media == "application/json" else "application/json"
    r = client.get(path, params={"format": value}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media), (path, value)


@pytest.mark.parametrize(
    ("query", "ask", "words"),
    [
        ("SELECT * WHERE { ?s ?p ?o } LIMIT 1", {"format": "turtle"}, "json, xml, csv, tsv"),
        ("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", {"format": "csv"}, "turtle, ntriples, jsonld, rdfxml"),
    ],
)
def test_the_sparql_406_says_what_to_ask_for_swedish_first(
    client: TestClient, query: str, ask: dict, words: str
) -> None:
    """It said in English only that none of the accepted media types could be produced, also when the client had
    sent no Accept header but a `format` the query kind cannot give; every word it names is taken."""
    r = client.get("/sparql", params={"query": query, **ask})
    assert r.status_code == 406
    first, second = r.text.splitlines()[:2]
    assert first.startswith("406 Inte godtagbart: Svaret på en") and first.endswith(f"?format= {words}.")
    assert second.startswith("406 Not Acceptable:") and second.endswith(f"?format= {words}.")
    for word in words.split(", "):
        assert client.get("/sparql", params={"query": query, "format": word}).status_code == 200, word


def test_the_search_page_takes_the_same_format_words(client: TestClient) -> None:
    assert client.get("/search", params={"q": "skola", "format": "bogus"}).status_code == 406
    r = client.get("/search", params={"q": "skola", "format": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json") and r.json()["total"] > 0
    r = client.get("/search", params={"q": "skola", "format": "html"}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
