"""Real SPARQL clients against a live server get the same answers as the store itself."""

from __future__ import annotations

from pathlib import Path

import pytest
from live_server import Server, running_server
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, TURTLE, XML, SPARQLWrapper

from kommunmal.store import Store

pytestmark = pytest.mark.server

SDG_TARGETS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
SELECT ?goal (COUNT(?target) AS ?targets) WHERE {
  ?goal a sdgo:Goal ; sdgo:hasTarget ?target .
}
GROUP BY ?goal
ORDER BY ?goal
"""
GOALS = """
PREFIX km: <https://w3id.org/kommunmal/def/kommunmal#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?goal ?label WHERE { ?goal a km:Goal ; skos:prefLabel ?label FILTER(lang(?label) = "sv") } ORDER BY ?goal
"""


@pytest.fixture(scope="module")
def server(release_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    with running_server(release_dir, tmp_path_factory.mktemp("logs")) as s:
        yield s


def direct(store: Store, query: str) -> list[tuple[str, ...]]:
    return [tuple(term.value for term in row) for row in store.query(query)]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(server: Server, store: Store, method: str) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setMethod(method)
    client.setQuery(SDG_TARGETS)
    client.setReturnFormat(JSON)
    data = client.query().convert()
    got = [(b["goal"]["value"], b["targets"]["value"]) for b in data["results"]["bindings"]]
    assert got == direct(store, SDG_TARGETS)
    assert len(got) == 17


def test_sparqlwrapper_select_xml_and_ask(server: Server, store: Store) -> None:
    client = SPARQLWrapper(server.sparql)
    client.setQuery(GOALS)
    client.setReturnFormat(XML)
    document = client.query().convert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]
    assert uris == [row[0] for row in direct(store, GOALS)]
    client.setQuery("ASK { ?s a <http://metadata.un.org/sdg/ontology#Target> }")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True


def test_sparqlwrapper_construct(server: Server, store: Store) -> None:
    query = "CONSTRUCT { ?goal ?p ?o } WHERE { ?goal a <http://metadata.un.org/sdg/ontology#Goal> ; ?p ?o }"
    client = SPARQLWrapper(server.sparql)
    client.setQuery(query)
    client.setReturnFormat(TURTLE)
    graph = Graph().parse(data=client.query().convert(), format="turtle")
    assert len(graph) == len(list(store.query(query))) > 17


def test_rdflib_sparqlstore(server: Server, store: Store) -> None:
    graph = Graph(store=SPARQLStore(server.sparql))
    rows = [(str(goal), str(label)) for goal, label in graph.query(GOALS)]
    assert rows == direct(store, GOALS)
    assert rows
    sdg1 = URIRef("http://metadata.un.org/sdg/1")
    labels = set(graph.objects(sdg1, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
    assert Literal("End poverty in all its forms everywhere", lang="en") in labels or len(labels) > 0
    assert (sdg1, None, None) in graph
