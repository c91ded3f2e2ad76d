"""The goal graph (`kommunmal analyse`, /analysis/goal-graph.*): projection, metrics, exports, endpoint, web."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import socket
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import networkx as nx
import pyoxigraph
import pytest
from rdflib import Dataset, Literal, URIRef

from kommunmal import analysis
from kommunmal.analysis import LAYERS, GoalData, fetch, goal_graph
from kommunmal.cli import main
from kommunmal.config import Settings
from kommunmal.dataset import load
from kommunmal.network_export import EXPORT_FORMATS, fmt_weight, render
from kommunmal.release import Release
from kommunmal.sparql_source import EndpointSource, StoreSource
from kommunmal.store import Store

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "analysis"
PYTHON = sys.executable
KOMMUNMAL = [PYTHON, "-c", "import sys; from kommunmal.cli import main; sys.exit(main())"]


# -- the real data ---------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def source(release_dir: Path, settings: Settings) -> StoreSource:
    return StoreSource.for_release(Release.current(release_dir), settings.vocab)


@pytest.fixture(scope="module")
def data(source: StoreSource) -> GoalData:
    return fetch(source)


@pytest.fixture(scope="module")
def graphs(data: GoalData) -> dict[str, nx.Graph]:
    return {layer: goal_graph(data, layer) for layer in analysis.LAYER_CHOICES}


def _paragraph_texts(dataset: Dataset, km: str, notation: str) -> str:
    rows = dataset.query(
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?text WHERE { ?goal skos:notation ?n ; km:politicalText/km:paragraph/km:text ?text }""",
        initNs={"km": km},
        initBindings={"n": Literal(notation)},
    )
    return "\n".join(str(r.text) for r in rows)


# Actions stated under several goals, checked by reading texts/1.x.ttl: each phrase is in every listed goal's
# political text, and the action the analysis puts on those goals' edges is the one whose label or text matches.
SHARED_IN_TEXT = [
    # 1.1-4 "målet är minst 75 000 invånare år 2040", 1.4-1 "ett mål om att vara minst 75 000 invånare år 2040",
    # 1.5-1 "som mål att bli minst 75 000 medborgare till år 2040"
    (("1.1", "1.4", "1.5"), r"75 000", r"75 000"),
    # 1.4-2 "En förbättrad kollektivtrafik och infrastruktur är avgörande för framtidens tillväxt", 1.5-3 "En
    # förbättrad kollektivtrafik och infrastruktur, med framför allt snabbare restid …, är avgörande"
    (("1.4", "1.5"), r"En förbättrad kollektivtrafik och infrastruktur", r"kollektivtrafik och infrastruktur"),
    # 1.1-5 "utveckla former för att ta vara på engagemanget från civilsamhället", 1.4-7 "utveckla former för att
    # ta tillvara civilsamhällets engagemang"
    (
        ("1.1", "1.4"),
        r"utveckla former för att ta (vara på|tillvara) (engagemanget från civilsamhället|"
        r"civilsamhällets engagemang)",
        r"civilsamhälle",
    ),
    # 1.4-7 "Samverkan mellan kommunal verksamhet och civilsamhället … en viktig del", 1.8-6 "En viktig del av
    # servicen till medborgarna är att goda möjligheter finns till samverkan mellan kommunen och civilsamhället"
    (("1.4", "1.8"), r"[Ss]amverkan mellan kommun(al verksamhet|en) och civilsamhället", r"Samverkan"),
]


@pytest.mark.parametrize(
    ("goals", "in_text", "action"), SHARED_IN_TEXT, ids=lambda v: "-".join(v) if isinstance(v, tuple) else None
)
def test_actions_stated_under_several_goals_are_on_their_edges(
    goals: tuple[str, ...],
    in_text: str,
    action: str,
    graphs: dict[str, nx.Graph],
    dataset: Dataset,
    settings: Settings,
    data: GoalData,
) -> None:
    for notation in goals:
        assert re.search(in_text, _paragraph_texts(dataset, settings.vocab, notation)), (notation, in_text)
    g = graphs["actions"]
    for i, a in enumerate(goals):
        for b in goals[i + 1 :]:
            assert g.has_edge(a, b), f"{a} and {b} share no action"
            labels = g.edges[a, b]["shared_actions"]
            iris = g.edges[a, b]["shared_actions_iris"]
            texts = [_action_text(dataset, settings.vocab, iri) for iri in iris]
            assert any(re.search(action, label + " " + text) for label, text in zip(labels, texts, strict=True)), (
                a,
                b,
                labels,
            )


