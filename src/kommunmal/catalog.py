"""The DCAT-AP-SE 3.0.1 catalog of a release: what dataportal.se (and through it data.europa.eu) harvests.

Every catalog, dataset, distribution, service, publisher and contact is an IRI (dataportal.se harvest rules).
Resource IRIs come from base_iri; the addresses a client fetches (downloadURL, endpointURL, homepage) from
public_url. Both go through Iris.
"""

from __future__ import annotations

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, GEO, OWL, RDF, RDFS, SKOS, XSD

from kommunmal.config import Settings
from kommunmal.formats import FORMATS
from kommunmal.iris import Iris
from kommunmal.release import DUMP_FORMATS, Release
from kommunmal.store import Store

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
MUNICIPALITY = "id/ostersund"
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

TITLE = {
    "sv": "Östersunds kommuns övergripande mål i budget 2024 som länkade data",
    "en": "Östersund Municipality's overarching goals in the 2024 budget as linked data",
}
DESCRIPTION = {
    "sv": "Kommunfullmäktiges åtta övergripande mål i Östersunds kommuns budget 2024 som en validerad kunskapsgraf: "
    "målformuleringar, de politiska texterna stycke för stycke, åtagandena i texterna och vilka mål de tjänar, "
    "ansvariga nämnder och bolag, kopplingar till FN:s globala mål och delmål (med belägg och uppgift om "
    "kopplingen är uttalad eller härledd) samt indikatorer från Kolada. Varje uppgift pekar på sitt ställe i "
    "källtexten.",
    "en": "The council's eight overarching goals in Östersund Municipality's 2024 budget as a validated knowledge "
    "graph: goal statements, the political texts paragraph by paragraph, the actions the texts contain and the "
    "goals they serve, responsible committees and companies, links to the UN Sustainable Development Goals and "
    "targets (with evidence, stated or inferred), and indicators from Kolada. Every fact points to its place "
    "in the source text.",
}
CATALOG_TITLE = {"sv": "Katalog: kommunmal", "en": "Catalogue: kommunmal"}
CATALOG_DESCRIPTION = {
    "sv": "Datamängder och tjänster som kommunmal publicerar om kommunala mål som länkade data.",
    "en": "Datasets and services that kommunmal publishes about municipal goals as linked data.",
}
KEYWORDS = {
    "sv": (
        "budget",
        "kommunala mål",
        "övergripande mål",
        "kommunfullmäktige",
        "Agenda 2030",
        "globala målen",
        "länkade data",
        "Östersund",
    ),
    "en": ("budget", "municipal goals", "Sustainable Development Goals", "linked data", "Östersund"),
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


def catalog_graph(settings: Settings, release: Release) -> Graph:
    """The dcat:Catalog for `release`: the goal dataset, one distribution per dump, and the SPARQL service."""
    iris = Iris(settings.base_iri)

    def url(iri: str) -> URIRef:
        return URIRef(iris.to_url(iri, settings.public_url))

    facts = _facts(settings, release)
    g = Graph()
    for prefix, ns in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("spdx", SPDX),
        ("dcatap", DCATAP),
        ("skos", SKOS),
        ("owl", OWL),
        ("adms", ADMS),
    ):
        g.bind(prefix, ns)
    catalog, dataset, service = URIRef(iris.catalog), URIRef(iris.dataset), URIRef(iris.sparql_service)
    publisher = URIRef(PUBLISHER_PATTERN.format(digits=facts["orgnr"].replace("-", "")))
    contact = URIRef(iris.contact_point)
    issued = Literal(facts["issued"], datatype=XSD.date)
    modified = Literal(facts["modified"], datatype=XSD.date)
    rights = URIRef(iris.dataset + "#rights")
    homepage = url(settings.base_iri)

    g.add((catalog, RDF.type, DCAT.Catalog))
    _text(g, catalog, DCTERMS.title, CATALOG_TITLE)
    _text(g, catalog, DCTERMS.description, CATALOG_DESCRIPTION)
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCTERMS.license, CC0))  # the metadata itself: DCAT-AP-SE requires CC0
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, DCTERMS.issued, issued))
    g.add((catalog, DCTERMS.modified, modified))
    g.add((catalog, FOAF.homepage, homepage))
    g.add((catalog, DCTERMS.spatial, SPATIAL))
    g.add((catalog, DCAT.themeTaxonomy, URIRef(EU + "data-theme")))
    for code in LANGUAGES:
        g.add((catalog, DCTERMS.language, URIRef(EU + "language/" + code)))

    g.add((dataset, RDF.type, DCAT.Dataset))
    _text(g, dataset, DCTERMS.title, TITLE)
    _text(g, dataset, DCTERMS.description, DESCRIPTION)
    g.add((dataset, DCTERMS.identifier, Literal(iris.dataset)))
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    for lang, words in KEYWORDS.items():
        for word in words:
            g.add((dataset, DCAT.keyword, Literal(word, lang=lang)))
    for theme in ("data-theme/GOVE", "data-theme/ECON"):
        g.add((dataset, DCAT.theme, URIRef(EU + theme)))
    for code in LANGUAGES:
        g.add((dataset, DCTERMS.language, URIRef(EU + "language/" + code)))
    g.add((dataset, DCTERMS.spatial, SPATIAL))
    period = URIRef(iris.dataset + "#period-2024")
    g.add((dataset, DCTERMS.temporal, period))
    g.add((period, RDF.type, DCTERMS.PeriodOfTime))
    g.add((period, DCAT.startDate, Literal("2024-01-01", datatype=XSD.date)))
    g.add((period, DCAT.endDate, Literal("2024-12-31", datatype=XSD.date)))
    g.add((dataset, DCTERMS.accrualPeriodicity, URIRef(EU + "frequency/ANNUAL")))
    g.add((dataset, DCTERMS.accessRights, URIRef(EU + "access-right/PUBLIC")))
    g.add((dataset, DCTERMS.conformsTo, URIRef(iris.ontology)))
    g.add((dataset, DCTERMS.issued, issued))
    g.add((dataset, DCTERMS.modified, modified))
    g.add((dataset, DCAT.landingPage, homepage))
    g.add((dataset, DCTERMS.rights, rights))
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    _text(g, rights, RDFS.label, RIGHTS)

    files = release.meta["files"]
    for name in DUMP_FORMATS:
        fmt = FORMATS[name]
        dist = URIRef(iris.distribution(fmt.extension))
        file_name = release.dump(name).name
        download = url(iris.dump(fmt.extension))
        g.add((dataset, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        _text(
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
        _text(
            g,
            dist,
            DCTERMS.description,
            {
                "sv": f"Nedladdningsfil {file_name} för release {release.id}, {what['sv']}.",
                "en": f"Download file {file_name} of release {release.id}, {what['en']}.",
            },
        )
        g.add((dist, DCAT.accessURL, download))
        g.add((dist, DCAT.downloadURL, download))
        g.add((dist, DCAT.mediaType, URIRef(IANA + fmt.media_type)))
        g.add((dist, DCTERMS.format, URIRef(fmt.eu_file_type)))
        g.add((dist, DCAT.byteSize, Literal(files[file_name]["bytes"], datatype=XSD.nonNegativeInteger)))
        checksum = URIRef(str(dist) + "#sha256")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SHA256))
        g.add((checksum, SPDX.checksumValue, Literal(files[file_name]["sha256"], datatype=XSD.hexBinary)))
        _distribution_common(g, dist, rights, issued, modified)

    sparql_dist = URIRef(iris.distribution("sparql"))
    g.add((dataset, DCAT.distribution, sparql_dist))
    g.add((sparql_dist, RDF.type, DCAT.Distribution))
    _text(
        g,
        sparql_dist,
        DCTERMS.title,
        {"sv": "Frågor mot kunskapsgrafen med SPARQL", "en": "Querying the knowledge graph with SPARQL"},
    )
    _text(
        g,
        sparql_dist,
        DCTERMS.description,
        {
            "sv": "Åtkomst till hela kunskapsgrafen genom SPARQL-endpointen; svar som SPARQL JSON, XML, CSV eller TSV.",
            "en": "Access to the whole knowledge graph through the SPARQL endpoint; answers as SPARQL JSON, XML, "
            "CSV or TSV.",
        },
    )
    g.add((sparql_dist, DCAT.accessURL, url(iris.sparql)))
    g.add((sparql_dist, DCAT.accessService, service))
    g.add((sparql_dist, DCTERMS.format, SPARQL_QUERY_FILE_TYPE))
    g.add((sparql_dist, DCAT.mediaType, SPARQL_RESULTS_MEDIA_TYPE))
    _distribution_common(g, sparql_dist, rights, issued, modified)

    g.add((service, RDF.type, DCAT.DataService))
    _text(g, service, DCTERMS.title, SERVICE_TITLE)
    _text(g, service, DCTERMS.description, SERVICE_DESCRIPTION)
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

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, RDF.type, FOAF.Organization))
    g.add((publisher, FOAF.name, Literal(facts["name_sv"], lang="sv")))
    if facts.get("name_en"):
        g.add((publisher, FOAF.name, Literal(facts["name_en"], lang="en")))
    g.add((publisher, DCTERMS.type, ADMS_PUBTYPE.LocalAuthority))
    g.add((publisher, DCTERMS.identifier, Literal(facts["orgnr"])))
    _text(
        g, publisher, DCTERMS.description, {"sv": "Kommun i Jämtlands län.", "en": "Municipality in Jämtland County."}
    )
    g.add((publisher, FOAF.homepage, MUNICIPALITY_HOMEPAGE))
    g.add((publisher, OWL.sameAs, URIRef(settings.base_iri + MUNICIPALITY)))

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

    _types_of_values(g, iris, homepage)
    return g


