"""The DCAT-AP-SE catalog: validates against the EU and Swedish shapes, no blank nodes for its main resources,
distributions that match the release, and /catalog serving RDF/XML to harvesters."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pyshacl
import pytest
from fastapi.testclient import TestClient
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, SH

from kommunmal.catalog import SPDX, VCARD, catalog_graph
from kommunmal.config import Settings
from kommunmal.iris import Iris
from kommunmal.release import DUMP_FORMATS, Release

DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCAT_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "dcat"
SHAPES = (
    "dcat-ap-3.0.1/shapes.ttl",
    "dcat-ap-3.0.1/shapes_recommended.ttl",
    "dcat-ap-3.0.1/range.ttl",
    "dcat-ap-3.0.1/mdr-vocabularies.shape.ttl",
    "dcat-ap-se/dcat-ap-se-3.0.1-derived.shapes.ttl",
    "dcat-ap-se/digg-dcat-ap-se-additions.ttl",
)
BACKGROUND = ("vocabularies/eu-nal-extract.ttl", "vocabularies/background-subclasses.ttl")
# Warnings we leave, each with its reason. Anything else the shapes report fails the test.
ACCEPTED_WARNINGS = {
    # dataportal.se's own publisher IRI pattern; a Swedish municipality is not in the EU corporate-body table.
    ("http://www.w3.org/ns/shacl#NodeConstraintComponent", "http://purl.org/dc/terms/publisher"),
    # GeoNames gives no bounding box we could source; the centroid is given.
    ("http://www.w3.org/ns/shacl#MinCountConstraintComponent", "http://www.w3.org/ns/dcat#bbox"),
    # A municipality's dataset series: its datasets carry the distributions; DCAT-AP-SE advises against
    # distributions on the series itself (recommendations 15-21), while DCAT-AP treats a series as a dataset.
    ("http://www.w3.org/ns/shacl#MinCountConstraintComponent", "http://www.w3.org/ns/dcat#distribution"),
}


@pytest.fixture(scope="module")
def catalog(settings: Settings, release: Release) -> Graph:
    return catalog_graph(settings, release)


@pytest.fixture(scope="module")
def report(catalog: Graph) -> Graph:
    return dcat_report(catalog)


def dcat_report(catalog: Graph) -> Graph:
    """pySHACL's report on `catalog` against the EU DCAT-AP 3.0.1 and DCAT-AP-SE shapes (skips without them)."""
    if not DCAT_REFERENCE.is_dir():
        pytest.skip(f"the DCAT reference shapes are not beside the checkout ({DCAT_REFERENCE})")
    data = Graph()
    data += catalog
    for name in BACKGROUND:
        data.parse(DCAT_REFERENCE / name, format="turtle")
    shapes = Graph()
    for name in SHAPES:
        shapes.parse(DCAT_REFERENCE / name, format="turtle")
    _conforms, results, _text = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    return results


def results(report: Graph, severity: URIRef) -> list[tuple[str, str, str, str]]:
    """Top-level results only: a warning's sh:detail may nest results marked as violations."""
    rows = []
    for r in report.objects(None, SH.result):
        if report.value(r, SH.resultSeverity) != severity:
            continue
        rows.append(
            (
                str(report.value(r, SH.focusNode)),
                str(report.value(r, SH.resultPath)),
                str(report.value(r, SH.sourceConstraintComponent)),
                str(report.value(r, SH.resultMessage)),
            )
        )
    return sorted(rows)


def test_catalog_has_no_violations(report: Graph) -> None:
    assert results(report, SH.Violation) == []


def test_only_the_known_warnings_remain(report: Graph) -> None:
    warnings = results(report, SH.Warning)
    unexpected = [w for w in warnings if (w[2], w[1]) not in ACCEPTED_WARNINGS]
    assert unexpected == []
    assert warnings, "the accepted warnings are real: if they vanish, shrink ACCEPTED_WARNINGS"


def test_no_blank_nodes(catalog: Graph) -> None:
    """dataportal.se: catalogue, datasets, distributions, services, publishers and contacts must be IRIs."""
    for cls in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService, FOAF.Agent, VCARD.Organization):
        nodes = list(catalog.subjects(RDF.type, cls))
        assert nodes, cls
        assert all(isinstance(n, URIRef) for n in nodes), cls
    assert not [t for t in catalog if any(isinstance(x, BNode) for x in t)]


