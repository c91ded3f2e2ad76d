"""The search index a release carries (search.sqlite) and /search: the example searches find what a reader
expects, inflected forms match, facets count and narrow, and the JSON form equals the page."""

from __future__ import annotations

import html
import re
import sqlite3
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from kommunmal.release import Release
from kommunmal.search import INDEX_FILE, SearchIndex
from kommunmal.search.text import highlights, passage, stem
from kommunmal.web.routes.search import hits_word

ID = "https://w3id.org/kommunmal/id/"
B24 = ID + "ostersund/budget-2024/"


@pytest.fixture(scope="module")
def index(release: Release) -> SearchIndex:
    return SearchIndex.for_release(release.path)


def iris(index: SearchIndex, query: str, **filters: tuple[str, ...]) -> list[str]:
    return [h.iri for h in index.search(query, limit=1000, **filters).hits]


def test_the_release_carries_the_index_and_its_checksum(release: Release, store, settings) -> None:
    path = release.path / INDEX_FILE
    assert path.is_file()
    assert INDEX_FILE in (release.path / "SHA256SUMS").read_text(encoding="utf-8")
    with sqlite3.connect(path) as db:
        kinds = dict(db.execute("SELECT kind, COUNT(*) FROM entry GROUP BY kind"))
        goals = db.execute("SELECT COUNT(*) FROM entry WHERE kind = 'goal'").fetchone()[0]
    for kind in ("goal", "paragraph", "statement", "action", "organisation", "sdg-goal", "sdg-target", "indicator"):
        assert kinds.get(kind, 0) > 0, kind
    in_store = store.query(f"PREFIX km: <{settings.vocab}> SELECT (COUNT(?g) AS ?n) WHERE {{ ?g a km:Goal }}")
    assert goals == int(next(iter(in_store))["n"].value)
    assert kinds["sdg-goal"] == 17 and kinds["sdg-target"] == 169


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kultur", [ID + "ostersund/org/kultur-och-fritidsnamnden", B24 + "action/kultur-i-hela-kommunen"]),
        ("äldreomsorg", [B24 + "action/tillitsbaserad-aldreomsorg", ID + "kolada/kpi/U21468"]),
        ("Stockholm", [B24 + "action/kortare-restid-till-stockholm"]),
        ("klimatneutral", [B24 + "action/fossilfri-och-klimatneutral-2030"]),
        ("våld", [B24 + "action/motverka-mans-vald-mot-kvinnor", B24 + "action/arbeta-mot-vald-i-nara-relationer"]),
    ],
)
def test_example_searches_find_what_a_reader_expects(index: SearchIndex, query: str, expected: list[str]) -> None:
    found = iris(index, query)
    for iri in expected:
        assert iri in found, (query, iri, found[:10])
        assert found.index(iri) < 10, f"{iri} ranks {found.index(iri) + 1} for {query!r}"
    hit = next(h for h in index.search(query, limit=1000).hits if h.iri == expected[0])
    marked = [hit.passage[a:b] for a, b in hit.marks] + [hit.title[a:b] for a, b in hit.title_marks]
    assert any(m.lower().startswith(query.lower()[:4]) for m in marked), (query, marked)


def test_inflected_forms_match_by_stem(index: SearchIndex) -> None:
    # "kulturella" and "kulturell" share the stem "kulturell"; "våldet" is found by "våld".
    assert stem("kulturella") == stem("kulturell")
    by_inflection = set(iris(index, "kulturella"))
    assert by_inflection and by_inflection == set(iris(index, "kulturell"))
    text = "Kommunen ska motverka våldet och våld i nära relationer."
    assert [text[a:b] for a, b in highlights(text, frozenset({stem("våld")}))] == ["våldet", "våld"]


def test_swedish_and_english_titles_of_the_un_goals(index: SearchIndex) -> None:
    sdg4 = "http://metadata.un.org/sdg/4"
    assert sdg4 in iris(index, "utbildning", kinds=("sdg-goal",))
    assert sdg4 in iris(index, "education", kinds=("sdg-goal",))
    targets = iris(index, "education", kinds=("sdg-target",))
    assert "http://metadata.un.org/sdg/4.1" in targets


