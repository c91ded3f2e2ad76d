"""`kommunmal review` driven as a steward drives it: a real process, prompts read, answers typed on stdin."""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kommunmal.config import Settings

ROOT = Path(__file__).resolve().parents[1]
SHARED_SOURCE = ROOT.parent / "shared" / "source" / "ostersund-budget-2024-kommunovergripande-mal.txt"
SOURCE = SHARED_SOURCE if SHARED_SOURCE.is_file() else ROOT / "data" / "ostersund" / "2024" / "source.txt"
KOMMUNMAL = [sys.executable, "-c", "import sys; from kommunmal.cli import main; sys.exit(main())"]
BASE = Settings.from_env(environ={}).base_iri
KM = Namespace(BASE + "def/kommunmal#")
REVIEWER = "Testa Testsson"
NEW_TEXT = "Kommunen ska pröva ett nytt arbetssätt för detta."


def env(data_dir: Path | None = None) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("KOMMUNMAL_")}
    if data_dir:
        e["KOMMUNMAL_DATA_DIR"] = str(data_dir)
    return e


def load(folder: Path) -> Graph:
    graph = Graph()
    for path in sorted(folder.rglob("*.ttl")):
        graph.parse(path, format="turtle", publicID=BASE)
    return graph


class Session:
    """A running `kommunmal review`: read up to each prompt ("… > "), answer with a line."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [*KOMMUNMAL, "review", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env(),
        )
        self.transcript = ""

    def prompt(self, timeout: float = 120) -> str | None:
        """The text shown before the next prompt, or None when the process ended."""
        chunk, fd, deadline = b"", self.process.stdout.fileno(), time.monotonic() + timeout
        while not chunk.endswith(b"> "):
            ready, _, _ = select.select([fd], [], [], max(deadline - time.monotonic(), 0))
            assert ready, f"no prompt within {timeout} s; so far:\n{self.transcript}{chunk.decode()}"
            byte = os.read(fd, 1)
            if not byte:
                self.transcript += chunk.decode()
                return None
            chunk += byte
        text = chunk.decode()
        self.transcript += text
        return text

    def answer(self, line: str) -> None:
        self.process.stdin.write(line.encode() + b"\n")
        self.process.stdin.flush()
        self.transcript += line + "\n"

    def finish(self) -> tuple[int, str]:
        out, err = self.process.communicate(timeout=120)
        self.transcript += out.decode()
        return self.process.returncode, err.decode()


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Ingest the Östersund source, then review: accept the goals and one action, reject the next action, edit the
    one after, skip every link, stop."""
    from kommunmal.cli import main

    root = tmp_path_factory.mktemp("review")
    draft, out = root / "draft", root / "curated"
    assert main(["ingest", str(SOURCE), "--municipality", "2380", "--year", "2024", "--out", str(draft), "-q"]) == 0
    first_count = None
    s = Session(str(draft), "--reviewer", REVIEWER, "--out", str(out))
    plan, shown = iter(["g", "a", "r"]), []
    while (text := s.prompt()) is not None:
        if first_count is None:
            first_count = int(text.split(" förslag att granska")[0].split()[-1])
        block = text.rsplit("\n[g]odkänn", 1)[0].rsplit("\n[", 1)[-1]
        if "Målen och de politiska texterna" in block:
            s.answer("g")
        elif "] Åtagande" in "[" + block:
            step = next(plan, None)
            if step is None:
                s.answer("s")
                continue
            shown.append(block)
            s.answer(step)
            if step == "r":
                assert s.prompt().endswith("Ny text (tomt = behåll) > ")
                s.answer(NEW_TEXT)
                assert s.prompt().endswith("Nytt kortnamn (tomt = behåll) > ")
                s.answer("")
        else:
            s.answer("h")
    code, err = s.finish()
    assert code == 0, err + s.transcript[-2000:]
    return {"draft": draft, "out": out, "root": root, "transcript": s.transcript, "count": first_count, "shown": shown}


def decisions(folder: Path) -> Graph:
    return Graph().parse(folder / "review.ttl", format="turtle", publicID=BASE)


