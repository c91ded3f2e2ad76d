"""Bad parameters get a 400 that names them and what is allowed, Swedish first, in the site's error form (a page for
browsers, JSON or text otherwise), never the framework's English 422; and a query too long for an address works
through the query page, which posts it."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kommunmal.analysis import LAYER_CHOICES

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_unknown_graph_layer_is_a_400_naming_the_valid_ones(client: TestClient) -> None:
    r = client.get("/graph", params={"lager": "bogus"}, headers={"Accept": "text/plain"})
    assert r.status_code == 400
    sv, en = r.text.strip().split("\n")
    assert sv.startswith("Okänt lager 'bogus'") and all(layer in sv for layer in LAYER_CHOICES)
    assert en.startswith("Unknown layer 'bogus'")
    page = client.get("/graph", params={"lager": "bogus"}, headers={"Accept": BROWSER})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "<h1>Felaktig begäran" in page.text and "Okänt lager" in page.text
    assert client.get("/graph", params={"lager": LAYER_CHOICES[0]}, headers={"Accept": BROWSER}).status_code == 200


@pytest.mark.parametrize(
    ("params", "sv_part", "en_part"),
    [
        ({"layer": "bogus"}, "Parametern layer måste vara ett av 'actions'", "The parameter layer: Input should be"),
        ({"min_strength": "2"}, "Parametern min_strength får vara högst 1", "less than or equal to 1"),
        ({"min_strength": "mycket"}, "Parametern min_strength måste vara ett tal", "valid number"),
    ],
)
def test_validation_errors_are_bilingual_400s(client: TestClient, params: dict, sv_part: str, en_part: str) -> None:
    r = client.get("/analysis/goal-graph.png", params=params)
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/plain")
    sv, en = r.text.strip().split("\n")
    assert sv.startswith(sv_part), sv
    assert en_part in en and repr(next(iter(params.values()))) in sv
    data = client.get("/analysis/goal-graph.png", params=params, headers={"Accept": "application/json"}).json()
    assert data == {"status": 400, "sv": sv, "en": en}
    page = client.get("/analysis/goal-graph.png", params=params, headers={"Accept": BROWSER})
    assert page.status_code == 400 and "<h1>Felaktig begäran" in page.text


def test_a_long_query_posted_from_the_query_page_gets_the_page(client: TestClient) -> None:
    padding = "# " + "x" * 78 + "\n"
    query = padding * 520 + "SELECT ?x WHERE { ?x a km:Goal } LIMIT 2"
    assert len(query) > 40_000
    r = client.post("/sparql", data={"query": query}, headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert re.search(r"<p>2 rader\.", r.text), r.text[-1500:]
    program = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert program.headers["content-type"].startswith("application/sparql-results+json")


@pytest.mark.parametrize(
    ("path", "params", "said"),
    [
        (
            "/jamfor/globala-mal",
            {"niva": "x"},
            "Parametern niva måste vara ett av 'mal' eller 'delmal' (skickat: 'x').",
        ),
        (
            "/analysis/goal-graph.png",
            {"tier": "x"},
            "Parametern tier måste vara ett av 'shared', 'related' eller 'both'",
        ),
    ],
)
def test_the_swedish_message_names_the_choices_in_swedish(
    client: TestClient, path: str, params: dict, said: str
) -> None:
    """Not the pattern (^(mal|delmal)$) nor pydantic's English "or" before the last choice."""
    r = client.get(path, params=params, headers={"Accept": "text/plain"})
    assert r.status_code == 400
    sv = r.text.splitlines()[0]
    assert said in sv
    assert "^" not in sv and " or " not in sv
