"""Publishers in the catalog: a municipality as dataportal.se wants it (foaf:Agent by organisation number).

dataportal.se identifies a public body as `http://dataportal.se/organisation/SE<10-digit organisationsnummer>`
(DCAT-AP-SE docs/harvesting.md, see notes/dcat.md §2). Where the data has no organisation number for a
municipality, its own IRI in the data is the agent.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, RDF

from kommunmal.catalog_terms import ADMS_PUBTYPE, PUBLISHER_PATTERN, text
from kommunmal.sparql_source import SparqlSource, query_text, with_values


@dataclass(frozen=True)
class Publisher:
    """An organisation as a catalog publisher: `iri` (dataportal.se form where `orgnr` is known), the
    organisation's IRI in the data (`same_as`), its names by language tag, and its organisation number."""

    iri: str
    same_as: str
    names: dict[str, str]
    orgnr: str | None


def publishers(source: SparqlSource, orgs: list[str]) -> dict[str, Publisher]:
    """Publisher facts for the organisation IRIs `orgs` (query catalog_publisher.rq); unknown IRIs are left out."""
    if not orgs:
        return {}
    values = " ".join(f"<{o}>" for o in sorted(set(orgs)))
    sparql = with_values(query_text("catalog_publisher", source.vocab), f"VALUES ?org {{ {values} }}")
    names: dict[str, dict[str, str]] = {}
    numbers: dict[str, str] = {}
    for row in source.select_text(sparql):
        names.setdefault(row["org"], {})[row.get("lang") or ""] = row["name"]
        if row.get("orgnr"):
            numbers[row["org"]] = row["orgnr"]
    found = {}
    for org, by_lang in names.items():
        orgnr = numbers.get(org)
        iri = PUBLISHER_PATTERN.format(digits=orgnr.replace("-", "")) if orgnr else org
        found[org] = Publisher(iri, org, by_lang, orgnr)
    return found


def add_publisher(g: Graph, publisher: Publisher, homepage: URIRef | None = None) -> URIRef:
    """Describe `publisher` in `g` as DCAT-AP-SE 3.0.1 asks (foaf:Agent, name, LocalAuthority type); its IRI."""
    agent = URIRef(publisher.iri)
    g.add((agent, RDF.type, FOAF.Agent))
    g.add((agent, RDF.type, FOAF.Organization))
    for lang in ("sv", "en"):
        if publisher.names.get(lang):
            g.add((agent, FOAF.name, Literal(publisher.names[lang], lang=lang)))
    g.add((agent, DCTERMS.type, ADMS_PUBTYPE.LocalAuthority))
    if publisher.orgnr:
        g.add((agent, DCTERMS.identifier, Literal(publisher.orgnr)))
    if publisher.iri != publisher.same_as:
        g.add((agent, OWL.sameAs, URIRef(publisher.same_as)))
    name = publisher.names.get("sv", "")
    text(
        g,
        agent,
        DCTERMS.description,
        {"sv": f"{name}, utgivare av måldokumenten.", "en": "Publisher of the goal documents."},
    )
    if homepage is not None:
        g.add((agent, FOAF.homepage, homepage))
        g.add((homepage, RDF.type, FOAF.Document))
    return agent
