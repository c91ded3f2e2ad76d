"""Comparisons across municipalities: the SDG coverage matrix (page, CSV, JSON, picture) and the ranked,
inferred mapping of goals of different municipalities, on a release with three goal documents."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from kommunmal.config import Settings
from kommunmal.coverage import code_key, sdg_coverage
from kommunmal.documents import resolve
from kommunmal.goal_matching import match_goals, stems
from kommunmal.release import Release
from kommunmal.result_cache import ReleaseCache
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.web.app import create_app


@pytest.fixture(scope="module")
def source(many: tuple[Settings, Release]) -> StoreSource:
    settings, release = many
    return StoreSource.for_release(release, settings.vocab)


@pytest.fixture(scope="module")
def http(many: tuple[Settings, Release]):
    settings, release = many
    with TestClient(create_app(settings, release)) as client:
        yield client


def direct_count(source: StoreSource, document: str, sdg_goal: str) -> int:
    """Goals of `document` serving SDG goal `sdg_goal` or one of its targets, counted by one SELECT COUNT."""
    rows = source.select_text(f"""
        PREFIX km: <{source.vocab}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT (COUNT(DISTINCT ?goal) AS ?n) WHERE {{
          ?goal km:goalDocument <{document}> .
          {{ ?goal km:contributesTo ?t }} UNION {{ ?a km:serves ?goal ; km:contributesTo ?t }}
          ?t skos:broader? <http://metadata.un.org/sdg/{sdg_goal}> .
        }}""")
    return int(rows[0]["n"])


def test_matrix_counts_goals_per_document_and_sdg(source: StoreSource) -> None:
    coverage = sdg_coverage(source)
    keys = [d.key for d in coverage.documents]
    assert {"ostersund/2024", "ostersund/2025", "testby/2024"} <= set(keys) and keys == sorted(keys)
    assert [coverage.labels[c] for c in coverage.columns] == sorted(coverage.labels.values(), key=code_key)
    for doc in coverage.documents:
        for column in coverage.columns:
            code = coverage.labels[column]
            assert coverage.count(doc.iri, column) == direct_count(source, doc.iri, code), (doc.key, code)
    targets = sdg_coverage(source, "target")
    assert any("." in code for code in targets.labels.values())


def test_matrix_as_page_csv_json_and_picture(http: TestClient, source: StoreSource) -> None:
    coverage = sdg_coverage(source)
    page = http.get("/jamfor/globala-mal", headers={"accept": "text/html"})
    assert page.status_code == 200 and "Testby kommun 2024" in page.text
    rows = list(csv.reader(io.StringIO(http.get("/jamfor/globala-mal.csv").content.decode("utf-8-sig"))))
    assert rows[0][3:] == [coverage.labels[c] for c in coverage.columns]
    assert [r[0] for r in rows[1:]] == [d.key for d in coverage.documents]
    body = http.get("/jamfor/globala-mal.json").json()
    assert body == json.loads(json.dumps(coverage.as_dict(), ensure_ascii=False))
    png = http.get("/jamfor/globala-mal.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert http.get("/jamfor/globala-mal.gif").status_code == 404


def test_goals_map_to_the_same_goal_of_the_copy(source: StoreSource) -> None:
    """Testby's goals are copies of Östersund's (with the municipality's name changed in the statements): each
    goal's best match is its copy, with the same SDG concepts (J = 1) and nearly all words."""
    document = resolve(source, "ostersund/2024")
    matches = match_goals(source, document, top=1)
    assert len(matches) == document.goals
    for m in matches:
        assert m.other_document.key == "testby/2024"
        assert m.other.notation == m.goal.notation and m.sdg_score == pytest.approx(1.0) and m.score > 0.9
        assert m.shared_sdg and m.shared_words
    # The same municipality's other year is not a match across municipalities.
    assert all(m.other_document.publisher != document.publisher for m in match_goals(source, document, top=5))


def test_mapping_json_says_it_is_inferred(http: TestClient) -> None:
    body = http.get("/jamfor/mal.json", params={"dokument": "ostersund/2024"}).json()
    assert body["rule"]["sv"] and body["matches"]
    assert {m["basis"] for m in body["matches"]} == {"inferred"}
    assert http.get("/jamfor/mal", params={"dokument": "nowhere/1999"}).status_code == 404
    page = http.get("/jamfor/mal", params={"dokument": "ostersund/2024"}, headers={"accept": "text/html"})
    assert "härledd" in page.text
    # Without a document: the first municipality's newest (2025 here), not its 2023 excerpt.
    newest = http.get("/jamfor/mal.json", params={"dokument": "ostersund/2025"}).json()["document"]
    assert http.get("/jamfor/mal.json").json()["document"] == newest


def test_stems_fold_swedish_inflections() -> None:
    assert stems("kommunerna")[next(iter(stems("kommunen")))] == "kommunerna"


#################################################################
# Results kept per release (kommunmal.result_cache)
#################################################################

COMPARISONS = [
    ("/jamfor/globala-mal", {}),
    ("/jamfor/globala-mal", {"niva": "delmal"}),
    ("/jamfor/globala-mal.csv", {}),
    ("/jamfor/globala-mal.json", {"niva": "delmal"}),
    ("/jamfor/globala-mal.svg", {}),
    ("/jamfor/mal", {"dokument": "ostersund/2024"}),
    ("/jamfor/mal.json", {"dokument": "ostersund/2024"}),
]


@pytest.mark.parametrize(("path", "params"), COMPARISONS)
def test_a_repeated_comparison_is_served_from_the_cache_with_the_same_bytes(
    many: tuple[Settings, Release], path: str, params: dict[str, str]
) -> None:
    settings, release = many
    with TestClient(create_app(settings, release)) as client:
        first = client.get(path, params=params, headers={"accept": "text/html"})
        cache = client.app.state.across_results
        hits, misses = cache.hits, cache.misses
        second = client.get(path, params=params, headers={"accept": "text/html"})
        assert first.status_code == second.status_code == 200
        assert second.content == first.content and second.headers["content-type"] == first.headers["content-type"]
        assert (cache.hits, cache.misses) == (hits + 1, misses)


def test_parameters_are_part_of_the_key(http: TestClient) -> None:
    goals = http.get("/jamfor/globala-mal.csv").content.decode("utf-8-sig")
    targets = http.get("/jamfor/globala-mal.csv", params={"niva": "delmal"}).content.decode("utf-8-sig")
    assert goals != targets and "." in targets.splitlines()[0] and "." not in goals.splitlines()[0].split(",", 1)[1]
    other = http.get("/jamfor/mal.json", params={"dokument": "testby/2024"}).json()
    assert other["document"] != http.get("/jamfor/mal.json", params={"dokument": "ostersund/2024"}).json()["document"]
    assert http.get("/jamfor/mal", params={"dokument": "nowhere/1999"}).status_code == 404


def test_a_new_release_is_computed_afresh(many: tuple[Settings, Release], release: Release, store: Store) -> None:
    settings, three = many
    with TestClient(create_app(settings, three)) as client:
        before = client.get("/jamfor/globala-mal.csv").content.decode("utf-8-sig")
        assert len(client.app.state.across_results) > 0
        client.app.state.release, client.app.state.store = release, store  # the server now serves another release
        after = client.get("/jamfor/globala-mal.csv").content.decode("utf-8-sig")
        fresh = sdg_coverage(StoreSource(store, settings.vocab, release), "goal").to_csv()
    assert release.id != three.id
    assert after == fresh and after != before
    assert "testby/2024" in before and "testby/2024" not in after


def test_release_cache_is_bounded_and_drops_an_old_release() -> None:
    cache = ReleaseCache(maxsize=2)
    made: list[str] = []

    def make(value: str):
        return lambda: made.append(value) or value

    assert cache.get("r1", "a", make("a1")) == "a1" and cache.get("r1", "a", make("x")) == "a1"
    cache.get("r1", "b", make("b1"))
    cache.get("r1", "c", make("c1"))
    assert len(cache) == 2 and cache.get("r1", "a", make("a2")) == "a2"  # "a" was the least recently used
    assert cache.get("r2", "a", make("a3")) == "a3" and len(cache) == 1
    assert made == ["a1", "b1", "c1", "a2", "a3"]
    with pytest.raises(ValueError):
        ReleaseCache(maxsize=0)


def test_a_failing_computation_keeps_nothing() -> None:
    cache = ReleaseCache()

    def fail() -> str:
        raise LookupError("no such document")

    with pytest.raises(LookupError):
        cache.get("r1", "k", fail)
    assert len(cache) == 0 and cache.get("r1", "k", lambda: "ok") == "ok"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/jamfor/globala-mal", {}),
        ("/jamfor/globala-mal", {"niva": "delmal"}),
        ("/jamfor/mal", {"dokument": "ostersund/2024"}),
    ],
)
def test_the_comparison_tables_link_to_pages_on_this_server(http: TestClient, path: str, params: dict) -> None:
    """The documents, UN goals and goals in the tables are followed on this server (their IRIs are under base_iri,
    https://w3id.org/kommunmal/, which a server at another public_url does not answer for)."""
    page = http.get(path, params=params, headers={"accept": "text/html"})
    table = page.text[page.text.index("<table") : page.text.index("</table>")]
    hrefs = re.findall(r'href="([^"]+)"', table)
    assert len(hrefs) > 3
    assert not [h for h in hrefs if "://" in h], "a table link leaves the server"
    for href in sorted(set(hrefs))[:12]:
        assert http.get(href, headers={"accept": "text/html"}).status_code == 200, href
