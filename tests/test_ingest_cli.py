"""`kommunmal ingest` as a user runs it: the shipped Östersund source to a draft that validates, bad input refused."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import PROV, RDF, SKOS

from kommunmal.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_SOURCE = ROOT.parent / "shared" / "source" / "ostersund-budget-2024-kommunovergripande-mal.txt"
SOURCE = SHARED_SOURCE if SHARED_SOURCE.is_file() else ROOT / "data" / "ostersund" / "2024" / "source.txt"
KOMMUNMAL = [sys.executable, "-c", "import sys; from kommunmal.cli import main; sys.exit(main())"]
BASE = Settings.from_env(environ={}).base_iri
KM = Namespace(BASE + "def/kommunmal#")
SPDX = Namespace("http://spdx.org/rdf/terms#")


def run(*args: str, data_dir: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    if data_dir:
        env["KOMMUNMAL_DATA_DIR"] = str(data_dir)
    return subprocess.run([*KOMMUNMAL, *args], capture_output=True, text=True, env=env, timeout=300, **kwargs)


def data_dir_with(draft: Path, target: Path, municipality: str = "ostersund", year: str = "2024") -> Path:
    """A data folder holding the reference data, the municipality's organisations and the draft as its year."""
    shutil.copytree(ROOT / "data" / "reference", target / "reference")
    (target / municipality).mkdir(parents=True)
    organisations = ROOT / "data" / municipality / "organisations.ttl"
    if organisations.is_file():
        shutil.copy(organisations, target / municipality / "organisations.ttl")
    shutil.copytree(draft, target / municipality / year)
    return target


def load(folder: Path) -> Graph:
    graph = Graph()
    for path in sorted(folder.rglob("*.ttl")):
        graph.parse(path, format="turtle", publicID=BASE)
    return graph


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("ingest") / "draft"
    result = run("ingest", str(SOURCE), "--municipality", "2380", "--year", "2024", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return result, out


@pytest.fixture(scope="module")
def draft(ingested: tuple[subprocess.CompletedProcess, Path]) -> Graph:
    return load(ingested[1])


def test_the_shipped_source_gives_eight_goals_with_the_curated_notations_and_short_names(draft: Graph) -> None:
    curated = Graph().parse(ROOT / "data" / "ostersund" / "2024" / "goals.ttl", publicID=BASE)

    def names(graph: Graph) -> dict[str, str]:
        return {
            str(graph.value(g, SKOS.notation)): str(
                next(o for o in graph.objects(g, SKOS.prefLabel) if o.language == "sv")
            )
            for g in graph.subjects(RDF.type, KM.Goal)
        }

    assert names(draft) == names(curated)
    assert sorted(names(draft)) == [f"1.{n}" for n in range(1, 9)]
    assert str(next(draft.subjects(RDF.type, KM.Goal))).startswith(BASE + "id/ostersund/budget-2024/goal/1.")


def test_the_draft_validates_in_a_data_folder(ingested, tmp_path: Path) -> None:
    data = data_dir_with(ingested[1], tmp_path / "data")
    result = run("validate", data_dir=data)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.startswith("0 överträdelser") or "Konform" in result.stdout


def test_every_proposal_is_marked_as_generated_by_the_ingest_with_version_and_checksum(draft: Graph) -> None:
    (activity,) = set(draft.subjects(RDF.type, PROV.Activity))
    proposals = [
        *draft.subjects(RDF.type, KM.Action),
        *draft.subjects(RDF.type, KM.SdgLink),
        *draft.subjects(RDF.type, KM.Responsibility),
    ]
    assert len(proposals) > 100
    assert all((p, PROV.wasGeneratedBy, activity) in draft for p in proposals)
    source = draft.value(activity, PROV.used)
    checksum = draft.value(draft.value(source, SPDX.checksum), SPDX.checksumValue)
    assert str(checksum) == hashlib.sha256(SOURCE.read_bytes()).hexdigest()
    agent = draft.value(activity, PROV.wasAssociatedWith)
    assert (agent, RDF.type, PROV.SoftwareAgent) in draft
    from kommunmal import __version__

    assert str(draft.value(agent, Namespace("http://purl.org/dc/terms/").hasVersion)) == __version__


def test_action_evidence_quotes_its_paragraph_verbatim_and_spans_trace_to_the_source(ingested, draft: Graph) -> None:
    lines = (ingested[1] / "source.txt").read_text(encoding="utf-8").splitlines()
    statements = list(draft.subjects(RDF.type, KM.Statement))
    assert statements
    for stmt in statements:
        place = draft.value(stmt, KM.inParagraph)
        text = (
            draft.value(place, KM.text) if place else draft.value(draft.value(stmt, KM.inGoalStatement), KM.statement)
        )
        assert str(draft.value(stmt, KM.quote)) in str(text)
    for span in draft.subjects(RDF.type, KM.SourceSpan):
        start, end = int(draft.value(span, KM.startLine)), int(draft.value(span, KM.endLine))
        assert str(draft.value(span, KM.ocrText)) == "\n".join(lines[start - 1 : end])


def test_the_population_target_is_one_shared_measurable_action(draft: Graph) -> None:
    targets = [a for a in draft.subjects(RDF.type, KM.Target) if _number(draft.value(a, KM.targetValue)) == 75000]
    assert targets
    served = {str(draft.value(g, SKOS.notation)) for a in targets for g in draft.objects(a, KM.serves)}
    assert {"1.1", "1.4", "1.5"} <= served
    action = next(a for a in targets if len(list(draft.objects(a, KM.serves))) > 1)
    assert str(draft.value(action, KM.targetYear)) == "2040"
    assert str(draft.value(action, KM.unit)) == "invånare"


def test_sdg_links_are_inferred_with_score_and_matched_words(draft: Graph) -> None:
    links = list(draft.subjects(RDF.type, KM.SdgLink))
    assert links
    for link in links[:20]:
        assert draft.value(link, KM.basis) == KM.inferred
        rule = next(str(r) for r in draft.objects(link, KM.rule) if r.language == "sv")
        assert "cosinus" in rule and "matchande ord" in rule
        assert (draft.value(link, KM.subject), KM.contributesTo, draft.value(link, KM.object)) in draft


def test_progress_goes_to_stderr_and_the_summary_to_stdout(ingested) -> None:
    result = ingested[0]
    assert "mål 1 av 8" in result.stderr
    assert "8 mål" in result.stdout and "kommunmal review" in result.stdout


def main(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str]:
    """The command in this process (the error paths need no subprocess): exit code and stderr."""
    from kommunmal.cli import main as kommunmal_main

    code = kommunmal_main(list(args))
    return code, capsys.readouterr().err


def test_a_document_without_a_goal_section_exits_2_and_writes_nothing(tmp_path: Path, capsys) -> None:
    doc = tmp_path / "protokoll.txt"
    doc.write_text(
        "Protokoll från sammanträde\n\nNärvarande: ledamöterna.\n\nParagraf 12. Ärendet bordläggs.\n"
        "Kommunstyrelsen beslutar att godkänna rapporten.\n",
        encoding="utf-8",
    )
    out = tmp_path / "draft"
    code, err = main(capsys, "ingest", str(doc), "--municipality", "2380", "--year", "2024", "--out", str(out))
    assert code == 2
    assert "protokoll.txt" in err and "no goal section" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--municipality", "23800", "--year", "2024"], "four-digit kommunkod"),
        (["--municipality", "2380", "--year", "24"], "budget year"),
    ],
)
def test_bad_options_exit_2_with_what_to_do(args: list[str], message: str, tmp_path: Path, capsys) -> None:
    code, err = main(capsys, "ingest", str(SOURCE), *args, "--out", str(tmp_path / "d"))
    assert code == 2 and message in err
    assert not (tmp_path / "d").exists()


