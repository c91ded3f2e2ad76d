"""Shared fixtures: settings with the embedded data, the loaded dataset, shapes, and one built release."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph

from kommunmal.config import Settings
from kommunmal.dataset import Source, load, union_graph
from kommunmal.release import Release, build
from kommunmal.validation import load_shapes

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