def test_all_words_must_match_else_any(index: SearchIndex) -> None:
    both = index.search("våld kvinnor", limit=1000)
    assert not both.any_word and both.total <= index.search("våld", limit=1000).total
    assert B24 + "action/motverka-mans-vald-mot-kvinnor" in [h.iri for h in both.hits]
    either = index.search("våld xyzzyq", limit=1000)
    assert either.any_word and either.total == index.search("våld", limit=1000).total
    assert index.search("xyzzyq").total == 0


def fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@pytest.mark.parametrize(
    ("typed", "swedish"),
    [
        ("aldreomsorg", "äldreomsorg"),
        ("forskola", "förskola"),
        ("ostersund", "Östersund"),
        ("hallbarhet", "hållbarhet"),
    ],
)
def test_a_word_typed_without_a_ring_or_dots_finds_what_the_word_with_them_finds(
    index: SearchIndex, typed: str, swedish: str
) -> None:
    """A reader without a Swedish keyboard types "forskola": the hits of "förskola", its words marked."""
    plain, proper = index.search(typed, limit=1000), index.search(swedish, limit=1000)
    assert proper.total > 0 and not proper.respelled
    assert {h.iri for h in plain.hits} == {h.iri for h in proper.hits}
    assert plain.respelled, "the results say the word was also searched with å, ä and ö"
    first = plain.hits[0]
    marked = [first.title[a:b] for a, b in first.title_marks] + [first.passage[a:b] for a, b in first.marks]
    assert any(fold(m).startswith(fold(swedish)[:5]) for m in marked), marked


def test_a_word_found_as_typed_is_not_respelled(index: SearchIndex) -> None:
    # "for" (English, and in names) is a word of its own, not "för"; "bostader" is found by its stem "bostad".
    for typed in ("for", "bostader"):
        results = index.search(typed, limit=1000)
        assert results.total > 0 and not results.respelled, typed
    assert index.search("xyzzyq").respelled == {}


def test_the_page_says_the_words_were_also_searched_with_diacritics(client: TestClient) -> None:
    page = client.get("/search", params={"q": "aldreomsorg"}, headers={"accept": "text/html"}).text
    assert 'id="respelled"' in page and "Orden söktes även med å, ä och ö." in page
    assert "<mark>äldreomsorg</mark>" in page.lower() or "äldreomsorg</mark>" in page
    body = client.get("/search.json", params={"q": "aldreomsorg"}).json()
    assert body["total"] > 0 and body["respelled"] == {"aldreomsorg": ["äldreomsorg"]}
    proper = client.get("/search", params={"q": "äldreomsorg"}, headers={"accept": "text/html"}).text
    assert 'id="respelled"' not in proper


def test_facets_count_and_narrow(index: SearchIndex) -> None:
    results = index.search("kultur", limit=1000)
    kinds = {f.value: f.count for f in results.facets["kind"]}
    assert sum(kinds.values()) == results.total
    assert [h.kind for h in results.hits].count("action") == kinds["action"]
    documents = results.facets["document"]
    assert B24 + "document" in [d.value for d in documents]
    assert all(d.label.startswith("Budget ") for d in documents)
    assert sum(d.count for d in documents) <= results.total

    actions = index.search("kultur", kinds=("action",), limit=1000)
    assert actions.total == kinds["action"] and {h.kind for h in actions.hits} == {"action"}
    # The kind facet still counts every kind under its own filter; the goal facet counts only actions.
    assert {f.value: f.count for f in actions.facets["kind"]} == kinds
    goal = next(f for f in actions.facets["goal"] if f.label.startswith("1.6"))
    narrowed = index.search("kultur", kinds=("action",), goals=(goal.value,), limit=1000)
    assert narrowed.total == goal.count
    assert all(goal.value in h.goals for h in narrowed.hits)
    assert all(B24 + "document" in h.documents for h in narrowed.hits)


