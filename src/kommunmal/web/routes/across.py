"""/jamfor/globala-mal and /jamfor/mal: comparisons across municipalities (core: coverage, goal_matching).

Their bodies are computed once per release and request parameters and kept in a bounded cache (ReleaseCache): at
national scale a matrix or mapping takes seconds to compute, and a release never changes while it is served."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from kommunmal.config import Settings
from kommunmal.coverage import Coverage, picture, sdg_coverage
from kommunmal.documents import documents, resolve
from kommunmal.errors import NotFound
from kommunmal.goal_matching import RULE_EN, RULE_SV, match_goals
from kommunmal.iris import Iris
from kommunmal.release import Release
from kommunmal.result_cache import ReleaseCache
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.web import errors
from kommunmal.web.deps import get_release, get_settings, get_store, release_cache
from kommunmal.web.render import csv_response, page
from kommunmal.web.scope import scope

router = APIRouter()
GET_HEAD = ["GET", "HEAD"]
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json", "png": "image/png", "svg": "image/svg+xml"}
# Entries kept: 2 levels x 5 forms of the matrix, and the mapping page and JSON of up to ~250 goal documents.
RESULTS_SIZE = 512


def _source(settings: Settings, store: Store, release: Release) -> StoreSource:
    return StoreSource(store, settings.vocab, release)


def results(request: Request) -> ReleaseCache:
    """The app's cache of comparison bodies."""
    return release_cache(request, "across_results", RESULTS_SIZE)


@router.api_route("/jamfor/globala-mal", methods=GET_HEAD, include_in_schema=False)
@router.api_route("/jamfor/globala-mal.{ext}", methods=GET_HEAD, include_in_schema=False)
def sdg_matrix(
    request: Request,
    ext: str | None = None,
    niva: str = Query("mal", pattern="^(mal|delmal)$", description="mal: SDG 1–17; delmal: targets"),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    """Which SDG goals (or targets) each goal document's goals serve: HTML, CSV, JSON, PNG or SVG."""
    if ext is not None and ext not in MEDIA:
        raise HTTPException(404, f"no matrix as .{ext}; use one of: {', '.join(MEDIA)}")
    cache = results(request)
    headers = {"ETag": f'"{release.id}-sdg-{niva}-{ext or "html"}"', "Cache-Control": "public, max-age=300"}

    def coverage() -> Coverage:
        level = "goal" if niva == "mal" else "target"
        return cache.get(release.id, ("sdg", niva), lambda: sdg_coverage(_source(settings, store, release), level))

    if ext == "csv":
        body = cache.get(release.id, ("sdg", niva, ext), lambda: coverage().to_csv())
        return csv_response(body, headers=headers)
    if ext == "json":
        body = cache.get(release.id, ("sdg", niva, ext), lambda: json.dumps(coverage().as_dict(), ensure_ascii=False))
        return Response(body, media_type=MEDIA["json"], headers=headers)
    if ext in ("png", "svg"):
        body = cache.get(release.id, ("sdg", niva, ext), lambda: picture(coverage(), ext))
        return Response(body, media_type=MEDIA[ext], headers=headers)

    def render() -> bytes:
        iris = Iris(settings.base_iri)
        matrix = coverage()
        return page(
            request,
            "across_sdg.html",
            coverage=matrix,
            level=niva,
            doc_pages={d.iri: iris.page(d.iri) for d in matrix.documents},
            sdg_pages={c: iris.sdg_page(c) for c in matrix.columns},
        ).body

    return HTMLResponse(cache.get(release.id, ("sdg", niva, "html", request.url.path), render))


@router.api_route("/jamfor/mal", methods=GET_HEAD, include_in_schema=False)
@router.api_route("/jamfor/mal.{ext}", methods=GET_HEAD, include_in_schema=False)
def goal_mapping(
    request: Request,
    ext: str | None = None,
    dokument: str | None = Query(None, description="goal document: IRI or municipality/year, e.g. ostersund/2024"),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    """For each goal of a document, the goals of other municipalities about the same thing (inferred, ranked)."""
    if ext not in (None, "json"):
        raise HTTPException(404, "no goal mapping as ." + str(ext) + "; use .json")
    key = ("goals", dokument, ext or "html", request.url.path)
    try:
        body = results(request).get(
            release.id, key, lambda: _goal_mapping_body(request, ext, dokument, settings, release, store)
        )
    except NotFound:
        return errors.unknown_document(request, dokument or "", [d.key for d in scope(request, store).documents])
    if ext == "json":
        return Response(body, media_type=MEDIA["json"])
    return HTMLResponse(body)


def _goal_mapping_body(
    request: Request, ext: str | None, dokument: str | None, settings: Settings, release: Release, store: Store
) -> bytes | str:
    """The body of /jamfor/mal (HTML bytes) or /jamfor/mal.json (text) for `dokument`; raises NotFound for a
    document that is not in the release."""
    source = _source(settings, store, release)
    docs = documents(source)
    # Without `dokument`: the newest document of the first municipality (the 2024 budget, not the 2023 excerpt).
    newest = max((d for d in docs if d.slug == docs[0].slug), key=lambda d: d.year or 0) if docs else None
    document = resolve(source, dokument) if dokument else newest
    matches = match_goals(source, document) if document else []
    rows = [
        {
            "goal": m.goal.goal,
            "goal_notation": m.goal.notation,
            "goal_label": m.goal.label,
            "match": m.other.goal,
            "match_notation": m.other.notation,
            "match_label": m.other.label,
            "match_document": m.other_document.key,
            "match_municipality": m.other_document.publisher_label,
            "score": m.score,
            "sdg_score": m.sdg_score,
            "word_score": m.word_score,
            "shared_sdg": list(m.shared_sdg),
            "shared_words": list(m.shared_words),
            "basis": "inferred",
        }
        for m in matches
    ]
    if ext == "json":
        body = {"document": document.iri if document else None, "rule": {"sv": RULE_SV, "en": RULE_EN}, "matches": rows}
        return json.dumps(body, ensure_ascii=False)
    iris = Iris(settings.base_iri)
    return page(
        request,
        "across_goals.html",
        document=document,
        documents=docs,
        rows=rows,
        rule=RULE_SV,
        page_of=iris.page,
    ).body
