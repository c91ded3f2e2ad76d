"""Request-scoped access to what the lifespan opened."""

from __future__ import annotations

import threading

from fastapi import Request

from kommunmal.config import Settings
from kommunmal.iris import Iris
from kommunmal.release import Release
from kommunmal.result_cache import ReleaseCache
from kommunmal.store import Store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_release(request: Request) -> Release:
    return request.app.state.release


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_iris(request: Request) -> Iris:
    return Iris(request.app.state.settings.base_iri)


PAGE_DATA_SIZE = 256
_caches_lock = threading.Lock()


def release_cache(request: Request, name: str, size: int) -> ReleaseCache:
    """The app's ReleaseCache called `name` (an attribute of app.state), made on first use with at most `size`
    entries; one per app, so apps in one process do not share."""
    state = request.app.state
    with _caches_lock:
        cache = getattr(state, name, None)
        if cache is None:
            cache = ReleaseCache(size)
            setattr(state, name, cache)
    return cache


def page_data(request: Request) -> ReleaseCache:
    """The app's cache of index-page data (action and organisation indexes, the SDG pages), per release and
    parameters. Those pages read every document of the release: at 29 municipalities 0.4 s each, at 290 several
    seconds, for data that cannot change while the release is served."""
    return release_cache(request, "page_data", PAGE_DATA_SIZE)
