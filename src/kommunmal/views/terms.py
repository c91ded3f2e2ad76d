"""Swedish names for the RDF terms property tables show that the data itself does not name in Swedish: predicates
and classes of the standard vocabularies (SKOS, W3C ORG, Core Public Organisation Vocabulary, ADMS, DCAT, PROV,
RDF Data Cube), and kommunmal's own datatypes, whose labels are in the ontology rather than in a page's
description. Pages show these instead of CURIEs ("skos:related") or datatype IRIs.

The names are plain Swedish words chosen to read naturally in a property table (lower case, like the site's other
predicate names), not an official translation of the vocabularies.
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS

from kommunmal import resources
from kommunmal.catalog_terms import CONCEPTS, EU, LANGUAGES

SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
SDMX = "http://purl.org/linked-data/sdmx/2009/"
EU_LANGUAGE = EU + "language/"

# IRI -> Swedish name, lower case as the other property names on pages (a table cell starts with it).
TERM_LABELS: dict[str, str] = {
    # SKOS properties the data uses that the site's own table of predicate names lacks
    SKOS + "related": "närliggande",
    SKOS + "scopeNote": "omfattning",
    SKOS + "historyNote": "historik",
    SKOS + "changeNote": "ändringsnotering",
    SKOS + "example": "exempel",
    SKOS + "closeMatch": "nära motsvarighet",
    SKOS + "broadMatch": "bredare motsvarighet",
    SKOS + "narrowMatch": "snävare motsvarighet",
    SKOS + "relatedMatch": "närliggande motsvarighet",
    SKOS + "memberList": "medlemmar i ordning",
    DCT + "issued": "utgiven",
    DCT + "modified": "ändrad",
    DCT + "created": "skapad",
    DCT + "license": "licens",
    DCT + "bibliographicCitation": "källhänvisning",
    DCT + "conformsTo": "följer",
    PROV + "generatedAtTime": "framtagen",
    PROV + "wasGeneratedBy": "skapad genom",
    "http://www.w3.org/2002/07/owl#sameAs": "samma som",
    "http://xmlns.com/foaf/0.1/homepage": "webbplats",
    "http://xmlns.com/foaf/0.1/page": "sida",
    "http://purl.org/linked-data/cube#dataSet": "datamängd",
    "http://purl.org/linked-data/cube#structure": "struktur",
    "http://purl.org/linked-data/cube#component": "komponent",
    SDMX + "dimension#refArea": "område",
    SDMX + "dimension#refPeriod": "period",
    SDMX + "dimension#sex": "kön",
    SDMX + "measure#obsValue": "värde",
    # classes (values of rdf:type)
    "http://data.europa.eu/m8g/PublicOrganisation": "offentlig organisation",
    ORG + "Organization": "organisation",
    ORG + "FormalOrganization": "formell organisation",
    ORG + "OrganizationalUnit": "organisatorisk enhet",
    "http://www.w3.org/ns/adms#Identifier": "identifierare",
    SKOS + "Concept": "begrepp",
    SKOS + "ConceptScheme": "begreppsschema",
    SKOS + "Collection": "samling",
    SKOS + "OrderedCollection": "ordnad samling",
    "http://www.w3.org/2008/05/skos-xl#Label": "etikett",
    ORG + "Membership": "medlemskap",
    DCT + "PeriodOfTime": "tidsperiod",
    "http://www.w3.org/2006/time#ProperInterval": "tidsintervall",
    "http://www.w3.org/ns/dcat#Dataset": "datamängd",
    "http://www.w3.org/ns/dcat#Distribution": "distribution",
    "http://www.w3.org/ns/dcat#Catalog": "katalog",
    "http://xmlns.com/foaf/0.1/Document": "dokument",
    "http://purl.org/linked-data/cube#Observation": "observation",
    "http://purl.org/linked-data/cube#DataSet": "datamängd (datakub)",
    "http://purl.org/linked-data/cube#DataStructureDefinition": "datastruktur",
    PROV + "Entity": "entitet",
    PROV + "Activity": "aktivitet",
    "http://metadata.un.org/sdg/ontology#Goal": "globalt mål",
    "http://metadata.un.org/sdg/ontology#Target": "delmål",
    "http://metadata.un.org/sdg/ontology#Indicator": "indikator",
}
_OWN = "def/kommunmal#"


@cache
def _datatype_labels() -> dict[str, str]:
    """{local name: Swedish rdfs:label} of the rdfs:Datatypes the ontology files (ontology/*.ttl) define."""
    graph = Graph()
    for path in sorted(resources.ontology_dir().glob("*.ttl")):
        # Any base will do: it only resolves the files' relative IRIs, and only the local names are kept.
        graph.parse(path, format="turtle", publicID="https://example.org/")
    found: dict[str, str] = {}
    for term in graph.subjects(RDF.type, RDFS.Datatype):
        for label in graph.objects(term, RDFS.label):
            if isinstance(label, Literal) and label.language == "sv":
                found[str(term).rsplit("#", 1)[-1]] = str(label)
    return found


def term_label(iri: object) -> str | None:
    """The Swedish name of `iri` (an IRI or URIRef) for a page: from TERM_LABELS, the catalog's EU concepts and
    languages (kommunmal.catalog_terms), or for one of kommunmal's
    datatypes (an IRI ending in "def/kommunmal#Name") the ontology's Swedish rdfs:label; None when neither has
    one. Reading the ontology files the first time may raise OSError or a Turtle syntax error from rdflib."""
    iri = str(iri)
    if iri in TERM_LABELS:
        return TERM_LABELS[iri]
    if iri in CONCEPTS:  # the EU and ADMS concepts the catalog uses, by their tables' Swedish labels
        return CONCEPTS[iri][2]
    if iri.startswith(EU_LANGUAGE) and iri[len(EU_LANGUAGE) :] in LANGUAGES:  # dct:language of texts: "svenska"
        return LANGUAGES[iri[len(EU_LANGUAGE) :]][1]
    head, _, name = iri.rpartition("#")
    if (head + "#").endswith(_OWN):
        return _datatype_labels().get(name)
    return None
