"""The SPARQL 1.1 Protocol request as /sparql receives it: headers, form-encoded parameters, the body within its
size limit, media types and charsets, If-None-Match, and the CORS preflight; every refusal a ProtocolError with
its HTTP status."""

from __future__ import annotations

import contextlib
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

ALLOW = "GET, HEAD, POST, OPTIONS"
FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "Denna ändpunkt är skrivskyddad / this endpoint is read-only: SPARQL Update is not accepted"
# Per-query memos (ETag, log summary, parsed parameters) keep queries up to this length: 4,096 entries each
# stay under ~100 MB whatever clients send.
REMEMBERED_CHARS = 8192


def bilingual(sv: str, en: str) -> str:
    """A protocol error's text: the Swedish line first, then the English one (as the 400 and 406 answers)."""
    return f"{sv}\n{en}"


class ProtocolError(Exception):
    """A request the protocol refuses: answered with `status`, `message` as text/plain, and extra `headers`
    ((name, value) byte pairs, e.g. Allow, Retry-After)."""

    def __init__(self, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or []


def preflight_headers(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    """The CORS preflight answer's headers for an OPTIONS request with `headers` (lower-case names): the methods
    allowed, the request headers it asked for, a day's max-age."""
    requested = headers.get("access-control-request-headers", "accept, content-type, if-none-match")
    return [
        (b"allow", ALLOW.encode()),
        (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
        (b"access-control-allow-headers", requested.encode("latin-1")),
        (b"access-control-max-age", b"86400"),
    ]


def headers_of(scope: dict) -> dict[str, str]:
    """The ASGI scope's request headers as {lower-case name: value}, Latin-1 decoded; repeated headers are joined
    with ", " (RFC 9110 field lines)."""
    found: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1")
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


def parse_params(raw: bytes) -> list[tuple[str, str]]:
    """Form-encoded parameters as (name, value) pairs in order; ProtocolError 400 when a percent-escape does not
    decode to UTF-8."""
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
        raise ProtocolError(
            400, bilingual("Parametrarna måste vara UTF-8 (procentkodade)", "parameters must be UTF-8, percent-encoded")
        ) from None


def query_text(raw: bytes) -> str:
    """The query sent as an application/sparql-query body; ProtocolError 400 naming the byte when it is not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(
            400, bilingual(f"Frågan är inte UTF-8 (byte {exc.start})", f"the query is not UTF-8 (byte {exc.start})")
        ) from None


def media_type_of(value: str) -> tuple[str, str | None]:
    """(media type, charset) of a Content-Type value, both lower-case; charset None when not given."""
    parts = [p.strip() for p in value.split(";")]
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip('"').lower()
    return parts[0].lower(), charset


async def read_body(receive: Any, headers: dict[str, str], limit: int) -> bytes:
    """The request body, refused with 413 as soon as it is known to exceed `limit` bytes (never read whole);
    ProtocolError 400 when the client disconnects first."""
    declared = headers.get("content-length")
    if declared is not None:
        with contextlib.suppress(ValueError):
            if int(declared) > limit:
                raise ProtocolError(413, _too_large(limit))
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ProtocolError(400, bilingual("Klienten avbröt förfrågan", "the client went away"))
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise ProtocolError(413, _too_large(limit))
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def etag_matches(if_none_match: str | None, etag: bytes) -> bool:
    """Whether an If-None-Match value (None when absent) names `etag` (quoted) or is "*"; the weak comparison
    of RFC 9110 13.1.2, so W/ prefixes are ignored."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag.decode() in tags


def _too_large(limit: int) -> str:
    return bilingual(f"Förfrågans kropp är större än {limit} byte", f"the request body is larger than {limit} bytes")
