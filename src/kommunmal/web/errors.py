"""Bad requests in the site's error form: Swedish first, then English; a page for browsers, JSON for clients that
ask for it, plain text otherwise (as the 404 and the SPARQL endpoint answer).

`install(app)` turns FastAPI's request validation errors (its English 422 JSON) into such 400s, naming the
parameter, the value sent and, for a choice, the values allowed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from kommunmal.formats import FORMATS, JSON_VIEW, Format, negotiate
from kommunmal.web.render import page

PLAIN = Format("text", "text/plain", "txt", "view", label="text")
TITLES = {400: ("Felaktig begäran", "Bad request"), 404: ("Hittades inte", "Not found")}
# Most goal documents an unknown-document answer lists by name (a national release has hundreds).
LISTED_DOCUMENTS = 12
# Swedish for pydantic's error types (pydantic_core ErrorType), with its context values.
_SWEDISH = {
    "missing": "saknas",
    "literal_error": "måste vara ett av {expected}",
    "enum": "måste vara ett av {expected}",
    "greater_than_equal": "måste vara minst {ge}",
    "greater_than": "måste vara större än {gt}",
    "less_than_equal": "får vara högst {le}",
    "less_than": "måste vara mindre än {lt}",
    "float_parsing": "måste vara ett tal",
    "int_parsing": "måste vara ett heltal",
    "bool_parsing": "måste vara true eller false",
    "string_pattern_mismatch": "måste följa mönstret {pattern}",
    "string_too_long": "får vara högst {max_length} tecken",
}


def bad_request(request: Request, sv: str, en: str, status: int = 400) -> Response:
    """`status` with `sv` then `en` (whole sentences): HTML when the client takes it, JSON {"status", "sv", "en"}
    when it prefers JSON, else text/plain with one line each."""
    accept = request.headers.get("accept")
    chosen = negotiate(accept, (PLAIN, FORMATS["html"], JSON_VIEW), PLAIN)
    title_sv, title_en = TITLES.get(status, ("Fel", "Error"))
    headers = {"Vary": "Accept"}
    if chosen is FORMATS["html"]:
        context = {"title_sv": title_sv, "title_en": title_en, "sv": sv, "en": en}
        return page(request, "bad_request.html", status=status, vary=True, **context)
    if chosen is JSON_VIEW:
        return JSONResponse({"status": status, "sv": sv, "en": en}, status_code=status, headers=headers)
    return Response(f"{sv}\n{en}\n", status_code=status, media_type="text/plain; charset=utf-8", headers=headers)


def unknown_value(request: Request, name: str, value: str, allowed: Sequence[str], what: tuple[str, str]) -> Response:
    """400 for a parameter `name` whose `value` is none of `allowed`; `what` is (Swedish, English) for the kind of
    value, e.g. ("lager", "layer")."""
    listed = ", ".join(allowed)
    return bad_request(
        request,
        f"Okänt {what[0]} {value!r} i parametern {name}. Giltiga värden: {listed}.",
        f"Unknown {what[1]} {value!r} in the parameter {name}. Valid values: {listed}.",
    )


def unknown_document(request: Request, wanted: str, known: Sequence[str]) -> Response:
    """404 for a goal document `wanted` (the `dokument`, `from` or `to` parameter) that the release does not hold,
    naming the form to write and the documents there are by their keys `known` (`ostersund/2024`), at most
    LISTED_DOCUMENTS of them; the page is there, only the document is not."""
    listed, rest = ", ".join(known[:LISTED_DOCUMENTS]), len(known) - LISTED_DOCUMENTS
    more_sv = f" och {rest} till; startsidan listar alla" if rest > 0 else ""
    more_en = f" and {rest} more; the home page lists them all" if rest > 0 else ""
    return bad_request(
        request,
        f"Det finns inget måldokument {wanted!r} i den här versionen. Ange det som kommun/år; "
        f"här finns {listed or 'inga'}{more_sv}.",
        f"There is no goal document {wanted!r} in this release. Give it as municipality/year; "
        f"there are {listed or 'none'}{more_en}.",
        status=404,
    )


def _either(choices: Sequence[str]) -> str:
    """'a', 'b' eller 'c'."""
    quoted = [repr(c) for c in choices]
    return ", ".join(quoted[:-1]) + " eller " + quoted[-1] if len(quoted) > 1 else "".join(quoted)


def _described(error: dict[str, Any]) -> tuple[str, str]:
    where = [str(part) for part in error.get("loc", ()) if part not in ("query", "path", "body", "header")]
    name = ".".join(where) or "?"
    context = {key: value for key, value in (error.get("ctx") or {}).items()}
    kind = error.get("type", "")
    choices = re.fullmatch(r"\^\(([\w-]+(?:\|[\w-]+)+)\)\$", str(context.get("pattern", "")))
    if kind in ("literal_error", "enum"):
        # pydantic joins the last choice with English "or": "'actions', 'sdg' or 'all'".
        context["expected"] = re.sub(r" or (?='[^']*'$)", " eller ", str(context.get("expected", "")))
    if kind == "string_pattern_mismatch" and choices:
        # A pattern that only lists choices, ^(mal|delmal)$, is said as the choices.
        said = "måste vara ett av " + _either(choices.group(1).split("|"))
    elif swedish := _SWEDISH.get(kind):
        said = swedish.format(**context)
    else:
        said = "har ett ogiltigt värde"
    sent = error.get("input")
    value_sv = f" (skickat: {sent!r})" if sent is not None and error.get("type") != "missing" else ""
    value_en = f" (sent: {sent!r})" if value_sv else ""
    message = error.get("msg", "invalid value")
    return f"Parametern {name} {said}{value_sv}.", f"The parameter {name}: {message}{value_en}."


def install(app: FastAPI) -> None:
    """Answer request validation errors with bilingual 400s in the site's error form."""

    async def handler(request: Request, exc: RequestValidationError) -> Response:
        described = [_described(e) for e in exc.errors()]
        return bad_request(request, " ".join(sv for sv, _ in described), " ".join(en for _, en in described))

    app.add_exception_handler(RequestValidationError, handler)