def test_a_missing_file_names_the_file(capsys) -> None:
    code, err = main(capsys, "ingest", "finns-inte.pdf", "--municipality", "2380", "--year", "2024")
    assert code == 2 and "finns-inte.pdf" in err


@pytest.mark.parametrize("command", ["ingest", "review"])
def test_help_explains_each_option_with_an_example(command: str) -> None:
    from kommunmal.cli import parser

    sub = next(a for a in parser()._actions if a.dest == "command").choices[command]
    options = [a for a in sub._actions if a.dest not in ("help", "quiet")]
    assert len(options) >= 3
    for action in options:
        assert action.help and "e.g." in action.help, action.dest
    assert "Example:" in (sub.description or "")


def _number(literal) -> float | None:
    return float(literal.toPython()) if literal is not None else None


def test_drafts_of_every_layout_fixture_validate_together(tmp_path: Path) -> None:
    """Each layout the parser knows (tests/fixtures/ingest/) gives a draft the shapes accept."""
    from kommunmal.dataset import load as load_data
    from kommunmal.errors import SourceError
    from kommunmal.ingest.layout import parse_document
    from kommunmal.ingest.proposals import propose, slugify
    from kommunmal.ingest.sdg_match import SdgMatcher
    from kommunmal.ingest.writer import DraftWriter, Municipality
    from kommunmal.validation import load_shapes, validate

    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "reference", data / "reference")
    matcher = SdgMatcher(data / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl")
    written = []
    for n, fixture in enumerate(sorted((ROOT / "tests" / "fixtures" / "ingest").glob("*.*"))):
        try:
            doc = parse_document(fixture)
        except SourceError:
            continue
        slug = slugify(fixture.stem, 4)
        municipality = Municipality(f"{9000 + n}", slug, f"{fixture.stem} kommun")
        DraftWriter(doc, propose(doc, matcher), municipality, 2025, BASE).write(data / slug / "2025")
        written.append(slug)
    assert len(written) >= 5
    settings = Settings.from_env(environ={}, data_dir=data)
    dataset, sources = load_data(settings)
    report = validate(dataset, load_shapes(settings), sources)
    assert report.conforms, report.text("en")[:3000]
