"""The query page without JavaScript: results with labels and links instead of bare IRIs, the endpoint's errors
in Swedish with the parser's line and column, the editor's completion data, and the labels the script asks for."""

from __future__ import annotations

import json
import re
from urllib.parse import quote

import pyoxigraph
import pytest
from fastapi.testclient import TestClient

from kommunmal.store import Store
from kommunmal.web.routes.query_page import problem

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
VOCAB = "https://w3id.org/kommunmal/def/kommunmal#"


def parser_message(query: str) -> str:
    try:
        pyoxigraph.Store().query(query)
    except SyntaxError as exc:
        return str(exc)
    raise AssertionError("the query parsed")


@pytest.mark.parametrize(
    ("query", "line"),
    [("SELECT * WHERE {\n  ?s ?p\n}", 3), ("SELECT ?x WHERE { ?x ?y ?z }\nLIMT 3", 2), ("PREFIX : <x:>\nSELEC", 2)],
)
def test_parser_errors_in_swedish_with_line_and_column(query: str, line: int) -> None:
    message = parser_message(query)
    found = problem(400, message)
    assert found.line == line and found.column and found.column >= 1
    assert found.message.startswith(f"Syntaxfel på rad {line}, kolumn {found.column}: ")
    assert found.detail == message
    assert " expected " not in found.message


def test_other_errors_in_swedish() -> None:
    assert problem(400, "SERVICE (federated query) is not allowed on this endpoint").message.startswith(
        "Frågan avvisades: SERVICE"
    )
    assert "skrivskyddad" in problem(403, "Denna ändpunkt är skrivskyddad / this endpoint is read-only").message
    assert "tidsgränsen" in problem(503, "the query ran longer than the limit of 10 s and was stopped").message
    assert "tidsgränsen" in problem(None, "the query ran longer than the limit of 10 s and was stopped").message


def test_error_page_names_line_and_column(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT * WHERE {\n  ?s ?p\n}"}, headers={"Accept": BROWSER})
    assert r.status_code == 400 and r.headers["content-type"].startswith("text/html")
    box = re.search(r'<div class="error" role="alert" data-line="(\d+)" data-column="(\d+)">\s*<p>([^<]*)</p>', r.text)
    assert box, r.text[-2000:]
    assert box.group(1) == "3" and box.group(3).startswith(f"Syntaxfel på rad 3, kolumn {box.group(2)}: ")


def test_results_show_labels_and_link_to_pages(client: TestClient) -> None:
    query = (
        f"PREFIX km: <{VOCAB}>\nSELECT ?goal ?sdg ?class WHERE {{"
        " ?goal a km:Goal ; km:contributesTo ?sdg . BIND(km:Goal AS ?class) } ORDER BY ?goal ?sdg LIMIT 1"
    )
    r = client.get("/sparql", params={"query": query}, headers={"Accept": BROWSER})
    assert r.status_code == 200
    cells = re.findall(r'<td><a href="([^"]+)" title="([^"]+)">([^<]+)</a></td>', r.text)
    assert [c[0] for c in cells] == ["/id/ostersund/budget-2024/goal/1.1", cells[1][0], "/def/kommunmal#Goal"]
    assert cells[0][2] == "1.1 Ledning" and cells[0][1].endswith("/goal/1.1")
    assert cells[1][0].startswith("/sdg/") and not cells[1][2].startswith("http")
    assert cells[2][2] == "övergripande mål"


def test_labels_for_the_script(client: TestClient, store: Store) -> None:
    unlabelled = "https://w3id.org/kommunmal/id/ostersund/budget-2024/source/L10-L11"
    asked = [VOCAB + "serves", "http://www.w3.org/2004/02/skos/core#notation", unlabelled, "urn:x-nothing"]
    found = client.post("/sparql/labels", json={"iris": asked}).json()
    assert found[VOCAB + "serves"]["href"] == "/def/kommunmal#serves"
    assert found["urn:x-nothing"] == {"text": "urn:x-nothing", "href": "urn:x-nothing"}
    assert found[unlabelled]["href"] == "/id/ostersund/budget-2024/source/L10-L11"
    assert client.post("/sparql/labels", content=b"not json").status_code == 400


def test_editor_data_lists_our_prefixes_and_terms(client: TestClient) -> None:
    page = client.get("/sparql", headers={"Accept": BROWSER}).text
    data = json.loads(re.search(r'<script type="application/json" id="editor-data">(.*?)</script>', page).group(1))
    assert data["prefixes"]["km"] == VOCAB and data["prefixes"]["skos"].endswith("/skos/core#")
    terms = {t["curie"]: t for t in data["terms"]}
    assert terms["km:Goal"]["kind"] == "class" and terms["km:serves"]["kind"] == "property"
    assert terms["km:Goal"]["label"] == "övergripande mål"
    assert "skos:prefLabel" in terms and "org:Organization" in terms
    assert '/static/sparql-editor.js"' in page


def test_editor_bundle_and_its_licences_are_served(client: TestClient) -> None:
    js = client.get("/static/sparql-editor.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "KommunmalSparqlEditor" in js.text
    notices = client.get("/static/sparql-editor.LICENSES.txt").text
    for package in ("@codemirror/view", "@codemirror/legacy-modes", "@lezer/highlight"):
        assert package in notices, package
    assert "MIT" in notices


def test_shared_address_renders_the_query(client: TestClient) -> None:
    query = "SELECT ?s WHERE { ?s a <http://metadata.un.org/sdg/ontology#Goal> } ORDER BY ?s LIMIT 2"
    r = client.get("/sparql?query=" + quote(query), headers={"Accept": BROWSER})
    assert r.status_code == 200
    assert "&lt;http://metadata.un.org/sdg/ontology#Goal&gt;" in r.text  # the query is in the form again
    assert "2 rader." in r.text
