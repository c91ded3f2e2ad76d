"""The SPARQL 1.1 Service Description of the endpoint: what it answers, in which formats, over which graphs."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, VOID, XSD

from kommunmal.config import Settings
from kommunmal.formats import FORMATS
from kommunmal.iris import Iris
from kommunmal.query import GRAPH_FORMATS, RESULTS_FORMATS
from kommunmal.query_prefixes import standard_prefixes
from kommunmal.release import Release
from kommunmal.store import Store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
SH = Namespace("http://www.w3.org/ns/shacl#")


def describe_service(settings: Settings, release: Release, store: Store) -> Graph:
    """`sd:endpoint` is the public URL of /sparql; the default graph is the union of the named graphs. The prefixes
    every query may use undeclared (kommunmal.query_prefixes) are listed as `sh:declare` [sh:prefix, sh:namespace],
    the prefix declarations of SHACL 1.0 §5.2.1."""
    iris = Iris(settings.base_iri)
    endpoint = settings.public_url + "sparql"
    g = Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    g.bind("formats", "http://www.w3.org/ns/formats/")
    service = URIRef(iris.sparql_service)
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    g.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for name in (*RESULTS_FORMATS, *GRAPH_FORMATS):
        g.add((service, SD.resultFormat, URIRef(FORMATS[name].w3c_iri)))
    g.bind("sh", SH)
    for name, namespace in standard_prefixes(settings.base_iri).items():
        declaration = BNode()
        g.add((service, SH.declare, declaration))
        g.add((declaration, SH.prefix, Literal(name)))
        g.add((declaration, SH.namespace, Literal(namespace, datatype=XSD.anyURI)))
    g.add((service, DCTERMS.title, Literal("SPARQL-ändpunkt för kommunala mål", lang="sv")))
    g.add((service, DCTERMS.title, Literal("SPARQL endpoint for municipal goals", lang="en")))
    g.add(
        (
            service,
            RDFS.comment,
            Literal(
                "Read-only. The default graph is the union of the named graphs. "
                "SERVICE and update operations are refused. "
                "The prefixes listed with sh:declare (km:, skos:, dct: …) are predeclared: a query may use them "
                "without PREFIX lines, and a PREFIX in the query overrides them. "
                f"Each query may run {settings.sparql_timeout_s:g} s and return {settings.sparql_max_rows} rows; "
                f"longer results are cut and marked with the response header X-Kommunmal-Truncated: true.",
                lang="en",
            ),
        )
    )
    dataset = BNode()
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    g.add((dataset, DCTERMS.source, URIRef(iris.dataset)))
    g.add((dataset, DCTERMS.identifier, Literal(release.id)))
    default = BNode()
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    counts = _graph_sizes(release, store)
    g.add((default, VOID.triples, Literal(release.meta.get("triples", sum(counts.values())), datatype=XSD.integer)))
    for name, triples in sorted(counts.items()):
        named, graph = BNode(), BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, RDF.type, SD.NamedGraph))
        g.add((named, SD.name, URIRef(name)))
        g.add((named, SD.graph, graph))
        g.add((graph, RDF.type, SD.Graph))
        g.add((graph, VOID.triples, Literal(triples, datatype=XSD.integer)))
    return g


def _graph_sizes(release: Release, store: Store) -> dict[str, int]:
    """Triples per named graph, from the release's VoID (written at build time) or else counted in the store."""
    void_file = release.path / "void.ttl"
    sizes: dict[str, int] = {}
    if void_file.exists():
        void = Graph().parse(void_file, format="turtle")
        names = set(store.named_graphs())
        for subset, triples in void.subject_objects(VOID.triples):
            if str(subset) in names:
                sizes[str(subset)] = int(triples)
    for name in store.named_graphs():
        if name not in sizes:
            rows = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
            sizes[name] = int(next(iter(rows))[0].value)
    return sizes
