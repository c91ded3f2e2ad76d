"""/sparql: the SPARQL 1.1 Protocol query operation, the service description and the query page.

A plain ASGI endpoint (no per-request dependency injection): the protocol checks run here, the evaluation
runs in the worker processes of kommunmal.query_pool.QueryPool. Request parsing is kommunmal.web.sparql_request,
the formats and their negotiation kommunmal.web.sparql_formats, the per-app state and its memos (ETags)
kommunmal.web.sparql_endpoint.

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

import hashlib
import json
import logging
import time
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph
from fastapi import APIRouter

from kommunmal.config import Settings
from kommunmal.formats import FORMATS, RDF_GRAPH_FORMATS, negotiate
from kommunmal.query import QueryError, QueryInfo, QueryResult
from kommunmal.query_pool import QueryPool
from kommunmal.web.routes import query_page
from kommunmal.web.sparql_endpoint import Endpoint
from kommunmal.web.sparql_formats import content_type_of, format_parameter, not_acceptable, prefers_html
from kommunmal.web.sparql_request import (
    ALLOW,
    FORM,
    QUERY,
    READ_ONLY,
    UPDATE,
    ProtocolError,
    bilingual,
    etag_matches,
    headers_of,
    media_type_of,
    parse_params,
    preflight_headers,
    query_text,
    read_body,
)

router = APIRouter()
log = logging.getLogger("kommunmal.sparql")

HERE = Path(__file__).resolve().parent.parent
CACHE_CONTROL = b"public, max-age=300"


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
    app.state.sparql = Endpoint(settings, app.state.release, app.state.store, pool)
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


async def endpoint(scope: dict, receive: Any, send: Any) -> None:
    """The ASGI application behind /sparql."""
    started = time.perf_counter()
    state = scope["app"].state
    ep: Endpoint | None = getattr(state, "sparql", None)
    method = scope["method"]
    headers = headers_of(scope)
    status, body, out = 500, b"", []
    query = ""
    try:
        if ep is None:
            raise ProtocolError(
                503,
                bilingual("Frågeprocesserna är inte igång; försök igen", "the query workers are not running; retry"),
                [(b"retry-after", b"5")],
            )
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
    ep: Endpoint, scope: dict, receive: Any, method: str, headers: dict[str, str]
) -> tuple[int, bytes, list[tuple[bytes, bytes]], str]:
    if method == "OPTIONS":
        return 204, b"", preflight_headers(headers), ""
    if method not in ("GET", "HEAD", "POST"):
        raise ProtocolError(
            405,
            bilingual(f"{method} går inte här; använd GET eller POST", f"{method} is not allowed; use GET or POST"),
            [(b"allow", ALLOW.encode())],
        )
    params = parse_params(scope["query_string"])
    if method == "POST":
        content_type = headers.get("content-type", "")
        media, charset = media_type_of(content_type)
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(
                400,
                bilingual(
                    f"Teckenkodningen {charset} godtas inte: SPARQL-förfrågningar är UTF-8",
                    f"charset {charset} is not accepted: SPARQL requests are UTF-8",
                ),
            )
        if media == UPDATE:
            raise ProtocolError(403, READ_ONLY)
        if media not in (FORM, QUERY):
            raise ProtocolError(
                415,
                bilingual(
                    f"POST kräver Content-Type {FORM} eller {QUERY}, inte {content_type or 'ingen'}",
                    f"POST needs Content-Type {FORM} or {QUERY}, not {content_type or 'none'}",
                ),
                [(b"accept-post", f"{FORM}, {QUERY}".encode())],
            )
        raw = await read_body(receive, headers, ep.settings.max_body_bytes)
        if media == FORM:
            params += parse_params(raw)
        else:
            params.append(("query", query_text(raw)))
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in params):
        raise ProtocolError(403, READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    override = next((value for name, value in params if name == "format"), None) or None
    accept = headers.get("accept")
    if not queries:
        if method == "POST":
            raise ProtocolError(
                400,
                bilingual(
                    "Ingen fråga: skicka SPARQL-frågan i parametern 'query' eller som förfrågans kropp",
                    "no query: send the SPARQL query in the 'query' parameter or as the body",
                ),
            )
        return _without_query(ep, accept, override, headers)
    if len(queries) > 1:
        raise ProtocolError(
            400, bilingual("Bara en parameter 'query' är tillåten", "exactly one 'query' parameter is allowed")
        )
    query = queries[0]
    info = ep.inspect(query)
    results_fmt, graph_fmt, html = ep.negotiate(accept, override)
    # A browser's form: GET with the query in the address, or POST (the query page posts queries too long for an
    # address: HTTP servers refuse request lines of some 8-64 KB).
    browser_form = method != "POST" or headers.get("content-type", "").lower().startswith(FORM)
    if html is not None and browser_form:
        return await _page_with_results(ep, query, info, params)
    kind = info.kind
    if (
        (kind == "results" and results_fmt is None)
        or (kind == "graph" and graph_fmt is None)
        or (results_fmt is None and graph_fmt is None)
    ):
        raise ProtocolError(406, not_acceptable(kind))
    request = ep.request(
        query,
        info,
        results_fmt.name if results_fmt else None,
        graph_fmt.name if graph_fmt else None,
        *_dataset(params),
    )
    etag = ep.etag(request)
    common = [
        (b"etag", etag),
        (b"cache-control", CACHE_CONTROL),
        (b"vary", b"Accept"),
        (b"access-control-expose-headers", b"ETag, X-Kommunmal-Truncated, Warning, Server-Timing"),
    ]
    if method != "POST" and etag_matches(headers.get("if-none-match"), etag):
        return 304, b"", common, query
    result: QueryResult = await ep.pool.run(request)
    fmt = FORMATS[result.format]
    out = [
        (b"content-type", content_type_of(fmt)),
        *common,
        (b"server-timing", _timing(result)),
    ]
    if result.truncated:
        rows = ep.settings.sparql_max_rows
        out.append((b"x-kommunmal-truncated", b"true"))
        out.append((b"warning", f'199 kommunmal "result cut at {rows} rows (triples)"'.encode()))
    return 200, result.body, out, query


def _dataset(params: list[tuple[str, str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(default-graph-uri values, named-graph-uri values) of the request's parameters."""
    return (
        tuple(v for n, v in params if n == "default-graph-uri"),
        tuple(v for n, v in params if n == "named-graph-uri"),
    )


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
    ep: Endpoint, accept: str | None, override: str | None, headers: dict[str, str]
) -> tuple[int, bytes, list[tuple[bytes, bytes]], str]:
    pair = format_parameter(override) if override else None
    if pair is None and prefers_html(accept) is not None:
        return 200, _page(ep, ""), [(b"content-type", b"text/html; charset=utf-8"), (b"vary", b"Accept")], ""
    if pair is not None and pair[1] is not None:
        accept = pair[1].media_type
    fmt = negotiate(accept, RDF_GRAPH_FORMATS, FORMATS["turtle"])
    if fmt is None:
        offered = ", ".join(f.media_type for f in RDF_GRAPH_FORMATS)
        sv, en = f"Tjänstebeskrivningen är RDF: godta {offered}", f"the service description is RDF: accept {offered}"
        raise ProtocolError(406, bilingual(sv, en))
    body = ep.service_description(fmt)
    etag = (
        b'"sd-'
        + hashlib.sha256(ep.etag_seed + fmt.name.encode() + ep.settings.public_url.encode()).hexdigest()[:28].encode()
        + b'"'
    )
    out = [
        (b"content-type", content_type_of(fmt)),
        (b"etag", etag),
        (b"cache-control", CACHE_CONTROL),
        (b"vary", b"Accept"),
    ]
    if etag_matches(headers.get("if-none-match"), etag):
        return 304, b"", out, ""
    return 200, body, out, ""


async def _page_with_results(
    ep: Endpoint, query: str, info: QueryInfo, params: list[tuple[str, str]]
) -> tuple[int, bytes, list[tuple[bytes, bytes]], str]:
    """The query page with the answer rendered on the server, for browsers without JavaScript."""
    request = ep.request(query, info, "srj", "turtle", *_dataset(params))
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


# --- the query page (kommunmal.web.routes.query_page renders it) ---------------------------------------------


def _page(ep: Endpoint, query: str, answer: dict | None = None) -> bytes:
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
