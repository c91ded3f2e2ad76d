"""The goal graph's tiers and strengths: the related layer in every export, weights that follow link strength
(checked against an independent computation in rdflib), the --tier and --min-strength filters, and --document."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset

from kommunmal.analysis import LAYERS, fetch, goal_graph, ranked_pairs
from kommunmal.cli import main
from kommunmal.config import Settings
from kommunmal.documents import fold, resolve
from kommunmal.errors import KommunmalError
from kommunmal.network_export import EXPORT_FORMATS, render
from kommunmal.release import Release
from kommunmal.sparql_source import StoreSource


@pytest.fixture(scope="module")
def source(release_dir: Path, settings: Settings) -> StoreSource:
    return StoreSource.for_release(Release.current(release_dir), settings.vocab)


@pytest.fixture(scope="module")
def combined(source: StoreSource) -> nx.Graph:
    return goal_graph(fetch(source), "all")


@pytest.fixture(scope="module")
def related(source: StoreSource) -> nx.Graph:
    return goal_graph(fetch(source), "related")


def _pairs(rows) -> dict[tuple[str, str], float]:
    return {tuple(sorted((str(r.n1), str(r.n2)))): float(r.w) for r in rows}


def _independent_sdg_weights(dataset: Dataset, km: str) -> dict[tuple[str, str], float]:
    """Per goal and SDG item the strongest link (stated 1, else the km:weight of its strength, ungraded 1); per pair
    the sum over shared items of the weaker goal's value. Computed in Python from rdflib, not by the analysis."""
    rows = dataset.query(
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?n ?x ?basis ?w WHERE {
          ?goal a km:Goal ; skos:notation ?n .
          { ?l a km:SdgLink ; km:subject ?goal ; km:object ?x }
          UNION { ?a km:serves ?goal . ?l a km:SdgLink ; km:subject ?a ; km:object ?x }
          OPTIONAL { ?l km:basis ?basis } OPTIONAL { ?l km:strength/km:weight ?w }
        }""",
        initNs={"km": km},
    )
    best: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        w = 1.0 if str(r.basis).endswith("stated") or r.w is None else float(r.w)
        best[str(r.n)][str(r.x)] = max(w, best[str(r.n)].get(str(r.x), 0.0))
    out = {}
    goals = sorted(best)
    for i, a in enumerate(goals):
        for b in goals[i + 1 :]:
            total = sum(min(best[a][x], best[b][x]) for x in set(best[a]) & set(best[b]))
            if total:
                out[(a, b)] = round(total, 3)
    return out


def test_sdg_weights_follow_link_strength(combined: nx.Graph, dataset: Dataset, settings: Settings) -> None:
    expected = _independent_sdg_weights(dataset, settings.vocab)
    got = {tuple(sorted((u, v))): float(d["weight_sdg"]) for u, v, d in combined.edges(data=True) if d["weight_sdg"]}
    assert got == pytest.approx(expected)
    # strength is not a count: some pair weighs less than the number of targets it shares
    assert any(float(d["weight_sdg"]) < len(d["shared_sdg"]) for *_e, d in combined.edges(data=True))
    labels = {s for *_e, d in combined.edges(data=True) for s in d["shared_sdg_strengths"]}
    assert labels <= {"uttalad", "direkt", "delvis", "sammanhang"} and {"direkt", "delvis", "sammanhang"} <= labels


def test_related_weights_are_scores_of_cross_pairs(related: nx.Graph, dataset: Dataset, settings: Settings) -> None:
    rows = dataset.query(
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?r ?n1 ?n2 ?s WHERE {
          ?r a km:RelatedCommitment ; km:subject ?a ; km:object ?b ; km:score ?s .
          ?a km:serves/skos:notation ?n1 . ?b km:serves/skos:notation ?n2 . FILTER(?n1 != ?n2)
        }""",
        initNs={"km": settings.vocab},
    )
    expected: dict[tuple[str, str], float] = defaultdict(float)
    seen = set()
    for r in rows:
        pair = tuple(sorted((str(r.n1), str(r.n2))))
        if (r.r, pair) not in seen:
            seen.add((r.r, pair))
            expected[pair] += float(r.s)
    got = {tuple(sorted((u, v))): float(w) for u, v, w in related.edges(data="weight")}
    assert got == pytest.approx(dict(expected))
    # the 1.2–1.8 pair the review found missing is there, through the violence pair
    assert any("våld" in label.lower() for label in related.edges["1.2", "1.8"]["shared_related"])


def test_the_related_layer_is_in_every_export_format(related: nx.Graph, combined: nx.Graph) -> None:
    *_e, d = ranked_pairs(related)[0]  # the text summary lists the heaviest pairs
    label = d["shared_related"][0]
    text = render(related, "text").decode("utf-8")
    assert "närliggande åtaganden" in text and label[:40] in text and d["shared_related_strengths"][0] in text
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        back = read(io.BytesIO(render(combined, fmt)))
        assert any(float(a["weight_related"]) > 0 for *_e, a in back.edges(data=True)), fmt
        assert any("närliggande åtagande" in a["shared"] for *_e, a in back.edges(data=True)), fmt
    data = json.loads(render(combined, "json"))
    assert any(e["weight_related"] > 0 and e["shared_related_strengths"] for e in data["edges"])
    rows = list(csv.DictReader(io.StringIO(render(combined, "csv").decode("utf-8"))))
    assert any(float(r["weight_related"]) > 0 and r["strengths_related"] for r in rows)
    page = render(related, "html").decode("utf-8")
    payload = json.loads(re.search(r'id="goal-graph-data">(.*?)</script>', page, re.S).group(1))
    assert "related" in payload["layers"] and all(e["related"] for e in payload["edges"])
    assert 'class="edge related"' in page
    svg = ET.fromstring(render(related, "svg"))
    dashed = [el for el in svg.iter() if "stroke-dasharray" in (el.get("style") or "")]
    assert dashed, "related-only pairs are drawn dashed"
    assert render(related, "png")[:8] == b"\x89PNG\r\n\x1a\n"


