"""Dereferencing: /id/ → 303 → /doc/, content negotiation, Vary and Link headers, 404s, every minted IRI resolving,
the vocabulary's hash IRIs, named graphs, SDG pages, VoID and dumps."""

from __future__ import annotations

import hashlib
import html
import json
import re

import httpx
import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDF

from kommunmal.config import Settings
from kommunmal.iris import Iris
from kommunmal.release import Release
from kommunmal.store import Store

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
EXTENSIONS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}
VOID = "http://rdfs.org/ns/void#"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

# One resource of each kind the graph mints: (kind, SPARQL pattern binding ?s).
KINDS = [
    ("municipality", "?s a <http://data.europa.eu/m8g/PublicOrganisation>"),
    ("document", "?s a km:GoalDocument"),
    ("goal", "?s a km:Goal"),
    ("goal group", "?s a km:GoalGroup"),
    ("political text", "?s a km:PoliticalText"),
    ("paragraph", "?s a km:Paragraph"),
    ("source text", "?s a km:SourceText"),
    ("source span", "?s a km:SourceSpan"),
    ("statement", "?s a km:Statement"),
    ("action", "?s a km:Action"),
    ("measurable target", "?s a km:Target"),
    ("organisation", "?s a <http://www.w3.org/ns/org#OrganizationalUnit>"),
    ("company", "?s a <http://www.w3.org/ns/org#FormalOrganization> ; <http://www.w3.org/ns/org#subOrganizationOf> ?p"),
    ("indicator", "?s a km:Indicator"),
    ("indicator link", "?s a km:IndicatorLink"),
    ("SDG link", "?s a km:SdgLink"),
    ("responsibility", "?s a km:Responsibility"),
]


def example(store: Store, settings: Settings, pattern: str) -> str | None:
    prefix = settings.base_iri + "id/"
    rows = store.query(
        f"PREFIX km: <{settings.vocab}> SELECT ?s WHERE {{ {pattern} "
        f"FILTER(STRSTARTS(STR(?s), '{prefix}')) }} ORDER BY ?s LIMIT 1"
    )
    found = [r["s"].value for r in rows]
    return found[0] if found else None


@pytest.fixture(scope="module")
def iris(settings: Settings) -> Iris:
    return Iris(settings.base_iri)


def local(iri: str, settings: Settings) -> str:
    """The path a server answers `iri` on (the tests' client is rooted at /)."""
    return Iris(settings.base_iri).to_url(iri, "/")


def parse(response: httpx.Response, media_type: str) -> Graph:
    assert response.headers["content-type"].split(";")[0] == media_type
    return Graph().parse(data=response.content, format=RDF_TYPES[media_type])


@pytest.mark.parametrize(("kind", "pattern"), KINDS, ids=[k for k, _ in KINDS])
def test_each_kind_redirects_and_negotiates(
    kind: str, pattern: str, client: TestClient, store: Store, settings: Settings, iris: Iris
) -> None:
    iri = example(store, settings, pattern)
    if iri is None:
        pytest.skip(f"the release has no {kind} yet")
    thing = local(iri, settings)
    doc = local(iris.thing_to_doc(iri), settings)

    r = client.get(thing, headers={"accept": "text/turtle"})
    assert r.status_code == 303
    assert r.headers["location"] == doc
    assert "accept" in r.headers["vary"].lower()
    assert client.get(thing, headers={"accept": BROWSER_ACCEPT}).headers["location"] == doc

    html = client.get(doc, headers={"accept": BROWSER_ACCEPT})
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "accept" in html.headers["vary"].lower()
    for ext, media in EXTENSIONS.items():
        assert f'<{doc}.{ext}>; rel="alternate"; type="{media}"' in html.headers["link"]
        assert f'<link rel="alternate" type="{media}" href="{doc}.{ext}"' in html.text
    assert '<html lang="sv">' in html.text

    for media in RDF_TYPES:
        r = client.get(doc, headers={"accept": media})
        assert r.status_code == 200, (media, r.text[:300])
        assert "accept" in r.headers["vary"].lower()
        g = parse(r, media)
        assert (URIRef(iri), None, None) in g, f"{media} of {doc} says nothing about {iri}"
        document = URIRef(iris.thing_to_doc(iri))
        assert (document, FOAF.primaryTopic, URIRef(iri)) in g
        assert (document, URIRef(VOID + "inDataset"), URIRef(iris.dataset)) in g
    for ext, media in EXTENSIONS.items():
        r = client.get(f"{doc}.{ext}")
        assert r.status_code == 200
        assert (URIRef(iri), None, None) in parse(r, media)


