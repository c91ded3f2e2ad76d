"""Document-aware pages with two goal documents in one release: the home page lists both, and the SDG pages,
action and organisation indexes, organisation pages and the goal graph are scoped to one document when asked;
the IRIs of the first document do not change."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from second_document import YEAR, build_two_documents

from kommunmal.config import Settings
from kommunmal.documents import dataset_graphs
from kommunmal.release import Release
from kommunmal.store import Store
from kommunmal.views import graph as goal_graph
from kommunmal.views.documents import all_documents, goal_iris
from kommunmal.web.app import create_app

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
OLD, NEW = "ostersund/2024", f"ostersund/{YEAR}"


@pytest.fixture(scope="module")
def two(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    out = build_two_documents(settings, tmp_path_factory.mktemp("two"))
    app = create_app(settings.with_(release_dir=out), Release.current(out))
    with TestClient(app, follow_redirects=False) as c:
        yield c


def test_home_lists_the_municipality_and_both_documents(two: TestClient) -> None:
    data = two.get("/?format=json").json()
    assert data["single"] is None
    [m] = data["municipalities"]
    assert m["label"] == "Östersunds kommun" and m["kommunkod"] == "2380"
    keys = [d["key"] for d in m["documents"]]
    assert {NEW, OLD} <= set(keys) and keys == sorted(keys, reverse=True), "newest first"
    html = two.get("/", headers={"accept": BROWSER}).text
    for d in m["documents"]:
        href = "/doc/" + d["iri"].split("/id/", 1)[1]
        assert f'href="{href}"' in html
        page = two.get(href, headers={"accept": BROWSER})
        assert page.status_code == 200 and page.text.count('class="goal-card"') == d["goals"]


def test_first_document_keeps_its_iris(two: TestClient) -> None:
    assert two.get("/doc/ostersund/budget-2024/goal/1.4", headers={"accept": BROWSER}).status_code == 200
    assert two.get(f"/doc/ostersund/budget-{YEAR}/goal/1.4", headers={"accept": BROWSER}).status_code == 200


def test_action_index_scoped_to_a_document(two: TestClient) -> None:
    every = two.get("/atgarder?format=json").json()
    old = two.get(f"/atgarder?dokument={OLD}&format=json").json()
    new = two.get(f"/atgarder?dokument={NEW}&mal=1.4&format=json").json()
    assert every["total"] == 2 * old["total"]
    assert all("/budget-2024/" in a["action"] for a in old["actions"])
    assert new["actions"] and all(f"/budget-{YEAR}/" in a["action"] for a in new["actions"])
    assert two.get("/atgarder?dokument=nowhere/1999", headers={"accept": BROWSER}).status_code == 404
    # Over both documents each action says whose it is; scoped to one, it need not.
    titles = every["document_titles"]
    html = two.get("/atgarder", headers={"accept": BROWSER}).text
    assert {a["document"] for a in every["actions"]} <= set(titles)
    assert {"Östersunds kommun 2024", f"Östersunds kommun {YEAR}"} <= set(titles.values())
    shown = {titles[a["document"]] for a in every["actions"]}  # the first page's
    assert shown and all(f'<span class="document">{title}</span>' in html for title in shown)
    assert (
        "document_titles" not in old
        and 'class="document"' not in two.get(f"/atgarder?dokument={OLD}", headers={"accept": BROWSER}).text
    )


def test_sdg_pages_count_one_document_or_all(two: TestClient) -> None:
    def links(query: str) -> int:
        return sum(g["links"] for g in two.get("/sdg" + query).json()["goals"])

    assert links("?format=json") == 2 * links(f"?dokument={OLD}&format=json") > 0
    target = two.get(f"/sdg/11?dokument={NEW}&format=json").json()
    assert target["sdg_links"] and all(f"/budget-{YEAR}/" in link["subject"] for link in target["sdg_links"])


def test_organisation_page_scoped_and_grouped(two: TestClient) -> None:
    path = "/doc/ostersund/org/kommunstyrelsen"
    both = two.get(path + "?format=json").json()["goals"]
    old = two.get(path + f"?dokument={OLD}&format=json").json()["goals"]
    assert len(both) == 2 * len(old) and all("/budget-2024/" in g["goal"] for g in old)
    html = two.get(path, headers={"accept": BROWSER}).text
    assert 'aria-label="Måldokument"' in html and "Östersunds kommun 2024" in html


def test_goal_graph_is_one_documents(two: TestClient) -> None:
    latest = two.get("/graph?format=json").json()
    assert latest["scope"]["document"]["key"] == NEW
    assert len(latest["nodes"]) == 8 and all(f"/budget-{YEAR}/" in n["goal"] for n in latest["nodes"])
    old = two.get(f"/graph?dokument={OLD}&lager=sdg&format=json").json()
    assert all("/budget-2024/" in n["goal"] for n in old["nodes"]) and old["layer"] == "sdg"
    assert {n["label"] for n in latest["nodes"]} - {n["label"] for n in old["nodes"]} == {"Ledning och styrning"}


def test_an_sdg_page_over_several_documents_counts_links_per_document(two: TestClient) -> None:
    # Without a chosen document the page lists each document's number of links (at 290 municipalities the links
    # themselves made an 8 MB page); each count is that document's own list, one click away.
    data = two.get("/sdg/11?format=json").json()
    assert data["sdg_links"] == [] and len(data["link_counts"]) == 2
    for key in (OLD, NEW):
        scoped = two.get(f"/sdg/11?dokument={key}&format=json").json()
        document = next(d["iri"] for d in scoped["scope"]["documents"] if d["key"] == key)
        assert data["link_counts"][document] == len({link["link"] for link in scoped["sdg_links"]}) > 0
    html = two.get("/sdg/11", headers={"accept": BROWSER}).text
    assert "Mål och åtaganden som bidrar, per måldokument" in html
    assert re.search(r"2 måldokument av \d+ har kopplingar hit", html)
    assert f'href="/sdg/11?dokument={OLD}"' in html


def test_the_document_switch_becomes_a_list_when_there_are_many_documents() -> None:
    # At 290 municipalities a button per document filled the screen before the page's content.
    from kommunmal.web.render import environment

    macro = environment().get_template("_macros.html").module.scope_switch
    documents = [{"key": f"syntet-{9001 + n}/2024", "publisher_label": f"Kommun {n}", "year": 2024} for n in range(13)]
    chosen = {"documents": documents, "document": documents[4], "explicit": True}
    html = str(macro(chosen, "/graph", allow_all=False, extra="lager=sdg"))
    assert '<select id="scope-document" name="dokument">' in html and html.count("<option") == 13
    assert '<option value="syntet-9005/2024" selected>Kommun 4 2024</option>' in html
    assert '<input type="hidden" name="lager" value="sdg">' in html
    few = str(macro({"documents": documents[:3], "document": None, "explicit": False}, "/sdg"))
    assert "<select" not in few and few.count('href="/sdg?dokument=') == 3


def test_a_documents_goal_graph_reads_its_own_graphs_and_gives_what_the_whole_store_gives(
    many: tuple[Settings, Release],
) -> None:
    settings, release = many
    store = Store(release.store_path)
    names = store.named_graphs()
    docs = all_documents(store, settings.vocab)
    assert len({d.slug for d in docs}) == 2 and len(docs) >= 3
    drawn = 0
    for document in docs:
        graphs = dataset_graphs(document, names, settings.base_iri)
        # another municipality's or year's graphs are left out, the vocabulary and reference data kept
        assert not any(f"/graph/{d.slug}/{d.year}/" in g for d in docs if d.iri != document.iri for g in graphs)
        assert any("/graph/reference/" in g for g in graphs) and any("/graph/ontology/" in g for g in graphs)
        goals = goal_iris(store, settings.vocab, document.iri)
        for layer in ("actions", "sdg", "committees", "all"):
            alone = goal_graph.build(store, settings.vocab, goals, layer, graphs)
            whole = goal_graph.build(store, settings.vocab, goals, layer)
            assert alone["nodes"] == whole["nodes"] and alone["edges"] == whole["edges"], (document.iri, layer)
            drawn += len(alone["edges"])
    assert drawn > 0


def test_the_goal_graph_downloads_are_the_documents_shown(two: TestClient) -> None:
    page = two.get(f"/graph?dokument={OLD}&lager=sdg", headers={"accept": BROWSER}).text
    link = re.search(r'href="[^"]*(/analysis/goal-graph\.json\?[^"]*)"', page).group(1).replace("&amp;", "&")
    assert f"dokument={OLD}" in link and "layer=sdg" in link
    graph = two.get(link).json()
    goals = [n["iri"] for n in graph["nodes"]]
    assert goals and all("/budget-2024/" in g for g in goals)
    both = two.get("/analysis/goal-graph.json?layer=sdg").json()
    assert any(f"/budget-{YEAR}/" in n["iri"] for n in both["nodes"])  # without the parameter: every document
    assert two.get("/analysis/goal-graph.json?dokument=nowhere/1999").status_code == 404


def test_an_excerpts_goal_graph_says_why_it_is_empty(two: TestClient) -> None:
    excerpt = two.get("/graph?dokument=ostersund/2023", headers={"accept": BROWSER}).text
    assert 'id="excerpt-notice"' in excerpt and "utdrag" in excerpt
    whole = two.get(f"/graph?dokument={OLD}", headers={"accept": BROWSER}).text
    assert 'id="excerpt-notice"' not in whole
