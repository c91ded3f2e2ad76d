"""SPARQL queries for a public, read-only endpoint: what a query is, and its evaluation.

* `inspect(query)`: what a query is and whether it may run (no SERVICE, no update), decided before any
  evaluation by a scanner that skips strings, IRIs, comments, variables and local names.
* `execute(store, request, max_rows)`: evaluate one query on a pyoxigraph store and serialize the result,
  cut at `max_rows`. Used by the workers (kommunmal.query_worker), by the pool's in-process path
  (kommunmal.query_pool), by kommunmal.store_remote and directly by tests.
* The `QueryError` family: every way a query goes unanswered, each with the HTTP status the web layer gives it.

The default graph is the union of the named graphs unless the query (FROM / FROM NAMED, resolved inside the
store) or the protocol request (default-graph-uri / named-graph-uri, which take precedence) names a dataset.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from kommunmal import rdfxml
from kommunmal.errors import KommunmalError
from kommunmal.query_errors import readable
from kommunmal.query_guard import refuse_service, unescape
from kommunmal.query_prefixes import prologue

# Format names of formats.FORMATS that a query result can be written in.
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "srj": ox.QueryResultsFormat.JSON,
    "srx": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# Fewest bytes one solution can take in each format: below max_rows * this there is nothing to cut.
_MIN_ROW_BYTES = {"srj": 3, "srx": 17, "csv": 2, "tsv": 1}

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


# --- errors -------------------------------------------------------------------------------------------------


class QueryError(KommunmalError):
    """A query that was not answered; `status` is the HTTP status the web layer answers with."""

    status = 500


class QueryRefused(QueryError):
    """The query asks for something this endpoint never does (SERVICE, an update operation)."""

    status = 400


class QuerySyntaxError(QueryError):
    """The parser's message, with line and column."""

    status = 400


class NotAcceptable(QueryError):
    """The result cannot be given in any format the client accepts."""

    status = 406


class QueryTimeout(QueryError):
    """The query ran past its time limit; its worker was killed."""

    status = 503


class Overloaded(QueryError):
    """No worker became free in time."""

    status = 503


class QueryFailed(QueryError):
    """The evaluation failed for a reason of its own (an engine error)."""

    status = 500


class QueryTooLarge(QueryError):
    """The query needed more memory than a worker may use; its worker stopped and was replaced. Like the time
    limit, a per-query resource limit: 503, and the message says to narrow the query."""

    status = 503


# --- inspection ---------------------------------------------------------------------------------------------

