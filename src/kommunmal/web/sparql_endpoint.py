"""The /sparql endpoint's per-app state: settings, release, store and query pool, and the memos that live as long
as the release (ETags, log summaries, inspected queries, negotiated formats, the service description)."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

from kommunmal.config import Settings
from kommunmal.formats import FORMATS, Format, negotiate
from kommunmal.query import QueryInfo, QueryRequest, inspect
from kommunmal.query_pool import QueryPool
from kommunmal.query_prefixes import standard_prefixes
from kommunmal.service_description import describe_service
from kommunmal.web.sparql_formats import OFFERED_GRAPHS, OFFERED_RESULTS, format_parameter, prefers_html
from kommunmal.web.sparql_request import REMEMBERED_CHARS


class Endpoint:
    """Per-app state: settings, the pool, and caches that live as long as the release."""

    def __init__(self, settings: Settings, release: Any, store: Any, pool: QueryPool) -> None:
        self.settings = settings
        self.release = release
        self.store = store
        self.pool = pool
        # The data and the software that wrote the release (a new version may answer the same query otherwise).
        meta = release.meta
        self.etag_seed = f"{meta.get('content_sha256', release.id)} {meta.get('software_sha256', '')}".encode()
        self.description: dict[str, bytes] = {}
        self.inspected: OrderedDict[str, QueryInfo] = OrderedDict()
        self.negotiated: dict[tuple[str, str | None], tuple[Format | None, Format | None, Format | None]] = {}
        self.etags: OrderedDict[QueryRequest, bytes] = OrderedDict()
        self.summaries: OrderedDict[str, str] = OrderedDict()
        self.prefixes = tuple(standard_prefixes(settings.base_iri).items())

    def request(
        self,
        query: str,
        info: QueryInfo,
        results_format: str | None,
        graph_format: str | None,
        default_graphs: tuple[str, ...] = (),
        named_graphs: tuple[str, ...] = (),
    ) -> QueryRequest:
        """The QueryRequest for `query` (classified as `info`) in the given format names, with the protocol dataset
        when either tuple of graph IRIs is non-empty. Only the format of the query's kind is kept: a SELECT asked for
        by a client that also accepts Turtle and by one that accepts only SPARQL JSON is the same request, with one
        cached answer and one ETag. The query is kept as sent; the predeclared prefixes
        (kommunmal.query_prefixes) travel beside it."""
        dataset = bool(default_graphs or named_graphs)
        return QueryRequest(
            query,
            None if info.kind == "graph" else results_format,
            None if info.kind == "results" else graph_format,
            default_graphs if dataset else None,
            named_graphs if dataset else None,
            info.has_dataset,
            self.settings.public_url + "sparql",
            self.prefixes,
        )

    def etag(self, request: QueryRequest) -> bytes:
        """The strong ETag of the answer to `request`: the release's checksum and the request, hashed."""
        tag = self.etags.get(request)
        if tag is None:
            tag = b'"' + hashlib.sha256(self.etag_seed + request.to_json()).hexdigest()[:32].encode() + b'"'
            if len(request.query) <= REMEMBERED_CHARS:
                _remember(self.etags, request, tag)
        return tag

    def summary(self, query: str) -> str:
        """What the log line says of a query: a short hash and its first 80 characters on one line."""
        found = self.summaries.get(query)
        if found is None:
            digest = hashlib.sha1(query.encode()).hexdigest()[:10] if query else "-"
            found = f"q={digest} {' '.join(query.split())[:80]}"
            if len(query) <= REMEMBERED_CHARS:
                _remember(self.summaries, query, found)
        return found

    def service_description(self, fmt: Format) -> bytes:
        """The SPARQL service description serialized in `fmt` (an RDF graph format), made once per format."""
        if fmt.name not in self.description:
            graph = describe_service(self.settings, self.release, self.store)
            self.description[fmt.name] = graph.serialize(format=fmt.rdflib, encoding="utf-8")
        return self.description[fmt.name]

    def inspect(self, query: str) -> QueryInfo:
        """kommunmal.query.inspect, remembered for the last 4,096 queries; raises QueryRefused as it does."""
        info = self.inspected.get(query)
        if info is None:
            info = inspect(query)
            _remember(self.inspected, query, info)
        return info

    def negotiate(self, accept: str | None, override: str | None) -> tuple[Format | None, Format | None, Format | None]:
        """(results format, graph format, html) acceptable to the client; None where nothing is."""
        key = (accept or "", override)
        found = self.negotiated.get(key)
        if found is None:
            pair = format_parameter(override) if override else None
            if pair is not None:
                found = (pair[0], pair[1], None)
            else:
                found = (
                    negotiate(accept, OFFERED_RESULTS, FORMATS["srj"]),
                    negotiate(accept, OFFERED_GRAPHS, FORMATS["turtle"]),
                    prefers_html(accept),
                )
            if len(self.negotiated) < 1024:
                self.negotiated[key] = found
        return found


def _remember(cache: OrderedDict, key: Any, value: Any, size: int = 4096) -> None:
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)