def _action_text(dataset: Dataset, km: str, iri: str) -> str:
    rows = dataset.query("SELECT ?t WHERE { ?a km:text ?t }", initNs={"km": km}, initBindings={"a": URIRef(iri)})
    return " ".join(str(r.t) for r in rows)


# Independent of the analysis: the goal pairs and their COUNT(DISTINCT) in SPARQL, evaluated by rdflib on the source
# files rather than by the store. (short property, qualified class)
INDEPENDENT = {
    "sdg": ("km:contributesTo", "km:SdgLink"),
    "committees": ("km:responsible", "km:Responsibility"),
    "indicators": ("km:measuredBy", "km:IndicatorLink"),
}


def _has(layer: str, g: str) -> str:
    """A goal `g` and an item ?x it has, directly or through an action that serves it."""
    if layer == "actions":
        return f"?x km:serves {g} ."
    short, qualified = INDEPENDENT[layer]
    return " UNION ".join(
        (
            f"{{ {g} a km:Goal ; {short} ?x }}",
            f"{{ ?a km:serves {g} ; {short} ?x }}",
            f"{{ ?l a {qualified} ; km:subject {g} ; km:object ?x }}",
            f"{{ ?l a {qualified} ; km:subject ?a ; km:object ?x . ?a km:serves {g} }}",
        )
    )


def _independent_counts(dataset: Dataset, km: str, layer: str) -> dict[tuple[str, str], int]:
    rows = dataset.query(
        f"""PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?n1 ?n2 (COUNT(DISTINCT ?x) AS ?shared) WHERE {{
          {{ SELECT DISTINCT ?g1 ?x WHERE {{ {_has(layer, "?g1")} }} }}
          {{ SELECT DISTINCT ?g2 ?x WHERE {{ {_has(layer, "?g2")} }} }}
          ?g1 a km:Goal ; skos:notation ?n1 . ?g2 a km:Goal ; skos:notation ?n2 .
          FILTER(STR(?n1) < STR(?n2))
        }} GROUP BY ?n1 ?n2""",
        initNs={"km": km},
    )
    return {(str(r.n1), str(r.n2)): int(r.shared) for r in rows}


@pytest.mark.parametrize("layer", ["actions", *INDEPENDENT])
def test_weights_equal_an_independent_count(
    layer: str, graphs: dict[str, nx.Graph], dataset: Dataset, settings: Settings
) -> None:
    expected = _independent_counts(dataset, settings.vocab, layer)
    if layer == "actions":
        assert sum(expected.values()) > 0, "the real data should have actions shared between goals"
    # The SDG layer weighs each target by link strength (test_analysis_tiers.py); here its items are counted.
    got = {tuple(sorted((u, v))): len(d[f"shared_{layer}"]) for u, v, d in graphs[layer].edges(data=True)}
    assert got == expected
    combined = graphs["all"]
    for (a, b), count in expected.items():
        assert len(combined.edges[a, b][f"shared_{layer}"]) == count
        if layer != "sdg":
            assert combined.edges[a, b][f"weight_{layer}"] == count


def test_all_sums_the_layers_and_keeps_them(graphs: dict[str, nx.Graph]) -> None:
    combined = graphs["all"]
    for u, v, d in combined.edges(data=True):
        assert d["weight"] == pytest.approx(sum(d[f"weight_{name}"] for name in LAYERS)) and d["weight"] > 0
        for name in LAYERS:
            single = graphs[name]
            assert d[f"weight_{name}"] == (single.edges[u, v]["weight"] if single.has_edge(u, v) else 0)


