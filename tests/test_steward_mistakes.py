"""Mistakes a data steward makes while editing Turtle by hand that the shapes alone let through or blamed on other
files: a value that is not of its datatype, a misspelled vocabulary namespace, a file emptied by accident. Each must
be reported at the file and line to fix, fail validate and build, and publish nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kommunmal.cli import main
from kommunmal.config import Settings
from kommunmal.errors import SourceError
from kommunmal.release import build

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "ostersund" / "2024"
BASE = "https://w3id.org/kommunmal/"


def line_with(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.mark.parametrize(
    ("name", "good", "bad", "datatype"),
    [
        # km:targetYear is only recommended (a warning shape): its sh:datatype did not catch the typo.
        ("actions.ttl", '"2040"^^xsd:gYear', '"2040x"^^xsd:gYear', "xsd:gYear"),
        # No shape constrains dcat:endDate at all: the impossible date was published.
        ("budget.ttl", '"2024-12-31"^^xsd:date', '"2024-31-12"^^xsd:date', "xsd:date"),
    ],
)
def test_a_value_not_of_its_datatype_is_a_violation_at_its_line(
    tmp_path: Path, capsys, name: str, good: str, bad: str, datatype: str
) -> None:
    copy = tmp_path / name
    copy.write_text((DATA / name).read_text(encoding="utf-8").replace(good, bad, 1), encoding="utf-8")
    assert main(["validate", str(copy)]) == 1
    out, err = capsys.readouterr()
    lexical = bad.split('"')[1]
    assert f'"{lexical}" is not a valid {datatype} value' in out and f'"{lexical}" är inte ett giltigt' in out
    assert f"{copy.name}:{line_with(copy, bad)}" in out
    # rdflib logged a traceback per such literal; the report says it once, where to fix it.
    assert "Traceback" not in err and "Failed to convert" not in err


def test_the_build_refuses_a_value_not_of_its_datatype(tmp_path: Path, capsys, monkeypatch) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    budget = data / "ostersund" / "2024" / "budget.ttl"
    budget.write_text(budget.read_text(encoding="utf-8").replace('"2024-12-31"^^xsd:date', '"2024-31-12"^^xsd:date'))
    monkeypatch.setenv("KOMMUNMAL_DATA_DIR", str(data))
    assert main(["build", "-q", "--out", str(tmp_path / "out")]) == 1
    assert not (tmp_path / "out" / "current").exists()
    err = capsys.readouterr().err
    assert (
        '"2024-31-12" is not a valid xsd:date value' in err and f"budget.ttl:{line_with(budget, '2024-31-12')}" in err
    )


@pytest.mark.parametrize(
    ("prefix", "stray"),
    [
        ("<def/komunmal#>", "https://w3id.org/kommunmal/def/komunmal#Goal"),  # a letter short
        ("<https://w3id.org/kommunmal/def/kommunmal>", "https://w3id.org/kommunmal/def/kommunmalGoal"),  # no '#'
    ],
)
def test_a_misspelled_vocabulary_namespace_is_reported_in_its_file(tmp_path: Path, capsys, prefix, stray) -> None:
    """Every term of the file left the vocabulary's namespaces: validating the file said it conforms, and the build
    blamed the actions that point at its goals. Now the file's own terms are violations at their lines."""
    copy = tmp_path / "goals.ttl"
    text = (DATA / "goals.ttl").read_text(encoding="utf-8")
    assert "@prefix km: <def/kommunmal#> ." in text
    copy.write_text(text.replace("<def/kommunmal#>", prefix, 1), encoding="utf-8")
    assert main(["validate", str(copy)]) == 1
    out = capsys.readouterr().out
    goal = next(line.split(" a ")[0] for line in text.splitlines() if line.endswith(" a km:Goal ;"))
    assert f"{stray}\n  definierad i / defined in: {copy}:{line_with(copy, goal + ' a km:Goal')}" in out
    assert "correct the @prefix line; did you mean <https://w3id.org/kommunmal/def/kommunmal#Goal>?" in out


