"""The prefixes /sparql declares for every query, as public endpoints commonly do (Virtuoso, Wikidata).

A query may use `km:Goal` without writing `PREFIX km: <…>`; a PREFIX the query declares itself wins (the engine
reads the query's own declarations after these). The query text is not changed: the prefixes go to the engine as
a separate argument (pyoxigraph's `prefixes=`), so answer caches and ETags keep the query as it was sent. The
service description lists them with `sh:declare` (SHACL 1.0 §5.2.1, the form SPARQL-based tools read).
"""

from __future__ import annotations

# Namespaces of other vocabularies the data uses, by their usual prefix (prefix.cc).
COMMON: dict[str, str] = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "skosxl": "http://www.w3.org/2008/05/skos-xl#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "cv": "http://data.europa.eu/m8g/",
    "adms": "http://www.w3.org/ns/adms#",
    "dqv": "http://www.w3.org/ns/dqv#",
    "qb": "http://purl.org/linked-data/cube#",
    "time": "http://www.w3.org/2006/time#",
    "sh": "http://www.w3.org/ns/shacl#",
    "sdg": "http://metadata.un.org/sdg/",
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "vann": "http://purl.org/vocab/vann/",
}


def standard_prefixes(base_iri: str) -> dict[str, str]:
    """{prefix: namespace IRI} predeclared for queries of a deployment whose IRIs start with `base_iri`
    (e.g. "https://w3id.org/kommunmal/"): the project's own km: (vocabulary), kms: (shapes), kmc: (change
    vocabulary), then COMMON. Same namespaces as ontology/*.ttl and shapes/*.ttl declare."""
    own = {
        "km": base_iri + "def/kommunmal#",
        "kms": base_iri + "def/kommunmal/shapes#",
        "kmc": base_iri + "def/changes#",
    }
    return own | COMMON


def prologue(prefixes: dict[str, str] | tuple[tuple[str, str], ...]) -> str:
    """The PREFIX lines declaring `prefixes`, all on one line ending in a newline (for engines without a
    prefixes argument: the query's line numbers then shift by exactly one)."""
    pairs = prefixes.items() if isinstance(prefixes, dict) else prefixes
    return " ".join(f"PREFIX {name}: <{iri}>" for name, iri in pairs) + "\n"