def test_nodes_are_the_eight_goals_with_labels_and_kinds(
    graphs: dict[str, nx.Graph], dataset: Dataset, settings: Settings
) -> None:
    expected = {
        (str(r.n), str(r.label), str(r.kind).rsplit("#", 1)[-1])
        for r in dataset.query(
            """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?n ?label ?kind WHERE { ?g a km:Goal ; skos:notation ?n ; skos:prefLabel ?label ;
              km:goalKind ?kind FILTER(lang(?label) = "sv") }""",
            initNs={"km": settings.vocab},
        )
    }
    g = graphs["actions"]
    # Goals of an excerpt (the 2023 document) have no goal kind and are not nodes: the query above and the
    # graph agree on the eight goals of the complete 2024 document.
    assert {(n, a["label"], a["kind"]) for n, a in g.nodes(data=True)} == expected
    assert len(expected) == 8 and len(g.nodes) == 8
    assert [n for n in g.nodes] == sorted(g.nodes, key=analysis.natural_key)
    for _n, attrs in g.nodes(data=True):
        assert attrs["statement"] and attrs["kind_label"] and attrs["iri"].startswith(settings.base_iri)


def test_metrics(graphs: dict[str, nx.Graph]) -> None:
    g = graphs["actions"]
    for node, attrs in g.nodes(data=True):
        assert attrs["weighted_degree"] == sum(d["weight"] for d in g[node].values())
        assert attrs["degree"] == len(g[node])
        partners = attrs["top_partners"]
        assert len(partners) == min(3, len(g[node]))
        weights = [g.edges[node, p]["weight"] for p in partners]
        assert weights == attrs["top_partner_weights"] == sorted(weights, reverse=True)
        others = [g.edges[node, p]["weight"] for p in g[node] if p not in partners]
        assert all(w <= min(weights) for w in others)
        assert 0.0 <= attrs["betweenness"] <= 1.0 and 0.0 <= attrs["eigenvector"] <= 1.0
    inverse = nx.Graph()
    inverse.add_nodes_from(g.nodes)
    inverse.add_edges_from((u, v, {"d": 1 / w}) for u, v, w in g.edges(data="weight"))
    expected = nx.betweenness_centrality(inverse, weight="d")
    assert {n: round(b, 6) for n, b in expected.items()} == {n: a["betweenness"] for n, a in g.nodes(data=True)}
    # A goal that shares nothing has no eigenvector centrality; the best-connected goal has the most.
    top = max(g.nodes, key=lambda n: g.nodes[n]["eigenvector"])
    assert g.nodes[top]["weighted_degree"] > 0


def test_communities_are_reproducible(data: GoalData, source: StoreSource, graphs: dict[str, nx.Graph]) -> None:
    first = {n: a["community"] for n, a in graphs["actions"].nodes(data=True)}
    again = {n: a["community"] for n, a in goal_graph(fetch(source), "actions").nodes(data=True)}
    assert first == again
    # Numbered from 1 without gaps; the heaviest pair (first in rank) ends up together, and the split is no worse
    # than none (with tied heaviest pairs in a triangle, Louvain may cut one of them).
    g = graphs["actions"]
    assert sorted(set(first.values())) == list(range(1, max(first.values()) + 1))
    u, v, _d = analysis.ranked_pairs(g)[0]
    assert first[u] == first[v]
    assert g.graph["modularity"] >= 0