@pytest.mark.parametrize("content", [b"", b"\n  \n\t\n"])
def test_an_emptied_file_is_refused_by_name(tmp_path: Path, capsys, monkeypatch, content: bytes) -> None:
    """An emptied text file parsed as valid data holding nothing: validating it said it conforms, and the build's
    violations were about the actions whose paragraphs it had held, none naming the file."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    text = data / "ostersund" / "2024" / "texts" / "1.2.ttl"
    text.write_bytes(content)
    monkeypatch.setenv("KOMMUNMAL_DATA_DIR", str(data))
    for command in (["validate", str(text)], ["build", "-q", "--out", str(tmp_path / "out")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert f"{text}: the file is empty; restore it" in err and "Traceback" not in err
    assert not (tmp_path / "out" / "current").exists()


def test_a_file_with_only_a_comment_is_not_empty(tmp_path: Path, capsys) -> None:
    """`kommunmal ingest` writes organisations.ttl as a comment alone when the register knows every body; such a
    file (here a new one, not standing in for the register) is read as holding nothing, not refused."""
    note = tmp_path / "inga-nya-organ.ttl"
    note.write_text("# Inga nya organ.\n", encoding="utf-8")
    assert main(["validate", str(note)]) == 0, capsys.readouterr()


def test_a_renamed_goal_shows_the_links_it_breaks_in_other_files(tmp_path: Path, capsys, monkeypatch) -> None:
    """Renaming goal 1.8 in goals.ttl left every action serving it pointing at nothing: validating goals.ttl said
    it conforms, and only the build failed. The violations of other files whose value the edit took away (no file
    types it any more) are the file's problems too, named at their own files and lines."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    goals = data / "ostersund" / "2024" / "goals.ttl"
    goals.write_text(goals.read_text(encoding="utf-8").replace("goal:1.8 a km:Goal", "goal:1.9 a km:Goal", 1))
    monkeypatch.setenv("KOMMUNMAL_DATA_DIR", str(data))
    assert main(["validate", str(goals)]) == 1
    out = capsys.readouterr().out
    assert "värde / value: https://w3id.org/kommunmal/id/ostersund/budget-2024/goal/1.8" in out
    assert "km:serves" in out and str(data / "ostersund" / "2024" / "actions.ttl") + ":" in out
    # A file whose edit breaks nothing elsewhere still reports only its own nodes.
    goals.write_text((DATA / "goals.ttl").read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["validate", str(goals)]) == 0


def test_two_goals_with_one_number_are_both_reported(tmp_path: Path, capsys) -> None:
    """A goal block copied with its IRI changed and its skos:notation not: every shape saw one goal with one number
    and the document went out with two goals 1.1. Both goals are reported, each at its own line."""
    copy = tmp_path / "goals.ttl"
    text = (DATA / "goals.ttl").read_text(encoding="utf-8")
    copy.write_text(text.replace('skos:notation "1.2"', 'skos:notation "1.1"', 1), encoding="utf-8")
    assert main(["validate", str(copy)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("2 överträdelser")
    for goal in ("1.1", "1.2"):
        assert (
            f"budget-2024/goal/{goal}\n  definierad i / defined in: {copy}:{line_with(copy, f'goal:{goal} a km:Goal')}"
            in out
        )
    assert "has the same number as https://w3id.org/kommunmal/id/ostersund/budget-2024/goal/1.1" in out


def test_an_emptied_national_unit_is_refused_not_left_out(settings: Settings, tmp_path: Path) -> None:
    """National data (one folder per municipality, validated each on its own): a municipality's emptied file
    validated as conforming and the build published the release without it."""
    data = tmp_path / "data"
    for name in ("alfa", "beta"):
        (data / name).mkdir(parents=True)
        (data / name / "2024.ttl").write_text(
            f'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<{BASE}id/{name}/x> skos:prefLabel "x"@sv .\n',
            encoding="utf-8",
        )
    emptied = data / "beta" / "2024.ttl"
    emptied.write_text("", encoding="utf-8")
    with pytest.raises(SourceError, match="the file is empty") as caught:
        build(settings.with_(data_dir=data), tmp_path / "out")
    assert caught.value.path == emptied.resolve()
    assert not (tmp_path / "out" / "current").exists()


def test_national_units_refuse_a_value_not_of_its_datatype_and_a_misspelled_vocabulary(
    settings: Settings, tmp_path: Path
) -> None:
    """The same checks in a national build, where each municipality's folder is validated on its own
    (kommunmal.unit_validation): the year was published there, and a misspelled namespace passed."""
    from kommunmal.errors import NotConformant

    data = tmp_path / "data"
    units = {
        "alfa": f'<{BASE}id/alfa/x> skos:prefLabel "x"@sv ; <{BASE}def/kommunmal#targetYear> "2040x"^^xsd:gYear .\n',
        "beta": f'<{BASE}id/beta/y> a <{BASE}def/komunmal#Goal> ; skos:prefLabel "y"@sv .\n',
        "gamma": f'<{BASE}id/gamma/z> skos:prefLabel "z"@sv ; <{BASE}def/kommunmal#targetYear> "2040"^^xsd:gYear .\n',
    }
    for name, body in units.items():
        (data / name).mkdir(parents=True)
        (data / name / "2024.ttl").write_text(
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n" + body,
            encoding="utf-8",
        )
    with pytest.raises(NotConformant) as caught:
        build(settings.with_(data_dir=data), tmp_path / "out")
    text = str(caught.value)
    assert '"2040x" is not a valid xsd:gYear value' in text and "alfa/2024.ttl:3" in text
    assert f"{BASE}def/komunmal# is no namespace of the vocabulary" in text and "beta/2024.ttl:3" in text
    assert f"did you mean <{BASE}def/kommunmal#Goal>" in text
    assert "gamma" not in text  # a valid year is no finding
    assert not (tmp_path / "out" / "current").exists()
