"""/jamfor/globala-mal and /jamfor/mal: comparisons across municipalities (core: coverage, goal_matching)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from kommunmal.config import Settings
from kommunmal.coverage import picture, sdg_coverage
from kommunmal.documents import documents, resolve
from kommunmal.errors import NotFound
from kommunmal.goal_matching import RULE_EN, RULE_SV, match_goals
from kommunmal.iris import Iris
from kommunmal.release import Release
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.web.deps import get_release, get_settings, get_store
from kommunmal.web.render import page

router = APIRouter()
GET_HEAD = ["GET", "HEAD"]
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json", "png": "image/png", "svg": "image/svg+xml"}


def _source(settings: Settings, store: Store, release: Release) -> StoreSource:
    return StoreSource(store, settings.vocab, release)


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
    coverage = sdg_coverage(_source(settings, store, release), "goal" if niva == "mal" else "target")
    headers = {"ETag": f'"{release.id}-sdg-{niva}-{ext or "html"}"', "Cache-Control": "public, max-age=300"}
    if ext == "csv":
        return Response(coverage.to_csv(), media_type=MEDIA["csv"], headers=headers)
    if ext == "json":
        return Response(json.dumps(coverage.as_dict(), ensure_ascii=False), media_type=MEDIA["json"], headers=headers)
    if ext in ("png", "svg"):
        return Response(picture(coverage, ext), media_type=MEDIA[ext], headers=headers)
    iris = Iris(settings.base_iri)
    return page(
        request,
        "across_sdg.html",
        coverage=coverage,
        level=niva,
        doc_pages={d.iri: iris.page(d.iri) for d in coverage.documents},
        sdg_pages={c: iris.sdg_page(c) for c in coverage.columns},
    )


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
    source = _source(settings, store, release)
    docs = documents(source)
    try:
        document = resolve(source, dokument) if dokument else (docs[0] if docs else None)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from None
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
        return Response(json.dumps(body, ensure_ascii=False), media_type=MEDIA["json"])
    iris = Iris(settings.base_iri)
    return page(
        request,
        "across_goals.html",
        document=document,
        documents=docs,
        rows=rows,
        rule=RULE_SV,
        page_of=iris.page,
    )
