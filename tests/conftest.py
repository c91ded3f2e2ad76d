"""Shared fixtures: settings with the embedded data, the loaded dataset, shapes, and one built release."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import browsing
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from live_server import running_server
from rdflib import Dataset, Graph

from kommunmal.config import Settings
from kommunmal.dataset import Source, load, union_graph
from kommunmal.release import Release, build
from kommunmal.store import Store
from kommunmal.validation import load_shapes
from kommunmal.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def settings() -> Settings:
    """Defaults only: the user's KOMMUNMAL_* variables must not change what the tests see."""
    return Settings.from_env(environ={})


@pytest.fixture(scope="session")
def loaded(settings: Settings) -> tuple[Dataset, list[Source]]:
    return load(settings)


@pytest.fixture(scope="session")
def dataset(loaded: tuple[Dataset, list[Source]]) -> Dataset:
    return loaded[0]


@pytest.fixture(scope="session")
def union(dataset: Dataset) -> Graph:
    return union_graph(dataset)


@pytest.fixture(scope="session")
def shapes(settings: Settings) -> Graph:
    return load_shapes(settings)


@pytest.fixture(scope="session")
def release_dir(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("release")
    build(settings, out)
    return out


@pytest.fixture(scope="session")
def release(release_dir: Path) -> Release:
    return Release.current(release_dir)


@pytest.fixture(scope="session")
def store(release: Release) -> Store:
    return Store(release.store_path)


@pytest.fixture(scope="session")
def web_settings(settings: Settings, release_dir: Path) -> Settings:
    return settings.with_(release_dir=release_dir)


@pytest.fixture(scope="session")
def app(web_settings: Settings, release: Release) -> FastAPI:
    """The web app in process, for tests that talk HTTP without a socket."""
    return create_app(web_settings, release)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


@pytest.fixture(scope="session")
def server(release_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real uvicorn process serving the session's release; yields its base URL (ending in /)."""
    with running_server(release_dir, tmp_path_factory.mktemp("server")) as live:
        yield live.url


@pytest.fixture(scope="session")
def many(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Release]:
    """A release of three goal documents: Östersund 2024, Östersund 2025 (a relabelled copy) and the fictitious
    Testby kommun 2024 (a copy under other IRIs); see tests/many_documents.py."""
    from many_documents import add_other_municipality, add_second_year

    data = tmp_path_factory.mktemp("many") / "data"
    shutil.copytree(settings.data_dir, data)
    add_second_year(data)
    add_other_municipality(data)
    out = tmp_path_factory.mktemp("release-many")
    local = settings.with_(data_dir=data, release_dir=out)
    release, _report = build(local, out)
    return local, release


# The browser tests' Chromium (Debian's package) and one page per test that fails on any JavaScript error.
@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not browsing.CHROMIUM.exists():
        pytest.fail(
            f"{browsing.CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium) to run "
            "the browser tests"
        )
    from playwright.sync_api import sync_playwright

    browsing.SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(browsing.CHROMIUM), args=browsing.ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")  # type: ignore[attr-defined]
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"
