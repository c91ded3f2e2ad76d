"""A query of some 40 KB through the query page in headless Chromium against a real server (uvicorn refuses a
request line that long with a bare "400 Invalid HTTP request received."): the page posts it, shows the answer,
keeps it out of the address, and the page still reloads."""

from __future__ import annotations

import socket
from urllib.parse import urlencode, urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

QUERY = ("# " + "åäö{}<>" * 11 + "\n") * 520 + "SELECT ?goal WHERE { ?goal a km:Goal } ORDER BY ?goal LIMIT 3"


def test_the_address_could_not_carry_it(server: str) -> None:
    # Raw HTTP/1.1: httpx itself refuses URLs over 64 KB.
    address = urlsplit(server)
    target = "/sparql?" + urlencode({"query": QUERY})
    with socket.create_connection((address.hostname, address.port), timeout=30) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {address.netloc}\r\nAccept: text/html\r\n\r\n".encode())
        answer = conn.recv(65536).decode("latin-1")
    assert answer.startswith("HTTP/1.1 400"), answer[:200]


def test_a_long_query_runs_from_the_page(page: object, server: str) -> None:
    pg = page
    pg.goto(server + "sparql")  # type: ignore[attr-defined]
    pg.locator(".cm-editor").wait_for()
    pg.evaluate("q => { document.querySelector('textarea#query').value = q; }", QUERY)
    pg.locator(".cm-content").click()
    pg.keyboard.press("Control+A")
    pg.keyboard.press("Delete")
    pg.keyboard.insert_text(QUERY)
    pg.locator("#run").click()
    pg.wait_for_function("() => document.querySelectorAll('#results table tbody tr').length === 3", timeout=20000)
    assert pg.locator("#status").inner_text().startswith("3 rader")
    assert "query=" not in pg.url and len(pg.url) < 200
    response = pg.reload()
    assert response is not None and response.status == 200
