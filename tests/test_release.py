"""`kommunmal build`, `validate` and `export`: releases, exit codes, and what bad input does (and doesn't) change."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from rdflib import BNode, Dataset, Graph, Literal

from kommunmal.cli import main
from kommunmal.config import Settings
from kommunmal.errors import NotConformant
from kommunmal.formats import FORMATS
from kommunmal.release import DUMP_FORMATS, build

ROOT = Path(__file__).resolve().parents[1]


def _tree_digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` (following the `current` link) with its SHA-256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def test_release_has_every_dump_and_checksums(release, union: Graph) -> None:
    meta = release.meta
    sums = dict(reversed(line.split("  ")) for line in (release.path / "SHA256SUMS").read_text().splitlines())
    for name in DUMP_FORMATS:
        path = release.dump(name)
        assert path.stat().st_size > 0
        assert sums[path.name] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert meta["files"][path.name]["bytes"] == path.stat().st_size
    assert meta["triples"] == len(union)
    assert (release.path / "void.ttl").exists()
    assert (release.store_path).is_dir()


@pytest.mark.parametrize("name", DUMP_FORMATS)
def test_dumps_parse_back_to_the_same_triples(release, union: Graph, name: str) -> None:
    fmt = FORMATS[name]
    if fmt.kind == "dataset":
        parsed = Dataset()
        parsed.parse(release.dump(name), format=fmt.rdflib)
        assert {str(g.identifier) for g in parsed.graphs()} >= set(release.meta["graphs"])
        assert sum(1 for _ in parsed.quads((None, None, None, None))) == release.meta["quads"]
    else:
        parsed = Graph().parse(release.dump(name), format=fmt.rdflib)
        assert len(parsed) == len(union)


def test_void_counts_match(release, union: Graph) -> None:
    void = Graph().parse(release.path / "void.ttl")
    triples = {int(o) for o in void.objects(None, __import__("rdflib").URIRef("http://rdfs.org/ns/void#triples"))}
    assert len(union) in triples


def test_store_holds_every_named_graph(release) -> None:
    from kommunmal.store import Store

    store = Store(release.store_path)
    assert set(store.named_graphs()) == set(release.meta["graphs"])
    assert len(store) == release.meta["quads"]


def test_same_sources_give_the_same_release_id(settings: Settings, release, tmp_path: Path) -> None:
    again, _ = build(settings, tmp_path / "out")
    assert again.id == release.id


def test_other_shapes_make_a_new_release_of_the_same_data(settings: Settings, tmp_path: Path) -> None:
    """A release is its data and the software that wrote it: after a change of the shapes (or of kommunmal, a
    library), building the same data must publish the new validation report, not keep the old folder."""
    out = tmp_path / "out"
    first, _ = build(settings, out)
    shapes = tmp_path / "shapes"
    shutil.copytree(settings.shapes_dir, shapes)
    recommended = shapes / "actions.recommended.ttl"
    text = recommended.read_text(encoding="utf-8")
    assert "Give the year by which" in text
    recommended.write_text(text.replace("Give the year by which", "State the year by which"), encoding="utf-8")
    second, _ = build(settings.with_(shapes_dir=shapes), out)
    assert second.id != first.id
    assert second.meta["content_sha256"] == first.meta["content_sha256"]
    assert second.meta["software_sha256"] != first.meta["software_sha256"]
    assert (out / "current").resolve() == second.path.resolve()
    assert "State the year by which" in (second.path / "validation.ttl").read_text(encoding="utf-8")
    assert "Give the year by which" in (first.path / "validation.ttl").read_text(encoding="utf-8")  # kept as it was


def test_failed_build_leaves_the_previous_release_untouched(settings: Settings, data_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    good = settings.with_(data_dir=data_copy)
    first, _ = build(good, out)
    before = _tree_digest(out)
    link_before = (out / "current").readlink()
    goals = data_copy / "ostersund" / "2024" / "goals.ttl"
    goals.write_text(goals.read_text(encoding="utf-8").replace("km:goalKind km:karnverksamhet ;", ""), "utf-8")
    with pytest.raises(NotConformant) as info:
        build(good, out)
    assert "km:goalKind" in str(info.value)
    assert _tree_digest(out) == before
    assert (out / "current").readlink() == link_before
    assert not list(out.glob(".staging-*"))
    assert main(["build", "--out", str(out), "-q"]) in (0,)  # the embedded data still builds into the same folder
    assert first.path.exists()


def test_build_cli_exit_1_on_violations(data_copy: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    goals = data_copy / "ostersund" / "2024" / "goals.ttl"
    goals.write_text(goals.read_text(encoding="utf-8").replace('skos:notation "1.3" ;', ""), "utf-8")
    monkeypatch.setenv("KOMMUNMAL_DATA_DIR", str(data_copy))
    assert main(["build", "--out", str(tmp_path / "out"), "-q"]) == 1
    err = capsys.readouterr().err
    assert "goal/1.3" in err and "skos:notation" in err
    assert not (tmp_path / "out" / "current").exists()


def test_validate_cli_conforms_on_shipped_data(capsys) -> None:
    assert main(["validate"]) == 0
    out = capsys.readouterr().out
    assert "Konform" in out or out.startswith("0 överträdelser")


def test_validate_cli_reports_node_path_message_and_file(data_copy: Path, capsys) -> None:
    text = data_copy / "ostersund" / "2024" / "texts" / "1.6.ttl"
    text.write_text(text.read_text(encoding="utf-8").replace("km:position 2 ;", ""), "utf-8")
    assert main(["validate", str(data_copy)]) == 1
    out = capsys.readouterr().out
    assert "paragraph/1.6-2" in out
    assert "km:position" in out
    assert "Ange styckets plats i texten" in out
    assert "1.6.ttl" in out


def test_warnings_do_not_fail(data_copy: Path, capsys) -> None:
    text = data_copy / "ostersund" / "2024" / "texts" / "1.2.ttl"
    source = text.read_text(encoding="utf-8")
    start = source.index("    dct:title")
    text.write_text(source[:start] + source[source.index("\n", start) + 1 :], "utf-8")
    assert main(["validate", str(data_copy)]) == 0
    assert "[Warning] dct:title" in capsys.readouterr().out


def test_turtle_syntax_error_names_file_and_line(data_copy: Path, capsys) -> None:
    goals = data_copy / "ostersund" / "2024" / "goals.ttl"
    lines = goals.read_text(encoding="utf-8").split("\n")
    broken_line = 15
    lines[broken_line - 1] = lines[broken_line - 1].replace(" ;", ' "unterminated ;')
    goals.write_text("\n".join(lines), encoding="utf-8")
    assert main(["validate", str(goals)]) == 2
    err = capsys.readouterr().err
    assert f"{goals}:{broken_line}:" in err
    assert "syntax error" in err


def test_missing_path_is_unusable_input(tmp_path: Path, capsys) -> None:
    assert main(["validate", str(tmp_path / "nope.ttl")]) == 2
    assert "nope.ttl" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["turtle", "ntriples", "jsonld", "nquads", "trig"])
def test_export_writes_the_whole_dataset(name: str, union: Graph, capfdbinary) -> None:
    assert main(["export", "--format", name]) == 0
    data = capfdbinary.readouterr().out
    fmt = FORMATS[name]
    if fmt.kind == "dataset":
        parsed = Dataset()
        parsed.parse(data=data, format=fmt.rdflib)
        assert sum(1 for _ in parsed.quads((None, None, None, None))) >= len(union)
        assert {_value(t) for s, p, o, _ in parsed.quads((None, None, None, None)) if _ground(t := (s, p, o))} == {
            _value(t) for t in union if _ground(t)
        }
    else:
        parsed = Graph().parse(data=data, format=fmt.rdflib)
        assert len(parsed) == len(union)


def _ground(triple) -> bool:
    return not any(isinstance(term, BNode) for term in triple)


def _value(triple):
    """Compare literals by value: a writer may spell 100 as 100.0 for xsd:decimal."""
    s, p, o = triple
    if isinstance(o, Literal) and o.value is not None:
        return s, p, (o.value, o.datatype, o.language)
    return triple


def test_release_meta_is_json(release) -> None:
    meta = json.loads((release.path / "release.json").read_text())
    assert meta["id"] == release.id and len(meta["content_sha256"]) == 64


def test_health_names_the_release_and_its_quads(client, release, store) -> None:
    body = client.get("/health").json()
    assert body == {"status": "ok", "release": release.id, "quads": len(store)}
