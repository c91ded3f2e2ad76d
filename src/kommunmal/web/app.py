"""`create_app(settings)`: the FastAPI application; the whole URL surface is the ROUTERS list below."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from kommunmal import integrity
from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.store import open_store
from kommunmal.web import http, warm
from kommunmal.web.routes import across, analysis, catalog, dumps, linked_data, meta, pages, query_page, sparql
from kommunmal.web.routes import compare as compare_routes
from kommunmal.web.routes import search as search_routes

# Order matters: fixed paths first, the linked-data catch-alls (/id/…, /doc/…) last.
ROUTERS = (
    meta.router,
    sparql.router,
    catalog.router,
    dumps.router,
    analysis.router,
    across.router,
    compare_routes.router,
    search_routes.router,
    query_page.router,
    pages.router,
    linked_data.router,
)


def create_app(settings: Settings | None = None, release: Release | None = None) -> FastAPI:
    """Build the app for one release (default: the current release in settings.release_dir)."""
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.release = release or integrity.named(settings.release_dir, settings.release)
        app.state.store = open_store(settings, app.state.release)
        for hook in app.state.startup_hooks:
            await hook(app)
        try:
            yield
        finally:
            for hook in app.state.shutdown_hooks:
                await hook(app)

    app = FastAPI(
        title="kommunmal",
        summary="Kommunala mål som länkade data / municipal goals as linked data",
        lifespan=lifespan,
        docs_url="/-/docs",
        redoc_url=None,
        openapi_url="/-/openapi.json",
    )
    app.state.settings = settings
    app.state.startup_hooks = []
    app.state.shutdown_hooks = []
    sparql.install(app)
    pages.install(app)
    for router in ROUTERS:
        app.include_router(router)
    http.install(app)
    warm.install(app)
    return app
