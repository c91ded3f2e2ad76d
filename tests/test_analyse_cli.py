"""`kommunmal analyse` as a user meets it: layer/tier pairs that cannot give a pair, the format chosen by --out's
extension (DOT included), and a picture whose heading stays inside the figure."""

from __future__ import annotations

import re
from pathlib import Path

import networkx as nx
import pytest

from kommunmal.analysis import LAYER_CHOICES, TIERS, analyse, empty_combination
from kommunmal.cli import main
from kommunmal.config import Settings
from kommunmal.network_export import EXPORT_FORMATS
from kommunmal.release import Release
from kommunmal.sparql_source import StoreSource


@pytest.fixture(scope="module")
def source(release_dir: Path, settings: Settings) -> StoreSource:
    return StoreSource.for_release(Release.current(release_dir), settings.vocab)


@pytest.mark.parametrize("layer", LAYER_CHOICES)
@pytest.mark.parametrize("tier", TIERS)
def test_the_rule_for_empty_combinations_matches_the_data(source: StoreSource, layer: str, tier: str) -> None:
    graph = analyse(source, layer, tiers=(tier,))
    if empty_combination(layer, (tier,)):
        assert graph.number_of_edges() == 0
    else:  # the rule refuses nothing the embedded data can answer
        assert graph.number_of_edges() > 0, (layer, tier)


