"""What a data steward sees when something is wrong: one file checked in context, unknown terms, file and line of
each problem, syntax errors at the line to fix, where serve and analyse looked for a release, a quiet build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, URIRef

from kommunmal.cli import main
from kommunmal.dataset import Source, parse_file
from kommunmal.validation import unknown_terms

ROOT = Path(__file__).resolve().parents[1]
GOALS = ROOT / "data" / "ostersund" / "2024" / "goals.ttl"


@pytest.fixture
def goals_copy(tmp_path: Path) -> Path:
    target = tmp_path / "goals.ttl"
    shutil.copy(GOALS, target)
    return target


def line_with(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_one_file_is_checked_in_the_context_of_the_rest(goals_copy: Path, capsys) -> None:
    """A copy outside data/ stands in for goals.ttl (checked alone it gave 32 false violations): an edit is
    reported with file and line of the node, a misspelled term as unknown with its line, and nothing else."""
    text = goals_copy.read_text(encoding="utf-8")
    text = text.replace('skos:notation "1.3" ;', "", 1)
    text = text.replace("km:goalDocument b24:document", "km:goalDocumnet b24:document", 1)
    goals_copy.write_text(text, encoding="utf-8")
    assert main(["validate", str(goals_copy)]) == 1
    out = capsys.readouterr().out
    assert "goal/1.3" in out and "skos:notation" in out
    assert f"{goals_copy.name}:{line_with(goals_copy, 'goal:1.3 a km:Goal')}" in out
    assert "goalDocumnet" in out and "Unknown term" in out and "did you mean goalDocument" in out
    assert f"{goals_copy.name}:{line_with(goals_copy, 'km:goalDocumnet')}" in out
    # Goal 1.1 lost its km:goalDocument to the misspelling; 1.3 its notation; the unknown term: three, not 32.
    assert out.startswith("3 överträdelser"), out.splitlines()[0]


def test_a_copy_under_another_name_stands_in_for_its_source(tmp_path: Path, capsys) -> None:
    """A draft saved as goals-utkast.ttl replaces goals.ttl in the check (merged with it, the original's statement
    hid the one removed and the check said "conforms"); a new file that copies nothing is checked beside all."""
    draft = tmp_path / "goals-utkast.ttl"
    text = GOALS.read_text(encoding="utf-8")
    start = text.index("goal:1.1 a km:Goal")
    statement = text.index("km:statement", start)
    end = text.index('"@sv ;', statement) + len('"@sv ;')
    draft.write_text(text[:statement] + text[end:], encoding="utf-8")
    assert main(["validate", str(draft)]) == 1
    out = capsys.readouterr().out
    assert "goal/1.1" in out and "km:statement" in out
    assert f"{draft.name}:{line_with(draft, 'goal:1.1 a km:Goal')}" in out
    new = tmp_path / "extra.ttl"
    new.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<https://w3id.org/kommunmal/id/ostersund/budget-2024/goal/1.1> skos:altLabel "Ledning"@sv .\n',
        encoding="utf-8",
    )
    assert main(["validate", str(new)]) == 0, capsys.readouterr().out


def test_a_broken_quote_names_the_link_in_the_data_file(tmp_path: Path, capsys) -> None:
    """A quote that is not verbatim in its paragraph is reported at the link in its own file (the shape targeted the
    class once, so the result named the ontology, and checking the data file alone said nothing)."""
    links = ROOT / "data" / "ostersund" / "2024" / "sdg-links.ttl"
    copy = tmp_path / links.name
    text = links.read_text(encoding="utf-8")
    quote = text.index('    km:quote "')  # the first statement's quote, not the header's words about it
    opening = text.index('"', quote) + 1
    copy.write_text(text[:opening] + "Inte ordagrant: " + text[opening:], encoding="utf-8")
    assert main(["validate", str(copy)]) == 1
    out = capsys.readouterr().out
    assert "km:quote" in out and "ontology/" not in out
    assert f"{copy.name}:" in out


def test_unknown_terms_against_the_loaded_vocabulary(loaded, tmp_path: Path) -> None:
    """The rule build() applies through validate(): terms in the vocabulary's namespace must be defined there."""
    dataset, sources = loaded
    ontology = [s for s in sources if s.role == "ontology"]
    data = tmp_path / "typo.ttl"
    data.write_text("@prefix km: <https://w3id.org/kommunmal/def/kommunmal#> .\n\n<x:a> km:statment 'x' .\n")
    small = Dataset()
    for source in ontology:
        small.graph(source.graph).__iadd__(dataset.graph(source.graph))
    typo = Source(data, URIRef("https://w3id.org/kommunmal/graph/local/typo"), "data")
    parse_file(data, "https://w3id.org/kommunmal/", small.graph(typo.graph))
    found = unknown_terms(small, [*ontology, typo], "https://w3id.org/kommunmal/")
    assert [r.focus for r in found] == ["https://w3id.org/kommunmal/def/kommunmal#statment"]
    assert found[0].files == (f"{data}:3",) and "statement" in found[0].messages["en"]
    assert unknown_terms(dataset, sources) == []  # the shipped data uses only defined terms