def test_each_decision_is_recorded_with_who_when_and_what(session: dict) -> None:
    for folder in (session["draft"], session["out"]):
        g = decisions(folder)
        acts = set(g.subjects(RDF.type, PROV.Activity))
        labels = sorted(str(g.value(a, RDFS.label)) for a in acts)
        assert labels == ["Avvisat förslag", "Godkänt förslag", "Godkänt förslag", "Redigerat förslag"]
        for act in acts:
            person = g.value(act, PROV.wasAssociatedWith)
            assert (person, RDF.type, PROV.Person) in g and str(g.value(person, RDFS.label)) == REVIEWER
            assert g.value(act, PROV.endedAtTime) is not None
            assert g.value(act, PROV.wasInformedBy) is not None  # the ingest whose proposal was decided
        (edit,) = [a for a in acts if str(g.value(a, RDFS.label)) == "Redigerat förslag"]
        assert NEW_TEXT in str(g.value(edit, SKOS.changeNote))


def test_the_curated_output_holds_the_accepted_and_edited_actions_and_not_the_rejected(session: dict) -> None:
    g, curated = decisions(session["out"]), load(session["out"])
    (rejected,) = set(g.objects(None, PROV.invalidated))
    used = {o for o in g.objects(None, PROV.used) if "/action/" in str(o)}
    assert len(used) == 2
    assert (rejected, None, None) not in curated
    assert set(curated.subjects(RDF.type, KM.Action)) == used
    for action in used:
        decision = curated.value(action, PROV.wasGeneratedBy)
        assert (decision, PROV.used, action) in g
    assert any(str(curated.value(a, KM.text)) == NEW_TEXT for a in used)
    assert len(list(curated.subjects(RDF.type, KM.Goal))) == 8
    ingest = {a for a in curated.subjects(RDF.type, PROV.Activity) if "/ingest/" in str(a)}
    assert ingest and not any((None, PROV.wasGeneratedBy, a) in curated for a in ingest)
    assert not list(curated.subjects(RDF.type, KM.SdgLink))  # every link was skipped: none is curated yet


