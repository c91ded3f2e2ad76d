"""The release's VoID description (void.ttl): the dataset with its endpoint, dumps, vocabularies and counts, a
subset per source graph and a class partition per class."""

from __future__ import annotations

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, VOID, XSD

from kommunmal.config import Settings
from kommunmal.dataset import Source
from kommunmal.formats import FORMATS
from kommunmal.iris import Iris


def describe(settings: Settings, dataset: Dataset, sources: list[Source], union: Graph) -> Graph:
    """VoID description of the whole dataset (`union`: all its triples) and of each named graph."""
    classes: dict = {}
    for _s, cls in union.subject_objects(RDF.type):
        classes[cls] = classes.get(cls, 0) + 1
    return void_graph(
        settings,
        sources,
        triples=len(union),
        entities=len(set(union.subjects())),
        graph_triples={str(s.graph): len(dataset.graph(s.graph)) for s in sources},
        classes=sorted(((str(c), n) for c, n in classes.items())),
    )


def void_graph(
    settings: Settings,
    sources: list[Source],
    *,
    triples: int,
    entities: int,
    graph_triples: dict[str, int],
    classes: list[tuple[str, int]],
) -> Graph:
    """The release's VoID: the dataset with its endpoint, dumps, vocabularies and counts (`triples`, `entities`),
    one subset per source graph (`graph_triples`: graph IRI -> triples), and one class partition per
    (class IRI, instance count) of `classes`, in the order given."""
    from kommunmal.release import DUMP_FORMATS  # release imports this module

    iris = Iris(settings.base_iri)
    g = Graph()
    g.bind("void", VOID)
    g.bind("dct", DCTERMS)
    ds = URIRef(iris.dataset)
    g.add((ds, RDF.type, VOID.Dataset))
    g.add((ds, DCTERMS.title, Literal("Kommunövergripande mål som länkade data", lang="sv")))
    g.add((ds, DCTERMS.title, Literal("Municipal overarching goals as linked data", lang="en")))
    g.add((ds, VOID.sparqlEndpoint, URIRef(iris.sparql)))
    g.add((ds, VOID.uriSpace, Literal(settings.base_iri + "id/")))
    for name in DUMP_FORMATS:
        g.add((ds, VOID.dataDump, URIRef(iris.dump(FORMATS[name].extension))))
    g.add((ds, VOID.triples, Literal(triples, datatype=XSD.integer)))
    g.add((ds, VOID.entities, Literal(entities, datatype=XSD.integer)))
    for vocab in (
        "http://www.w3.org/2004/02/skos/core#",
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/ns/prov#",
        "http://purl.org/dc/terms/",
        "http://metadata.un.org/sdg/ontology#",
        settings.vocab,
    ):
        g.add((ds, VOID.vocabulary, URIRef(vocab)))
    for source in sources:
        g.add((ds, VOID.subset, source.graph))
        g.add((source.graph, RDF.type, VOID.Dataset))
        g.add((source.graph, VOID.triples, Literal(graph_triples.get(str(source.graph), 0), datatype=XSD.integer)))
        g.add((source.graph, DCTERMS.source, Literal(source.path.name)))
    for index, (cls, entities) in enumerate(classes):
        part = URIRef(f"{iris.dataset}#class-{index}")
        g.add((ds, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(entities, datatype=XSD.integer)))
    return g
