"""Year comparison (kommunmal.compare) on the real 2023 excerpt and 2024 documents, and on small built documents."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace

from kommunmal.cli import main
from kommunmal.compare import Action, Comparison, Document, Goal, compare, compare_documents
from kommunmal.sparql_source import StoreSource
from kommunmal.validation import load_shapes
from kommunmal.word_diff import diff_string

ROOT = Path(__file__).resolve().parents[1]
PAIR = ("ostersund/2023", "ostersund/2024")


@pytest.fixture(scope="module")
def real(store, settings, release) -> Comparison:
    return compare(StoreSource(store, settings.vocab, release), *PAIR)


def _by_after(c: Comparison) -> dict[str, object]:
    return {g.after.notation: g for g in c.goals if g.after}


def test_the_real_year_diff_finds_the_reworded_leisure_goal(real: Comparison) -> None:
    # 2023 goal 5 "… finns goda förutsättningar …" became 2024 goal 1.6 "… finns mycket goda förutsättningar …".
    g = _by_after(real)["1.6"]
    assert g.before.notation == "5" and g.matched_by == "similarity"
    # The 2023 page names no goal ("Mål 5" stands in for a name): reworded, not renamed.
    assert g.kinds == ["reworded"]
    changed = [op for op in g.statement_diff if op.op != "equal"]
    assert [(op.op, op.old, op.new) for op in changed] == [("insert", "", "mycket")]
    # Both political texts are whole, so they are compared word by word too.
    assert g.text_changed is True and any(op.op != "equal" for op in g.text_diff)


def test_the_real_pairs_follow_the_stated_rule(real: Comparison) -> None:
    pairs = {g.before.notation: g.after.notation for g in real.goals if g.before and g.after}
    assert pairs == {"1": "1.1", "2": "1.5", "3": "1.4", "5": "1.6", "6": "1.8", "8": "1.3"}
    assert all(g.similarity >= 0.3 for g in real.goals if g.matched_by)


def test_what_an_excerpt_lacks_is_unknown_never_added(real: Comparison) -> None:
    assert real.before.coverage == "excerpt"
    assert {n: g.kinds for n, g in _by_after(real).items() if not g.before} == {"1.2": ["unknown"], "1.7": ["unknown"]}
    assert not any({"added", "removed"} & set(g.kinds) for g in real.goals)
    assert real.actions and {a.kind for a in real.actions} == {"unknown"}
    # Excerpt texts are not diffed: the missing paragraphs are unknown, not deleted.
    assert _by_after(real)["1.1"].text_diff is None


def test_a_document_compared_with_itself_is_unchanged(store, settings, release) -> None:
    c = compare(StoreSource(store, settings.vocab, release), "ostersund/2024", "ostersund/2024")
    assert {tuple(g.kinds) for g in c.goals} == {("unchanged",)}
    assert {g.matched_by for g in c.goals} == {"notation"}
    assert {a.kind for a in c.actions} == {"kept"} and len(c.actions) >= 100


def _doc(year: int, goals: list[Goal], actions: list[Action], coverage: str = "complete") -> Document:
    return Document(f"https://example.org/doc/{year}", f"Budget {year}", "x", year, coverage, goals, actions)


def test_added_removed_renamed_and_actions_kept_new_dropped() -> None:
    a = _doc(
        2025,
        [
            Goal("a1", "1", "Skola", "Alla elever klarar skolan", ["Text ett."]),
            Goal("a2", "2", "Miljö", "Kommunen minskar sina utsläpp kraftigt"),
        ],
        [
            Action("x/bygga-skolor", "Bygga skolor", "Kommunen ska bygga två skolor."),
            Action("x/sanka-skatten", "Sänka skatten", "Skatten ska sänkas."),
        ],
    )
    b = _doc(
        2026,
        [
            Goal("b1", "1", "Utbildning", "Alla elever klarar skolan och gymnasiet", ["Text två."]),
            Goal("b3", "3", "Kultur", "Ett rikt kulturliv i hela kommunen"),
        ],
        [
            Action("y/bygga-skolor", "Bygga skolor", "Kommunen ska bygga två skolor."),
            Action("y/nytt-bibliotek", "Nytt bibliotek", "Ett nytt bibliotek ska byggas."),
        ],
    )
    c = compare_documents(a, b)
    kinds = {((g.before or g.after).iri): g.kinds for g in c.goals}
    assert kinds == {"a1": ["renamed", "reworded"], "a2": ["removed"], "b3": ["added"]}
    assert diff_string(c.goals[0].statement_diff) == "Alla elever klarar skolan {+och gymnasiet+}"
    assert c.goals[0].text_changed is True
    assert sorted(a.kind for a in c.actions) == ["dropped", "kept", "new"]
    # Against an earlier excerpt a new goal may stand in the missing part: unknown, not added. A goal of the
    # excerpt that the whole later document lacks was removed.
    c2 = compare_documents(_doc(2025, a.goals, [], coverage="excerpt"), b)
    assert {((g.before or g.after).iri): g.kinds for g in c2.goals}["b3"] == ["unknown"]
    assert {k for g in c2.goals for k in g.kinds} == {"renamed", "reworded", "removed", "unknown"}


def test_no_goal_of_the_2023_excerpt_is_renamed_from_its_placeholder(real: Comparison) -> None:
    paired = [g for g in real.goals if g.before and g.after]
    assert paired and all(g.before.label == f"Mål {g.before.notation}" for g in paired)  # as the 2023 data has it
    assert all(not g.before.named and g.after.named for g in paired)
    assert not any("renamed" in g.kinds for g in real.goals)
    assert "Mål N" in real.rule


def test_a_placeholder_name_is_no_name() -> None:
    def doc(iri: str, *goals: Goal) -> Document:
        return Document(iri, iri, "provby", 2024, "complete", list(goals))

    statement = "Alla elever klarar skolan"
    placeholder = [("Mål 1", "1"), ("mål  1", "1"), ("Goal 1", "1"), ("1", "1"), ("", "1")]
    for label, notation in placeholder:
        assert not Goal("a", notation, label, statement).named, label
    for label, notation in [("Mål 2", "1"), ("Skola", "1"), ("Mål för skolan", "1")]:
        assert Goal("a", notation, label, statement).named, label
    # From a placeholder to a name, or the other way: not renamed; a statement that changed is still reworded.
    c = compare_documents(
        doc("A", Goal("a1", "1", "Mål 1", statement)), doc("B", Goal("b1", "1", "Skola", statement + " och livet"))
    )
    assert [g.kinds for g in c.goals] == [["reworded"]]
    c = compare_documents(doc("A", Goal("a1", "1", "Skola", statement)), doc("B", Goal("b1", "1", "Mål 1", statement)))
    assert [g.kinds for g in c.goals] == [["unchanged"]]
    # Two real names that differ are a rename.
    c = compare_documents(
        doc("A", Goal("a1", "1", "Skola", statement)), doc("B", Goal("b1", "1", "Lärande", statement))
    )
    assert [g.kinds for g in c.goals] == [["renamed"]]
    # Placeholders pair no goals by short name: "Mål 3" here and there are different goals with different statements.
    c = compare_documents(
        doc("A", Goal("a3", "3", "Mål 3", "Kommunen minskar sina utsläpp kraftigt")),
        doc("B", Goal("b3", "3", "Mål 3", "Ett rikt kulturliv i hela kommunen")),
    )
    assert sorted(k for g in c.goals for k in g.kinds) == ["added", "removed"]
    # In text a placeholder is shown alone, not after its number.
    assert Goal("a", "1", "Mål 1", "").title == "Mål 1" and Goal("a", "1.6", "Aktivt liv", "").title == "1.6 Aktivt liv"


def test_the_page_shows_what_the_json_says(client) -> None:
    q = f"from={PAIR[0]}&to={PAIR[1]}"
    html = client.get(f"/jamfor?{q}")
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    data = client.get(f"/jamfor.json?{q}").json()
    assert client.get(f"/jamfor?{q}&format=json").json() == data
    rows = re.findall(r'<tr data-kinds="([^"]*)">', html.text)
    assert rows == [" ".join(g["kinds"]) for g in data["goals"]]
    for g in data["goals"]:
        for op in g["statement_diff"]:
            if op["op"] in ("insert", "replace"):
                assert f"<ins>{op['new']}</ins>" in html.text
    assert "<ins>mycket</ins>" in html.text
    n = data["counts"]["action_unknown"]
    assert f"{n} åtaganden" in html.text
    assert client.get("/jamfor?from=ostersund/1999&to=ostersund/2024").status_code == 404


def test_the_change_set_parses_and_validates(client, settings) -> None:
    body = client.get(f"/jamfor.ttl?from={PAIR[0]}&to={PAIR[1]}")
    assert body.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=body.text, format="turtle")
    kmc = Namespace(settings.base_iri + "def/changes#")
    shapes = load_shapes(settings)
    conforms, _, report = validate(g, shacl_graph=shapes, inference="none")
    assert conforms, report
    diffs = [str(o) for c in g.subjects(kmc.changeKind, kmc.reworded) for o in g.objects(c, kmc.wordDiff)]
    assert any("{+mycket+}" in d for d in diffs)
    assert (
        len(set(g.subjects(kmc.changeKind, kmc.unknown))) == 2 + 112
        or len(set(g.subjects(kmc.changeKind, kmc.unknown))) > 2
    )
    # A change set that breaks a shape is caught: a change without before or after.
    broken = Graph() + g
    c = next(g.subjects(kmc.changeKind, kmc.unknown))
    for p in (kmc.before, kmc.after):
        broken.remove((c, p, None))
    broken.add((c, kmc.similarity, Literal("1.5", datatype=Namespace("http://www.w3.org/2001/XMLSchema#").decimal)))
    assert not validate(broken, shacl_graph=shapes, inference="none")[0]


def test_the_command(release_dir, capsys) -> None:
    assert main(["compare", *PAIR, "--release-dir", str(release_dir), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["from"]["name"] == PAIR[0] and data["counts"]["goal_unknown"] == 2
    assert main(["compare", *PAIR, "--release-dir", str(release_dir)]) == 0
    out = capsys.readouterr().out
    assert "Mål 5 → 1.6 Aktivt liv: omformulerat [lik målformulering" in out
    assert "omdöpt" not in out.split("\nMål\n", 1)[1]  # the rule above names the word
    assert "5 Mål 5" not in out and "1 Mål 1" not in out
    assert main(["compare", "ostersund/2023", "ostersund/1999", "--release-dir", str(release_dir)]) == 2
    assert "there are: ostersund/2023, ostersund/2024" in capsys.readouterr().err


def test_the_change_vocabulary_is_labelled_in_swedish_and_english(settings) -> None:
    from rdflib import OWL, RDF, RDFS, SKOS, URIRef

    from kommunmal.dataset import parse_file

    g = Graph()
    parse_file(ROOT / "ontology" / "changes.ttl", settings.base_iri, g)
    onto = URIRef(settings.base_iri + "def/changes")
    assert g.value(onto, OWL.versionInfo) and str(g.value(onto, OWL.versionIRI)).startswith(str(onto) + "/")
    terms = {s for k in (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty) for s in g.subjects(RDF.type, k)}
    assert len(terms) >= 15
    for term in terms:
        for prop in (RDFS.label, SKOS.definition):
            assert {o.language for o in g.objects(term, prop)} >= {"sv", "en"}, (term, prop)
        assert g.value(term, RDFS.isDefinedBy) == onto, term
    kmc = Namespace(settings.base_iri + "def/changes#")
    for scheme in (kmc.ChangeKindScheme, kmc.MatchRuleScheme, kmc.CoverageScheme):
        for concept in g.objects(scheme, SKOS.hasTopConcept):
            assert {o.language for o in g.objects(concept, SKOS.prefLabel)} == {"sv", "en"}, concept
            assert {o.language for o in g.objects(concept, SKOS.definition)} == {"sv", "en"}, concept


def test_the_change_vocabulary_resolves(client, settings) -> None:
    page = client.get("/def/changes")
    assert page.status_code == 200 and "kmc:ChangeSet" in page.text and "ändringsuppsättning" in page.text
    ttl = client.get("/def/changes.ttl")
    g = Graph().parse(data=ttl.text, format="turtle")
    assert len(g) > 100
    assert client.get("/def/changes/1.0.0").status_code == 200
    assert client.get("/def/changes/9.9.9").status_code == 404
