"""The DCAT-AP-SE 3.0.1 catalog of a release: what dataportal.se (and through it data.europa.eu) harvests.

The catalog holds the whole knowledge graph as one dataset (with the release's dumps), one dataset per goal
document grouped per municipality in a dataset series (kommunmal.catalog_documents), the SPARQL endpoint as a data
service, and a metadata-quality self-assessment of every dataset (kommunmal.mqa, DQV). Every catalog, dataset,
distribution, service, publisher and contact is an IRI (dataportal.se harvest rules). Resource IRIs come from
base_iri; the addresses a client fetches (downloadURL, endpointURL, homepage) from public_url. Both go through Iris.
"""

from __future__ import annotations

from collections import Counter

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from kommunmal.catalog_agents import Publisher, add_publisher, publishers
from kommunmal.catalog_documents import add_document_datasets, genitive
from kommunmal.catalog_terms import (
    ADMS,
    CATALOG_DESCRIPTION,
    CATALOG_TITLE,
    CC0,
    DCATAP,
    EU,
    LANGUAGES,
    LOCALITY,
    MUNICIPALITY_HOMEPAGE,
    POSTAL_CODE,
    RIGHTS,
    SDG_CITATION,
    SERVICE_DESCRIPTION,
    SERVICE_TITLE,
    SPARQL_PROTOCOL,
    SPARQL_QUERY_FILE_TYPE,
    SPARQL_RESULTS_MEDIA_TYPE,
    SPATIAL_BY_KOMMUNKOD,
    SPDX,
    TELEPHONE,
    VCARD,
    add_file,
    text,
    types_of_values,
)
from kommunmal.config import Settings
from kommunmal.documents import Document, documents
from kommunmal.formats import FORMATS
from kommunmal.iris import Iris
from kommunmal.mqa import add_measurements
from kommunmal.release import DUMP_FORMATS, Release
from kommunmal.sparql_source import SparqlSource, StoreSource

__all__ = ["SDG_CITATION", "SPDX", "VCARD", "catalog_graph"]

PREFIXES = {
    "dcat": DCAT,
    "dct": DCTERMS,
    "foaf": FOAF,
    "vcard": VCARD,
    "spdx": SPDX,
    "dcatap": DCATAP,
    "skos": SKOS,
    "owl": OWL,
    "adms": ADMS,
    "dqv": "http://www.w3.org/ns/dqv#",
}


def catalog_graph(settings: Settings, release: Release, source: SparqlSource | None = None) -> Graph:
    """The dcat:Catalog for `release` (read through `source`, default: the release's own store).

    Raises ValueError when the catalog's publisher has no Swedish name in the data (dataportal.se requires one).
    """
    iris = Iris(settings.base_iri)
    source = source or StoreSource.for_release(release, settings.vocab)

    def url(iri: str) -> URIRef:
        return URIRef(iris.to_url(iri, settings.public_url))

    docs = documents(source)
    owner = _catalog_owner(settings, docs)
    agents = publishers(source, [d.publisher for d in docs if d.publisher] + [owner])
    if owner not in agents or not agents[owner].names.get("sv"):
        raise ValueError(f"<{owner}> has no Swedish skos:prefLabel in the release; set KOMMUNMAL_CATALOG_PUBLISHER")
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    catalog, dataset, service = URIRef(iris.catalog), URIRef(iris.dataset), URIRef(iris.sparql_service)
    contact = URIRef(iris.contact_point)
    created = release.meta["created"][:10]
    issued = Literal(min([created, *(r["issued"][:10] for r in source.select("vocabulary_issued"))]), datatype=XSD.date)
    modified = Literal(created, datatype=XSD.date)
    rights = URIRef(iris.dataset + "#rights")
    homepage = url(settings.base_iri)
    publisher = add_publisher(g, agents[owner], MUNICIPALITY_HOMEPAGE if owner.endswith("id/ostersund") else None)

    def dated(subject: URIRef) -> None:
        g.add((subject, DCTERMS.issued, issued))
        g.add((subject, DCTERMS.modified, modified))
        g.add((subject, DCAT.contactPoint, contact))

    def common(graph: Graph, dist: URIRef) -> None:
        graph.add((dist, DCTERMS.license, CC0))
        graph.add((dist, DCTERMS.rights, rights))
        graph.add((dist, DCATAP.availability, URIRef(EU + "planned-availability/STABLE")))
        graph.add((dist, ADMS.status, URIRef(EU + "distribution-status/COMPLETED")))
        graph.add((dist, DCTERMS.issued, issued))
        graph.add((dist, DCTERMS.modified, modified))

    g.add((catalog, RDF.type, DCAT.Catalog))
    text(g, catalog, DCTERMS.title, CATALOG_TITLE)
    text(g, catalog, DCTERMS.description, CATALOG_DESCRIPTION)
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, CC0))  # the metadata itself: DCAT-AP-SE requires CC0
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, DCTERMS.issued, issued))
    g.add((catalog, DCTERMS.modified, modified))
    g.add((catalog, FOAF.homepage, homepage))
    g.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    for code in LANGUAGES:
        g.add((catalog, DCTERMS.language, URIRef(EU + "language/" + code)))

    _whole_dataset(g, dataset, docs, agents[owner], publisher, rights, dated)
    # The places of the municipalities whose documents the release holds, where a sourced place is known.
    for place in {SPATIAL_BY_KOMMUNKOD[d.kommunkod][0] for d in docs if d.kommunkod in SPATIAL_BY_KOMMUNKOD}:
        for subject in (catalog, dataset):
            g.add((subject, DCTERMS.spatial, URIRef(place)))
    g.add((dataset, DCAT.landingPage, homepage))
    g.add((dataset, DCTERMS.conformsTo, URIRef(iris.ontology)))
    files = release.meta["files"]
    for name in DUMP_FORMATS:
        _whole_dump(g, iris, release, name, files, url, common)
    _sparql_distribution(g, iris, dataset, url, common)
    for added in add_document_datasets(g, iris, docs, agents, files, url, common, dated):
        g.add((catalog, DCAT.dataset, added))
    _service(g, iris, service, dataset, publisher, contact, url)
    _contact(g, settings, iris, contact)
    types_of_values(g, iris, homepage)
    add_measurements(g, settings, release)
    return g


