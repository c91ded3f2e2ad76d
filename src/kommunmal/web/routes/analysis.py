"""/analysis/goal-graph.{ext}?layer=…: the goal graph of the served release, in any of the analysis formats.

Computed by the same core functions as `kommunmal analyse`, once per (release, layer, format), then served
from memory: a release never changes.
"""

from __future__ import annotations

import threading
from typing import Literal

import networkx as nx
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from kommunmal.analysis import LAYER_CHOICES, analyse
from kommunmal.config import Settings
from kommunmal.network_export import EXPORT_FORMATS, render
from kommunmal.release import Release
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.web.deps import get_release, get_settings, get_store

router = APIRouter()

BY_EXTENSION = {f.extension: f for f in EXPORT_FORMATS.values()}
LayerName = Literal[LAYER_CHOICES]  # type: ignore[valid-type]


class _Cache:
    """Graphs per (release, layer) and rendered bytes per (release, layer, format); one lock, so each is made once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.graphs: dict[tuple[str, str], nx.Graph] = {}
        self.rendered: dict[tuple[str, str, str], bytes] = {}

    def get(self, source: StoreSource, layer: str, fmt: str) -> bytes:
        key = (source.key, layer, fmt)
        with self.lock:
            if key not in self.rendered:
                graph = self.graphs.get(key[:2])
                if graph is None:
                    graph = self.graphs[key[:2]] = analyse(source, layer)
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
    layer: LayerName = Query("actions", description="what the goals share; `all` sums the four layers"),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    fmt = BY_EXTENSION.get(extension)
    if fmt is None:
        raise HTTPException(404, f"no goal graph as .{extension}; use one of: " + ", ".join(sorted(BY_EXTENSION)))
    body = _cache(request).get(StoreSource(store, settings.vocab, release), layer, fmt.name)
    headers = {
        "Content-Disposition": f'inline; filename="goal-graph-{layer}.{fmt.extension}"',
        "ETag": f'"{release.id}-{layer}-{fmt.name}"',
        "Cache-Control": "public, max-age=3600",
    }
    return Response(body, media_type=fmt.media_type, headers=headers)
