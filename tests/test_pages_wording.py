"""What pages say, read as a Swedish reader reads them: each quote named once, in Swedish; English text marked as
English; no RDF terms, datatype IRIs or slugs as text; Swedish numbers and dates; no bare zero where nothing was
recorded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from fastapi.testclient import TestClient

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DOC = "/doc/ostersund/budget-2024"
GOAL = f"{DOC}/goal/1.4"


def html(client: TestClient, path: str) -> str:
    response = client.get(path, headers={"accept": BROWSER})
    assert response.status_code == 200, path
    return response.text


class Texts(HTMLParser):
    """The text of <main>, each run with the language of the element around it (the page's "sv" by default)."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.langs: list[str] = ["sv"]
        self.main = 0
        self.runs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        self.main += tag == "main" or bool(self.main)
        self.langs.append(dict(attrs).get("lang") or self.langs[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID:
            return
        if self.main:
            self.main -= 1
        if len(self.langs) > 1:
            self.langs.pop()

    def handle_data(self, data: str) -> None:
        if self.main and data.strip():
            self.runs.append((self.langs[-1], data.strip()))


def texts(page: str) -> list[tuple[str, str]]:
    parser = Texts()
    parser.feed(page)
    return parser.runs


# ---------------------------------------------------------------------------------------------- 1. quotes once


def evidence_items(page: str) -> list[str]:
    return re.findall(r"<li><q>.*?</q>.*?</li>", page)


def test_a_quote_from_a_goal_statement_is_listed_once_with_the_goals_swedish_name(client: TestClient) -> None:
    page = html(client, GOAL)
    items = evidence_items(page)
    assert any(">Näringsliv och tillväxt</a>" in i for i in items)
    assert not any("Business and growth" in i for i in items), "the English goal name beside a quote"
    per_link = re.findall(r'<ul class="evidence">(.*?)</ul>', page, re.S)
    for block in per_link:
        quotes = re.findall(r"<li><q>(.*?)</q>", block)
        assert len(quotes) == len(set(quotes)), f"a quote listed twice: {quotes}"


def test_the_json_view_gives_one_evidence_item_per_quote_and_place_with_the_swedish_label(client: TestClient) -> None:
    data = client.get(GOAL, params={"format": "json"}).json()
    links = data["sdg"] + data["responsibility"]
    goal_labels = [label for link in links for _, place, label in link["evidence"] if place.endswith("/goal/1.4")]
    assert goal_labels and set(goal_labels) == {"Näringsliv och tillväxt"}
    for link in links:
        places = [(quote, place) for quote, place, _ in link["evidence"]]
        assert len(places) == len(set(places)), link["link"]
