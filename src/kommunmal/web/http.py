"""HTTP semantics for every route, as RFC 9110 gives them, in one ASGI middleware around the app.

* HEAD is answered wherever GET is (RFC 9110 §9.3.2): the request runs as GET, the answer keeps every header of
  the GET answer (Content-Length included) and drops the content.
* Conditional requests (RFC 9110 §13): a 2xx answer to GET or HEAD that carries no ETag and comes in one piece
  gets a strong ETag from its bytes. If-Match (strong comparison), If-Unmodified-Since, If-None-Match (`*`, one
  or several tags, weak or strong, over one or several header lines; weak comparison) and If-Modified-Since are
  evaluated in the RFC's order (§13.2.2) against the answer's ETag and Last-Modified: 412 or 304 instead of it.
* A 304 carries what §15.4.5 requires (ETag, Vary, Cache-Control, Expires, Content-Location; Date comes from the
  server) and no representation metadata (no Content-Type, Content-Length, Content-Encoding …), whichever layer
  made it.
* CORS (Fetch standard) for the read-only linked data under READ_ONLY_PREFIXES: `Access-Control-Allow-Origin: *`
  on every answer, with or without an Origin header (so the answer does not vary by Origin and caches stay
  shared), never credentials; ETag, Link and Location exposed; preflights for GET and HEAD answered 204, others
  403. /sparql keeps its own CORS (it also accepts POST).
* A 405 names HEAD next to GET in Allow; OPTIONS on a read-only route answers 204 with Allow.

Conditions on other methods (POST /sparql) are left to the route: the ETag of a POST answer does not describe
the target resource (RFC 9110 §8.8.3).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Linked data that browser-based RDF tools dereference: readable from any origin.
READ_ONLY_PREFIXES: tuple[str, ...] = (
    "/id/",
    "/doc/",
    "/def/",
    "/graph/",
    "/dumps",
    "/.well-known/void",
    "/catalog",
    "/analysis/",
)
READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")
EXPOSED = ("ETag", "Link", "Content-Disposition", "Content-Location", "Location", "Vary")
# RFC 9110 §15.4.5: fields a 304 must repeat from the 200 it stands for (Date is added by the server).
KEPT_IN_304 = frozenset({b"etag", b"vary", b"cache-control", b"expires", b"content-location", b"date"})
# Representation metadata and content framing that a 304 must not carry (RFC 9110 §8.3-8.8, §15.4.5).
DROPPED_FROM_304 = frozenset(
    {
        b"content-type",
        b"content-length",
        b"content-encoding",
        b"content-language",
        b"content-disposition",
        b"content-range",
        b"transfer-encoding",
        b"last-modified",
    }
)


def is_read_only_path(path: str) -> bool:
    """Whether `path` (as in the request line, no query) is read-only linked data open to every origin."""
    return path.startswith(READ_ONLY_PREFIXES)


class HttpSemantics:
    """ASGI middleware: HEAD, conditional requests, correct 304s and CORS for the wrapped app."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        read_only = is_read_only_path(scope["path"])
        if read_only:
            if method == "OPTIONS":
                await _options(scope, send)
                return
            send = _with_cors(send)
        if method not in ("GET", "HEAD"):
            await self.app(scope, receive, _fix_405(send))
            return
        conditions = _Conditions(scope)
        if method == "HEAD":
            scope = dict(scope, method="GET")
        await self.app(scope, receive, _Answer(send, conditions, head=method == "HEAD").send)


CORS_HEADERS = [(b"access-control-allow-origin", b"*"), (b"access-control-expose-headers", ", ".join(EXPOSED).encode())]


