"""`kommunmal review` driven as a steward drives it: a real process, prompts read, answers typed on stdin."""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph, Namespace
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