def test_the_curated_output_validates_in_a_data_folder(session: dict) -> None:
    data = session["root"] / "data"
    shutil.copytree(ROOT / "data" / "reference", data / "reference")
    (data / "ostersund").mkdir()
    shutil.copy(ROOT / "data" / "ostersund" / "organisations.ttl", data / "ostersund" / "organisations.ttl")
    shutil.copytree(session["out"], data / "ostersund" / "2024")
    result = subprocess.run([*KOMMUNMAL, "validate"], capture_output=True, text=True, env=env(data), timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert result.stdout.startswith("0 överträdelser")


def test_a_stopped_session_resumes_after_the_decisions_made(session: dict) -> None:
    result = subprocess.run(
        [*KOMMUNMAL, "review", str(session["draft"]), "--reviewer", REVIEWER, "--out", str(session["root"] / "again")],
        input="s\n",
        capture_output=True,
        text=True,
        env=env(),
        timeout=300,
    )
    assert result.returncode == 0
    count = int(result.stdout.split(" förslag att granska")[0].split()[-1])
    assert count < session["count"] - 3
    assert "Målen och de politiska texterna" not in result.stdout


def test_a_second_ingest_does_not_propose_the_rejected_action_again(session: dict) -> None:
    rejected = next(decisions(session["out"]).objects(None, PROV.invalidated))
    quote = session["shown"][1].split("Text: ", 1)[1].split("\n", 1)[0]
    result = subprocess.run(
        [*KOMMUNMAL, "ingest", str(SOURCE), "--municipality", "2380", "--year", "2024", "--out", str(session["draft"])],
        capture_output=True,
        text=True,
        env=env(),
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "1 förslag som avvisats tidigare föreslås inte igen" in result.stdout
    again = load(session["draft"])
    assert (rejected, None, None) not in again
    assert quote not in {str(again.value(a, KM.text)) for a in again.subjects(RDF.type, KM.Action)}
    assert len(list(again.subjects(RDF.type, KM.Action))) > 100
    # What was accepted for this document holds again; what was edited comes up again.
    from kommunmal.ingest.review import Review

    pending = Review(session["draft"], BASE, REVIEWER).pending()
    made = decisions(session["draft"])
    accepted = {o for a in made.subjects(RDFS.label, None) for o in made.objects(a, PROV.used)}
    accepted = {
        o for o in accepted if str(made.value(next(made.subjects(PROV.used, o)), RDFS.label)) == "Godkänt förslag"
    }
    assert pending[0].kind != "goals"
    assert not accepted & {p.iri for p in pending}
    edited = {
        o
        for a in made.subjects(RDFS.label, Literal("Redigerat förslag", lang="sv"))
        for o in made.objects(a, PROV.used)
    }
    assert edited <= {p.iri for p in pending}


# -- the review core on a small draft, in this process -----------------------------------------------------------


SHARED_TEXTS = {
    "1": ("Provby har en trygg skola för alla barn", "Skolan ska motverka mobbning och kränkningar bland elever."),
    "2": (
        "I Provby växer alla barn upp tryggt",
        "Kommunen ska motverka mobbning och kränkningar i fritidsverksamheten.",
    ),
}


def _draft(folder: Path, texts: dict[str, tuple[str, str]]) -> tuple[Path, list[list[str]]]:
    """A draft of a document with the goals `texts` (number -> statement, paragraph) in `folder`/draft, and the goals
    of each proposed action."""
    import hashlib

    from kommunmal.ingest.model import Paragraph, ParsedDocument, ParsedGoal, RepairedText, Span
    from kommunmal.ingest.proposals import propose
    from kommunmal.ingest.sdg_match import SdgMatcher
    from kommunmal.ingest.writer import DraftWriter, Municipality

    lines, goals = ["Mål för Provby kommun"], []
    for notation, (statement, paragraph) in texts.items():
        lines += [f"{notation}. {statement}", paragraph]
        n = len(lines)
        goal = ParsedGoal(
            notation, RepairedText(statement, statement), Span(n - 1, n - 1), short_name=f"Mål {notation}"
        )
        goal.paragraphs.append(Paragraph(RepairedText(paragraph, paragraph), Span(n, n)))
        goals.append(goal)
    sha = hashlib.sha256("\n".join(lines).encode()).hexdigest()
    doc = ParsedDocument("provby.txt", sha, lines, "numbered", Span(1, len(lines)), goals)
    proposals = propose(doc, SdgMatcher(ROOT / "data" / "reference" / "sdg" / "sdg-kos-goals-targets-indicators.ttl"))
    DraftWriter(doc, proposals, Municipality("9999", "provby", "Provby kommun"), 2025, BASE).write(folder / "draft")
    return folder / "draft", [a.goals for a in proposals.actions]


@pytest.fixture
def small_draft(tmp_path: Path) -> Path:
    """A draft of a two-goal document whose one commitment stands under both goals."""
    draft, actions = _draft(tmp_path, SHARED_TEXTS)
    assert actions == [["1", "2"]]
    return draft


def _conforms(folder: Path, data: Path) -> bool:
    from kommunmal.dataset import load
    from kommunmal.validation import load_shapes, validate

    shutil.copytree(ROOT / "data" / "reference", data / "reference")
    shutil.copytree(folder, data / "provby" / "2025")
    settings = Settings.from_env(environ={}, data_dir=data)
    dataset, sources = load(settings)
    report = validate(dataset, load_shapes(settings), sources)
    return report.conforms


def test_split_makes_one_accepted_action_per_goal_and_edit_moves_an_sdg_link(small_draft: Path, tmp_path: Path) -> None:
    from kommunmal.ingest.review import Review

    review = Review(small_draft, BASE, REVIEWER)
    pending = review.pending()
    assert [p.kind for p in pending[:2]] == ["goals", "action"]
    review.accept(pending[0])
    parts = review.split(pending[1])
    assert len(parts) == 2
    links = [p for p in Review(small_draft, BASE, REVIEWER).pending() if p.kind == "sdg"]
    assert links
    review = Review(small_draft, BASE, REVIEWER)
    review.edit(links[0], target="http://metadata.un.org/sdg/4.a")
    out = tmp_path / "curated"
    assert review.write_curated(out)
    curated = load(out)
    actions = set(curated.subjects(RDF.type, KM.Action))
    assert actions == set(parts)
    assert sorted(str(curated.value(curated.value(a, KM.serves), SKOS.notation)) for a in actions) == ["1", "2"]
    edited = [link for link in curated.subjects(RDF.type, KM.SdgLink)]
    assert [str(curated.value(link, KM.object)) for link in edited] == ["http://metadata.un.org/sdg/4.a"]
    assert (curated.value(edited[0], KM.subject), KM.contributesTo, curated.value(edited[0], KM.object)) in curated
    made = decisions(out)
    labels = sorted(str(made.value(a, RDFS.label)) for a in made.subjects(RDF.type, PROV.Activity))
    assert labels == ["Delat åtagande uppdelat per mål", "Godkänt förslag", "Redigerat förslag"]
    assert _conforms(out, tmp_path / "data")


def test_review_refuses_to_overwrite_hand_curated_data(small_draft: Path, tmp_path: Path, capsys) -> None:
    from kommunmal.cli import main

    curated = tmp_path / "data" / "provby" / "2025"
    curated.mkdir(parents=True)
    (curated / "goals.ttl").write_text("# hand-curated\n", encoding="utf-8")
    code = main(["review", str(small_draft), "--out", str(curated), "--reviewer", REVIEWER])
    assert code == 2
    assert "no review wrote" in capsys.readouterr().err
    assert (curated / "goals.ttl").read_text(encoding="utf-8") == "# hand-curated\n"


def test_ingest_refuses_to_overwrite_curated_data(tmp_path: Path, capsys) -> None:
    from kommunmal.cli import main

    curated = tmp_path / "2024"
    shutil.copytree(ROOT / "data" / "ostersund" / "2024", curated)
    before = {p: p.read_bytes() for p in curated.rglob("*") if p.is_file()}
    code = main(["ingest", str(SOURCE), "--municipality", "2380", "--year", "2024", "--out", str(curated), "-q"])
    assert code == 2
    assert "not a draft" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in curated.rglob("*") if p.is_file()} == before


def test_a_steward_sets_an_sdg_links_strength_through_the_prompts(small_draft: Path, tmp_path: Path) -> None:
    out = tmp_path / "curated"
    s = Session(str(small_draft), "--reviewer", REVIEWER, "--out", str(out))
    edited = None
    while (text := s.prompt()) is not None:
        block = text.rsplit("\n[g]odkänn", 1)[0].rsplit("\n[", 1)[-1]
        if "Koppling till globalt delmål" in block and edited is None:
            edited = block
            assert "Styrka: sammanhang (0,3)" in block  # as proposed: the lowest grade
            s.answer("r")
            assert s.prompt().endswith("Nytt delmål (t.ex. 16.7, tomt = behåll) > ")
            s.answer("")
            assert s.prompt().endswith("Styrka: 1 direkt, 2 delvis, 3 sammanhang (tomt = behåll) > ")
            s.answer("starkt")
            assert "Svara med 1, 2 eller 3" in s.prompt()
            s.answer("2")
        elif "Koppling till globalt delmål" in block:
            s.answer("a")
        else:
            s.answer("g")  # the goals and the action
    code, err = s.finish()
    assert code == 0, err + s.transcript[-2000:]
    assert edited is not None
    curated, made = load(out), decisions(out)
    (link,) = curated.subjects(RDF.type, KM.SdgLink)
    assert curated.value(link, KM.strength) == KM.partial
    reasons = {r.language: str(r) for r in curated.objects(link, KM.reason)}
    assert reasons == {
        "sv": "Styrkan delvis (0,6) sattes vid granskningen enligt bedömningsmallen.",
        "en": "The strength partial was set in review by the rubric.",
    }
    decision = curated.value(link, PROV.wasGeneratedBy)
    assert str(made.value(decision, RDFS.label)) == "Redigerat förslag"
    assert (decision, PROV.used, link) in made
    assert str(made.value(decision, SKOS.changeNote)) == "strength: contextual → partial"
    assert str(made.value(made.value(decision, PROV.wasAssociatedWith), RDFS.label)) == REVIEWER
    assert _conforms(out, tmp_path / "data")


def test_a_strength_is_one_of_the_rubrics_and_only_for_an_sdg_link(small_draft: Path) -> None:
    from kommunmal.ingest.review import Review

    review = Review(small_draft, BASE, REVIEWER)
    pending = review.pending()
    action = next(p for p in pending if p.kind == "action")
    link = next(p for p in pending if p.kind == "sdg")
    with pytest.raises(ValueError, match="direct, partial, contextual"):
        review.edit(action, strength="partial")
    with pytest.raises(ValueError, match="direct, partial, contextual"):
        review.edit(link, strength="strong")
    assert review.union.value(link.iri, KM.strength) == KM.contextual  # nothing changed


def _run_review(draft: Path, out: Path, answers: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*KOMMUNMAL, "review", str(draft), "--reviewer", REVIEWER, "--out", str(out)],
        input=answers,
        capture_output=True,
        text=True,
        env=env(),
        timeout=300,
    )


