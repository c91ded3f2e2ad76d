"""The action index given a filter value it has no such value for (a goal number not in the documents, a made-up
body or UN goal, a yes/no other than ja/nej): a 400 that names the parameter, the value and the values there
are, instead of an empty list under a form that shows "alla" for that filter."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.web.app import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def many_client(many: tuple[Settings, Release]) -> Iterator[TestClient]:
    settings, release = many
    with TestClient(create_app(settings, release), follow_redirects=False) as c:
        yield c


@pytest.mark.parametrize(
    ("param", "value", "listed"),
    [
        ("mal", "9.9", "1.4"),
        ("slag", "foo", "measurableTarget"),
        ("organ", "nobody", "kommunstyrelsen"),
        ("fn", "99", "11"),
        ("grund", "x", "uttalad, harledd"),
        ("malvarde", "kanske", "ja, nej"),
    ],
)
@pytest.mark.parametrize("path", ["/atgarder", "/atgarder.csv"])
def test_an_unknown_filter_value_is_refused_naming_the_values_there_are(
    client: TestClient, path: str, param: str, value: str, listed: str
) -> None:
    response = client.get(path, params={param: value}, headers={"accept": BROWSER})
    assert response.status_code == 400
    text = html.unescape(response.text)
    assert f"Okänt värde '{value}' i parametern {param}" in text
    assert listed in text
    assert text.index("Okänt värde") < text.index("Unknown value"), "Swedish first"


def test_known_values_still_filter(client: TestClient) -> None:
    every = client.get("/atgarder", params={"format": "json"}).json()["total"]
    for param, value in (("mal", "1.4"), ("organ", "kommunstyrelsen"), ("fn", "11"), ("malvarde", "ja")):
        data = client.get("/atgarder", params={param: value, "format": "json"}).json()
        assert 0 < len(data["actions"]) < every, (param, value)


def test_an_organisation_is_named_alone_by_its_path(many_client: TestClient) -> None:
    """With two municipalities every Kommunstyrelsen has the last IRI segment "kommunstyrelsen": the organisation
    index links each body's count to its own actions (organ=<path after /id/>), not to every municipality's."""
    page = many_client.get("/organisationer", headers={"accept": BROWSER}).text
    rows = []
    for row in page.split("<tr>"):
        found = re.search(r'data-label="Organisation"><a href="/doc/([^"]+)">Kommunstyrelsen</a>', row)
        cell = re.search(r'data-label="Åtaganden">(.*?)</td>', row, re.S)
        if found and cell:
            rows.append((found.group(1), cell.group(1)))
    assert len(rows) == 2, "the test release has two municipalities"
    for path, cell in rows:
        count = int(re.sub(r"<[^>]+>", "", cell))
        href = html.unescape(re.search(r'href="([^"]+)"', cell).group(1))
        assert f"organ={path}".replace("/", "%2F") in href or f"organ={path}" in href, href
        listed = many_client.get(href + "&format=json").json()["actions"]
        assert len(listed) == count, (path, count, len(listed))
    everyone = many_client.get("/atgarder", params={"organ": "kommunstyrelsen", "format": "json"}).json()["actions"]
    assert len(everyone) > max(int(re.sub(r"<[^>]+>", "", c)) for _, c in rows), "the slug still names them all"
