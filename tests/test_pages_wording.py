"""What pages say, read as a Swedish reader reads them: each quote named once, in Swedish; English text marked as
English; no RDF terms, datatype IRIs or slugs as text; Swedish numbers and dates; no bare zero where nothing was
recorded."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
DOC = "/doc/ostersund/budget-2024"
GOAL = f"{DOC}/goal/1.4"


def html(client: TestClient, path: str) -> str:
    response = client.get(path, headers={"accept": BROWSER})
    assert response.status_code == 200, path
    return response.text


class Texts(HTMLParser):
    """The text of <main>, each run with the language of the element around it (the page's "sv" by default)."""

    def __init__(self) -> None:
        super().__init__()
        self.langs: list[str] = ["sv"]
        self.main = 0
        self.runs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        if tag == "main" or self.main:
            self.main += 1  # elements open inside <main>, counting it: 0 again once </main> is passed
        self.langs.append(dict(attrs).get("lang") or self.langs[-1])

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
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


# ---------------------------------------------------------------------------------------------- 2. English marked

ENGLISH_ONLY = ("Ensure equal opportunity and reduce inequalities", "Encourage and promote effective public")


@pytest.mark.parametrize(
    "path",
    [f"{DOC}/action/minskade-klyftor", "/graph?lager=sdg", "/graph?lager=all", "/sdg/10", "/sdg/10.3", "/sdg/17"],
)
def test_an_sdg_target_named_only_in_english_is_marked_english(client: TestClient, path: str) -> None:
    runs = [(lang, text) for lang, text in texts(html(client, path)) if any(e in text for e in ENGLISH_ONLY)]
    assert runs, f"{path} no longer shows an English-only target; pick another page"
    assert {lang for lang, _ in runs} == {"en"}, [text[:40] for lang, text in runs if lang != "en"]


def test_a_target_without_a_swedish_name_is_headed_without_repeating_its_number(client: TestClient) -> None:
    heading = re.search(r"<h1>(.*?)</h1>", html(client, "/sdg/10.3"), re.S).group(1)
    text = re.sub(r"<[^>]+>", " ", heading)
    assert text.count("10.3") == 1, heading


# ---------------------------------------------------------------------------------------------- 3. no RDF terms

CURIE = re.compile(r"^(?:skos|cv|org|adms|dct|prov|dcat|foaf|qb|rdfs?|owl|km|sdgo?):[A-Za-z]+$")


def term_texts(client: TestClient, path: str) -> list[str]:
    """The texts of a page that are a CURIE or an IRI of the vocabulary, wherever they stand."""
    return [t for _, t in texts(html(client, path)) if CURIE.match(t) or "/def/kommunmal#" in t]


@pytest.mark.parametrize(
    "path",
    [
        "/doc/ostersund",
        "/doc/ostersund/org/kommunstyrelsen",
        "/doc/ostersund/org/ostersunds-radhus-ab",
        "/doc/ostersund/org/finans-och-fastighetsutskottet",
        "/doc/ostersund/org/barn-och-utbildningsnamnden",
        f"{DOC}/action/minskade-klyftor",
        "/doc/ostersund/budget-2023/goal/1",
        "/doc/ostersund/identifier/kommunkod",
        "/doc/ostersund/outcomes/N01951",
    ],
)
def test_property_tables_name_terms_in_swedish_not_as_curies_or_iris(client: TestClient, path: str) -> None:
    assert term_texts(client, path) == []


def test_the_named_properties_and_classes_read_as_swedish(client: TestClient) -> None:
    municipality = html(client, "/doc/ostersund")
    assert ">offentlig organisation</a>" in municipality
    assert re.search(r"2380</span> <span class=\"small\">\(kommunkod\)</span>", municipality)
    assert ">närliggande</a>" in html(client, f"{DOC}/action/minskade-klyftor")
    assert ">omfattning</a>" in html(client, "/doc/ostersund/org/barn-och-utbildningsnamnden")
    assert ">historik</a>" in html(client, "/doc/ostersund/org/finans-och-fastighetsutskottet")


# ---------------------------------------------------------------------------------------------- 4. search facets


def test_search_names_a_goals_document_by_municipality_and_year_not_by_its_key(client: TestClient) -> None:
    page = html(client, "/search?q=hållbara")
    shown = [t for _, t in texts(page)]
    assert any(t.endswith("(Östersunds kommun 2024)") for t in shown), "the goal facet names its document"
    assert not [t for t in shown if re.search(r"ostersund/20\d\d", t)], "a document key shown as text"
    assert not [t for t in shown if re.fullmatch(r"(\d+) Mål \1\b.*", t)], "a goal's number said twice"


# ---------------------------------------------------------------------------------------------- 5. numbers, dates

ISO = re.compile(r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d)?")
MONTHS = "januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december"


def test_row_limits_group_thousands_as_swedish_does(client: TestClient) -> None:
    shown = " ".join(t for _, t in texts(html(client, "/sparql")))
    assert not re.search(r"\d{4,} rader", shown), "a count of rows without a thousands separator"
    assert re.search(r"\d{1,3}(?:[\u202f\u00a0]\d{3})+ rader", shown)


@pytest.mark.parametrize("path", ["/dumps/", "/catalog", "/doc/ostersund/outcomes/N01951"])
def test_dates_are_written_in_swedish_and_kept_machine_readable(client: TestClient, path: str) -> None:
    page = html(client, path)
    assert not [t for _, t in texts(page) if ISO.search(t)], "an ISO date or time shown as text"
    stamps = re.findall(r'<time datetime="([^"]+)">([^<]+)</time>', page)
    assert stamps
    for machine, shown in stamps:
        assert ISO.match(machine)
        day = re.fullmatch(rf"(\d{{1,2}}) ({MONTHS}) (\d{{4}})(?: kl\. (\d\d)\.(\d\d)(?: UTC)?)?", shown)
        assert day, shown
        assert (int(day.group(1)), day.group(3)) == (int(machine[8:10]), machine[:4])
        if day.group(4):
            assert f"{day.group(4)}:{day.group(5)}" == machine[11:16]


# ---------------------------------------------------------------------------------------------- 6. nothing recorded


def test_a_document_without_recorded_actions_says_so_instead_of_counting_zeros(client: TestClient) -> None:
    excerpt = html(client, "/doc/ostersund/budget-2023/document")
    counts = re.findall(r'<p class="counts">(.*?)</p>', excerpt, re.S)
    assert counts and set(counts) == {"inga åtaganden eller kopplingar registrerade"}
    mapped = re.findall(r'<p class="counts">(.*?)</p>', html(client, f"{DOC}/document"), re.S)
    assert mapped and all(re.match(r"\d+ åtag", c) for c in mapped), "a mapped document still counts"
    assert client.get("/doc/ostersund/budget-2023/document", params={"format": "json"}).json()["recorded"] == {
        "actions": False,
        "sdgs": False,
        "orgs": False,
    }


def test_the_goal_graph_of_an_excerpt_offers_no_downloads(client: TestClient) -> None:
    # The page says the excerpt's graph is empty; it went on to offer it as JSON, GraphML, GEXF, CSV, PNG and SVG.
    def section(path: str) -> str:
        return html(client, path).split('id="dl-heading"', 1)[1].split("</section>", 1)[0]

    excerpt = section("/graph?dokument=ostersund/2023")
    assert "goal-graph." not in excerpt and "Ett utdrag har ingen målgraf att ladda ner." in excerpt
    assert "goal-graph.graphml" in section("/graph?dokument=ostersund/2024")


def test_a_goal_named_only_by_its_number_is_headed_once(client: TestClient) -> None:
    # The 2023 excerpt gives its goals no names ("Mål 2" stands in): the card read "2 Mål 2 Goal 2".
    headings = [
        re.sub(r"<[^>]+>|\s+", " ", h).split()
        for h in re.findall(
            r'<li class="goal-card">\s*<h3>(.*?)</h3>', html(client, "/doc/ostersund/budget-2023/document"), re.S
        )
    ]
    assert headings and all(words[:1] == ["Mål"] and len(words) == 2 for words in headings), headings
    named = re.findall(r'<span class="notation">([^<]+)</span>', html(client, f"{DOC}/document"))
    assert named, "a named goal keeps its number beside its name"


def test_property_tables_write_sdg_codes_one_way(client: TestClient) -> None:
    """The UN's padded notations ("10.03", "11.0a") are the untagged labels of targets without a Swedish text."""
    shown = [t for _, t in texts(html(client, f"{DOC}/action/minskade-klyftor"))]
    assert not [t for t in shown if re.fullmatch(r"\d+\.0\w+", t)]
    assert "Delmål 10.3" in shown


@pytest.mark.parametrize("path", ["/sdg", "/sdg/10"])
def test_the_english_citation_of_the_un_kos_is_marked_english(client: TestClient, path: str) -> None:
    runs = [(lang, t) for lang, t in texts(html(client, path)) if "A Knowledge Organization System" in t]
    assert runs and {lang for lang, _ in runs} == {"en"}


def test_one_label_per_quote_and_place_swedish_first_and_a_label_beats_none() -> None:
    from rdflib import Literal, URIRef

    from kommunmal.views.sparql import merge_evidence

    place = URIRef("urn:x:goal")
    found = [
        {"link": "l", "quote": "q", "place": place},
        {"link": "l", "quote": "q", "place": place, "place_label": Literal("Business", lang="en")},
        {"link": "l", "quote": "q", "place": place, "place_label": Literal("Näringsliv", lang="sv")},
        {"link": "l", "quote": "r", "place": place, "place_label": Literal("Business", lang="en")},
    ]
    (merged,) = merge_evidence(found, "link", str)
    assert [(q, str(label), getattr(label, "language", None)) for q, _, label in merged["evidence"]] == [
        ("q", "Näringsliv", "sv"),
        ("r", "Business", "en"),
    ]


def test_a_documents_page_links_the_year_comparison_with_its_other_years(client: TestClient) -> None:
    # The comparison was linked from the start page only.
    for path in (f"{DOC}/document", "/doc/ostersund/budget-2023/document"):
        line = re.search(r'<p class="meta">Jämför med (.*?)</p>', html(client, path), re.S)
        assert line, path
        href = re.search(r'href="([^"]+)"', line.group(1)).group(1).replace("&amp;", "&")
        assert href.endswith("/jamfor?from=ostersund/2023&to=ostersund/2024"), href
        assert client.get(href, headers={"accept": "text/html"}).status_code == 200


def test_a_texts_language_is_named_in_swedish_not_by_its_eu_authority_iri(client: TestClient) -> None:
    """The 2023 excerpt's political texts state dct:language with the EU language authority's IRI."""
    page = html(client, "/doc/ostersund/budget-2023/text/2")
    links = dict((text, href) for href, text in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', page))
    assert "svenska" in links, "the language is not named"
    assert links["svenska"] == "http://publications.europa.eu/resource/authority/language/SWE"
    assert not [t for t in links if t.startswith("http://publications.europa.eu/")], "an IRI as link text"


CURIE = re.compile(r"\b(?:dct|dcterms|skos|skosxl|km|kms|kmc|org|rdf|rdfs|owl|prov|dcat|foaf|xsd):[A-Za-z]")


@pytest.mark.parametrize(
    "path",
    [
        "/doc/ostersund/org/finans-och-fastighetsutskottet",
        "/doc/ostersund/org/kommunstyrelsen",
        GOAL,
        "/doc/ostersund/budget-2024/action/invanare-75000-ar-2040",
    ],
)
def test_notes_and_texts_on_pages_name_no_rdf_term(client: TestClient, path: str) -> None:
    found = [text for _lang, text in texts(html(client, path)) if CURIE.search(text)]
    assert not found, found


def test_an_ordered_collection_lists_its_members_in_order_on_its_page(client: TestClient) -> None:
    """The UN KOS's skos:memberList of the 17 goals is an RDF list: one numbered list in the list's order, not a
    chain of blank nodes named rdf:first and rdf:rest."""
    page = html(client, "/sdg/Goals")
    [listed] = re.findall(r'<ol class="collection">(.*?)</ol>', page, re.S)
    members = re.findall(r'<a href="([^"]+)"', listed)
    assert members == [f"/sdg/{n}" for n in range(1, 18)]
    shown = " ".join(text for _lang, text in texts(page))
    for term in ("rdf:first", "rdf:rest", "rdf:nil", "skos:memberList", "skos:OrderedCollection"):
        assert term not in shown, term
    data = client.get("/sdg/Goals", params={"format": "json"}).json()
    [row] = [p for p in data["properties"] if p["predicate"].endswith("#memberList")]
    assert row["objects"] == [[f"http://metadata.un.org/sdg/{n}" for n in range(1, 18)]]


def test_a_named_graph_marks_the_english_names_it_lists_as_english(client: TestClient) -> None:
    """The UN KOS names its indicators in English only; listed by the graph's page they are marked lang="en"."""
    runs = texts(html(client, "/graph/reference/sdg/sdg-kos-goals-targets-indicators"))
    english = [lang for lang, text in runs if text == "Energy intensity measured in terms of primary energy and GDP"]
    assert english == ["en"]
    assert ("sv", "Ingen fattigdom") in runs, "Swedish names stay Swedish"
