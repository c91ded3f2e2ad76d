"""The fixed parts of the catalog: namespaces, controlled-vocabulary concepts with their labels, the texts that
describe the whole knowledge graph and its service, and the facts about Östersund the catalog states.

Sources of each fact are given beside it; catalog.py assembles the catalog from these.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SKOS, XSD

from kommunmal.formats import FORMATS
from kommunmal.iris import Iris

DUMP_FORMAT_NAMES = ("trig", "nquads", "turtle", "ntriples", "jsonld")

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
ADMS = Namespace("http://www.w3.org/ns/adms#")
ADMS_PUBTYPE = Namespace("http://purl.org/adms/publishertype/")
ADMS_LICTYPE = Namespace("http://purl.org/adms/licencetype/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

CC0 = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
SPARQL_QUERY_FILE_TYPE = URIRef(EU + "file-type/SPARQLQ")
SPARQL_RESULTS_MEDIA_TYPE = URIRef(IANA + "application/sparql-results+json")
# GeoNames id of Östersunds kommun, from the Wikipedia infobox only: UNVERIFIED on geonames.org itself.
SPATIAL = URIRef("https://sws.geonames.org/2685747/")
# The municipality's coordinates as the same infobox gives them (63°11′N 14°40′E).
CENTROID = "POINT(14.666667 63.183333)"
# The municipality's switchboard and postal address, as printed on ostersund.se
# (http://www.ostersund.se/omostersund/inenglish/economics.4.1fb865ac11a6cbd5d2080001939.html).
TELEPHONE = URIRef("tel:+46-63-143000")
POSTAL_CODE, LOCALITY = "831 82", "Östersund"
MUNICIPALITY_HOMEPAGE = URIRef("https://www.ostersund.se/")
PUBLISHER_PATTERN = "http://dataportal.se/organisation/SE{digits}"

# DCAT-AP 3.0.1's controlled-vocabulary shape expects the SPDX algorithm IRI in https form, while SPDX 2.3 names
# it with http; we publish the form the EU validator accepts and state that it is the same as the SPDX term.
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")

# The controlled-vocabulary concepts we use, with labels as their tables give them: IRI -> (scheme, en, sv).
CONCEPTS: dict[str, tuple[str, str, str]] = {
    EU + "data-theme/GOVE": (
        EU + "data-theme",
        "Government and public sector",
        "Regeringen och den offentliga sektorn",
    ),
    EU + "data-theme/ECON": (EU + "data-theme", "Economy and finance", "Ekonomi och finans"),
    EU + "access-right/PUBLIC": (EU + "access-right", "public", "offentligt"),
    EU + "frequency/ANNUAL": (EU + "frequency", "annual", "årlig"),
    EU + "planned-availability/STABLE": (EU + "planned-availability", "stable", "stabil"),
    EU + "distribution-status/COMPLETED": (EU + "distribution-status", "completed", "färdig"),
    str(ADMS_PUBTYPE.LocalAuthority): (ADMS_PUBTYPE + "1.0", "Local Authority", "kommunal myndighet"),
    str(ADMS_LICTYPE.PublicDomain): (ADMS_LICTYPE + "1.0", "Public domain", "allmän egendom"),
}
SCHEMES: dict[str, tuple[str, str]] = {
    EU + "data-theme": ("Data theme", "Datatema"),
    EU + "access-right": ("Access right", "Åtkomsträttighet"),
    EU + "frequency": ("Frequency", "Frekvens"),
    EU + "planned-availability": ("Planned availability", "Planerad tillgänglighet"),
    EU + "distribution-status": ("Distribution status", "Distributionsstatus"),
    ADMS_PUBTYPE + "1.0": ("Publisher type", "Utgivartyp"),
    ADMS_LICTYPE + "1.0": ("Licence type", "Licenstyp"),
}
LANGUAGES = {"SWE": ("Swedish", "svenska"), "ENG": ("English", "engelska")}

CATALOG_TITLE = {"sv": "Katalog: kommunmal", "en": "Catalogue: kommunmal"}
CATALOG_DESCRIPTION = {
    "sv": "Datamängder och tjänster som kommunmal publicerar om kommunala mål som länkade data.",
    "en": "Datasets and services that kommunmal publishes about municipal goals as linked data.",
}
SERVICE_TITLE = {"sv": "SPARQL-endpoint för kommunmal", "en": "SPARQL endpoint for kommunmal"}
SERVICE_DESCRIPTION = {
    "sv": "Skrivskyddad SPARQL 1.1-endpoint över hela kunskapsgrafen; standardgrafen är unionen av de namngivna "
    "graferna. Anrop utan fråga ger en tjänstebeskrivning (SPARQL 1.1 Service Description).",
    "en": "Read-only SPARQL 1.1 endpoint over the whole knowledge graph; the default graph is the union of the named "
    "graphs. A request without a query returns a SPARQL 1.1 Service Description.",
}
SDG_CITATION = (
    "Amit Joshi, Luis Gonzalez Morales, Szymon Klarman, and Aaron Helton. 2019. A Knowledge Organization System for "
    "the United Nations Sustainable Development Goals. New York, NY. http://metadata.un.org/sdg"
)
RIGHTS = {
    "sv": "Uppgifterna är fria att använda (CC0). Dumparna innehåller också FN:s SDG-KOS, som får spridas fritt med "
    "källhänvisningen: " + SDG_CITATION,
    "en": "The data is free to use (CC0). The dumps also contain the UN SDG KOS, which may be distributed freely "
    "with the citation: " + SDG_CITATION,
}


def types_of_values(g: Graph, iris: Iris, homepage: URIRef) -> None:
    """Type the values we point at with the classes DCAT-AP expects (so a client need not fetch them)."""
    g.add((CC0, RDF.type, DCTERMS.LicenseDocument))
    g.add((CC0, RDFS.label, Literal("CC0 1.0 Universal", lang="en")))
    g.add((CC0, DCTERMS.type, ADMS_LICTYPE.PublicDomain))
    g.add((URIRef(EU + "access-right/PUBLIC"), RDF.type, DCTERMS.RightsStatement))
    g.add((URIRef(iris.ontology), RDF.type, DCTERMS.Standard))
    g.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    g.add((homepage, RDF.type, FOAF.Document))
    g.add((MUNICIPALITY_HOMEPAGE, RDF.type, FOAF.Document))
    g.add((URIRef(EU + "frequency/ANNUAL"), RDF.type, DCTERMS.Frequency))
    for code, (en, sv) in LANGUAGES.items():
        lang = URIRef(EU + "language/" + code)
        g.add((lang, RDF.type, DCTERMS.LinguisticSystem))
        text(g, lang, RDFS.label, {"en": en, "sv": sv})
    for iri, (scheme, en, sv) in CONCEPTS.items():
        g.add((URIRef(iri), RDF.type, SKOS.Concept))
        g.add((URIRef(iri), SKOS.inScheme, URIRef(scheme)))
        text(g, URIRef(iri), SKOS.prefLabel, {"en": en, "sv": sv})
    for iri, (en, sv) in SCHEMES.items():
        g.add((URIRef(iri), RDF.type, SKOS.ConceptScheme))
        text(g, URIRef(iri), DCTERMS.title, {"en": en, "sv": sv})
    for fmt_iri in {FORMATS[n].eu_file_type for n in DUMP_FORMAT_NAMES} | {str(SPARQL_QUERY_FILE_TYPE)}:
        g.add((URIRef(fmt_iri), RDF.type, DCTERMS.MediaTypeOrExtent))
    for media in [*(FORMATS[n].media_type for n in DUMP_FORMAT_NAMES), "application/sparql-results+json"]:
        g.add((URIRef(IANA + media), RDF.type, DCTERMS.MediaType))
    g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((SHA256, OWL.sameAs, SPDX.checksumAlgorithm_sha256))


def add_file(g: Graph, dist: URIRef, fmt, download: URIRef, size: int, sha256: str) -> None:
    """What a download distribution says of its file: access and download URL, IANA media type, EU file type,
    byte size and an SPDX SHA-256 checksum (`fmt`: an entry of kommunmal.formats.FORMATS)."""
    g.add((dist, DCAT.accessURL, download))
    g.add((dist, DCAT.downloadURL, download))
    g.add((dist, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
    g.add((dist, DCTERMS["format"], URIRef(fmt.eu_file_type)))
    g.add((URIRef(fmt.eu_file_type), RDF.type, DCTERMS.MediaTypeOrExtent))
    g.add((URIRef(IANA + fmt.media_type), RDF.type, DCTERMS.MediaType))
    g.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger)))
    checksum = URIRef(str(dist) + "#sha256")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, SHA256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def text(g: Graph, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        g.add((subject, predicate, Literal(text, lang=lang)))


# Where a municipality lies, by kommunkod: (GeoNames IRI, centroid as WKT). Östersund's GeoNames id and coordinates
# are from the Wikipedia infobox only (UNVERIFIED on geonames.org). Other municipalities get no dct:spatial until a
# sourced id is added here.
SPATIAL_BY_KOMMUNKOD: dict[str, tuple[str, str]] = {"2380": (str(SPATIAL), CENTROID)}