@pytest.mark.parametrize(
    ("name", "edit", "expected"),
    [
        # A statement without its final '.': the parser stops at the next statement; the fix is on the line before.
        ("missing-dot.ttl", lambda t: t.replace('"@en .\n\ngoal:1.2', '"@en\n\ngoal:1.2', 1), "1.1 editorialNote end"),
        # A long string left open runs to the next triple quote; the fix is where it opened.
        ("open-string.ttl", lambda t: t.replace('km:statement "Östersunds', 'km:statement """Östersunds', 1), "open"),
        ("undeclared.ttl", lambda t: t.replace("goal:1.2 a km:Goal", "goal:1.2 a nope:Goal", 1), "nope:Goal"),
    ],
)
def test_turtle_syntax_errors_point_at_the_line_to_fix(tmp_path: Path, capsys, name, edit, expected) -> None:
    path = tmp_path / name
    path.write_text(edit(GOALS.read_text(encoding="utf-8")), encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    if expected == "1.1 editorialNote end":
        want = next(n for n, line in enumerate(lines, 1) if line.startswith("goal:1.2")) - 2
    elif expected == "open":
        want = next(n for n, line in enumerate(lines, 1) if 'km:statement """' in line)
    else:
        want = line_with(path, expected)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{want}:" in err, err


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("bad.nt", b'<http://a/s> <http://a/p> "x" .\n<http://a/s> <http://a/p> "y .\n', 2),
        (
            "bad.rdf",
            b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            b'<rdf:Description rdf:about="http://a/s">\n</rdf:RDF>\n',
            4,
        ),
        ("bad.jsonld", b'{\n "@id": "http://a/s",\n "http://a/p": [1,\n}\n', 4),
        ("latin1.ttl", b'@prefix ex: <http://a/> .\nex:s ex:p "caf\xe9" .\n', 2),
    ],
)
def test_other_syntaxes_name_the_line(tmp_path: Path, capsys, name: str, content: bytes, line: int) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:{line}:" in err and "Traceback" not in err


@pytest.mark.parametrize("command", [["serve"], ["analyse"]])
def test_serve_and_analyse_without_a_release_say_where_they_looked(tmp_path: Path, capsys, command) -> None:
    nowhere = tmp_path / "nowhere"
    assert main([*command, "--release-dir", str(nowhere)]) == 2
    err = capsys.readouterr().err
    assert str(nowhere / "current" / "release.json") in err
    assert "--release-dir" in err and "KOMMUNMAL_RELEASE_DIR" in err and "kommunmal build" in err


def test_serve_given_a_release_folder_names_its_build_folder(release, capsys) -> None:
    """`--release-dir build/current` (or build/releases/<id>) is a release, not the build folder that holds it."""
    assert main(["serve", "--release-dir", str(release.path)]) == 2
    err = capsys.readouterr().err
    assert f"--release-dir {release.path.resolve().parent.parent}" in err
    assert f"KOMMUNMAL_RELEASE={release.id}" in err and "Traceback" not in err


def test_build_summarises_warnings_in_one_line(tmp_path: Path, capsys) -> None:
    assert main(["build", "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    # A running server keeps its release: the last line says to restart it, in Swedish first.
    assert out.splitlines()[-1].startswith("Starta om `kommunmal serve` för att visa den nya utgåvan / restart")
    summary = [line for line in err.splitlines() if "varningar / warnings (" in line]
    assert len(summary) == 1 and "--verbose" in summary[0]
    assert "[Warning]" not in err