def test_empty_input_saves_nothing_and_says_so(small_draft: Path, tmp_path: Path) -> None:
    out = tmp_path / "curated"
    result = _run_review(small_draft, out, "")
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.index("inget sparades") < result.stderr.index("nothing was saved")  # Swedish first
    assert not (small_draft / "review.ttl").exists() and not out.exists()


def test_input_that_ends_midway_keeps_the_decisions_made_and_exits_2(small_draft: Path, tmp_path: Path) -> None:
    out = tmp_path / "curated"
    result = _run_review(small_draft, out, "g\n")  # accept the goals, then the input ends
    assert result.returncode == 2, result.stdout + result.stderr
    assert "inmatningen tog slut före nästa svar" in result.stderr
    assert f"kommunmal review {small_draft}" in result.stderr
    assert "1 beslut sparat i" in result.stdout
    made = decisions(small_draft)
    assert [str(made.value(a, RDFS.label)) for a in made.subjects(RDF.type, PROV.Activity)] == ["Godkänt förslag"]
    assert (out / "review.ttl").is_file()  # written out as at s
    again = _run_review(small_draft, tmp_path / "again", "s\n")  # the next session resumes after the goals
    assert again.returncode == 0 and "Målen och de politiska texterna" not in again.stdout


def test_split_of_an_action_under_one_goal_asks_again(tmp_path: Path) -> None:
    texts = {
        "1": SHARED_TEXTS["1"],
        "2": ("I Provby finns ett rikt kulturliv", "Kommunen ska bygga ett nytt bibliotek i centrum."),
    }
    draft, actions = _draft(tmp_path, texts)
    assert sorted(actions) == [["1"], ["2"]]
    s = Session(str(draft), "--reviewer", REVIEWER, "--out", str(tmp_path / "curated"))
    asked = None
    while (text := s.prompt()) is not None:
        block = text.rsplit("\n[g]odkänn", 1)[0].rsplit("\n[", 1)[-1]
        if "] Åtagande" in "[" + block and asked is None:
            asked = block
            assert "[d]ela upp" not in text  # not offered
            s.answer("d")
            retry = s.prompt()
            assert "Bara ett delat åtagande (under flera mål) kan delas upp; svara med g, a, r, h eller s." in retry
            assert not re.search(r"\[\d+/\d+\]", retry)  # the same proposal: no next one shown
            s.answer("a")  # the answer now given goes to that action
        elif asked is not None:
            s.answer("s")
        else:
            s.answer("g")
    code, err = s.finish()
    assert code == 0, err + s.transcript[-2000:]
    made = decisions(draft)
    labels = sorted(str(made.value(a, RDFS.label)) for a in made.subjects(RDF.type, PROV.Activity))
    assert labels == ["Avvisat förslag", "Godkänt förslag"]
    (rejected,) = set(made.objects(None, PROV.invalidated))  # the "a" after the refused "d" went to the action
    assert "/action/" in str(rejected) and (rejected, None, None) not in load(draft)  # rejected: dropped