def _with_cors(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            message["headers"] = [*message.get("headers", []), *(h for h in CORS_HEADERS if h[0] not in names)]
        await send(message)

    return wrapped


async def _options(scope: Scope, send: Send) -> None:
    """OPTIONS on read-only data: Allow, and the CORS preflight answer when it is one."""
    request = {name: value for name, value in scope["headers"]}
    allow = ", ".join(READ_ONLY_METHODS).encode()
    headers = [(b"allow", allow)]
    status = 204
    wanted = request.get(b"access-control-request-method")
    if b"origin" in request and wanted is not None:
        if wanted.decode("latin-1").strip().upper() in READ_ONLY_METHODS:
            headers += [
                (b"access-control-allow-origin", b"*"),
                (b"access-control-allow-methods", allow),
                (b"access-control-allow-headers", request.get(b"access-control-request-headers", b"*")),
                (b"access-control-max-age", b"86400"),
                (b"vary", b"Access-Control-Request-Headers"),
            ]
        else:
            status = 403  # a failed preflight: the method is not one this read-only resource allows
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


def _fix_405(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start" and message["status"] == 405:
            message["headers"] = [
                (k, _with_head(v) if k.lower() == b"allow" else v) for k, v in message.get("headers", [])
            ]
        await send(message)

    return wrapped


def _with_head(allow: bytes) -> bytes:
    methods = [m.strip() for m in allow.decode("latin-1").split(",") if m.strip()]
    if "GET" in methods and "HEAD" not in methods:
        methods.insert(methods.index("GET") + 1, "HEAD")
    return ", ".join(methods).encode("latin-1")


# --- conditions ------------------------------------------------------------------------------------------------


def parse_entity_tags(value: str) -> list[str] | None:
    """The entity tags of an If-Match / If-None-Match value (RFC 9110 §13.1.1-2), each as sent (W/ kept).

    None stands for `*`. Tags may hold commas (etagc allows them), so this scans quoted strings, not commas.
    Anything that is not an entity tag is skipped, as the RFC lets a recipient ignore an invalid field.
    """
    tags: list[str] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c in " \t,":
            i += 1
        elif c == "*":
            return None
        elif value.startswith('W/"', i) or c == '"':
            start = i
            i = value.find('"', i + (3 if c == "W" else 1))
            if i < 0:
                break
            i += 1
            tags.append(value[start:i])
        else:
            i = value.find(",", i)
            if i < 0:
                break
    return tags


def _opaque(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def weak_match(tags: list[str] | None, etag: str) -> bool:
    """If-None-Match: weak comparison (RFC 9110 §8.8.3.2); `None` is `*`."""
    return tags is None or _opaque(etag) in {_opaque(t) for t in tags}


def strong_match(tags: list[str] | None, etag: str | None) -> bool:
    """If-Match: strong comparison; a weak tag never matches."""
    if etag is None:
        return False
    if tags is None:
        return True
    return not etag.startswith("W/") and etag in tags


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo is not None else None


class _Conditions:
    def __init__(self, scope: Scope) -> None:
        found: dict[bytes, list[str]] = {}
        for name, value in scope["headers"]:
            if name in (b"if-match", b"if-none-match", b"if-modified-since", b"if-unmodified-since"):
                found.setdefault(name, []).append(value.decode("latin-1"))
        self.if_match = _tags(found.get(b"if-match"))
        self.if_none_match = _tags(found.get(b"if-none-match"))
        self.has_if_match = b"if-match" in found
        self.has_if_none_match = b"if-none-match" in found
        self.if_modified_since = _date((found.get(b"if-modified-since") or [None])[0])
        self.if_unmodified_since = _date((found.get(b"if-unmodified-since") or [None])[0])

    def outcome(self, etag: str | None, last_modified: datetime | None) -> int | None:
        """304, 412 or None (serve the answer), in the order of RFC 9110 §13.2.2."""
        if self.has_if_match:
            if not strong_match(self.if_match, etag):
                return 412
        elif self.if_unmodified_since and last_modified and last_modified > self.if_unmodified_since:
            return 412
        if self.has_if_none_match:
            if etag is not None and weak_match(self.if_none_match, etag):
                return 304
            if etag is None and self.if_none_match is None:
                return 304  # `*`: a current representation exists (this is a 2xx)
        elif self.if_modified_since and last_modified and last_modified <= self.if_modified_since:
            return 304
        return None


def _tags(values: list[str] | None) -> list[str] | None:
    if values is None:
        return []
    tags: list[str] = []
    for value in values:
        parsed = parse_entity_tags(value)
        if parsed is None:
            return None
        tags.extend(parsed)
    return tags


# --- the answer -------------------------------------------------------------------------------------------------


class _Answer:
    """Rewrites one answer: buffers a 2xx GET answer without an ETag to give it one, then applies the conditions."""

    def __init__(self, send: Send, conditions: _Conditions, head: bool) -> None:
        self._send = send
        self.conditions = conditions
        self.head = head
        self.start: Message | None = None
        self.buffer: list[bytes] = []
        self.state = "start"  # start → buffering | passing | swallowing

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            await self._on_start(message)
        elif kind == "http.response.body":
            await self._on_body(message)
        else:
            await self._send(message)

    async def _on_start(self, message: Message) -> None:
        status = message["status"]
        headers = list(message.get("headers", []))
        if status == 304:
            message["headers"] = _headers_304(headers)
            await self._start_passing(message, swallow=True)
            return
        if not 200 <= status < 300:
            await self._start_passing(message, swallow=self.head)
            return
        etag = _header(headers, b"etag")
        if etag is None and not _no_store(headers):
            self.start = message
            self.state = "buffering"
            return
        await self._decide(message, etag)

    async def _decide(self, message: Message, etag: str | None) -> None:
        headers = list(message.get("headers", []))
        outcome = self.conditions.outcome(etag, _date(_header(headers, b"last-modified")))
        if outcome == 304:
            await self._start_passing(
                {"type": "http.response.start", "status": 304, "headers": _headers_304(headers)}, swallow=True
            )
        elif outcome == 412:
            await self._start_passing(_precondition_failed(), swallow=True, body=b"412 Precondition Failed\n")
        else:
            await self._start_passing(message, swallow=self.head)

    async def _start_passing(self, message: Message, swallow: bool, body: bytes | None = None) -> None:
        await self._send(message)
        self.state = "swallowing" if swallow or body is not None else "passing"
        if body is not None or swallow:
            await self._send({"type": "http.response.body", "body": b"" if self.head else (body or b"")})

    async def _on_body(self, message: Message) -> None:
        if self.state == "passing":
            await self._send(message)
        elif self.state == "buffering":
            self.buffer.append(message.get("body", b""))
            if message.get("more_body", False):
                if sum(len(b) for b in self.buffer) > 8 << 20:  # too big to hash in memory: pass it on as is
                    await self._flush_unhashed()
                return
            await self._flush_hashed()

    async def _flush_hashed(self) -> None:
        assert self.start is not None
        body = b"".join(self.buffer)
        headers = [(k, v) for k, v in self.start.get("headers", []) if k.lower() != b"etag"]
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        headers.append((b"etag", etag.encode()))
        message = dict(self.start, headers=headers)
        outcome = self.conditions.outcome(etag, _date(_header(headers, b"last-modified")))
        if outcome is not None:
            await self._decide(message, etag)
            return
        await self._send(message)
        self.state = "swallowing"
        await self._send({"type": "http.response.body", "body": b"" if self.head else body})

    async def _flush_unhashed(self) -> None:
        assert self.start is not None
        await self._send(self.start)
        self.state = "swallowing" if self.head else "passing"
        await self._send(
            {"type": "http.response.body", "body": b"" if self.head else b"".join(self.buffer), "more_body": True}
        )
        self.buffer = []


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _no_store(headers: list[tuple[bytes, bytes]]) -> bool:
    return "no-store" in (_header(headers, b"cache-control") or "")


def _headers_304(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    return [(k, v) for k, v in headers if k.lower() not in DROPPED_FROM_304]


def _precondition_failed() -> Message:
    return {
        "type": "http.response.start",
        "status": 412,
        "headers": [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"24")],
    }


def install(app: Any) -> None:
    """Wrap `app` (a FastAPI/Starlette app) in HttpSemantics, outside every other middleware."""
    app.add_middleware(HttpSemantics)
