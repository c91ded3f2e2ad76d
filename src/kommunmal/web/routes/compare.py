"""/jamfor?from=…&to=…: the year comparison of two goal documents as a page, as JSON (?format=json or
/jamfor.json) and as an RDF change set in Turtle (?format=turtle or /jamfor.ttl). One core call
(kommunmal.compare.compare); the page shows exactly the JSON's values."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from kommunmal.compare import (
    ACTION_KINDS_SV,
    GOAL_KINDS_SV,
    RULES_SV,
    NoSuchDocument,
    compare,
    diff_string,
    documents,
)
from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.web.deps import get_release, get_settings, get_store
from kommunmal.web.render import page

router = APIRouter()
FORMATS = {"html": "text/html", "json": "application/json", "turtle": "text/turtle"}
EXTENSIONS = {"json": "json", "ttl": "turtle"}


def _answer(
    request: Request, fmt: str, before: str | None, after: str | None, settings: Settings, source: StoreSource
) -> Response:
    if fmt not in FORMATS:
        raise HTTPException(400, f"okänt format {fmt!r}; använd html, json eller turtle")
    docs = documents(source)
    if before is None or after is None:
        if len(docs) < 2:
            raise HTTPException(404, "det finns bara ett måldokument; inget att jämföra")
        before, after = before or docs[-2].name, after or docs[-1].name
    try:
        comparison = compare(source, before, after)
    except NoSuchDocument as exc:
        raise HTTPException(404, str(exc)) from None
    query = f"from={comparison.before.name}&to={comparison.after.name}"
    if fmt == "json":
        body = json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2)
        return Response(body, media_type="application/json")
    if fmt == "turtle":
        body = comparison.to_rdf(settings.base_iri).serialize(format="turtle")
        return Response(body, media_type="text/turtle; charset=utf-8")
    root = request.url.path.rsplit("/", 1)[0]
    links = [
        (f"{root}/jamfor.json?{query}", "application/json", "JSON"),
        (f"{root}/jamfor.ttl?{query}", "text/turtle", "Ändringsuppsättning (Turtle)"),
    ]
    return page(
        request,
        "compare.html",
        links=links,
        c=comparison,
        data=comparison.to_dict(),
        docs=docs,
        goal_kinds=GOAL_KINDS_SV,
        action_kinds=ACTION_KINDS_SV,
        rules=RULES_SV,
        diff_string=diff_string,
    )


@router.get("/jamfor", include_in_schema=False)
def compare_page(
    request: Request,
    before: str | None = Query(None, alias="from", description="earlier document, e.g. ostersund/2023"),
    after: str | None = Query(None, alias="to", description="later document, e.g. ostersund/2024"),
    format: str = Query("html", description="html, json or turtle"),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    return _answer(request, format, before, after, settings, StoreSource(store, settings.vocab, release))


@router.get("/jamfor.{extension}", include_in_schema=False)
def compare_data(
    extension: str,
    request: Request,
    before: str | None = Query(None, alias="from"),
    after: str | None = Query(None, alias="to"),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    if extension not in EXTENSIONS:
        raise HTTPException(404, f"ingen jämförelse som .{extension}; använd .json eller .ttl")
    return _answer(request, EXTENSIONS[extension], before, after, settings, StoreSource(store, settings.vocab, release))
