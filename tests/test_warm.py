"""The index pages assembled in the background after start (setting warm_pages, on under `kommunmal serve`)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.web.app import create_app
from kommunmal.web.routes.query_page import EXAMPLES
from kommunmal.web.warm import PATHS

JSON = "application/sparql-results+json"


def test_the_index_pages_are_ready_before_their_first_visitor(web_settings: Settings, release: Release) -> None:
    app = create_app(web_settings.with_(warm_pages=True), release)
    with TestClient(app) as client:
        task = app.state.warming
        deadline = time.monotonic() + 120
        while not task.done() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert task.done() and task.result() == dict.fromkeys(PATHS, 200)
        cache = app.state.page_data
        misses = cache.misses
        for path in ("/atgarder", "/organisationer", "/sdg", "/sdg/11"):
            assert client.get(path, headers={"accept": "text/html"}).status_code == 200
        assert cache.misses == misses  # each came from what the warm-up assembled


def test_without_the_setting_nothing_is_requested(web_settings: Settings, release: Release) -> None:
    app = create_app(web_settings, release)
    with TestClient(app):
        assert not hasattr(app.state, "warming") and not hasattr(app.state, "page_data")


def _warmed(app) -> None:
    deadline = time.monotonic() + 120
    while not app.state.warming.done() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert app.state.warming.done()


def test_the_query_pages_examples_are_answered_from_memory(web_settings: Settings, release: Release) -> None:
    app = create_app(web_settings.with_(warm_pages=True), release)
    with TestClient(app) as client:
        _warmed(app)
        for _title, text in EXAMPLES:
            query = text.format(vocab=web_settings.vocab)
            json_only = client.get("/sparql", params={"query": query}, headers={"accept": JSON})
            also_turtle = client.get("/sparql", params={"query": query}, headers={"accept": f"{JSON}, text/turtle"})
            assert json_only.status_code == also_turtle.status_code == 200
            assert 'desc="cached' in json_only.headers["server-timing"]
            # a client that also accepts a graph format asks for the same answer of a SELECT
            assert also_turtle.headers["etag"] == json_only.headers["etag"]
            assert 'desc="cached' in also_turtle.headers["server-timing"]
            assert json_only.content == also_turtle.content


def test_with_the_answer_cache_off_no_example_answer_is_kept(web_settings: Settings, release: Release) -> None:
    app = create_app(web_settings.with_(warm_pages=True, sparql_cache_bytes=0), release)
    with TestClient(app) as client:
        _warmed(app)
        query = EXAMPLES[0][1].format(vocab=web_settings.vocab)
        answer = client.get("/sparql", params={"query": query}, headers={"accept": JSON})
        assert answer.status_code == 200 and 'desc="cached' not in answer.headers["server-timing"]
