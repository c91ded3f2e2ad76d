"""The index pages assembled in the background after start (setting warm_pages, on under `kommunmal serve`)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.web.app import create_app
from kommunmal.web.warm import PATHS


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
