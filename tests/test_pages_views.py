"""Page assembly (kommunmal.views) and the JSON view of every page kind: the JSON is what the page shows;
Swedish number agreement and order; SDG codes written one way; filters of the action index; the 404 page."""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kommunmal.config import Settings
from kommunmal.views.sparql import sdg_code
from kommunmal.views.swedish import count, sort_key

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "kommunmal" / "web" / "templates"
GOAL = "/doc/ostersund/budget-2024/goal/1.4"
ACTION = "/doc/ostersund/budget-2024/action/invanare-75000-ar-2040"
ORG = "/doc/ostersund/org/kommunstyrelsen"
PAGES = [
    "/",
    GOAL,
    ACTION,
    ORG,
    "/doc/ostersund/budget-2024/document",
    "/sdg",
    "/sdg/11",
    "/sdg/11.2",
    "/graph",
    "/graph?lager=committees",
    "/atgarder",
    "/atgarder?mal=1.4",
    "/organisationer",
    "/def/kommunmal",
]


class Links(HTMLParser):
    """The hrefs inside <main> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self.depth += 1
        elif tag == "a" and self.depth:
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.depth -= 1


def strings(value: object) -> set[str]:
    if isinstance(value, dict):
        return set().union(*(strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(strings(v) for v in value)) if value else set()
    return {str(value)} if value is not None else set()


@pytest.mark.parametrize("path", PAGES)
def test_json_view_holds_every_resource_the_page_links(path: str, client: TestClient, settings: Settings) -> None:
    html = client.get(path, headers={"accept": BROWSER})
    sep = "&" if "?" in path else "?"
    data = client.get(path + sep + "format=json")
    assert html.status_code == data.status_code == 200
    assert data.headers["content-type"].startswith("application/json")
    values = strings(data.json())
    parser = Links()
    parser.feed(html.text)
    linked = {
        settings.base_iri + "id/" + h[len("/doc/") :].split("?")[0] for h in parser.hrefs if h.startswith("/doc/")
    }
    linked |= {
        "http://metadata.un.org/sdg/" + h[len("/sdg/") :].split("?")[0] for h in parser.hrefs if h.startswith("/sdg/")
    }
    if path == "/def/kommunmal":  # the terms link to each other on the page, by name
        linked = {h[1:] for h in parser.hrefs if h.startswith("#")}
        linked -= {"diagram", *(s["id"] for s in data.json()["sections"])}
    missing = sorted(iri for iri in linked if iri not in values)
    assert linked, f"{path} links to no resources"
    assert not missing, f"{path} shows links its JSON view lacks: {missing[:5]}"


def test_pages_negotiate_json_but_documents_keep_json_ld(client: TestClient) -> None:
    r = client.get("/atgarder", headers={"accept": "application/json"})
    assert r.headers["content-type"].startswith("application/json") and r.json()["total"] > 100
    assert r.headers["vary"] == "Accept"
    html = client.get("/atgarder", headers={"accept": BROWSER})
    assert html.headers["content-type"].startswith("text/html")
    ld = client.get(GOAL, headers={"accept": "application/ld+json"})
    assert ld.headers["content-type"].startswith("application/ld+json")
    view = client.get(GOAL + "?format=json", headers={"accept": BROWSER}).json()
    assert view["info"]["notation"] == "1.4" and view["actions"]


def test_goal_json_and_page_agree_on_actions(client: TestClient) -> None:
    data = client.get(GOAL + "?format=json").json()
    html = client.get(GOAL, headers={"accept": BROWSER}).text
    assert f"Åtaganden ({len(data['actions'])})" in html
    for a in data["actions"]:
        assert a["label"] in html


def test_number_agreement() -> None:
    assert count(1, "annat mål", "andra mål") == "1 annat mål"
    assert count(2, "annat mål", "andra mål") == "2 andra mål"
    assert count("1", "gemensamt åtagande", "gemensamma åtaganden") == "1 gemensamt åtagande"
    assert count(0, "överträdelse", "överträdelser") == "0 överträdelser"
    assert count(12345, "trippel", "tripplar") == "12\u202f345 tripplar"


def test_no_template_writes_a_count_beside_a_fixed_plural() -> None:
    """A number printed straight before a plural noun is wrong for 1; every count goes through `antal`."""
    nouns = r"(?:andra|gemensamma|åtaganden|kopplingar|mål och|organ\b|indikatorer|överträdelser|organisationer)"
    for path in TEMPLATES.glob("*.html"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            hit = re.search(r"\{\{[^}]*\}\}\s*" + nouns, line)
            assert not (hit and "antal" not in hit.group(0)), f"{path.name}:{n}: {line.strip()}"


def test_swedish_order_puts_a_ring_a_umlaut_o_umlaut_last() -> None:
    words = ["Ökning", "ansvar", "Åtagande", "Ämne", "zon", "Ekonomi", "éclair", "bolag"]
    assert sorted(words, key=sort_key) == ["ansvar", "bolag", "éclair", "Ekonomi", "zon", "Åtagande", "Ämne", "Ökning"]


def test_vocabulary_sorted_in_swedish_with_a_class_diagram(client: TestClient) -> None:
    data = client.get("/def/kommunmal?format=json").json()
    for section in data["sections"]:
        labels = [t["sv"] or t["name"] for t in section["terms"]]
        assert labels == sorted(labels, key=sort_key), section["title"]
    html = client.get("/def/kommunmal", headers={"accept": BROWSER}).text
    classes = next(s for s in data["sections"] if s["id"] == "klasser")["terms"]
    assert html.count("<rect ") == len(classes) > 5
    assert 'id="term-filter"' in html


def test_sdg_codes_written_one_way(client: TestClient) -> None:
    assert sdg_code("13.02") == "13.2" and sdg_code("11.a") == "11.a" and sdg_code("01") == "1"
    for path in ("/sdg/13", GOAL, "/atgarder"):
        text = client.get(path, headers={"accept": BROWSER}).text
        assert not re.search(r'class="notation">\d+\.0\d', text), path


def test_action_index_filters_and_csv(client: TestClient) -> None:
    everything = client.get("/atgarder?format=json").json()
    goal = client.get(GOAL + "?format=json").json()
    by_goal = client.get("/atgarder?mal=1.4&format=json").json()
    assert {a["action"] for a in by_goal["actions"]} == {a["action"] for a in goal["actions"]}
    assert by_goal["total"] == everything["total"] > len(by_goal["actions"])
    both = client.get("/atgarder?mal=1.4&organ=kommunstyrelsen&format=json").json()["actions"]
    assert both and all(any(o["org"].endswith("/kommunstyrelsen") for o in a["orgs"]) for a in both)
    targets = client.get("/atgarder?malvarde=ja&format=json").json()["actions"]
    assert targets and all(a.get("target_value") is not None for a in targets)
    inferred = client.get("/atgarder?fn=11&grund=harledd&format=json").json()["actions"]
    assert all(any(s["code"] == "11" and not s["stated"] for s in a["sdgs"]) for a in inferred)
    body = client.get("/atgarder.csv?mal=1.4&organ=kommunstyrelsen").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [r["iri"] for r in rows] == [a["action"] for a in both]
    page = client.get("/atgarder?mal=1.4", headers={"accept": BROWSER}).text
    assert 'href="/atgarder.csv?mal=1.4"' in page and '<option value="1.4" selected>' in page


def test_organisation_page_is_grouped_by_goal(client: TestClient) -> None:
    data = client.get(ORG + "?format=json").json()
    notations = [g["notation"] for g in data["goals"]]
    assert len(notations) > 1 and notations == sorted(notations, key=lambda n: [int(p) for p in n.split(".")])
    assert all(g["links"] for g in data["goals"])
    orgs = client.get("/organisationer?format=json").json()["organisations"]
    ks = next(o for o in orgs if o["org"].endswith("/kommunstyrelsen"))
    assert ks["goals"] == len(notations)


@pytest.mark.parametrize("path", ["/finns-inte", "/static/nope.css", "/atgarder/x", "/analysis/goal-graph.doc"])
def test_every_unknown_path_gets_the_404_page(path: str, client: TestClient) -> None:
    r = client.get(path, headers={"accept": BROWSER})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    assert "Hittades inte" in r.text
    assert client.get(path, headers={"accept": "application/json"}).status_code == 404


def test_did_you_mean_suggests_by_name(client: TestClient) -> None:
    r = client.get("/doc/ostersund/org/kommunstyrelse", headers={"accept": BROWSER})
    assert r.status_code == 404
    main = r.text.split("Menade du?")[1]
    assert 'href="/doc/ostersund/org/kommunstyrelsen">Kommunstyrelsen</a>' in main


def test_head_has_description_open_graph_and_icon(client: TestClient) -> None:
    head = client.get(GOAL, headers={"accept": BROWSER}).text.split("</head>")[0]
    assert re.search(r'<meta name="description" content="[^"]{20,}">', head)
    assert '<meta property="og:title" content="Mål 1.4 Näringsliv och tillväxt">' in head
    icon = re.search(r'<link rel="icon" href="([^"]+)"', head).group(1)
    assert client.get(icon).headers["content-type"] == "image/svg+xml"
    assert client.get("/favicon.ico").status_code == 200


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/atgarder", {}),
        ("/atgarder", {"mal": "1.4", "organ": "kommunstyrelsen"}),
        ("/atgarder.csv", {"fn": "11"}),
        ("/organisationer", {}),
        ("/sdg", {}),
        ("/sdg/11", {}),
        ("/sdg/11.2", {}),
    ],
)
def test_index_pages_are_made_once_per_release_and_parameters(client: TestClient, path: str, params: dict) -> None:
    """The index data is kept per release and parameters; a repeat is the same page, and nothing leaks between
    parameters (a filtered index is not the unfiltered one)."""
    first = client.get(path, params=params, headers={"accept": "text/html"})
    cache = client.app.state.page_data
    hits, misses = cache.hits, cache.misses
    second = client.get(path, params=params, headers={"accept": "text/html"})
    assert first.status_code == second.status_code == 200 and second.content == first.content
    parts = 2 if path.startswith("/sdg/") else 1  # a UN goal's or target's page also keeps its description
    assert (cache.hits, cache.misses) == (hits + parts, misses)
    if params and path == "/atgarder":
        assert client.get(path, headers={"accept": "text/html"}).content != first.content


def follow_pages(client: TestClient, url: str, item: str, size: int) -> tuple[list[str], int]:
    """(the links matching `item` on every page reached from `url` by its "next" links, the number of pages);
    each page holds at least one and at most `size`."""
    seen: list[str] = []
    pages = 0
    while url:
        html = client.get(url, headers={"accept": BROWSER}).text
        items = re.findall(item, html)
        assert 0 < len(items) <= size
        seen += items
        pages += 1
        found = re.search(r'<a href="([^"]+)" rel="next">', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
    return seen, pages


def test_action_index_pages_hold_every_action_once(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """At national scale the index is paged (sida=N); following the next links visits every action exactly once,
    the same actions as the CSV, and the filters stay in the links."""
    from kommunmal.web.routes import browse as browse_route

    monkeypatch.setattr(browse_route, "PAGE_SIZE", 50)
    rows = list(csv.DictReader(io.StringIO(client.get("/atgarder.csv").content.decode("utf-8-sig"))))
    seen, pages = follow_pages(client, "/atgarder", r'<li class="action-item">\s*<h2 class="h3"><a href="([^"]+)"', 50)
    assert len(seen) == len(set(seen)) == len(rows) and pages == -(-len(rows) // 50)
    filtered = client.get("/atgarder?slag=commitment", headers={"accept": BROWSER}).text  # 72 commitments
    assert re.search(r'href="[^"]*slag=commitment[^"]*sida=2" rel="next"', filtered.replace("&amp;", "&"))


def test_organisation_index_pages_hold_every_organisation_once(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The organisation index is paged like the action index (thousands of organisations at 290 municipalities)."""
    from kommunmal.web.routes import browse as browse_route

    everyone = client.get("/organisationer?format=json").json()["pager"]["matching"]
    monkeypatch.setattr(browse_route, "PAGE_SIZE", 7)
    seen, pages = follow_pages(client, "/organisationer", r'<td data-label="Organisation"><a href="([^"]+)"', 7)
    assert everyone > 7 and len(seen) == len(set(seen)) == everyone and pages == -(-everyone // 7)
