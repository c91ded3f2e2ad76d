"""The one format table: HTTP content negotiation, CLI --format, release dumps and the catalog all read it.

>>> FORMATS["turtle"].media_type
'text/turtle'
>>> by_extension("nq").name
'nquads'
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    kind: str  # "graph", "dataset", "results", "html"
    rdflib: str | None = None  # rdflib serializer name
    eu_file_type: str | None = None  # http://publications.europa.eu/resource/authority/file-type/...
    w3c_iri: str | None = None  # http://www.w3.org/ns/formats/...
    label: str = ""
    aliases: tuple[str, ...] = ()


_FT = "http://publications.europa.eu/resource/authority/file-type/"
_W3 = "http://www.w3.org/ns/formats/"

FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format(
            "turtle",
            "text/turtle",
            "ttl",
            "graph",
            "turtle",
            _FT + "RDF_TURTLE",
            _W3 + "Turtle",
            "Turtle",
            ("application/x-turtle",),
        ),
        Format(
            "ntriples",
            "application/n-triples",
            "nt",
            "graph",
            "nt",
            _FT + "RDF_N_TRIPLES",
            _W3 + "N-Triples",
            "N-Triples",
            ("text/plain",),
        ),
        Format(
            "jsonld",
            "application/ld+json",
            "jsonld",
            "graph",
            "json-ld",
            _FT + "JSON_LD",
            _W3 + "JSON-LD",
            "JSON-LD",
            # JSON-LD 1.1 §C: a JSON-LD document is also served to clients that ask for plain JSON.
            ("application/json",),
        ),
        Format(
            "rdfxml",
            "application/rdf+xml",
            "rdf",
            "graph",
            "xml",
            _FT + "RDF_XML",
            _W3 + "RDF_XML",
            "RDF/XML",
            ("application/xml",),
        ),
        Format("trig", "application/trig", "trig", "dataset", "trig", _FT + "RDF_TRIG", _W3 + "TriG", "TriG"),
        Format(
            "nquads", "application/n-quads", "nq", "dataset", "nquads", _FT + "RDF_N_QUADS", _W3 + "N-Quads", "N-Quads"
        ),
        Format(
            "srj",
            "application/sparql-results+json",
            "srj",
            "results",
            "json",
            _FT + "JSON",
            _W3 + "SPARQL_Results_JSON",
            "SPARQL JSON",
            ("application/json",),
        ),
        Format(
            "srx",
            "application/sparql-results+xml",
            "srx",
            "results",
            "xml",
            _FT + "XML",
            _W3 + "SPARQL_Results_XML",
            "SPARQL XML",
            ("application/xml",),
        ),
        Format("csv", "text/csv", "csv", "results", "csv", _FT + "CSV", _W3 + "SPARQL_Results_CSV", "CSV"),
        Format(
            "tsv", "text/tab-separated-values", "tsv", "results", "tsv", _FT + "TSV", _W3 + "SPARQL_Results_TSV", "TSV"
        ),
        Format("html", "text/html", "html", "html", None, _FT + "HTML", None, "HTML", ("application/xhtml+xml",)),
    )
}

# A page's or listing's own JSON form (its view data), where the resource is not RDF.
JSON_VIEW = Format("json", "application/json", "json", "view", label="JSON")

RDF_GRAPH_FORMATS = tuple(f for f in FORMATS.values() if f.kind == "graph")
RDF_DATASET_FORMATS = tuple(f for f in FORMATS.values() if f.kind == "dataset")
RESULT_FORMATS = tuple(f for f in FORMATS.values() if f.kind == "results")


def by_extension(extension: str) -> Format:
    for f in FORMATS.values():
        if f.extension == extension.lstrip("."):
            return f
    raise KeyError(extension)


def by_media_type(media_type: str) -> Format | None:
    media_type = media_type.split(";")[0].strip().lower()
    for f in FORMATS.values():
        if media_type == f.media_type or media_type in f.aliases:
            return f
    return None


def by_parameter(value: str, offered: tuple[Format, ...] | list[Format]) -> Format | None:
    """The offered format a `format` query parameter names: by name ("turtle"), extension ("ttl"), media type or
    alias; the words "json" and "xml" name the first offered format whose media type is JSON or XML (JSON-LD and
    RDF/XML among RDF formats). None when no offered format fits (the caller answers 406 with the offered list).

    >>> by_parameter("json", RDF_GRAPH_FORMATS).name
    'jsonld'
    """
    value = value.strip().lower()
    for f in offered:
        if value in (f.name, f.extension, f.media_type, *f.aliases):
            return f
    if value in ("json", "xml"):
        return next((f for f in offered if f.media_type.endswith(("/" + value, "+" + value))), None)
    return None


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, highest q first (stable for equal q)."""
    if not header:
        return []
    ranges: list[tuple[str, float, int]] = []
    for index, part in enumerate(header.split(",")):
        fields = [p.strip() for p in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            if param.lower().startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((media, q, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges]


def negotiate(header: str | None, offered: tuple[Format, ...] | list[Format], default: Format) -> Format | None:
    """The offered format the Accept header prefers; `default` when there is no header or only */*.

    Returns None when the header accepts none of the offered formats (the caller answers 406).
    """
    ranges = parse_accept(header)
    if not ranges:
        return default
    best: tuple[float, int, Format] | None = None
    for order, fmt in enumerate(offered):
        q = _quality(ranges, fmt)
        # Among equal q, the server's order of preference (offered) decides, default first.
        rank = -1 if fmt == default else order
        if q > 0 and (best is None or q > best[0] or (q == best[0] and rank < best[1])):
            best = (q, rank, fmt)
    return best[2] if best else None


def _quality(ranges: list[tuple[str, float]], fmt: Format) -> float:
    names = (fmt.media_type, *fmt.aliases)
    kind = fmt.media_type.split("/")[0]
    specific = [q for m, q in ranges if m in names]
    if specific:
        return max(specific)
    partial = [q for m, q in ranges if m == f"{kind}/*"]
    if partial:
        return max(partial)
    return max((q for m, q in ranges if m == "*/*"), default=0.0)
