"""The formats /sparql answers in: which are offered for results and for graphs, the `format` parameter's words,
HTML for browsers, the 406 message and the Content-Type header of each format (kommunmal.formats is the table)."""

from __future__ import annotations

from functools import cache

from kommunmal.formats import FORMATS, RDF_GRAPH_FORMATS, RESULT_FORMATS, Format, by_media_type, negotiate
from kommunmal.query import GRAPH_FORMATS, RESULTS_FORMATS

HTML = FORMATS["html"]
OFFERED_RESULTS = tuple(f for f in RESULT_FORMATS if f.name in RESULTS_FORMATS)
OFFERED_GRAPHS = tuple(f for f in RDF_GRAPH_FORMATS if f.name in GRAPH_FORMATS)
_TEXT_TYPES = ("text/", "application/sparql-results+xml", "application/rdf+xml", "application/n-triples")

# Values of the `format` parameter that clients send (SPARQLWrapper sends format=json, format=xml, …):
# the format for results and the format for graphs each value stands for.
_FORMAT_WORDS: dict[str, tuple[str | None, str | None]] = {
    "json": ("srj", "jsonld"),
    "application/json": ("srj", "jsonld"),
    "xml": ("srx", "rdfxml"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "nt": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "rdf": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
    "json-ld": (None, "jsonld"),
}


def format_parameter(value: str) -> tuple[Format | None, Format | None] | None:
    """The (results, graph) formats a `format` parameter asks for; None for a value it does not know."""
    value = value.strip().lower()
    if value in _FORMAT_WORDS:
        results, graph = _FORMAT_WORDS[value]
        return (FORMATS[results] if results else None, FORMATS[graph] if graph else None)
    fmt = FORMATS.get(value) or by_media_type(value)
    if fmt is None or fmt.name not in (*RESULTS_FORMATS, *GRAPH_FORMATS):
        return None
    return (fmt, None) if fmt.name in RESULTS_FORMATS else (None, fmt)


def prefers_html(accept: str | None) -> Format | None:
    """HTML when the client ranks it above every SPARQL format (browsers do; SPARQL clients do not)."""
    if not accept or "html" not in accept:
        return None
    best = negotiate(accept, (HTML, *OFFERED_RESULTS, *OFFERED_GRAPHS), FORMATS["srj"])
    return HTML if best is HTML else None


def not_acceptable(kind: str | None) -> str:
    """The 406 message for a query of `kind` ("results", "graph", None when unknown): the media types offered."""
    offered = (
        OFFERED_GRAPHS
        if kind == "graph"
        else OFFERED_RESULTS
        if kind == "results"
        else (*OFFERED_RESULTS, *OFFERED_GRAPHS)
    )
    types = ", ".join(f.media_type for f in offered)
    words = ", ".join(_WORDS[f.name] for f in offered if f.name in _WORDS)
    what_sv = {
        "graph": "Svaret på en graffråga (CONSTRUCT, DESCRIBE)",
        "results": "Svaret på en SELECT- eller ASK-fråga",
    }.get(kind, "Svaret")
    return (
        f"406 Inte godtagbart: {what_sv} finns som {types} (Accept) eller med ?format= {words}.\n"
        f"406 Not Acceptable: none of the accepted media types can be produced; offered: {types} (Accept), "
        f"or ?format= {words}.\n"
    )


# The word of each offered format for the `format` parameter, as the 406 names it (format_parameter takes them).
_WORDS = {"srj": "json", "srx": "xml", "csv": "csv", "tsv": "tsv"} | {f.name: f.name for f in RDF_GRAPH_FORMATS}


@cache
def content_type_of(fmt: Format) -> bytes:
    """The Content-Type header value for `fmt`, with "; charset=utf-8" on text and JSON types."""
    text = fmt.media_type.startswith(_TEXT_TYPES) or fmt.media_type.endswith("json")
    return (fmt.media_type + ("; charset=utf-8" if text else "")).encode()
