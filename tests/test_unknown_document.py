"""A page asked for a goal document the release does not hold (a mistyped `dokument`, `from` or `to`, a year
that is not there) says which value names no document and lists the documents there are, in Swedish first; it
is not the page for an unknown address, whose suggestions are about the path."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
PAGES = [
    "/atgarder?dokument={}",
    "/atgarder.csv?dokument={}",
    "/organisationer?dokument={}",
    "/sdg?dokument={}",
    "/sdg/11?dokument={}",
    "/doc/ostersund/org/kommunstyrelsen?dokument={}",
    "/graph?dokument={}",
    "/analysis/goal-graph.png?dokument={}",
    "/jamfor/mal?dokument={}",
    "/jamfor?from=ostersund/2023&to={}",
    "/jamfor?from={}&to=ostersund/2024",
]


@pytest.mark.parametrize("path", PAGES)
def test_an_unknown_document_is_named_with_the_documents_there_are(client: TestClient, path: str) -> None:
    response = client.get(path.format("ostersund/2025"), headers={"accept": BROWSER})
    assert response.status_code == 404
    text = html.unescape(response.text)
    assert "Det finns inget måldokument 'ostersund/2025'" in text
    assert "ostersund/2023, ostersund/2024" in text
    assert text.index("måldokument") < text.index("no goal document"), "Swedish first"
    assert "Menade du" not in text and "Nothing is known about this address" not in text


def test_clients_get_the_same_message_as_json_or_text(client: TestClient) -> None:
    body = client.get("/atgarder?dokument=ostersund", headers={"accept": "application/json"}).json()
    assert body["status"] == 404 and "'ostersund'" in body["sv"] and "municipality/year" in body["en"]
    plain = client.get("/analysis/goal-graph.json?dokument=2024", headers={"accept": "text/plain"})
    assert plain.status_code == 404 and plain.text.splitlines()[0].startswith("Det finns inget måldokument '2024'")


def test_a_known_document_is_still_served(client: TestClient) -> None:
    for path in PAGES:
        assert (
            client.get(
                path.format("ostersund/2024").replace(
                    "from=ostersund/2024&to=ostersund/2024", "from=ostersund/2023&to=ostersund/2024"
                ),
                headers={"accept": BROWSER},
            ).status_code
            == 200
        ), path