def _distribution_common(g: Graph, dist: URIRef, rights: URIRef, issued: Literal, modified: Literal) -> None:
    g.add((dist, DCTERMS.license, CC0))
    g.add((dist, DCTERMS.rights, rights))
    g.add((dist, DCATAP.availability, URIRef(EU + "planned-availability/STABLE")))
    g.add((dist, ADMS.status, URIRef(EU + "distribution-status/COMPLETED")))
    g.add((dist, DCTERMS.issued, issued))
    g.add((dist, DCTERMS.modified, modified))


def _types_of_values(g: Graph, iris: Iris, homepage: URIRef) -> None:
    """Type the values we point at with the classes DCAT-AP expects (so a client need not fetch them)."""
    g.add((CC0, RDF.type, DCTERMS.LicenseDocument))
    g.add((CC0, RDFS.label, Literal("CC0 1.0 Universal", lang="en")))
    g.add((CC0, DCTERMS.type, ADMS_LICTYPE.PublicDomain))
    g.add((URIRef(EU + "access-right/PUBLIC"), RDF.type, DCTERMS.RightsStatement))
    g.add((SPATIAL, RDF.type, DCTERMS.Location))
    g.add((SPATIAL, RDFS.label, Literal("Östersunds kommun", lang="sv")))
    g.add((SPATIAL, DCAT.centroid, Literal(CENTROID, datatype=GEO.wktLiteral)))
    g.add((URIRef(iris.ontology), RDF.type, DCTERMS.Standard))
    g.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))
    g.add((homepage, RDF.type, FOAF.Document))
    g.add((MUNICIPALITY_HOMEPAGE, RDF.type, FOAF.Document))
    g.add((URIRef(EU + "frequency/ANNUAL"), RDF.type, DCTERMS.Frequency))
    for code, (en, sv) in LANGUAGES.items():
        lang = URIRef(EU + "language/" + code)
        g.add((lang, RDF.type, DCTERMS.LinguisticSystem))
        _text(g, lang, RDFS.label, {"en": en, "sv": sv})
    for iri, (scheme, en, sv) in CONCEPTS.items():
        g.add((URIRef(iri), RDF.type, SKOS.Concept))
        g.add((URIRef(iri), SKOS.inScheme, URIRef(scheme)))
        _text(g, URIRef(iri), SKOS.prefLabel, {"en": en, "sv": sv})
    for iri, (en, sv) in SCHEMES.items():
        g.add((URIRef(iri), RDF.type, SKOS.ConceptScheme))
        _text(g, URIRef(iri), DCTERMS.title, {"en": en, "sv": sv})
    for fmt_iri in {FORMATS[n].eu_file_type for n in DUMP_FORMATS} | {str(SPARQL_QUERY_FILE_TYPE)}:
        g.add((URIRef(fmt_iri), RDF.type, DCTERMS.MediaTypeOrExtent))
    for media in [*(FORMATS[n].media_type for n in DUMP_FORMATS), "application/sparql-results+json"]:
        g.add((URIRef(IANA + media), RDF.type, DCTERMS.MediaType))
    g.add((SHA256, RDF.type, SPDX.ChecksumAlgorithm))
    g.add((SHA256, OWL.sameAs, SPDX.checksumAlgorithm_sha256))