def test_document_carries_labels_of_linked_resources(
    client: TestClient, store: Store, settings: Settings, iris: Iris
) -> None:
    """A client can render a goal from its document alone: the linked text, paragraphs and kinds have labels."""
    goal = example(store, settings, "?s a km:Goal ; <http://www.w3.org/2004/02/skos/core#notation> '1.4'")
    g = parse(client.get(local(iris.thing_to_doc(goal), settings) + ".ttl"), "text/turtle")
    linked = {
        o
        for o in g.objects(URIRef(goal))
        if isinstance(o, URIRef) and (o, None, None) not in g.triples((URIRef(goal), None, None))
    }
    labelled = {s for s, o in g.subject_objects() if isinstance(o, Literal) and s != URIRef(goal)}
    kind = URIRef(settings.vocab + "karnverksamhet")
    assert kind in linked and kind in labelled, "the goal kind comes with its label"
    actions = set(g.subjects(URIRef(settings.vocab + "serves"), URIRef(goal)))
    assert actions, "inbound links (actions serving the goal) are part of the document"
    assert actions <= labelled, "…and each comes with a label"


def test_accept_without_a_known_type_is_406(client: TestClient, iris: Iris, settings: Settings, store: Store) -> None:
    goal = example(store, settings, "?s a km:Goal")
    r = client.get(local(iris.thing_to_doc(goal), settings), headers={"accept": "image/png"})
    assert r.status_code == 406
    assert "text/turtle" in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/id/ostersund/budget-2024/goal/9.9",
        "/doc/ostersund/no-such-thing",
        "/doc/ostersund/budget-2024/goal/9.9.ttl",
        "/sdg/99",
        "/graph/no/such/graph",
        "/def/kommunmal/0.0.1",
    ],
)
def test_unknown_iris_get_a_helpful_404(path: str, client: TestClient, settings: Settings) -> None:
    r = client.get(path, headers={"accept": BROWSER_ACCEPT})
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Hittades inte" in r.text
    assert 'href="/sparql"' in r.text and 'href="/"' in r.text
    plain = client.get(path, headers={"accept": "text/turtle"})
    assert plain.status_code == 404
    assert plain.headers["content-type"].startswith("text/plain")


def test_every_minted_iri_resolves(client: TestClient, store: Store, settings: Settings, iris: Iris) -> None:
    """Walk every subject under {base}id/: GET the local /id/ URL, follow the 303, find the subject in the RDF."""
    prefix = settings.base_iri + "id/"
    subjects = sorted(
        {
            r["s"].value
            for r in store.query(
                f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{prefix}')) }}"
            )
        }
    )
    assert len(subjects) > 300
    failures = []
    for iri in subjects:
        r = client.get(local(iri, settings), headers={"accept": "application/n-triples"})
        if r.status_code != 303:
            failures.append((iri, r.status_code))
            continue
        doc = client.get(r.headers["location"], headers={"accept": "application/n-triples"})
        if doc.status_code != 200 or f"<{iri}> " not in doc.text:
            failures.append((iri, doc.status_code))
    assert not failures, failures[:20]


