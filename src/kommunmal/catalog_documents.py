"""One dcat:Dataset per goal document, grouped per municipality in a dcat:DatasetSeries over the years.

DCAT-AP 3.0.1 and DCAT-AP-SE 3.0.1: each dataset is `dcat:inSeries` its municipality's series and ordered in it
with dcat:prev/dcat:next; the series names dcat:first and dcat:last. Each dataset has its own distributions (the
per-document dumps written by kommunmal.document_dumps, and the SPARQL endpoint) and its publisher is the
municipality that adopted the document.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, GEO, RDF, RDFS, XSD

from kommunmal.catalog_agents import Publisher, add_publisher
from kommunmal.catalog_terms import (
    EU,
    SPARQL_QUERY_FILE_TYPE,
    SPARQL_RESULTS_MEDIA_TYPE,
    SPATIAL_BY_KOMMUNKOD,
    add_file,
    text,
)
from kommunmal.document_dumps import FORMATS as DOCUMENT_DUMP_FORMATS
from kommunmal.document_dumps import dump_name
from kommunmal.documents import Document
from kommunmal.formats import by_extension
from kommunmal.iris import Iris

DistributionCommon = Callable[[Graph, URIRef], None]
# DCAT 3 terms (rdflib's DCAT namespace is the closed DCAT 2 one).
DCAT3 = Namespace("http://www.w3.org/ns/dcat#")


def genitive(name: str) -> str:
    """Swedish genitive of a name: `Östersunds kommun` -> `Östersunds kommuns`; names ending in s, x or z take
    no extra s (Svenska Akademiens språklära: `Vaxholms stad`, `Kramfors` -> `Kramfors`)."""
    return name if name[-1:].lower() in "sxz" else name + "s"


def add_document_datasets(
    g: Graph,
    iris: Iris,
    docs: list[Document],
    publishers: dict[str, Publisher],
    files: dict[str, dict],
    url: Callable[[str], URIRef],
    common: DistributionCommon,
    dated: Callable[[URIRef], None],
) -> list[URIRef]:
    """Add a dataset per document (with its distributions) and a series per municipality to `g`.

    `files` is release.json's file table (name -> sha256, bytes); `url` maps an IRI to where this server answers;
    `common` adds what every distribution carries (licence, rights, availability, dates); `dated` adds issued and
    modified. Returns the IRIs of the datasets and series added (for the catalog's dcat:dataset).
    """
    added: list[URIRef] = []
    by_municipality: dict[str, list[Document]] = defaultdict(list)
    for doc in docs:
        if doc.year:
            by_municipality[doc.slug].append(doc)
    # DCAT 3 §6.7: a dataset series is a dataset; stated so that a client without the DCAT ontology sees it too.
    if by_municipality:
        g.add((DCAT3.DatasetSeries, RDFS.subClassOf, DCAT.Dataset))
    for slug, series_docs in sorted(by_municipality.items()):
        series_docs.sort(key=lambda d: d.year or 0)
        publisher = publishers.get(series_docs[0].publisher)
        agent = add_publisher(g, publisher) if publisher else None
        series = URIRef(iris.dataset_series(slug))
        name = series_docs[0].publisher_label or slug
        name_en = (publisher.names.get("en") if publisher else None) or name
        g.add((series, RDF.type, DCAT3.DatasetSeries))
        text(
            g, series, DCTERMS.title, {"sv": f"{genitive(name)} mål år för år", "en": f"{name_en}: goals year by year"}
        )
        years = ", ".join(str(d.year) for d in series_docs)
        text(
            g,
            series,
            DCTERMS.description,
            {
                "sv": f"{genitive(name)} kommunövergripande mål som länkade data, ett måldokument per år ({years}).",
                "en": f"The overarching goals of {name_en} as linked data, one goal document per year ({years}).",
            },
        )
        _place_and_agent(g, series, series_docs[0], agent)
        _shared_fields(g, iris, series, name)
        starts = [d.start_date for d in series_docs if d.start_date]
        ends = [d.end_date for d in series_docs if d.end_date]
        if starts:
            _period(g, series, starts[0], ends[-1] if ends else None)
        dated(series)
        previous: URIRef | None = None
        datasets = []
        for doc in series_docs:
            dataset = _document_dataset(g, iris, doc, agent, name, name_en, files, url, common, dated)
            g.add((dataset, DCAT3.inSeries, series))
            if previous is not None:
                g.add((dataset, DCAT3.prev, previous))
                g.add((previous, DCAT3.next, dataset))
            previous = dataset
            datasets.append(dataset)
        g.add((series, DCAT3.first, datasets[0]))
        g.add((series, DCAT3.last, datasets[-1]))
        added += [series, *datasets]
    return added


def _document_dataset(
    g: Graph,
    iris: Iris,
    doc: Document,
    agent: URIRef | None,
    name: str,
    name_en: str,
    files: dict[str, dict],
    url: Callable[[str], URIRef],
    common: DistributionCommon,
    dated: Callable[[URIRef], None],
) -> URIRef:
    dataset = URIRef(iris.document_dataset(doc.key))
    g.add((dataset, RDF.type, DCAT.Dataset))
    title_en = doc.title_en or f"Goal document {doc.year}"
    text(g, dataset, DCTERMS.title, {"sv": f"{name}: {doc.title}", "en": f"{name_en}: {title_en}"})
    text(
        g,
        dataset,
        DCTERMS.description,
        {
            "sv": f"{genitive(name)} måldokument {doc.year} som länkade data: {doc.goals} kommunövergripande mål med "
            "målformuleringar och politiska texter, åtagandena i texterna, ansvariga nämnder och bolag, kopplingar "
            "till FN:s globala mål och delmål med belägg samt indikatorer. Varje uppgift pekar på sitt ställe i "
            "källtexten.",
            "en": f"The {doc.year} goal document of {name_en} as linked data: {doc.goals} overarching "
            f"goal{'s' if doc.goals != 1 else ''} with statements and political texts, the actions in the texts, "
            "responsible committees and companies, links to the UN Sustainable Development Goals and targets with "
            "evidence, and indicators. Every fact points to its place in the source text.",
        },
    )
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCTERMS.relation, URIRef(doc.iri)))
    _place_and_agent(g, dataset, doc, agent)
    _shared_fields(g, iris, dataset, name, str(doc.year))
    g.add((dataset, DCTERMS.language, URIRef(EU + "language/SWE")))
    if doc.start_date:
        _period(g, dataset, doc.start_date, doc.end_date)
    g.add((dataset, DCAT.landingPage, url(iris.page(doc.iri))))
    g.add((url(iris.page(doc.iri)), RDF.type, URIRef("http://xmlns.com/foaf/0.1/Document")))
    dated(dataset)
    for extension in DOCUMENT_DUMP_FORMATS:
        fmt = by_extension(extension)
        file_name = dump_name(doc, extension)
        if file_name not in files:
            continue
        dist = URIRef(f"{dataset}/distribution/{extension}")
        download = url(iris.base + "dumps/" + file_name)
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        text(
            g, dist, DCTERMS.title, {"sv": f"Måldokumentet som {fmt.label}", "en": f"The goal document as {fmt.label}"}
        )
        text(
            g,
            dist,
            DCTERMS.description,
            {
                "sv": f"Nedladdningsfil {file_name}: måldokumentets grafer och kommunens egna uppgifter.",
                "en": f"Download file {file_name}: the goal document's graphs and the municipality's own data.",
            },
        )
        add_file(g, dist, fmt, download, files[file_name]["bytes"], files[file_name]["sha256"])
        common(g, dist)
    sparql = URIRef(f"{dataset}/distribution/sparql")
    g.add((dataset, DCAT.distribution, sparql))
    g.add((sparql, RDF.type, DCAT.Distribution))
    text(g, sparql, DCTERMS.title, {"sv": "Frågor med SPARQL", "en": "Querying with SPARQL"})
    text(
        g,
        sparql,
        DCTERMS.description,
        {
            "sv": f"Måldokumentet finns i SPARQL-endpointen; dess mål har km:goalDocument <{doc.iri}>.",
            "en": f"The goal document is in the SPARQL endpoint; its goals have km:goalDocument <{doc.iri}>.",
        },
    )
    g.add((sparql, DCAT.accessURL, url(iris.sparql)))
    g.add((sparql, DCAT.accessService, URIRef(iris.sparql_service)))
    g.add((URIRef(iris.sparql_service), DCAT.servesDataset, dataset))
    g.add((sparql, DCTERMS.format, SPARQL_QUERY_FILE_TYPE))
    g.add((sparql, DCAT.mediaType, SPARQL_RESULTS_MEDIA_TYPE))
    common(g, sparql)
    return dataset


def _place_and_agent(g: Graph, subject: URIRef, doc: Document, agent: URIRef | None) -> None:
    if agent is not None:
        g.add((subject, DCTERMS.publisher, agent))
    place = SPATIAL_BY_KOMMUNKOD.get(doc.kommunkod or "")
    if place:
        spatial = URIRef(place[0])
        g.add((subject, DCTERMS.spatial, spatial))
        g.add((spatial, RDF.type, DCTERMS.Location))
        g.add((spatial, DCAT.centroid, Literal(place[1], datatype=GEO.wktLiteral)))
        if doc.publisher_label:
            g.add((spatial, RDFS.label, Literal(doc.publisher_label, lang="sv")))


def _shared_fields(g: Graph, iris: Iris, subject: URIRef, name: str, *extra_keywords: str) -> None:
    """What a series and its datasets share (DCAT-AP-SE recommendations 15–21: shared fields are identical)."""
    short = name.removesuffix(" kommun").removesuffix(" stad")
    for word in (
        "budget",
        "kommunala mål",
        "övergripande mål",
        "kommunfullmäktige",
        "Agenda 2030",
        short,
        *extra_keywords,
    ):
        g.add((subject, DCAT.keyword, Literal(word, lang="sv")))
    for word in ("budget", "municipal goals", "Sustainable Development Goals", short):
        g.add((subject, DCAT.keyword, Literal(word, lang="en")))
    for theme in ("data-theme/GOVE", "data-theme/ECON"):
        g.add((subject, DCAT.theme, URIRef(EU + theme)))
    g.add((subject, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/ANNUAL")))
    g.add((subject, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    g.add((subject, DCTERMS.conformsTo, URIRef(iris.ontology)))


def _period(g: Graph, subject: URIRef, start: str, end: str | None) -> None:
    period = URIRef(str(subject) + "#period")
    g.add((subject, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal(start, datatype=XSD.date)))
    if end:
        g.add((period, DCAT.endDate, Literal(end, datatype=XSD.date)))
