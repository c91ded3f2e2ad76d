"""/health and /-/version."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from kommunmal import __version__
from kommunmal.release import Release
from kommunmal.store import Store
from kommunmal.web.deps import get_release, get_store

router = APIRouter()


@router.get("/health")
def health(release: Release = Depends(get_release), store: Store = Depends(get_store)) -> dict:
    return {"status": "ok", "release": release.id, "quads": len(store)}


@router.get("/-/version")
def version() -> dict:
    return {"kommunmal": __version__}