def test_communities_are_the_same_in_other_processes(release_dir: Path) -> None:
    """Louvain with a fixed seed gives the same grouping whatever Python's string hashing."""
    results = []
    for seed in ("1", "2", "3"):
        run = subprocess.run(
            [*KOMMUNMAL, "analyse", "--release-dir", str(release_dir), "--layer", "all", "--format", "json"],
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        doc = json.loads(run.stdout)
        results.append({n["id"]: n["community"] for n in doc["nodes"]})
    assert results[0] == results[1] == results[2]


# -- exports -------------------------------------------------------------------------------------------------------


def _weights(g: nx.Graph) -> dict[frozenset, float]:
    return {frozenset((str(u), str(v))): float(w) for u, v, w in g.edges(data="weight")}


@pytest.mark.parametrize("layer", ["actions", "all"])
def test_network_files_read_back(layer: str, graphs: dict[str, nx.Graph]) -> None:
    g = graphs[layer]
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        back = read(io.BytesIO(render(g, fmt)))
        assert set(back.nodes) == set(g.nodes), fmt
        assert _weights(back) == _weights(g), fmt
        for node in g.nodes:
            label = back.nodes[node]["label"]
            assert label == g.nodes[node]["label"], fmt
            for key, value in back.nodes[node].items():
                assert isinstance(value, str | int | float), (fmt, key)
        for u, v in g.edges:
            assert back.edges[u, v]["shared_actions"] == "; ".join(g.edges[u, v]["shared_actions"]), fmt
            for name in LAYERS:
                assert float(back.edges[u, v][f"weight_{name}"]) == g.edges[u, v][f"weight_{name}"], fmt
    back = nx.node_link_graph(json.loads(render(g, "json")))
    assert set(back.nodes) == set(g.nodes)
    assert _weights(back) == _weights(g)
    assert {n: back.nodes[n]["label"] for n in back} == {n: g.nodes[n]["label"] for n in g}
    if layer == "actions":  # counts stay whole numbers; graded layers (sdg, related) give decimals
        assert all(isinstance(w, int) for _u, _v, w in back.edges(data="weight"))


def test_csv_edge_list(graphs: dict[str, nx.Graph]) -> None:
    g = graphs["all"]
    rows = list(csv.DictReader(io.StringIO(render(g, "csv").decode("utf-8"))))
    assert list(rows[0])[:6] == ["source", "target", "source_label", "target_label", "weight", "shared"]
    assert {frozenset((r["source"], r["target"])): float(r["weight"]) for r in rows} == _weights(g)
    weights = [float(r["weight"]) for r in rows]
    assert weights == sorted(weights, reverse=True)
    actions = graphs["actions"]
    for r in rows:
        assert r["source_label"] == g.nodes[r["source"]]["title"]
        assert float(r["weight"]) == pytest.approx(sum(float(r[f"weight_{name}"]) for name in LAYERS))
        if actions.has_edge(r["source"], r["target"]):
            assert r["shared_actions"].split(" | ") == actions.edges[r["source"], r["target"]]["shared_actions"]
    rows = list(csv.DictReader(io.StringIO(render(actions, "csv").decode("utf-8"))))
    for r in rows:
        assert r["shared"].split(" | ") == actions.edges[r["source"], r["target"]]["shared_actions"]


def test_png_and_svg_are_pictures(graphs: dict[str, nx.Graph]) -> None:
    from PIL import Image

    png = render(graphs["actions"], "png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.size[0] >= 1200 and image.size[1] >= 1000
    # Not a blank canvas: the drawing uses the two kind colours and the grey of the edges.
    colours = {c for _n, c in image.convert("RGB").getcolors(maxcolors=1 << 20)}
    assert (0xD5, 0x5E, 0x00) in colours and (0x00, 0x72, 0xB2) in colours
    svg = render(graphs["actions"], "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert render(graphs["actions"], "svg") == svg


def test_html_is_standalone(graphs: dict[str, nx.Graph]) -> None:
    page = render(graphs["actions"], "html").decode("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script src" not in page and "@import" not in page
    payload = re.search(r'<script type="application/json" id="goal-graph-data">(.*?)</script>', page, re.S)
    data = json.loads(payload.group(1))
    assert set(data["nodes"]) == set(graphs["actions"].nodes)
    assert len(data["edges"]) == graphs["actions"].number_of_edges()


def test_text_summary(graphs: dict[str, nx.Graph]) -> None:
    g = graphs["actions"]
    text = render(g, "text").decode("utf-8")
    ranked = analysis.ranked_goals(g)
    positions = [text.index(f"  {g.nodes[n]['title']} ") for n in ranked]
    assert positions == sorted(positions)
    u, v, d = analysis.ranked_pairs(g)[0]
    pair = text.index(f"{g.nodes[u]['title']} – {g.nodes[v]['title']}: {fmt_weight(d['weight'])}")
    for label in d["shared_actions"]:
        assert text.index(label, pair) > pair


def test_empty_layer_is_drawn_and_exported(data: GoalData) -> None:
    empty = GoalData(data.goals, {n: {} for n in LAYERS}, {n: {} for n in LAYERS}, data.documents, "test")
    g = goal_graph(empty, "all")
    assert g.number_of_nodes() == len(data.goals) and g.number_of_edges() == 0
    assert all(a["eigenvector"] == 0 and a["betweenness"] == 0 for _n, a in g.nodes(data=True))
    assert len({a["community"] for _n, a in g.nodes(data=True)}) == len(data.goals)
    for fmt in EXPORT_FORMATS:
        assert render(g, fmt)


# -- the fixture: qualified links, links through actions, another base IRI --------------------------------------------


def _fixture_source(base_iri: str, folder: Path) -> StoreSource:
    settings = Settings.from_env(environ={}, base_iri=base_iri, data_dir=FIXTURE)
    dataset, _sources = load(settings)
    dump = folder / "fixture.nq"
    dataset.serialize(destination=dump, format="nquads", encoding="utf-8")
    store = pyoxigraph.Store(str(folder / "store"))
    store.bulk_load(path=str(dump), format=pyoxigraph.RdfFormat.N_QUADS)
    del store
    return StoreSource(Store(folder / "store"), settings.vocab)


# What tests/data/analysis/plan.ttl says, pair by pair (see the comments there).
FIXTURE_EXPECTED = {
    "actions": {("1.1", "1.2"): 1, ("1.1", "1.4"): 1, ("1.2", "1.4"): 2, ("1.2", "1.3"): 1},
    # 11.3 through the 50 000 target (1.1, 1.2, 1.4) and directly (1.4); 16.6 directly (1.1, 1.4);
    # 12.7 directly (1.3) and through the school-meal action, given only as a qualified link (1.2, 1.3).
    # 12.7 reaches 1.2 only through the partial link (0.6): the pair 1.2–1.3 weighs 0.6.
    "sdg": {("1.1", "1.2"): 1, ("1.1", "1.4"): 2, ("1.2", "1.4"): 1, ("1.2", "1.3"): 0.6},
    "related": {("1.2", "1.3"): 0.6},
    # Tekniska nämnden through the fossil-free action (1.2, 1.4) and directly (1.4); Barn- och
    # utbildningsnämnden through school meals (qualified only) and teachers.
    "committees": {("1.2", "1.4"): 1, ("1.2", "1.3"): 1},
    "indicators": {("1.1", "1.2"): 1, ("1.1", "1.4"): 1, ("1.2", "1.4"): 1},
}


@pytest.mark.parametrize("base_iri", ["https://w3id.org/kommunmal/", "http://example.org/annan/bas/"])
def test_fixture_layers(base_iri: str, tmp_path: Path) -> None:
    data = fetch(_fixture_source(base_iri, tmp_path))
    assert [goal.notation for goal in data.goals] == ["1.1", "1.2", "1.3", "1.4", "1.5"]
    for layer, expected in FIXTURE_EXPECTED.items():
        g = goal_graph(data, layer)
        assert {(u, v): d["weight"] for u, v, d in g.edges(data=True)} == expected, layer
        assert g.nodes["1.5"]["weighted_degree"] == 0 and g.nodes["1.5"]["eigenvector"] == 0
    combined = goal_graph(data, "all")
    assert combined.edges["1.2", "1.4"]["weight"] == 2 + 1 + 1 + 1
    assert combined.edges["1.2", "1.3"]["shared_committees"] == ["Barn- och utbildningsnämnden"]
    assert combined.edges["1.1", "1.4"]["shared_sdg"][0].startswith("11.3 ")
    assert combined.edges["1.1", "1.2"]["shared_indicators"] == ["N01951 Invånare totalt, antal"]


# -- command line ----------------------------------------------------------------------------------------------------


def test_cli_text_and_files(release_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["analyse", "--release-dir", str(release_dir)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Mål som delar åtaganden\n") and "Par med flest gemensamma åtaganden" in out
    for ext in ("png", "svg", "graphml", "gexf", "csv", "json", "html"):
        target = tmp_path / f"g.{ext}"
        assert main(["analyse", "--release-dir", str(release_dir), "--layer", "all", "--out", str(target)]) == 0
        assert target.stat().st_size > 500
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_cli_refuses_images_on_a_terminal(release_dir: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["analyse", "--release-dir", str(release_dir), "--format", "png"]) == 2
    assert "--out" in capsys.readouterr().err


def test_cli_without_release_says_how_to_build(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["analyse", "--release-dir", str(tmp_path / "none")]) == 2
    assert "kommunmal build" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_unreachable_endpoint(capsys: pytest.CaptureFixture) -> None:
    port = _free_port()
    assert main(["analyse", "--endpoint", f"http://127.0.0.1:{port}/sparql"]) == 2
    assert "cannot be reached" in capsys.readouterr().err


def test_cli_endpoint_that_never_answers(capsys: pytest.CaptureFixture) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        started = time.monotonic()
        assert main(["analyse", "--endpoint", f"http://127.0.0.1:{port}/sparql", "--timeout", "0.5"]) == 2
        assert time.monotonic() - started < 10
    assert "did not answer" in capsys.readouterr().err


# -- a live server ----------------------------------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("layer", ["actions", "all"])
def test_endpoint_gives_the_same_graph(
    layer: str, server: str, settings: Settings, graphs: dict[str, nx.Graph]
) -> None:
    remote = goal_graph(fetch(EndpointSource(server + "sparql", settings.vocab)), layer)
    local = graphs[layer]
    assert list(remote.nodes(data=True)) == list(local.nodes(data=True))
    assert sorted(remote.edges(data=True)) == sorted(local.edges(data=True))
    assert render(remote, "csv") == render(local, "csv")


@pytest.mark.server
def test_web_goal_graph(server: str, graphs: dict[str, nx.Graph]) -> None:
    for fmt in EXPORT_FORMATS.values():
        response = httpx.get(f"{server}analysis/goal-graph.{fmt.extension}", params={"layer": "all"}, timeout=60)
        assert response.status_code == 200, fmt.name
        assert response.headers["content-type"] == fmt.media_type
        again = httpx.get(f"{server}analysis/goal-graph.{fmt.extension}", params={"layer": "all"}, timeout=60)
        assert again.content == response.content
        if fmt.name == "graphml":
            assert _weights(nx.read_graphml(io.BytesIO(response.content))) == _weights(graphs["all"])
    cached = httpx.get(f"{server}analysis/goal-graph.png", headers={"If-None-Match": again.headers["etag"]})
    assert cached.status_code == 200  # a different format's ETag does not match
    etag = httpx.get(f"{server}analysis/goal-graph.png").headers["etag"]
    assert httpx.get(f"{server}analysis/goal-graph.png", headers={"If-None-Match": etag}).status_code == 304
    assert httpx.get(f"{server}analysis/goal-graph.doc").status_code == 404
    assert httpx.get(f"{server}analysis/goal-graph.json", params={"layer": "x"}).status_code == 400


@pytest.mark.server
@pytest.mark.browser
def test_html_page_in_a_browser(server: str, graphs: dict[str, nx.Graph]) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    g = graphs["actions"]
    hub = analysis.ranked_goals(g)[0]
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{server}analysis/goal-graph.html?layer=actions")
        page.hover(f'.node[data-id="{hub}"] circle')
        assert page.locator(".edge.on").count() == g.degree(hub)
        page.click(f'.node[data-id="{hub}"] circle')
        panel = page.inner_text("#details")
        for partner in g[hub]:
            assert g.nodes[partner]["title"] in panel
            for label in g.edges[hub, partner]["shared_actions"]:
                assert label in panel
        page.keyboard.press("Escape")
        assert page.locator("svg.focus").count() == 0
        browser.close()
    assert errors == []
    assert all(url.startswith(server) for url in requests), requests
