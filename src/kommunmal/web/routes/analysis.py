"""/analysis/goal-graph.{ext}?layer=…&tier=…&min_strength=…: the goal graph of the served release, in any format.

Computed by the same core functions as `kommunmal analyse`, once per (release, layer, filters, format), then
served from memory: a release never changes.
"""

from __future__ import annotations

import threading
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from kommunmal.analysis import LAYER_CHOICES, TIERS, analyse
from kommunmal.config import Settings
from kommunmal.documents import dataset_graphs
from kommunmal.lazy import lazy_import
from kommunmal.network_export import EXPORT_FORMATS, render
from kommunmal.release import Release
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.web.deps import get_release, get_settings, get_store
from kommunmal.web.render import csv_response
from kommunmal.web.scope import scope, unknown

nx = lazy_import("networkx")

router = APIRouter()

BY_EXTENSION = {f.extension: f for f in EXPORT_FORMATS.values()}
LayerName = Literal[LAYER_CHOICES]  # type: ignore[valid-type]
TierName = Literal[(*TIERS, "both")]  # type: ignore[valid-type]


class _Cache:
    """Graphs per (release, layer, tier, strength) and rendered bytes per format; one lock, so each is made once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.graphs: dict[tuple, nx.Graph] = {}
        self.rendered: dict[tuple, bytes] = {}

    def get(
        self,
        source: StoreSource,
        layer: str,
        fmt: str,
        tier: str = "both",
        min_strength: float = 0.0,
        document: str | None = None,
    ) -> bytes:
        key = (source.key, document, layer, tier, min_strength, fmt)
        with self.lock:
            if key not in self.rendered:
                graph = self.graphs.get(key[:-1])
                if graph is None:
                    tiers = TIERS if tier == "both" else (tier,)
                    graph = self.graphs[key[:-1]] = analyse(
                        source, layer, tiers=tiers, min_strength=min_strength, document=document
                    )
                self.rendered[key] = render(graph, fmt)
            return self.rendered[key]


def _cache(request: Request) -> _Cache:
    state = request.app.state
    if getattr(state, "analysis_cache", None) is None:
        state.analysis_cache = _Cache()
    return state.analysis_cache


@router.get(
    "/analysis/goal-graph.{extension}",
    summary="Goal graph: which goals share actions, SDG targets, responsible bodies or indicators",
    response_class=Response,
    responses={200: {"content": {f.media_type.split(";")[0]: {} for f in EXPORT_FORMATS.values()}}},
)
def goal_graph(
    extension: str,
    request: Request,
    layer: LayerName = Query("actions", description="what the goals share; `all` sums the five layers"),
    # Read by scope() like on every page; declared here for the API's description.
    dokument: str | None = Query(None, description="one goal document's goals only (its key, e.g. ostersund/2024)"),
    tier: TierName = Query("both", description="action tiers that count: shared, related or both"),
    min_strength: float = Query(
        0.0, ge=0.0, le=1.0, description="drop SDG links and related commitments weighted below this (0–1)"
    ),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    fmt = BY_EXTENSION.get(extension)
    if fmt is None:
        raise HTTPException(404, f"no goal graph as .{extension}; use one of: " + ", ".join(sorted(BY_EXTENSION)))
    sc = scope(request, store)
    if sc.unknown:
        return unknown(request, sc)
    source = StoreSource(store, settings.vocab, release)
    document = sc.document if sc.explicit else None
    if document is not None:  # read its own graphs only: the whole store at 290 municipalities took minutes
        source.graphs = dataset_graphs(document, store.named_graphs(), settings.base_iri)
    body = _cache(request).get(source, layer, fmt.name, tier, min_strength, document.iri if document else None)
    variant = layer + ("" if tier == "both" else f"-{tier}") + (f"-min{min_strength:g}" if min_strength else "")
    variant += f"-{document.key.replace('/', '-')}" if document else ""
    headers = {
        "Content-Disposition": f'inline; filename="goal-graph-{variant}.{fmt.extension}"',
        "ETag": f'"{release.id}-{variant}-{fmt.name}"',
        "Cache-Control": "public, max-age=3600",
    }
    if fmt.extension == "csv":  # with a BOM, as every CSV download here (render.csv_response)
        return csv_response(body, headers=headers)
    return Response(body, media_type=fmt.media_type, headers=headers)
