"""Fixtures for the web tests: the app in process (TestClient) and a real uvicorn server on a loopback port.

Both serve the release that conftest's `release_dir` builds once per session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def web_settings(settings: Settings, release_dir: Path) -> Settings:
    return settings.with_(release_dir=release_dir)


@pytest.fixture(scope="session")
def app(web_settings: Settings, release: Release) -> FastAPI:
    return create_app(web_settings, release)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(release_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `uvicorn` process serving the session's release; yields its base URL (ending in /)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    env.update(KOMMUNMAL_RELEASE_DIR=str(release_dir), KOMMUNMAL_PUBLIC_URL=url)
    log = tmp_path_factory.mktemp("server") / "uvicorn.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "kommunmal.web.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"uvicorn exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
            try:
                if httpx.get(url + "health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"uvicorn did not answer on {url} within 30 s:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