# One pass, left to right, with the same token boundaries as the SPARQL grammar for everything that can hide
# text: comments, strings, IRIs, variables, prefixed names (the local part may contain escaped '#', quotes),
# language tags. What remains are keywords, punctuation and numbers. Names take any Unicode letter, as the
# grammar's PN_CHARS do: with ASCII letters only, ?äFROM was read as ?ä and the keyword FROM.
_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\.)*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+)
  | (?P<pname>(?P<prefix>[^\W\d_][\w.\-\u00b7\u0300-\u036f\u203f\u2040]*)?
               :(?:(?:[\w:\u00b7\u0300-\u036f\u203f\u2040]|\\.|%[0-9A-Fa-f]{2})
                  (?:[\w\-:\u00b7\u0300-\u036f\u203f\u2040]|\\.|%[0-9A-Fa-f]{2})*)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<escape>\\.)
  | (?P<word>[^\W\d_]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class QueryInfo:
    """What `inspect` found: the query form and whether the query names its own dataset."""

    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None when the scanner cannot tell (syntax errors)
    has_dataset: bool  # FROM or FROM NAMED in the query

    @property
    def kind(self) -> str | None:
        """'results' for SELECT/ASK, 'graph' for CONSTRUCT/DESCRIBE."""
        if self.form is None:
            return None
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"


def inspect(query: str) -> QueryInfo:
    """Classify a query; raise QueryRefused for SERVICE (federation) and for update operations."""
    refuse_service(query, QueryRefused)  # on the parser's view of the query: kommunmal.query_guard
    info = _scan(query)
    unescaped = unescape(query)
    if unescaped != query:
        # Codepoint escapes may stand anywhere in a SPARQL 1.1 query; refuse what the unescaped text hides too.
        _scan(unescaped)
    return info


def _scan(query: str) -> QueryInfo:
    form: str | None = None
    has_dataset = False
    for match in _TOKENS.finditer(query):
        if match.lastgroup != "word":
            continue
        word = match.group().upper()
        if form is None and word not in ("BASE", "PREFIX"):
            if word in UPDATE_KEYWORDS:
                raise QueryRefused(
                    f"Uppdateringar tas inte emot: {word} är en uppdateringsoperation och ändpunkten är "
                    f"skrivskyddad; den besvarar bara frågor (SELECT, ASK, CONSTRUCT, DESCRIBE).\n"
                    f"Updates are not accepted: {word} is an update operation and this endpoint is read-only; "
                    f"it answers queries only (SELECT, ASK, CONSTRUCT, DESCRIBE)."
                )
            form = word if word in QUERY_FORMS else ""
        elif word == "FROM":
            has_dataset = True
    return QueryInfo(form or None, has_dataset)


# --- execution ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryRequest:
    """One query to run; hashable, so it is also the result cache key."""

    query: str
    results_format: str | None = "srj"  # format for SELECT/ASK, None if the client accepts none
    graph_format: str | None = "turtle"  # format for CONSTRUCT/DESCRIBE, None if the client accepts none
    default_graphs: tuple[str, ...] | None = None  # protocol dataset: default-graph-uri
    named_graphs: tuple[str, ...] | None = None  # protocol dataset: named-graph-uri
    use_query_dataset: bool = False  # the query has FROM / FROM NAMED
    base_iri: str | None = None
    # Predeclared (prefix, namespace) pairs (kommunmal.query_prefixes); the query's own PREFIX wins.
    prefixes: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> bytes:
        """UTF-8 JSON array of the fields, in order: what a worker reads (`from_json`) and what ETags hash."""
        return json.dumps(
            [
                self.query,
                self.results_format,
                self.graph_format,
                self.default_graphs,
                self.named_graphs,
                self.use_query_dataset,
                self.base_iri,
                self.prefixes,
            ],
            ensure_ascii=False,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> QueryRequest:
        """The request `to_json` wrote; raises ValueError or TypeError for other bytes."""
        q, rf, gf, dg, ng, uqd, base, prefixes = json.loads(data)
        return cls(
            q,
            rf,
            gf,
            tuple(dg) if dg is not None else None,
            tuple(ng) if ng is not None else None,
            uqd,
            base,
            tuple((name, iri) for name, iri in prefixes),
        )


@dataclass(frozen=True)
class QueryResult:
    """One serialized answer: `body` in `format`, cut at the row cap when `truncated`; `ms` milliseconds."""

    body: bytes
    format: str  # a formats.FORMATS name
    truncated: bool = False
    ms: float = 0.0  # evaluation time in the worker
    cached: bool = False
    where: str = "worker"  # what evaluated it: "worker", or "inline"/"local" in this process (query_cost)


def execute(store: ox.Store, request: QueryRequest, max_rows: int | None) -> QueryResult:
    """Evaluate and serialize one query, at most `max_rows` solutions or triples (None: no cap).

    Raises QuerySyntaxError (parse errors, bad graph IRIs), NotAcceptable (no format for the query's kind, or
    RDF/XML that cannot write a predicate) and QueryTimeout (a remote store that did not answer in time)."""
    started = time.perf_counter()
    result = _evaluate(store, request)
    if isinstance(result, ox.QueryTriples) or getattr(result, "is_graph", False):
        name = request.graph_format
        if name is None:
            raise NotAcceptable(
                "the query returns a graph; accept text/turtle, application/n-triples, "
                "application/rdf+xml or application/ld+json"
            )
        # One evaluation, stopped after one triple more than the cap.
        triples = list(result if max_rows is None else itertools.islice(result, max_rows + 1))
        truncated = max_rows is not None and len(triples) > max_rows
        body = ox.serialize(triples[:max_rows] if truncated else triples, format=GRAPH_FORMATS[name])
        if name == "rdfxml":
            body = rdfxml.check(body, (t.predicate.value for t in triples), NotAcceptable)
    else:
        name = request.results_format
        if name is None:
            raise NotAcceptable(
                "the query returns results; accept application/sparql-results+json, "
                "application/sparql-results+xml, text/csv or text/tab-separated-values"
            )
        body = result.serialize(format=RESULTS_FORMATS[name])
        truncated = False
        if (
            max_rows is not None
            and isinstance(result, ox.QuerySolutions)
            and len(body) > max_rows * _MIN_ROW_BYTES[name]
            and _rows(body, name, max_rows) > max_rows
        ):
            body, truncated = _cut_solutions(store, request, name, max_rows)
    return QueryResult(body, name, truncated, (time.perf_counter() - started) * 1000)


def _evaluate(store: ox.Store, request: QueryRequest) -> Any:
    kwargs: dict[str, Any] = {"base_iri": request.base_iri}
    if request.default_graphs is not None or request.named_graphs is not None:
        kwargs["default_graph"] = [_graph_iri(g) for g in request.default_graphs or ()]
        kwargs["named_graphs"] = [_graph_iri(g) for g in request.named_graphs or ()]
    elif not request.use_query_dataset:
        kwargs["use_default_graph_as_union"] = True
    query, shift = request.query, 0
    if request.prefixes:
        if isinstance(store, ox.Store):
            kwargs["prefixes"] = dict(request.prefixes)
        else:  # a remote store takes query text only: the declarations go in front, the query's own still win
            # (kommunmal.store_remote puts a BASE line in front as well)
            query, shift = prologue(request.prefixes) + query, 2 if request.base_iri else 1
    try:
        return store.query(query, **kwargs)
    except SyntaxError as exc:
        raise QuerySyntaxError(readable(str(exc), request.query, dict(request.prefixes), shift)) from None
    except ValueError as exc:  # e.g. an invalid IRI among the protocol's graph IRIs
        raise QuerySyntaxError(str(exc)) from None
    except TimeoutError as exc:  # a remote store (store_remote) that did not answer in time
        raise QueryTimeout(str(exc)) from None


def _rows(body: bytes, name: str, max_rows: int) -> int:
    """Solutions in a serialized answer, counted without evaluating again; exact whenever it is above `max_rows`
    (a cut is needed only there), possibly an overcount below it.

    TSV has one line per solution and XML one <result> element (a literal's "<" is escaped). In Oxigraph's
    compact JSON every boundary between two solutions is `},{`, so their count plus one bounds the solutions
    from above (a string may hold the sequence too); JSON is parsed only when that bound is over the cap.
    CSV may hold line breaks inside quoted values, so it is counted as "maybe over" and cut by the TSV route."""
    if name == "tsv":
        return body.count(b"\n") - 1
    if name == "srx":
        return body.count(b"<result>")
    if name == "srj":
        bound = body.count(b"},{") + 1
        return bound if bound <= max_rows else len(json.loads(body)["results"]["bindings"])
    return 1 << 62


def _graph_iri(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise QuerySyntaxError(
            f"default-graph-uri and named-graph-uri take absolute IRIs, not {value!r}: {exc}"
        ) from None


def _cut_solutions(store: ox.Store, request: QueryRequest, name: str, max_rows: int) -> tuple[bytes, bool]:
    # TSV has exactly one line per solution (newlines in literals are escaped), so it can be cut by lines.
    tsv = _evaluate(store, request).serialize(format=ox.QueryResultsFormat.TSV)
    lines = tsv.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) - 1 <= max_rows:
        if name == "tsv":
            return tsv, False
        return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
            format=RESULTS_FORMATS[name]
        ), False
    cut = b"\n".join(lines[: max_rows + 1]) + b"\n"
    if name == "tsv":
        return cut, True
    solutions = ox.parse_query_results(cut, format=ox.QueryResultsFormat.TSV)
    return solutions.serialize(format=RESULTS_FORMATS[name]), True