def _text(g: Graph, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    for lang, text in texts.items():
        g.add((subject, predicate, Literal(text, lang=lang)))


def _facts(settings: Settings, release: Release) -> dict[str, str]:
    """What the catalog takes from the release itself: the publisher's name and number, and the dates."""
    store = Store(release.store_path)
    municipality = settings.base_iri + MUNICIPALITY
    facts = {"modified": release.meta["created"][:10], "issued": release.meta["created"][:10]}
    rows = store.query(f"""
        PREFIX skos: <{SKOS}> PREFIX dct: <{DCTERMS}>
        SELECT ?name ?lang ?orgnr WHERE {{
          <{municipality}> skos:prefLabel ?name ; dct:identifier ?orgnr .
          FILTER(DATATYPE(?orgnr) = <{settings.vocab}Organisationsnummer>)
          BIND(LANG(?name) AS ?lang)
        }}""")
    for row in rows:
        facts["orgnr"] = row["orgnr"].value
        facts["name_" + row["lang"].value] = row["name"].value
    if "orgnr" not in facts or "name_sv" not in facts:
        raise ValueError(f"<{municipality}> has no Swedish skos:prefLabel or organisation number in the release")
    # The dataset was first issued with the vocabulary; the release date says when the data last changed.
    for row in store.query(f"SELECT ?d WHERE {{ <{Iris(settings.base_iri).ontology}> <{DCTERMS.issued}> ?d }}"):
        facts["issued"] = min(facts["issued"], row["d"].value)
    return facts