def test_every_iri_under_the_base_resolves(client: TestClient, store: Store, settings: Settings) -> None:
    """Not only /id/: vocabulary terms (hash IRIs), the version IRI, named graphs; any IRI the data mints."""
    base = settings.base_iri
    iris = sorted(
        {
            r["x"].value
            for r in store.query(
                f"SELECT DISTINCT ?x WHERE {{ {{ ?x ?p ?o }} UNION {{ ?s ?x ?o }} UNION {{ ?s ?p ?x }} "
                f"FILTER(isIRI(?x) && STRSTARTS(STR(?x), '{base}')) }}"
            )
        }
    )
    iris += [r["g"].value for r in store.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")]
    seen: dict[str, int] = {}
    for iri in iris:
        path = local(iri.split("#")[0], settings)
        if path in seen:
            continue
        r = client.get(path, headers={"accept": "text/turtle"}, follow_redirects=True)
        seen[path] = r.status_code
    failures = {p: s for p, s in seen.items() if s != 200}
    assert not failures, failures


def test_vocabulary_documents_every_term(client: TestClient, store: Store, settings: Settings) -> None:
    """Each km: term the data uses is described at /def/kommunmal, and the HTML page has an anchor for it."""
    vocab = settings.vocab
    used = {
        r["t"].value
        for r in store.query(
            f"SELECT DISTINCT ?t WHERE {{ {{ ?s ?t ?o }} UNION {{ ?s a ?t }} UNION {{ ?s ?p ?t }} "
            f"FILTER(isIRI(?t) && STRSTARTS(STR(?t), '{vocab}')) }}"
        )
    }
    assert len(used) > 40
    r = client.get("/def/kommunmal", headers={"accept": "text/turtle"})
    assert r.status_code == 200 and "accept" in r.headers["vary"].lower()
    g = parse(r, "text/turtle")
    html = client.get("/def/kommunmal", headers={"accept": BROWSER_ACCEPT})
    assert html.headers["content-type"].startswith("text/html")
    anchors = set(re.findall(r'<article class="term" id="([^"]+)"', html.text))
    for term in sorted(used):
        assert (URIRef(term), None, None) in g, term
        assert term[len(vocab) :] in anchors, f"no anchor for {term} on the vocabulary page"
    for ext, media in EXTENSIONS.items():
        assert f'</def/kommunmal.{ext}>; rel="alternate"; type="{media}"' in html.headers["link"]
        assert (None, RDF.type, None) in parse(client.get(f"/def/kommunmal.{ext}"), media)


def test_version_iri_serves_the_vocabulary(client: TestClient, store: Store, settings: Settings) -> None:
    rows = list(
        store.query(
            f"SELECT ?v WHERE {{ <{settings.base_iri}def/kommunmal> <http://www.w3.org/2002/07/owl#versionIRI> ?v }}"
        )
    )
    assert rows
    r = client.get(local(rows[0]["v"].value, settings), headers={"accept": "text/turtle"})
    assert r.status_code == 200
    assert (URIRef(settings.vocab + "Goal"), None, None) in parse(r, "text/turtle")


def test_catalog_iris_resolve_to_the_catalog(client: TestClient, iris: Iris, settings: Settings) -> None:
    for iri in (iris.catalog, iris.dataset, iris.sparql_service, iris.distribution("ttl"), iris.contact_point):
        r = client.get(local(iri, settings), headers={"accept": "text/turtle"})
        assert r.status_code == 303, iri
        g = parse(client.get(r.headers["location"], headers={"accept": "text/turtle"}), "text/turtle")
        assert (URIRef(iri), None, None) in g, iri
    g = parse(
        client.get(local(iris.dataset, settings), headers={"accept": "text/turtle"}, follow_redirects=True),
        "text/turtle",
    )
    assert (URIRef(iris.dataset), URIRef(VOID + "triples"), None) in g, "the dataset's VoID comes along"


def test_named_graphs_are_served(client: TestClient, release: Release, settings: Settings) -> None:
    graphs = release.meta["graphs"]
    name = next(g for g, m in graphs.items() if m["role"] == "data")
    r = client.get(local(name, settings), headers={"accept": "application/n-triples"})
    assert r.status_code == 200
    g = parse(r, "application/n-triples")
    assert len(g) > 10
    html = client.get(local(name, settings), headers={"accept": BROWSER_ACCEPT})
    assert html.status_code == 200 and graphs[name]["file"] in html.text


@pytest.mark.parametrize("code", ["4", "4.1", "11"])
def test_sdg_pages(code: str, client: TestClient) -> None:
    html = client.get(f"/sdg/{code}", headers={"accept": BROWSER_ACCEPT})
    assert html.status_code == 200
    assert "Joshi" in html.text, "the SDG KOS attribution is on the page"
    assert f'</sdg/{code}.ttl>; rel="alternate"; type="text/turtle"' in html.headers["link"]
    g = parse(client.get(f"/sdg/{code}", headers={"accept": "text/turtle"}), "text/turtle")
    assert (URIRef(f"http://metadata.un.org/sdg/{code}"), None, None) in g


def test_sdg_overview_lists_the_17_goals(client: TestClient) -> None:
    r = client.get("/sdg")
    assert r.status_code == 200
    for n in range(1, 18):
        assert f'href="/sdg/{n}"' in r.text
    assert "God utbildning för alla" in r.text, "Swedish titles where the data has them"
    assert "Joshi" in r.text


def test_void_is_negotiated(client: TestClient, iris: Iris) -> None:
    g = parse(client.get("/.well-known/void"), "text/turtle")
    assert (URIRef(iris.dataset), RDF.type, URIRef(VOID + "Dataset")) in g
    for media in RDF_TYPES:
        r = client.get("/.well-known/void", headers={"accept": media})
        assert r.status_code == 200 and "accept" in r.headers["vary"].lower()
        assert (URIRef(iris.dataset), None, None) in parse(r, media)


def test_dumps_listing_and_files(client: TestClient, release: Release) -> None:
    files = release.meta["files"]
    html = client.get("/dumps/", headers={"accept": BROWSER_ACCEPT})
    assert html.status_code == 200
    text = client.get("/dumps/", headers={"accept": "text/plain"})
    assert text.headers["content-type"].startswith("text/plain")
    for name, info in files.items():
        assert name in html.text and info["sha256"] in html.text
        assert f"{info['sha256']}  " in text.text
    for name, media in (
        ("kommunmal.ttl", "text/turtle"),
        ("kommunmal.nt", "application/n-triples"),
        ("kommunmal.jsonld", "application/ld+json"),
        ("kommunmal.trig", "application/trig"),
        ("kommunmal.nq", "application/n-quads"),
        ("void.ttl", "text/turtle"),
    ):
        r = client.get(f"/dumps/{name}")
        assert r.status_code == 200
        assert r.headers["content-type"].split(";")[0] == media
        assert hashlib.sha256(r.content).hexdigest() == files[name]["sha256"]
        assert r.headers["etag"] == f'"{files[name]["sha256"]}"'
        assert client.get(f"/dumps/{name}", headers={"if-none-match": r.headers["etag"]}).status_code == 304
    sums = client.get("/dumps/SHA256SUMS")
    assert sums.status_code == 200 and sums.headers["content-type"].startswith("text/plain")
    assert sums.content == (release.path / "SHA256SUMS").read_bytes()
    assert client.get("/dumps/../release.json").status_code == 404
    assert client.get("/dumps/nothing.ttl").status_code == 404


def test_pages_link_local_urls_but_rdf_keeps_canonical_iris(
    client: TestClient, settings: Settings, store: Store, iris: Iris
) -> None:
    """The base IRI (https://w3id.org/kommunmal/) differs from where the server runs: links in pages are local."""
    goal = example(store, settings, "?s a km:Goal")
    doc = local(iris.thing_to_doc(goal), settings)
    html = client.get(doc, headers={"accept": BROWSER_ACCEPT}).text
    hrefs = re.findall(r'href="([^"]+)"', html)
    assert not [h for h in hrefs if h.startswith(settings.base_iri)], "no link points at the canonical host"
    ttl = client.get(doc + ".ttl").text
    assert settings.base_iri + "id/" in ttl and "http://testserver" not in ttl


@pytest.mark.server
def test_real_server_dereferences(server: str, settings: Settings) -> None:
    """End to end over a socket: 303 chain, negotiation and the harvest URL, with the server's own public_url."""
    with httpx.Client(base_url=server, timeout=10) as http:
        r = http.get("/id/ostersund/budget-2024/goal/1.1", headers={"accept": "text/turtle"})
        assert r.status_code == 303
        assert r.headers["location"] == "/doc/ostersund/budget-2024/goal/1.1"
        r = http.get("/id/ostersund/budget-2024/goal/1.1", headers={"accept": "text/turtle"}, follow_redirects=True)
        assert r.status_code == 200 and r.headers["vary"] == "Accept"
        g = parse(r, "text/turtle")
        assert (URIRef(settings.base_iri + "id/ostersund/budget-2024/goal/1.1"), None, None) in g
        catalog = http.get("/catalog")
        assert catalog.headers["content-type"].split(";")[0] == "application/rdf+xml"
        g = Graph().parse(data=catalog.content, format="xml")
        downloads = [str(o) for o in g.objects(None, URIRef("http://www.w3.org/ns/dcat#downloadURL"))]
        assert downloads and all(d.startswith(server) for d in downloads), "download URLs use public_url"
        dump = http.get(downloads[0])
        assert dump.status_code == 200
        void = http.get("/.well-known/void", headers={"accept": "application/ld+json"})
        assert json.loads(void.content)


def test_404_suggests_near_matches(client: TestClient) -> None:
    r = client.get("/id/ostersund/budget-2024/goal/1.9", headers={"accept": BROWSER_ACCEPT})
    assert r.status_code == 404
    assert 'href="/doc/ostersund/budget-2024/goal/1.1"' in r.text, "the goals beside the missing one are offered"
    assert "/sparql?query=" in r.text


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/sdg",
        "/sdg/4",
        "/graph",
        "/def/kommunmal",
        "/catalog",
        "/dumps/",
        "/doc/ostersund/budget-2024/goal/1.1",
        "/doc/ostersund/org/kommunstyrelsen",
    ],
)
def test_every_page_names_its_machine_readable_forms(path: str, client: TestClient) -> None:
    """Each page sends Link: rel="alternate" headers and repeats them as <link rel="alternate"> in its head."""
    r = client.get(path, headers={"accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    links = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', r.headers.get("link", ""))
    assert links, f"{path} sends no Link header"
    head = r.text.split("</head>")[0]
    for href, media in links:
        assert f'<link rel="alternate" type="{media}" href="{html.escape(href)}"' in head
        target = client.get(href, headers={"accept": media}, follow_redirects=True)
        assert target.status_code == 200, href
        assert target.headers["content-type"].split(";")[0] == media, href


def test_sdg_goal_page_counts_links_in_swedish(client) -> None:
    page = client.get("/sdg/11", headers={"Accept": "text/html"}).text
    counts = re.findall(r"(\d+) (koppling(?:ar)?)<", page)
    assert counts
    for number, word in counts:
        assert word == ("koppling" if number == "1" else "kopplingar"), (number, word)


def test_labels_are_read_by_every_label_predicate_and_ranked_in_their_order() -> None:
    import pyoxigraph as ox

    from kommunmal.describe import LABEL_PREDICATES, labels
    from kommunmal.store import Store as StoreView

    memory = ox.Store()
    subject = ox.NamedNode("urn:x:s")
    quads = [
        ox.Quad(subject, ox.NamedNode(str(predicate)), ox.Literal(f"label {rank}", language="sv"))
        for rank, predicate in enumerate((*LABEL_PREDICATES, URIRef("urn:x:other")))
    ]
    memory.extend(quads)
    for rank in range(len(LABEL_PREDICATES)):  # each predicate is read, and wins over those ranked after it
        found, _ = labels(StoreView.of(memory), [URIRef("urn:x:s")])
        assert found == {URIRef("urn:x:s"): {"sv": f"label {rank}"}}
        memory.remove(quads[rank])
    assert labels(StoreView.of(memory), [URIRef("urn:x:s")])[0] == {}
