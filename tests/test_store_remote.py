"""The remote store: a real `oxigraph serve` started here, written through the Graph Store Protocol by `build`,
read through the SPARQL Protocol by the web app; the same pages and answers as the embedded store, and a failed
upload that leaves the previous release served."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from live_server import free_port

from kommunmal.config import Settings
from kommunmal.release import Release, build
from kommunmal.store_remote import RemoteError, RemoteStore
from kommunmal.web.app import create_app

OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(OXIGRAPH is None, reason="the oxigraph server (PyPI package oxigraph) is not installed"),
]
KM = "https://w3id.org/kommunmal/def/kommunmal#"
GOALS = f"SELECT ?g ?t WHERE {{ ?g a <{KM}Goal> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?t }} ORDER BY ?g ?t"
PAGES = ["/", "/sdg/11", "/catalog", "/doc/ostersund/budget-2024/goal/1.1"]


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    folder = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(folder / "data"), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "oxigraph serve did not start"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", target)
    return target


def remote(settings: Settings, url: str, release_dir: Path) -> Settings:
    return settings.with_(
        release_dir=release_dir,
        store_url=url + "/query",
        store_gsp_url=url + "/store",
        store_update_url=url + "/update",
    )


@pytest.fixture(scope="module")
def remote_release(settings: Settings, oxigraph: str, tmp_path_factory: pytest.TempPathFactory) -> Release:
    out = tmp_path_factory.mktemp("remote-release")
    release, _ = build(remote(settings, oxigraph, out), out)
    return release


def test_every_graph_is_on_the_server(remote_release: Release, oxigraph: str) -> None:
    store = RemoteStore(oxigraph + "/query")
    assert store.named_graphs() == sorted(remote_release.meta["graphs"])
    assert len(store) == remote_release.meta["quads"]


def _apps(settings: Settings, release: Release, oxigraph: str) -> tuple[object, object]:
    """The app on the embedded store and the app on the remote one (oxigraph serve), both serving `release`."""
    out = release.path.parent.parent
    return create_app(settings.with_(release_dir=out), release), create_app(remote(settings, oxigraph, out), release)


def test_pages_and_answers_are_the_same_on_both_backends(
    settings: Settings, remote_release: Release, oxigraph: str
) -> None:
    embedded_app, remote_app = _apps(settings, remote_release, oxigraph)
    with TestClient(embedded_app) as embedded, TestClient(remote_app) as far:
        for path in PAGES:
            here, there = embedded.get(path), far.get(path)
            assert here.status_code == there.status_code == 200, path
            # The same lines; lists that a page does not order come in each engine's own order.
            assert sorted(here.text.splitlines()) == sorted(there.text.splitlines()), path
        for accept in ("application/sparql-results+json", "text/csv"):
            here = embedded.get("/sparql", params={"query": GOALS}, headers={"Accept": accept})
            there = far.get("/sparql", params={"query": GOALS}, headers={"Accept": accept})
            assert here.status_code == there.status_code == 200
            assert here.content == there.content
        assert 'desc="remote"' in there.headers["server-timing"]
        construct = f"CONSTRUCT {{ ?g a <{KM}Goal> }} WHERE {{ ?g a <{KM}Goal> }}"
        here = embedded.get("/sparql", params={"query": construct}, headers={"Accept": "application/n-triples"})
        there = far.get("/sparql", params={"query": construct}, headers={"Accept": "application/n-triples"})
        assert sorted(here.text.splitlines()) == sorted(there.text.splitlines()) != []
        refused = far.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
        assert refused.status_code == 400


def test_a_failed_upload_leaves_the_previous_release_served(
    settings: Settings, remote_release: Release, oxigraph: str, data_copy: Path
) -> None:
    out = remote_release.path.parent.parent
    before = RemoteStore(oxigraph + "/query")
    quads, graphs = len(before), before.named_graphs()
    goals = data_copy / "ostersund" / "2024" / "goals.ttl"
    goals.write_text(goals.read_text(encoding="utf-8") + "\n# changed\n<urn:x:new> <urn:x:p> 1 .\n", encoding="utf-8")
    broken = remote(settings, oxigraph, out).with_(data_dir=data_copy, store_gsp_url=oxigraph + "/no-such-store")
    with pytest.raises(RemoteError):
        build(broken, out)
    assert Release.current(out).id == remote_release.id
    assert len(before) == quads and before.named_graphs() == graphs


def test_predeclared_prefixes_and_error_positions_on_both_backends(
    settings: Settings, remote_release: Release, oxigraph: str
) -> None:
    embedded_app, remote_app = _apps(settings, remote_release, oxigraph)
    accept = {"Accept": "application/sparql-results+json"}
    undeclared = "SELECT ?g WHERE {\n  ?g a km:Goal .\n  ?g nope:x ?y\n}"
    with TestClient(embedded_app) as embedded, TestClient(remote_app) as far:
        for query in ("SELECT ?g WHERE { ?g a km:Goal } ORDER BY ?g", "SELECT ?g WHERE {\n  ?g a km:Goal ?\n}"):
            here, there = (
                embedded.get("/sparql", params={"query": query}, headers=accept),
                far.get("/sparql", params={"query": query}, headers=accept),
            )
            assert here.status_code == there.status_code, (query, here.text, there.text)
            assert here.text.split(":")[0] == there.text.split(":")[0], (here.text, there.text)
        assert here.status_code == 400 and here.text.startswith("Syntaxfel på rad 3, kolumn 2: ")
        here = embedded.get("/sparql", params={"query": undeclared}, headers=accept)
        there = far.get("/sparql", params={"query": undeclared}, headers=accept)
        assert here.status_code == there.status_code == 400
        assert here.text.startswith("Syntaxfel på rad 3, kolumn 6: prefixet nope:") and here.text == there.text