@pytest.mark.parametrize(("layer", "tier"), [("actions", "related"), ("related", "shared")])
def test_a_layer_and_tier_that_give_no_pair_are_refused(
    release_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture, layer: str, tier: str
) -> None:
    out = tmp_path / "g.txt"
    code = main(["analyse", "--release-dir", str(release_dir), "--layer", layer, "--tier", tier, "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert err.index("inga par av mål") < err.index("no pair of goals")  # Swedish first
    assert f"--layer {layer} med --tier {'shared' if layer == 'actions' else 'related'} eller both" in err
    assert not out.exists()
    assert main(["analyse", "--release-dir", str(release_dir), "--layer", layer, "--tier", "both"]) == 0


DOT_EDGE = re.compile(r'^ {2}"((?:[^"\\]|\\.)*)" -- "((?:[^"\\]|\\.)*)" \[(.*)\];$')
DOT_NODE = re.compile(r'^ {2}"((?:[^"\\]|\\.)*)" \[(.*)\];$')


def _dot_attributes(text: str) -> dict[str, str]:
    pairs = re.findall(r'"((?:[^"\\]|\\.)*)"="((?:[^"\\]|\\.)*)"', text)
    return {k: v.replace('\\"', '"').replace("\\\\", "\\") for k, v in pairs}


@pytest.mark.parametrize("extension", ["dot", "gv"])
def test_out_with_a_dot_extension_writes_graphviz(
    source: StoreSource, release_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture, extension: str
) -> None:
    target = tmp_path / f"goals.{extension}"
    assert main(["analyse", "--release-dir", str(release_dir), "--layer", "all", "--out", str(target)]) == 0
    assert f"{target}: dot" in capsys.readouterr().err
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith('graph "') and lines[0].endswith("{") and lines[-1] == "}"
    expected = analyse(source, "all")
    nodes = {m.group(1): _dot_attributes(m.group(2)) for line in lines if (m := DOT_NODE.match(line))}
    edges = {
        frozenset((m.group(1), m.group(2))): _dot_attributes(m.group(3))
        for line in lines
        if (m := DOT_EDGE.match(line))
    }
    assert set(nodes) == set(expected.nodes)
    assert {n: a["label"] for n, a in nodes.items()} == {n: expected.nodes[n]["title"] for n in expected.nodes}
    assert {e: float(a["weight"]) for e, a in edges.items()} == pytest.approx(
        {frozenset((u, v)): float(d["weight"]) for u, v, d in expected.edges(data=True)}
    )
    dashed = {e for e, a in edges.items() if a.get("style") == "dashed"}
    assert dashed and dashed < set(edges)  # pairs joined by related commitments only, as in the picture


def test_dot_quotes_what_would_break_it() -> None:
    from kommunmal.network_dot import quote

    assert quote('a "b" \\ c\nd') == '"a \\"b\\" \\\\ c\\nd"'


def test_an_unknown_extension_is_refused_with_the_possible_ones(
    release_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    target = tmp_path / "goals.xlsx"
    assert main(["analyse", "--release-dir", str(release_dir), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "filändelsen anger inget format" in err
    for fmt in EXPORT_FORMATS.values():
        assert f".{fmt.extension} ({fmt.name})" in err
    assert not target.exists()
    # Given explicitly, --format writes any file name; one that contradicts the extension is refused.
    assert main(["analyse", "--release-dir", str(release_dir), "--format", "csv", "--out", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("source,target")
    svg = tmp_path / "a.svg"
    assert main(["analyse", "--release-dir", str(release_dir), "--format", "png", "--out", str(svg)]) == 2
    assert "--format är png" in capsys.readouterr().err
    assert not svg.exists()


def test_the_picture_heading_stays_inside_the_figure(source: StoreSource) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from kommunmal.network_picture import figure

    for layer in ("all", "actions"):
        graph: nx.Graph = analyse(source, layer)
        fig = figure(graph)
        renderer = FigureCanvasAgg(fig).get_renderer()
        width = fig.get_figwidth() * fig.dpi
        heading = [t for t in fig.texts if t.get_position()[1] > 0.8]
        assert [t.get_text().replace("\n", " ") for t in heading][:1] == [graph.graph["title"]]
        for text in heading:
            box = text.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= width, (layer, text.get_text())
        # The heading ends above the drawing.
        lowest = min(t.get_window_extent(renderer).y0 for t in heading)
        assert fig.axes[0].get_window_extent(renderer).y1 <= lowest


def test_an_excerpt_document_is_refused_as_an_excerpt_not_as_a_foreign_dataset(
    release_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "g.png"
    code = main(["analyse", "--release-dir", str(release_dir), "--document", "ostersund/2023", "--out", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "ostersund/2023" in err and "utdrag" in err and "excerpt" in err
    assert err.index("utdrag") < err.index("excerpt")  # Swedish first
    assert "6 mål" in err and "kommunmal compare" in err
    assert "base IRI" not in err, "the excerpt was taken for a dataset built with another base IRI"
    assert not out.exists()


def test_goals_of_several_documents_in_one_graph_are_pointed_out(
    many: tuple[Settings, Release], release_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Without --document the goals of every document share nodes by notation (docs/analyst-guide.md); the command
    says so and how to choose one document, instead of printing a graph of three documents as if it were one."""
    settings, _release = many
    out = tmp_path / "g.txt"
    assert main(["analyse", "--release-dir", str(settings.release_dir), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "målen kommer från 3 måldokument" in err and "--document (" in err and "ostersund/2024" in err
    assert err.index("mål med samma nummer blir en nod") < err.index("goals with the same notation are one node")
    args = ["analyse", "--release-dir", str(settings.release_dir), "--document", "ostersund/2024", "--out", str(out)]
    assert main(args) == 0
    assert "måldokument" not in capsys.readouterr().err
    # The embedded release: the 2023 excerpt's goals are left out, so the goals are of one document.
    assert main(["analyse", "--release-dir", str(release_dir), "--out", str(out)]) == 0
    assert "måldokument" not in capsys.readouterr().err


@pytest.mark.parametrize("extension", ["txt", "html"])
def test_measures_are_written_with_a_decimal_comma(release_dir: Path, tmp_path: Path, extension: str) -> None:
    """The summary and the interactive page are Swedish: 0,190, not 0.190 (weights already read 1,6)."""
    out = tmp_path / f"g.{extension}"
    assert main(["analyse", "--release-dir", str(release_dir), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    table = text[text.index("viktad") :] if extension == "txt" else text[text.index("<table>") :]
    assert re.search(r"\b0,\d{3}\b", table), "no measure with a decimal comma"
    assert not re.findall(r"\b\d\.\d{3}\b", table), "a measure with a decimal point"