def test_tier_filter(source: StoreSource) -> None:
    shared_only = goal_graph(fetch(source, tiers=("shared",)), "all")
    related_only = goal_graph(fetch(source, tiers=("related",)), "all")
    assert all(d["weight_related"] == 0 for *_e, d in shared_only.edges(data=True))
    assert all(d["weight_actions"] == 0 for *_e, d in related_only.edges(data=True))
    assert any(d["weight_actions"] for *_e, d in shared_only.edges(data=True))
    assert any(d["weight_related"] for *_e, d in related_only.edges(data=True))
    with pytest.raises(ValueError, match="unknown tier"):
        fetch(source, tiers=("stated",))


def test_min_strength_filter(source: StoreSource, combined: nx.Graph) -> None:
    strong = goal_graph(fetch(source, min_strength=0.6), "all")
    for *_e, d in strong.edges(data=True):
        assert "sammanhang" not in d["shared_sdg_strengths"]
        assert not {"samma syfte, olika medel"} & set(d["shared_related_strengths"])
    total = sum(float(d["weight"]) for *_e, d in strong.edges(data=True))
    assert total < sum(float(d["weight"]) for *_e, d in combined.edges(data=True))
    assert sum(d["weight_actions"] for *_e, d in strong.edges(data=True)) == sum(
        d["weight_actions"] for *_e, d in combined.edges(data=True)
    ), "the filter leaves shared actions alone"


def test_document_by_municipality_and_year(source: StoreSource, combined: nx.Graph) -> None:
    doc = resolve(source, "ostersund/2024")
    assert doc.key == "ostersund/2024"
    assert doc.iri == resolve(source, "Östersunds/2024").iri == resolve(source, "2380/2024").iri
    assert resolve(source, doc.iri) == doc
    scoped = goal_graph(fetch(source, document=doc.iri), "all")
    assert sorted(scoped.edges(data="weight")) == sorted(combined.edges(data="weight"))
    for wanted in ("stockholm/2024", "ostersund/2019", "https://example.org/no-such-document"):
        with pytest.raises(KommunmalError, match="ostersund/2024"):
            resolve(source, wanted)
    with pytest.raises(KommunmalError, match="municipality/year"):
        resolve(source, "ostersund")
    assert fold("Östersunds kommun") == "ostersunds-kommun"


def test_cli_filters(release_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    args = ["analyse", "--release-dir", str(release_dir)]
    assert main([*args, "--document", "ostersund/2024"]) == 0
    scoped = capsys.readouterr().out
    assert main(args) == 0
    assert capsys.readouterr().out == scoped
    assert main([*args, "--layer", "all", "--tier", "shared", "--min-strength", "partial"]) == 0
    out = capsys.readouterr().out
    assert "Urval: bara gemensamma åtaganden, länkar och närliggande åtaganden med styrka minst 0,6." in out
    assert main([*args, "--layer", "related", "--format", "csv"]) == 0
    assert "weight_related" in capsys.readouterr().out
    assert main([*args, "--document", "stockholm/2024"]) == 2
    assert "ostersund/2024" in capsys.readouterr().err
    assert main([*args, "--min-strength", "2"]) == 2
    assert "0 to 1" in capsys.readouterr().err
    for fmt in EXPORT_FORMATS:
        if EXPORT_FORMATS[fmt].binary:
            target = tmp_path / f"r.{EXPORT_FORMATS[fmt].extension}"
            assert main([*args, "--layer", "related", "--out", str(target)]) == 0
            assert target.stat().st_size > 1000


def test_every_layer_has_a_weight_column(combined: nx.Graph) -> None:
    header = render(combined, "csv").decode("utf-8").splitlines()[0].split(",")
    assert {f"weight_{n}" for n in LAYERS} <= set(header) and "strengths_sdg" in header


def test_web_goal_graph_filters(client) -> None:
    response = client.get("/analysis/goal-graph.csv", params={"layer": "all", "tier": "shared", "min_strength": 0.6})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows and all(float(r["weight_related"]) == 0 for r in rows)
    assert all("sammanhang" not in r["strengths_sdg"] for r in rows)
    assert response.headers["etag"] != client.get("/analysis/goal-graph.csv", params={"layer": "all"}).headers["etag"]
    related = client.get("/analysis/goal-graph.json", params={"layer": "related"})
    assert related.status_code == 200 and json.loads(related.text)["graph"]["layer"] == "related"
    assert client.get("/analysis/goal-graph.csv", params={"min_strength": 2}).status_code == 400
    assert client.get("/analysis/goal-graph.csv", params={"tier": "stated"}).status_code == 400
