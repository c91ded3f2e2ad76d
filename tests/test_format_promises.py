"""The formats the README promises, through the one format table: `?format=json` and `Accept: application/json`
give JSON-LD for RDF resources and JSON for listings and the comparison; a 406 names what is offered, Swedish
first; browsers following the VoID link get a page; CSV downloads open in Excel (UTF-8 with a BOM)."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, OWL, RDF

from kommunmal.iris import Iris
from kommunmal.release import Release

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BOM = b"\xef\xbb\xbf"


def jsonld(body: bytes) -> Graph:
    return Graph().parse(data=body, format="json-ld")


@pytest.mark.parametrize(
    ("path", "request_kwargs"),
    [
        ("/catalog", {"params": {"format": "json"}}),
        ("/catalog", {"headers": {"Accept": "application/json"}}),
        ("/def/kommunmal", {"headers": {"Accept": "application/json"}}),
        ("/.well-known/void", {"params": {"format": "json"}}),
    ],
)
def test_json_is_json_ld_for_rdf_resources(client: TestClient, path: str, request_kwargs: dict) -> None:
    r = client.get(path, **request_kwargs)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-type"].startswith("application/ld+json")
    assert len(jsonld(r.content)) > 10


def test_catalog_json_describes_the_catalog(client: TestClient, settings) -> None:
    g = jsonld(client.get("/catalog", params={"format": "json"}).content)
    assert (URIRef(Iris(settings.base_iri).catalog), RDF.type, DCAT.Catalog) in g


def test_vocabulary_keeps_its_page_json_view(client: TestClient) -> None:
    r = client.get("/def/kommunmal", params={"format": "json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert isinstance(r.json(), dict)
    onto = jsonld(client.get("/def/kommunmal", headers={"Accept": "application/json"}).content)
    assert any(onto.subjects(RDF.type, OWL.Ontology))


ASK_JSON = [{"params": {"format": "json"}}, {"headers": {"Accept": "application/json"}}]


@pytest.mark.parametrize("request_kwargs", ASK_JSON)
def test_dumps_listing_as_json(client: TestClient, release: Release, request_kwargs: dict) -> None:
    r = client.get("/dumps/", **request_kwargs)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    data = r.json()
    assert data["release"] == release.id
    by_name = {f["name"]: f for f in data["files"]}
    assert set(release.meta["files"]) <= set(by_name)
    some = next(n for n in by_name if n.endswith(".nq") or n.endswith(".trig"))
    assert by_name[some]["sha256"] == release.meta["files"][some]["sha256"]
    assert by_name[some]["url"].endswith("/dumps/" + some)
    assert client.head(urlsplit(by_name[some]["url"]).path).status_code == 200


def test_comparison_negotiates_json(client: TestClient) -> None:
    r = client.get("/jamfor", headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert r.json() == client.get("/jamfor", params={"format": "json"}).json()
    assert r.headers["vary"] == "Accept"
    assert client.get("/jamfor", headers={"Accept": BROWSER}).headers["content-type"].startswith("text/html")


def test_406_lists_what_is_offered_swedish_first(client: TestClient) -> None:
    r = client.get("/catalog", headers={"Accept": "image/png"})
    assert r.status_code == 406
    sv, en = r.text.strip().split("\n")
    assert sv.startswith("406 Inte godtagbart: resursen finns som application/rdf+xml, text/turtle")
    assert "application/ld+json" in sv and en.startswith("406 Not Acceptable")
    bad = client.get("/catalog", params={"format": "pdf"})
    assert bad.status_code == 406 and "?format=" in bad.text
    listing = client.get("/dumps/", headers={"Accept": "image/png"})
    assert listing.status_code == 406 and "application/json" in listing.text


def test_void_for_browsers_is_a_page(client: TestClient) -> None:
    r = client.get("/.well-known/void", headers={"Accept": BROWSER})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "void:Dataset" in r.text and "<h1>Datamängdsbeskrivning" in r.text
    assert client.get("/.well-known/void", headers={"Accept": "text/html"}).status_code == 200
    plain = client.get("/.well-known/void")
    assert plain.headers["content-type"].startswith("text/turtle")
    Graph().parse(data=plain.text, format="turtle")


@pytest.mark.parametrize("path", ["/atgarder.csv", "/jamfor/globala-mal.csv", "/analysis/goal-graph.csv"])
def test_csv_has_a_bom_and_round_trips(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv") and "charset=utf-8" in r.headers["content-type"]
    assert r.content.startswith(BOM) and not r.content.startswith(BOM * 2)
    text = r.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert len(rows) > 1 and len({len(row) for row in rows}) == 1
    assert not rows[0][0].startswith("\ufeff")
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if "\r\n" in text else "\n").writerows(rows)
    assert out.getvalue() == text
    assert any(ch in text for ch in "åäöÅÄÖ")
