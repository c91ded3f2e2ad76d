"""Request-scoped access to what the lifespan opened."""

from __future__ import annotations

from fastapi import Request

from kommunmal.config import Settings
from kommunmal.iris import Iris
from kommunmal.release import Release
from kommunmal.store import Store


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_release(request: Request) -> Release:
    return request.app.state.release


def get_store(request: Request) -> Store:
    return request.app.state.store


def get_iris(request: Request) -> Iris:
    return Iris(request.app.state.settings.base_iri)
