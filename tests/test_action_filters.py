"""The action index given a filter value it has no such value for (a goal number not in the documents, a made-up
body or UN goal, a yes/no other than ja/nej): a 400 that names the parameter, the value and the values there
are, instead of an empty list under a form that shows "alla" for that filter."""

from __future__ import annotations

import html

import pytest
from fastapi.testclient import TestClient

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


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