def test_distributions_match_the_release(
    catalog: Graph, release: Release, settings: Settings, client: TestClient
) -> None:
    iris = Iris(settings.base_iri)
    files = release.meta["files"]
    dataset = URIRef(iris.dataset)
    dists = set(catalog.objects(dataset, DCAT.distribution))
    assert len(dists) == len(DUMP_FORMATS) + 1
    downloads = 0
    for dist in dists:
        assert (dist, DCTERMS.format, None) in catalog and (dist, DCAT.accessURL, None) in catalog
        assert (dist, DCTERMS.license, URIRef("http://creativecommons.org/publicdomain/zero/1.0/")) in catalog
        url = catalog.value(dist, DCAT.downloadURL)
        if url is None:
            assert (dist, DCAT.accessService, URIRef(iris.sparql_service)) in catalog
            continue
        downloads += 1
        name = str(url).rsplit("/", 1)[1]
        checksum = catalog.value(dist, SPDX.checksum)
        assert str(catalog.value(checksum, SPDX.checksumValue)) == files[name]["sha256"]
        assert catalog.value(dist, DCAT.byteSize).toPython() == files[name]["bytes"]
        assert str(url).startswith(settings.public_url), "download URLs are where the server answers"
        body = client.get("/" + str(url)[len(settings.public_url) :]).content
        assert hashlib.sha256(body).hexdigest() == files[name]["sha256"]
        media = str(catalog.value(dist, DCAT.mediaType))
        assert media.startswith("https://www.iana.org/assignments/media-types/")
    assert downloads == len(DUMP_FORMATS)


def test_publisher_contact_and_service(catalog: Graph, settings: Settings) -> None:
    iris = Iris(settings.base_iri)
    publisher = URIRef("http://dataportal.se/organisation/SE2120002528")
    assert (URIRef(iris.dataset), DCTERMS.publisher, publisher) in catalog
    assert (publisher, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/LocalAuthority")) in catalog
    assert (publisher, DCTERMS.identifier, Literal("212000-2528")) in catalog
    contact = URIRef(iris.contact_point)
    assert contact != publisher
    assert (contact, VCARD.hasEmail, URIRef("mailto:" + settings.contact_email)) in catalog
    service = URIRef(iris.sparql_service)
    assert (service, DCAT.endpointURL, URIRef(settings.public_url + "sparql")) in catalog
    assert (service, DCAT.servesDataset, URIRef(iris.dataset)) in catalog
    assert (
        service,
        DCTERMS.format,
        URIRef("http://publications.europa.eu/resource/authority/file-type/SPARQLQ"),
    ) in catalog
    themes = set(catalog.objects(URIRef(iris.dataset), DCAT.theme))
    assert {str(t).rsplit("/", 1)[1] for t in themes} == {"GOVE", "ECON"}


def test_contact_comes_from_the_settings(release: Release, settings: Settings) -> None:
    custom = settings.with_(contact_email="data@example.se", contact_name="Dataenheten")
    g = catalog_graph(custom, release)
    contact = URIRef(Iris(settings.base_iri).contact_point)
    assert (contact, VCARD.hasEmail, URIRef("mailto:data@example.se")) in g
    assert (contact, VCARD.fn, Literal("Dataenheten")) in g


def test_iris_follow_base_and_public_url(release: Release, settings: Settings) -> None:
    """Resources are named under base_iri (fixed when the release is built); addresses follow public_url."""
    moved = settings.with_(public_url="https://data.example.org/")
    g = catalog_graph(moved, release)
    for cls in (DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService):
        assert all(str(s).startswith(settings.base_iri + "id/") for s in g.subjects(RDF.type, cls))
    assert (URIRef(settings.base_iri + "id/catalog"), RDF.type, DCAT.Catalog) in g
    downloads = {str(o) for o in g.objects(None, DCAT.downloadURL)}
    assert downloads and all(d.startswith("https://data.example.org/dumps/") for d in downloads)


def test_catalog_endpoint_negotiates(client: TestClient, catalog: Graph) -> None:
    r = client.get("/catalog")
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == "application/rdf+xml", "harvesters get RDF/XML by default"
    assert isomorphic(Graph().parse(data=r.content, format="xml"), catalog)
    for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld")):
        r = client.get("/catalog", headers={"accept": accept})
        assert r.headers["content-type"].split(";")[0] == accept and r.headers["vary"] == "Accept"
        assert isomorphic(Graph().parse(data=r.content, format=fmt), catalog)
    html = client.get("/catalog", headers={"accept": "text/html,application/xhtml+xml,application/xml;q=0.9"})
    assert html.headers["content-type"].startswith("text/html")
    assert 'rel="alternate"; type="application/rdf+xml"' in html.headers["link"]
    assert client.get("/catalog.ttl").headers["content-type"].startswith("text/turtle")


def test_core_does_not_import_the_web_layer() -> None:
    code = "import sys, kommunmal.catalog, kommunmal.describe; sys.exit('fastapi' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