def _catalog_owner(settings: Settings, docs: list[Document]) -> str:
    """Who publishes the catalog: the setting, else the municipality with the most goal documents (ties: by name)."""
    if settings.catalog_publisher:
        return settings.base_iri + settings.catalog_publisher
    counts = Counter(d.publisher for d in docs if d.publisher)
    if not counts:
        raise ValueError("the release holds no goal document with a publisher; set KOMMUNMAL_CATALOG_PUBLISHER")
    return sorted(counts, key=lambda p: (-counts[p], p))[0]


def _whole_dataset(g, dataset, docs, owner: Publisher, publisher, rights, dated) -> None:
    municipalities = sorted({d.publisher_label or d.slug for d in docs})
    keys = ", ".join(f"{d.publisher_label} {d.year}" for d in docs)
    goals = sum(d.goals for d in docs)
    n_docs = len(docs)
    if len(municipalities) == 1:
        name, name_en = municipalities[0], owner.names.get("en") or municipalities[0]
        title = {
            "sv": f"{genitive(name)} kommunövergripande mål som länkade data",
            "en": f"{name_en}'s overarching goals as linked data",
        }
    else:
        title = {
            "sv": f"Kommunövergripande mål i {len(municipalities)} kommuner som länkade data",
            "en": f"Overarching goals of {len(municipalities)} municipalities as linked data",
        }
    g.add((dataset, RDF.type, DCAT.Dataset))
    text(g, dataset, DCTERMS.title, title)
    text(
        g,
        dataset,
        DCTERMS.description,
        {
            "sv": f"Hela kunskapsgrafen: {goals} kommunövergripande mål i {n_docs} måldokument ({keys}) som en "
            "validerad kunskapsgraf med målformuleringar, de politiska texterna stycke för stycke, åtagandena i "
            "texterna och vilka mål de tjänar, ansvariga nämnder och bolag, kopplingar till FN:s globala mål och "
            "delmål (med belägg och uppgift om kopplingen är uttalad eller härledd) samt indikatorer från Kolada. "
            "Varje uppgift pekar på sitt ställe i källtexten. Varje måldokument finns också som egen datamängd.",
            "en": f"The whole knowledge graph: {goals} overarching goals in {n_docs} goal "
            f"document{'s' if n_docs != 1 else ''} ({keys}) as a validated knowledge graph with goal statements, the "
            "political texts paragraph by paragraph, the actions the texts contain and the goals they serve, "
            "responsible committees and companies, links to the UN Sustainable Development Goals and targets (with "
            "evidence, stated or inferred), and indicators from Kolada. Every fact points to its place in the "
            "source text. Each goal document is also a dataset of its own.",
        },
    )
    g.add((dataset, DCTERMS.identifier, Literal(str(dataset))))
    g.add((dataset, DCTERMS.publisher, publisher))
    for word in (
        "budget",
        "kommunala mål",
        "övergripande mål",
        "kommunfullmäktige",
        "Agenda 2030",
        "globala målen",
        "länkade data",
    ):
        g.add((dataset, DCAT.keyword, Literal(word, lang="sv")))
    for word in ("budget", "municipal goals", "Sustainable Development Goals", "linked data"):
        g.add((dataset, DCAT.keyword, Literal(word, lang="en")))
    for name in municipalities:
        g.add((dataset, DCAT.keyword, Literal(name.removesuffix(" kommun"), lang="sv")))
    for theme in ("data-theme/GOVE", "data-theme/ECON"):
        g.add((dataset, DCAT.theme, URIRef(EU + theme)))
    for code in LANGUAGES:
        g.add((dataset, DCTERMS.language, URIRef(EU + "language/" + code)))
    starts = sorted(d.start_date for d in docs if d.start_date)
    ends = sorted(d.end_date for d in docs if d.end_date)
    if starts:
        period = URIRef(str(dataset) + "#period")
        g.add((dataset, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(starts[0], datatype=XSD.date)))
        if ends:
            g.add((period, DCAT.endDate, Literal(ends[-1], datatype=XSD.date)))
    g.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/ANNUAL")))
    g.add((dataset, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    g.add((dataset, DCTERMS.rights, rights))
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    text(g, rights, RDFS.label, RIGHTS)
    dated(dataset)


def _whole_dump(g, iris, release, name, files, url, common) -> None:
    fmt = FORMATS[name]
    dataset = URIRef(iris.dataset)
    dist = URIRef(iris.distribution(fmt.extension))
    file_name = release.dump(name).name
    download = url(iris.dump(fmt.extension))
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    text(
        g,
        dist,
        DCTERMS.title,
        {"sv": f"Hela kunskapsgrafen som {fmt.label}", "en": f"The whole knowledge graph as {fmt.label}"},
    )
    what = (
        {"sv": "med de namngivna graferna", "en": "with the named graphs"}
        if fmt.kind == "dataset"
        else {
            "sv": "som en graf (unionen av de namngivna graferna)",
            "en": "as one graph (the union of the named graphs)",
        }
    )
    text(
        g,
        dist,
        DCTERMS.description,
        {
            "sv": f"Nedladdningsfil {file_name} för release {release.id}, {what['sv']}.",
            "en": f"Download file {file_name} of release {release.id}, {what['en']}.",
        },
    )
    add_file(g, dist, fmt, download, files[file_name]["bytes"], files[file_name]["sha256"])
    common(g, dist)


def _sparql_distribution(g, iris, dataset, url, common) -> None:
    dist = URIRef(iris.distribution("sparql"))
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    text(
        g,
        dist,
        DCTERMS.title,
        {"sv": "Frågor mot kunskapsgrafen med SPARQL", "en": "Querying the knowledge graph with SPARQL"},
    )
    text(
        g,
        dist,
        DCTERMS.description,
        {
            "sv": "Åtkomst till hela kunskapsgrafen genom SPARQL-endpointen; svar som SPARQL JSON, XML, CSV eller TSV.",
            "en": "Access to the whole knowledge graph through the SPARQL endpoint; answers as SPARQL JSON, XML, "
            "CSV or TSV.",
        },
    )
    g.add((dist, DCAT.accessURL, url(iris.sparql)))
    g.add((dist, DCAT.accessService, URIRef(iris.sparql_service)))
    g.add((dist, DCTERMS.format, SPARQL_QUERY_FILE_TYPE))
    g.add((dist, DCAT.mediaType, SPARQL_RESULTS_MEDIA_TYPE))
    common(g, dist)


def _service(g, iris, service, dataset, publisher, contact, url) -> None:
    g.add((service, RDF.type, DCAT.DataService))
    text(g, service, DCTERMS.title, SERVICE_TITLE)
    text(g, service, DCTERMS.description, SERVICE_DESCRIPTION)
    g.add((service, DCAT.endpointURL, url(iris.sparql)))
    # A GET on the endpoint without a query answers with its SPARQL 1.1 Service Description.
    g.add((service, DCAT.endpointDescription, url(iris.sparql)))
    g.add((service, DCTERMS.format, SPARQL_QUERY_FILE_TYPE))
    g.add((service, DCAT.servesDataset, dataset))
    g.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    g.add((service, DCTERMS.publisher, publisher))
    g.add((service, DCAT.contactPoint, contact))
    g.add((service, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    g.add((service, DCTERMS.license, CC0))
    g.add((service, DCAT.theme, URIRef(EU + "data-theme/GOVE")))
    for lang, word in (("sv", "SPARQL"), ("sv", "länkade data"), ("en", "SPARQL"), ("en", "linked data")):
        g.add((service, DCAT.keyword, Literal(word, lang=lang)))


def _contact(g: Graph, settings: Settings, iris: Iris, contact: URIRef) -> None:
    # The contact is kept apart from the publisher (dataportal.se rule): its own IRI, never a publisher.
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(settings.contact_name)))
    g.add((contact, VCARD.hasEmail, URIRef("mailto:" + settings.contact_email)))
    g.add((contact, VCARD.hasTelephone, TELEPHONE))
    address = URIRef(iris.contact_point + "#address")
    g.add((contact, VCARD.hasAddress, address))
    g.add((address, RDF.type, VCARD.Address))
    g.add((address, VCARD["postal-code"], Literal(POSTAL_CODE)))
    g.add((address, VCARD.locality, Literal(LOCALITY)))
    g.add((address, VCARD["country-name"], Literal("Sverige", lang="sv")))
