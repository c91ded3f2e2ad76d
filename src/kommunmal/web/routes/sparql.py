"""/sparql: the SPARQL 1.1 Protocol query operation, the service description and the query page.

A plain ASGI endpoint (no per-request dependency injection): the protocol checks run here, the evaluation
runs in the worker processes of kommunmal.query_pool.QueryPool.

Responses:

* 200 with the result; the format follows the Accept header (q-values honoured) or a `format` parameter
  (a format name such as `csv`, or a media type). Defaults: SPARQL JSON for SELECT/ASK, Turtle for
  CONSTRUCT/DESCRIBE and for the service description. 406 only when nothing acceptable is offered.
* A result longer than the row cap is cut; the answer then carries `X-Kommunmal-Truncated: true` and a
  `Warning: 199` header naming the cap.
* 400 syntax errors (the parser's message with line:column), SERVICE, update operations sent as a query,
  several `query` parameters, text that is not UTF-8; 403 `update` requests (the endpoint is read-only);
  405 other methods (with Allow); 413 bodies over the limit (not read whole); 415 other body media types;
  503 with Retry-After when a query passed the time or memory limit (its worker is killed and replaced) or no
  worker became free.
* ETag from the release checksum and the request; If-None-Match answers 304. CORS `*` without credentials.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from collections import OrderedDict
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pyoxigraph
from fastapi import APIRouter

from kommunmal.config import Settings
from kommunmal.formats import FORMATS, RDF_GRAPH_FORMATS, RESULT_FORMATS, Format, by_media_type, negotiate
from kommunmal.query import (
    GRAPH_FORMATS,
    RESULTS_FORMATS,
    QueryError,
    QueryInfo,
    QueryRequest,
    QueryResult,
    inspect,
)
from kommunmal.query_pool import QueryPool
from kommunmal.service_description import describe_service
from kommunmal.web.routes import query_page

router = APIRouter()
log = logging.getLogger("kommunmal.sparql")

HERE = Path(__file__).resolve().parent.parent
ALLOW = "GET, HEAD, POST, OPTIONS"
CACHE_CONTROL = b"public, max-age=300"
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "Denna ändpunkt är skrivskyddad / this endpoint is read-only: SPARQL Update is not accepted"
HTML = FORMATS["html"]
_RESULTS = tuple(f for f in RESULT_FORMATS if f.name in RESULTS_FORMATS)
_GRAPHS = tuple(f for f in RDF_GRAPH_FORMATS if f.name in GRAPH_FORMATS)
# Per-query memos (ETag, log summary, parsed parameters) keep queries up to this length: 4,096 entries each
# stay under ~100 MB whatever clients send.
REMEMBERED_CHARS = 8192
_TEXT_TYPES = ("text/", "application/sparql-results+xml", "application/rdf+xml", "application/n-triples")


class ProtocolError(Exception):
    def __init__(self, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


async def start(app: Any) -> None:
    """Start the query workers of this app (a startup hook)."""
    settings: Settings = app.state.settings
    stats = store_stats(app.state.release, app.state.store) if settings.sparql_local_work > 0 else None
    pool: Any = QueryPool(
        app.state.release.store_path,
        workers=settings.sparql_workers,
        timeout_s=settings.sparql_timeout_s,
        max_rows=settings.sparql_max_rows,
        cache_bytes=settings.sparql_cache_bytes,
        local_store=getattr(app.state.store, "oxigraph", None),
        stats=stats,
        local_work=settings.sparql_local_work,
    )
    if settings.store_url:
        from kommunmal.store_remote import RemotePool

        pool = RemotePool(
            app.state.store,
            workers=settings.sparql_workers,
            timeout_s=settings.sparql_timeout_s,
            max_rows=settings.sparql_max_rows,
        )
    if not log.handlers and not logging.getLogger().handlers:
        # Under a bare `uvicorn --factory` nothing configures our logger; the access log must still go somewhere.
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
    # With the in-process path for queries proved cheap, the server answers while the workers start.
    background = isinstance(pool, QueryPool) and pool.local_store is not None
    await (pool.start(wait=False) if background else pool.start())
    app.state.query_pool = pool
    app.state.sparql = _Endpoint(settings, app.state.release, app.state.store, pool)
    state = "starting" if background else f"started ({pool.isolation})"
    log.info("%d query workers %s; release %s", pool.size, state, app.state.release.id)


async def stop(app: Any) -> None:
    pool = getattr(app.state, "query_pool", None)
    if pool is not None:
        await pool.close()


def install(app: Any) -> None:
    """Register the worker pool's start and stop with the app's lifespan, and route /sparql past the router
    (kommunmal.web.shortcut: the same endpoint, inside the same HTTP semantics)."""
    from kommunmal.web.shortcut import Shortcut

    app.state.startup_hooks.append(start)
    app.state.shutdown_hooks.append(stop)
    app.add_middleware(Shortcut, routes={"/sparql": endpoint, "/sparql/": endpoint})


class _Endpoint:
    """Per-app state: settings, the pool, and caches that live as long as the release."""

    def __init__(self, settings: Settings, release: Any, store: Any, pool: QueryPool) -> None:
        self.settings = settings
        self.release = release
        self.store = store
        self.pool = pool
        self.etag_seed = str(release.meta.get("content_sha256", release.id)).encode()
        self.description: dict[str, bytes] = {}
        self.inspected: OrderedDict[str, QueryInfo] = OrderedDict()
        self.negotiated: dict[tuple[str, str | None], tuple[Format | None, Format | None, Format | None]] = {}
        self.etags: OrderedDict[QueryRequest, bytes] = OrderedDict()
        self.summaries: OrderedDict[str, str] = OrderedDict()

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
        if fmt.name not in self.description:
            graph = describe_service(self.settings, self.release, self.store)
            self.description[fmt.name] = graph.serialize(format=fmt.rdflib, encoding="utf-8")
        return self.description[fmt.name]

    def inspect(self, query: str) -> QueryInfo:
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
            pair = _format_parameter(override) if override else None
            if pair is not None:
                found = (pair[0], pair[1], None)
            else:
                found = (
                    negotiate(accept, _RESULTS, FORMATS["srj"]),
                    negotiate(accept, _GRAPHS, FORMATS["turtle"]),
                    _prefers_html(accept),
                )
            if len(self.negotiated) < 1024:
                self.negotiated[key] = found
        return found


def _remember(cache: OrderedDict, key: Any, value: Any, size: int = 4096) -> None:
    cache[key] = value
    if len(cache) > size:
        cache.popitem(last=False)


# Values of the `format` parameter that clients send (SPARQLWrapper sends format=json, format=xml, …):
# the format for results and the format for graphs each value stands for.
_FORMAT_WORDS: dict[str, tuple[str | None, str | None]] = {
    "json": ("srj", "jsonld"),
    "xml": ("srx", "rdfxml"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "nt": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "rdf": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
    "json-ld": (None, "jsonld"),
}


def _format_parameter(value: str) -> tuple[Format | None, Format | None] | None:
    """The (results, graph) formats a `format` parameter asks for; None for a value it does not know."""
    value = value.strip().lower()
    if value in _FORMAT_WORDS:
        results, graph = _FORMAT_WORDS[value]
        return (FORMATS[results] if results else None, FORMATS[graph] if graph else None)
    fmt = FORMATS.get(value) or by_media_type(value)
    if fmt is None or fmt.name not in (*RESULTS_FORMATS, *GRAPH_FORMATS):
        return None
    return (fmt, None) if fmt.name in RESULTS_FORMATS else (None, fmt)


def _prefers_html(accept: str | None) -> Format | None:
    """HTML when the client ranks it above every SPARQL format (browsers do; SPARQL clients do not)."""
    if not accept or "html" not in accept:
        return None
    best = negotiate(accept, (HTML, *_RESULTS, *_GRAPHS), FORMATS["srj"])
    return HTML if best is HTML else None


async def endpoint(scope: dict, receive: Any, send: Any) -> None:
    """The ASGI application behind /sparql."""
    started = time.perf_counter()
    state = scope["app"].state
    ep: _Endpoint | None = getattr(state, "sparql", None)
    method = scope["method"]
    headers = _headers(scope)
    status, body, out = 500, b"", []
    query = ""
    try:
        if ep is None:
            raise ProtocolError(503, "the query workers are not running", [(b"retry-after", b"5")])
        status, body, out, query = await _handle(ep, scope, receive, method, headers)
    except ProtocolError as exc:
        status, body, out = exc.status, (exc.message + "\n").encode(), exc.headers
        out.append((b"content-type", b"text/plain; charset=utf-8"))
    except QueryError as exc:
        status, body = exc.status, (str(exc) + "\n").encode()
        out = [(b"content-type", b"text/plain; charset=utf-8")]
        if status == 503:
            out.append((b"retry-after", b"10"))
    out.append((b"access-control-allow-origin", b"*"))
    if method == "HEAD":
        out.append((b"content-length", str(len(body)).encode()))
        body = b""
    else:
        out.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})
    if log.isEnabledFor(logging.INFO):
        ms = (time.perf_counter() - started) * 1000
        summary = ep.summary(query) if ep is not None else "q=- "
        log.info("%s %d %.1fms %dB %s", method, status, ms, len(body), summary)


async def _handle(
    ep: _Endpoint, scope: dict, receive: Any, method: str, headers: dict[str, str]
) -> tuple[int, bytes, list[tuple[bytes, bytes]], str]:
    if method == "OPTIONS":
        return 204, b"", _preflight(headers), ""
    if method not in ("GET", "HEAD", "POST"):
        raise ProtocolError(405, f"{method} is not allowed here; use GET or POST", [(b"allow", ALLOW.encode())])
    params = _params(scope["query_string"])
    if method == "POST":
        content_type = headers.get("content-type", "")
        media, charset = _media_type(content_type)
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(400, f"charset {charset} is not accepted: SPARQL requests are UTF-8")
        if media == UPDATE:
            raise ProtocolError(403, READ_ONLY)
        if media not in (FORM, QUERY):
            raise ProtocolError(
                415,
                f"POST needs Content-Type {FORM} or {QUERY}, not {content_type or 'none'}",
                [(b"accept-post", f"{FORM}, {QUERY}".encode())],
            )
        raw = await _body(receive, headers, ep.settings.max_body_bytes)
        if media == FORM:
            params += _params(raw)
        else:
            params.append(("query", _utf8(raw)))
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise ProtocolError(403, READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    override = next((value for name, value in params if name == "format"), None) or None
    accept = headers.get("accept")
    if not queries:
        if method == "POST":
            raise ProtocolError(400, "no query: send the SPARQL query in the 'query' parameter or as the body")
        return _without_query(ep, accept, override, headers)
    if len(queries) > 1:
        raise ProtocolError(400, "exactly one 'query' parameter is allowed")
    query = queries[0]
    info = ep.inspect(query)
    results_fmt, graph_fmt, html = ep.negotiate(accept, override)
    if html is not None and method != "POST":
        return await _page_with_results(ep, query, info, params)
    kind = info.kind
    if (
        (kind == "results" and results_fmt is None)
        or (kind == "graph" and graph_fmt is None)
        or (results_fmt is None and graph_fmt is None)
    ):
        raise ProtocolError(406, _not_acceptable(kind))
    default_graphs = tuple(v for n, v in params if n == "default-graph-uri")
    named_graphs = tuple(v for n, v in params if n == "named-graph-uri")
    dataset = bool(default_graphs or named_graphs)
    request = QueryRequest(
        query,
        results_fmt.name if results_fmt else None,
        graph_fmt.name if graph_fmt else None,
        default_graphs if dataset else None,
        named_graphs if dataset else None,
        info.has_dataset,
        ep.settings.public_url + "sparql",
    )
    etag = ep.etag(request)
    common = [
        (b"etag", etag),
        (b"cache-control", CACHE_CONTROL),
        (b"vary", b"Accept"),
        (b"access-control-expose-headers", b"ETag, X-Kommunmal-Truncated, Warning, Server-Timing"),
    ]
    if method != "POST" and _matches(headers.get("if-none-match"), etag):
        return 304, b"", common, query
    result: QueryResult = await ep.pool.run(request)
    fmt = FORMATS[result.format]
    out = [
        (b"content-type", _content_type(fmt)),
        *common,
        (b"server-timing", _timing(result)),
    ]
    if result.truncated:
        rows = ep.settings.sparql_max_rows
        out.append((b"x-kommunmal-truncated", b"true"))
        out.append((b"warning", f'199 kommunmal "result cut at {rows} rows (triples)"'.encode()))
    return 200, result.body, out, query


def _timing(result: QueryResult) -> bytes:
    desc = ("cached " if result.cached else "") + result.where
    return f'query;dur={result.ms:.2f};desc="{desc}"'.encode()


def store_stats(release: Any, store: Any) -> Any:
    """The release's query_cost.Stats (written by `build`); counted now for an older release with a small store,
    None (every query to the workers) for a large one."""
    from kommunmal.query_cost import STATS_FILE, Stats

    path = release.path / STATS_FILE
    if path.is_file():
        return Stats.load(path)
    oxigraph = getattr(store, "oxigraph", None)
    if not isinstance(oxigraph, pyoxigraph.Store) or len(oxigraph) > 500_000:
        log.info("no %s in release %s: every query goes to the workers", STATS_FILE, release.id)
        return None
    return Stats.of_store(oxigraph)


def _without_query(
    ep: _Endpoint, accept: str | None, override: str | None, headers: dict[str, str]
) -> tuple[int, bytes, list[tuple[bytes, bytes]], str]:
    pair = _format_parameter(override) if override else None
    if pair is None and _prefers_html(accept) is not None:
        return 200, _page(ep, ""), [(b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Accept")], ""
    if pair is not None and pair[1] is not None:
        accept = pair[1].media_type
    fmt = negotiate(accept, RDF_GRAPH_FORMATS, FORMATS["turtle"])
    if fmt is None:
        raise ProtocolError(
            406, "the service description is RDF: accept " + ", ".join(f.media_type for f in RDF_GRAPH_FORMATS)
        )
    body = ep.service_description(fmt)
    etag = (
        b'"sd-'
        + hashlib.sha256(ep.etag_seed + fmt.name.encode() + ep.settings.public_url.encode()).hexdigest()[:28].encode()
        + b'"'
    )
    out = [
        (b"content-type", _content_type(fmt)),
        (b"etag", etag),
        (b"cache-control", CACHE_CONTROL),
        (b"vary", b"Accept"),
    ]
    if _matches(headers.get("if-none-match"), etag):
        return 304, b"", out, ""
    return 200, body, out, ""


async def _page_with_results(
    ep: _Endpoint, query: str, info: QueryInfo, params: list[tuple[str, str]]
) -> tuple[int, bytes, list[tuple[bytes, bytes]], str]:
    """The query page with the answer rendered on the server, for browsers without JavaScript."""
    default_graphs = tuple(v for n, v in params if n == "default-graph-uri")
    named_graphs = tuple(v for n, v in params if n == "named-graph-uri")
    dataset = bool(default_graphs or named_graphs)
    request = QueryRequest(
        query,
        "srj",
        "turtle",
        default_graphs if dataset else None,
        named_graphs if dataset else None,
        info.has_dataset,
        ep.settings.public_url + "sparql",
    )
    status, answer = 200, {}
    try:
        result = await ep.pool.run(request)
    except QueryError as exc:
        status, answer = exc.status, {"error": str(exc)}
    else:
        if result.format == "srj":
            data = json.loads(result.body)
            if "boolean" in data:
                answer = {"boolean": data["boolean"]}
            else:
                names = data["head"].get("vars", [])
                answer = {"vars": names, "rows": [[b.get(n) for n in names] for b in data["results"]["bindings"]]}
        else:
            answer = {"text": result.body.decode("utf-8", "replace")}
        answer["truncated"] = result.truncated
    return (
        status,
        _page(ep, query, answer),
        [(b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Accept")],
        query,
    )


def _not_acceptable(kind: str | None) -> str:
    offered = _GRAPHS if kind == "graph" else _RESULTS if kind == "results" else (*_RESULTS, *_GRAPHS)
    return "none of the accepted media types can be produced; offered: " + ", ".join(f.media_type for f in offered)


def _preflight(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    requested = headers.get("access-control-request-headers", "accept, content-type, if-none-match")
    return [
        (b"allow", ALLOW.encode()),
        (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
        (b"access-control-allow-headers", requested.encode("latin-1")),
        (b"access-control-max-age", b"86400"),
    ]


def _headers(scope: dict) -> dict[str, str]:
    found: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


def _params(raw: bytes) -> list[tuple[str, str]]:
    """Form-encoded parameters; percent-escapes must decode to UTF-8."""
    if not raw:
        return []
    return list(_parsed(raw)) if len(raw) <= REMEMBERED_CHARS else list(_parse(raw))


@lru_cache(maxsize=1024)
def _parsed(raw: bytes) -> tuple[tuple[str, str], ...]:
    """_parse, remembered: clients repeat the same query strings (errors are not remembered, they raise)."""
    return _parse(raw)


def _parse(raw: bytes) -> tuple[tuple[str, str], ...]:
    try:
        return tuple(parse_qsl(raw.decode("ascii"), keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError:
        raise ProtocolError(400, "parameters must be UTF-8 (percent-encoded)") from None


def _utf8(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, f"the query is not UTF-8 (byte {exc.start})") from None


def _media_type(value: str) -> tuple[str, str | None]:
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"').lower()
    return parts[0].lower(), charset


async def _body(receive: Any, headers: dict[str, str], limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed `limit` (never read whole)."""
    declared = headers.get("content-length")
    if declared is not None:
        with contextlib.suppress(ValueError):
            if int(declared) > limit:
                raise ProtocolError(413, f"the request body is larger than {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ProtocolError(400, "the client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, f"the request body is larger than {limit} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _matches(if_none_match: str | None, etag: bytes) -> bool:
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag.decode() in tags


@cache
def _content_type(fmt: Format) -> bytes:
    text = fmt.media_type.startswith(_TEXT_TYPES) or fmt.media_type.endswith("json")
    return (fmt.media_type + ("; charset=utf-8" if text else "")).encode()


# --- the query page (kommunmal.web.routes.query_page renders it) ---------------------------------------------

EXAMPLES = query_page.EXAMPLES


def _page(ep: _Endpoint, query: str, answer: dict | None = None) -> bytes:
    return query_page.render(ep.settings, ep.release, query, answer)


async def _static(scope: dict, receive: Any, send: Any) -> None:
    name = scope["path"].rsplit("/", 1)[-1]
    media = {"sparql.js": b"text/javascript; charset=utf-8", "sparql.css": b"text/css; charset=utf-8"}[name]
    body = _static_file(name)
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", media),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"public, max-age=3600"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@cache
def _static_file(name: str) -> bytes:
    return (HERE / "static" / name).read_bytes()


class _Asgi:
    """Starlette treats a plain function as a request handler; an object with __call__ is served as ASGI."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        await self.app(scope, receive, send)


router.add_route("/sparql", _Asgi(endpoint), include_in_schema=False)
router.add_route("/sparql/", _Asgi(endpoint), include_in_schema=False)
router.add_route("/static/sparql.js", _Asgi(_static), include_in_schema=False)
router.add_route("/static/sparql.css", _Asgi(_static), include_in_schema=False)