def test_hits_link_to_their_pages(client: TestClient) -> None:
    data = client.get("/search.json", params={"q": "kultur aktiviteter"}).json()
    assert data["results"]
    paragraph = next(r for r in data["results"] if r["kind"] == "paragraph")
    assert re.fullmatch(r"/doc/ostersund/budget-2024/goal/1\.\d#p\d+", paragraph["url"]), paragraph["url"]
    for r in client.get("/search.json", params={"q": "utbildning"}).json()["results"]:
        path = r["url"].split("#")[0]
        assert client.get(path, headers={"Accept": "text/html"}).status_code == 200, r["url"]
        if r["kind"] == "sdg-goal":
            assert r["url"] == "/sdg/4"


class _Hits(HTMLParser):
    """The result list of the search page: (data-iri, href of the heading link) per hit."""

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[list[str]] = []
        self.in_h3 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li" and "hit" in (a.get("class") or "").split():
            self.hits.append([a["data-iri"] or ""])
        elif tag == "h3":
            self.in_h3 = True
        elif tag == "a" and self.in_h3 and self.hits:
            self.hits[-1].append(a["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h3":
            self.in_h3 = False


@pytest.mark.parametrize("params", [{"q": "kultur"}, {"q": "kultur", "kind": "action"}, {"q": "våld", "sida": "1"}])
def test_json_equals_the_page(client: TestClient, params: dict[str, str]) -> None:
    html = client.get("/search", params=params, headers={"Accept": "text/html"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    data = client.get("/search.json", params=params).json()
    negotiated = client.get("/search", params=params, headers={"Accept": "application/json"})
    assert negotiated.headers["content-type"] == "application/json" and negotiated.json() == data
    parser = _Hits()
    parser.feed(html.text)
    assert parser.hits == [[r["iri"], r["url"]] for r in data["results"]]
    assert f'data-total="{data["total"]}"' in html.text
    assert f"{hits_word(data['total'])} för ”{params['q']}”" in html.text


def test_number_agreement() -> None:
    assert hits_word(1) == "1 träff"
    assert hits_word(2) == "2 träffar"
    assert hits_word(0) == "0 träffar"


def test_pages_of_results(client: TestClient) -> None:
    first = client.get("/search.json", params={"q": "kommunen"}).json()
    assert first["total"] > first["limit"], "enough hits for two pages"
    second = client.get("/search.json", params={"q": "kommunen", "sida": "2"}).json()
    assert second["offset"] == first["limit"]
    assert not {r["iri"] for r in first["results"]} & {r["iri"] for r in second["results"]}


@pytest.mark.parametrize(("typed", "meant"), [("kolektivtrafik", "kollektivtrafik"), ("äldreomsrg", "äldreomsorg")])
def test_a_misspelt_word_that_finds_nothing_gets_a_suggestion(client: TestClient, typed: str, meant: str) -> None:
    body = client.get("/search.json", params={"q": typed}).json()
    assert body["total"] == 0 and body["suggestion"] == meant
    assert client.get("/search.json", params={"q": meant}).json()["total"] > 0, "the suggestion finds something"
    page = html.unescape(client.get("/search", params={"q": typed}, headers={"accept": "text/html"}).text)
    assert f'id="suggestion">Menade du <a href="/search?{urlencode({"q": meant})}">{meant}</a>?' in page


def test_no_suggestion_when_something_is_found_or_nothing_is_near(client: TestClient) -> None:
    assert client.get("/search.json", params={"q": "kollektivtrafik"}).json()["suggestion"] is None
    assert client.get("/search.json", params={"q": "xyzzyq"}).json()["suggestion"] is None


def test_a_page_past_the_last_shows_the_last(client: TestClient) -> None:
    """/search?q=…&sida=999 (an old link, a typed number) showed no hits under "Sida 999 av 2"."""
    first = client.get("/search.json", params={"q": "kommunen"}).json()
    last = -(-first["total"] // first["limit"])
    beyond = client.get("/search.json", params={"q": "kommunen", "sida": "999"}).json()
    assert beyond["offset"] == (last - 1) * first["limit"] and beyond["results"]
    page = client.get("/search", params={"q": "kommunen", "sida": "999"}, headers={"accept": "text/html"}).text
    assert f"Sida {last} av {last}" in page and "Sida 999" not in page and 'class="hit"' in page


def test_suggestions_while_typing(client: TestClient) -> None:
    data = client.get("/search/suggest", params={"q": "äldreoms"}).json()
    assert 0 < len(data["suggestions"]) <= 8
    assert any("äldreomsorg" in s["title"].lower() for s in data["suggestions"])
    urls = [s["url"] for s in data["suggestions"]]
    assert len(urls) == len(set(urls)), "each page is suggested once"
    assert client.get("/search/suggest", params={"q": ""}).json()["suggestions"] == []


def test_every_page_has_the_search_box(client: TestClient) -> None:
    for path in ("/", "/sdg", "/search?q=kultur"):
        page = client.get(path, headers={"Accept": "text/html"}).text
        assert 'role="search"' in page and 'name="q"' in page and "/static/search.js" in page, path
    assert client.get("/static/search.js").status_code == 200


def test_passage_is_cut_around_the_match() -> None:
    text = "Inledning. " + "ord " * 100 + "Här står kultur i texten. " + "mer " * 100
    shown, ranges = passage(text, highlights(text, frozenset({stem("kultur")})), width=120)
    assert len(shown) <= 125 and shown.startswith("…") and shown.endswith("…")
    assert [shown[a:b] for a, b in ranges] == ["kultur"]


def test_several_goal_documents_are_a_facet(tmp_path: Path) -> None:
    from kommunmal.search.index import Entry, write

    docs = {
        "urn:doc:a": ("Budget 2024", "ostersund/2024", "Östersunds kommun 2024"),
        "urn:doc:b": ("Budget 2025", "ostersund/2025", "Östersunds kommun 2025"),
    }
    goals = {"urn:goal:a": ("1.1", "Ledning"), "urn:goal:b": ("1.1", "Ledning")}
    entries = [
        Entry("urn:goal:a", "goal", "Mål 1.1 Ledning", text="En hållbar tillväxt", goals={"urn:goal:a"}),
        Entry("urn:goal:b", "goal", "Mål 1.1 Ledning", text="Hållbara verksamheter", goals={"urn:goal:b"}),
        Entry("urn:action:b", "action", "Klimatneutral 2030", text="Hållbart resande", goals={"urn:goal:b"}),
    ]
    path = tmp_path / "search.sqlite"
    write(path, entries, goals, {"urn:goal:a": "urn:doc:a", "urn:goal:b": "urn:doc:b"}, docs)
    index = SearchIndex(path)
    results = index.search("hållbar")
    assert results.total == 3
    assert {(f.label, f.count) for f in results.facets["document"]} == {("Budget 2024", 1), ("Budget 2025", 2)}
    labels = [f.label for f in results.facets["goal"]]
    assert labels == ["1.1 Ledning (Östersunds kommun 2024)", "1.1 Ledning (Östersunds kommun 2025)"]
    narrowed = index.search("hållbar", documents=("urn:doc:b",))
    assert {h.iri for h in narrowed.hits} == {"urn:goal:b", "urn:action:b"}
    assert {(f.value, f.count) for f in narrowed.facets["document"]} == {("urn:doc:a", 1), ("urn:doc:b", 2)}


def test_a_release_without_an_index_says_what_to_do(tmp_path: Path) -> None:
    from kommunmal.errors import NotFound

    with pytest.raises(NotFound, match="run `kommunmal build`"):
        SearchIndex.for_release(tmp_path)
    old = tmp_path / INDEX_FILE
    with sqlite3.connect(old) as db:
        db.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('schema', '0')")
    with pytest.raises(NotFound, match="another version"):
        SearchIndex(old)


def test_a_goal_named_only_by_its_number_is_titled_once(release: Release) -> None:
    # The 2023 excerpt's goals are named "Mål 3": their hits were titled "Mål 3 Mål 3".
    db = sqlite3.connect(release.path / INDEX_FILE)
    titles = [title for (title,) in db.execute("SELECT title FROM entry WHERE kind = 'goal'")]
    assert "Mål 3" in titles and "Mål 1.1 Ledning" in titles
    assert not [t for t in titles if re.fullmatch(r"Mål (\S+) Mål \1", t)]
