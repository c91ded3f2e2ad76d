"""Actions in data/ostersund/2024/actions.ttl: quotes, paragraphs, shared actions, targets and their SHACL shapes.

The checks run on the real data (ontology + goals + rebuilt political texts + actions) and on the small examples in
shapes/examples/{valid,invalid}/action-*.ttl. An invalid example names the results it must produce in comment lines
"# expect: kms:<shape> <severity>"; it must produce exactly those.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from kommunmal.validation import parse_shapes

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/kommunmal/"
KM = Namespace(BASE + "def/kommunmal#")
KMS = Namespace(BASE + "def/kommunmal/shapes#")
SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
GOAL = Namespace(BASE + "id/ostersund/budget-2024/goal/")
ACTION = Namespace(BASE + "id/ostersund/budget-2024/action/")

DATA_DIR = ROOT / "data" / "ostersund" / "2024"
ONTOLOGY = ROOT / "ontology" / "kommunmal.ttl"
SHAPE_FILES = (ROOT / "shapes" / "actions.required.ttl", ROOT / "shapes" / "actions.recommended.ttl")
EXAMPLES = ROOT / "shapes" / "examples"
VALID_EXAMPLES = sorted((EXAMPLES / "valid").glob("action-*.ttl"))
INVALID_EXAMPLES = sorted((EXAMPLES / "invalid").glob("action-*.ttl"))


# ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────────


def parse(*paths: Path) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle", publicID=BASE)
    return graph


def data_files() -> list[Path]:
    return [ONTOLOGY, DATA_DIR / "goals.ttl", *sorted((DATA_DIR / "texts").glob("*.ttl")), DATA_DIR / "actions.ttl"]


def validate(data: Graph, shapes: Graph) -> tuple[bool, set[tuple[str, str, str]]]:
    """Run pySHACL; return (conforms counting warnings as failures, {(shape, severity, focus)}).

    Only top-level results count; the nested sh:detail results of sh:node are left out.
    """
    conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=False, advanced=True
    )
    results = set()
    for result in report.objects(None, SH.result):
        shape = report.value(result, SH.sourceShape)
        severity = report.value(result, SH.resultSeverity)
        focus = report.value(result, SH.focusNode)
        results.add((local(shape), local(severity), str(focus)))
    return conforms, results


def local(iri) -> str:
    return re.split(r"[#/]", str(iri))[-1]


def notation(goal: URIRef) -> str:
    return local(goal)


# ── fixtures ─────────────────────────────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return parse_shapes(SHAPE_FILES, BASE)


@pytest.fixture(scope="module")
def graph() -> Graph:
    return parse(*data_files())


@pytest.fixture(scope="module")
def actions(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, KM.Action) if str(s).startswith(str(ACTION)))


@pytest.fixture(scope="module")
def goal_of_paragraph(graph: Graph) -> dict[URIRef, URIRef]:
    found = {}
    for text in graph.subjects(RDF.type, KM.PoliticalText):
        goal = graph.value(text, KM.textOf)
        for paragraph in graph.objects(text, KM.paragraph):
            found[paragraph] = goal
    return found


def goals_of(graph: Graph, action: URIRef) -> set[str]:
    return {notation(g) for g in graph.objects(action, KM.serves)}


# ── the real data ────────────────────────────────────────────────────────────────────────────────────────────────


def test_actions_and_statements_are_there(graph, actions):
    assert 80 <= len(actions) <= 130, f"{len(actions)} actions"
    targets = [a for a in actions if (a, RDF.type, KM.Target) in graph]
    assert len(targets) >= 9
    for action in actions:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", local(action)), f"slug not ascii-lowercase-hyphen: {action}"
    statements = set(graph.subjects(RDF.type, KM.Statement))
    evidence = {s for a in actions for s in graph.objects(a, KM.evidence)}
    assert evidence == statements, "every statement is evidence of an action, and every evidence is a statement"
    for action in actions:
        slug = local(action)
        for statement in graph.objects(action, KM.evidence):
            assert re.fullmatch(re.escape(slug) + r"--\d+\.\d+(-\d+)?", local(statement)), statement


def test_every_quote_is_a_sentence_of_its_paragraph_or_goal_statement(graph):
    problems = []
    for statement in graph.subjects(RDF.type, KM.Statement):
        quote = graph.value(statement, KM.quote)
        paragraph = graph.value(statement, KM.inParagraph)
        goal = graph.value(statement, KM.inGoalStatement)
        source = graph.value(paragraph, KM.text) if paragraph is not None else graph.value(goal, KM.statement)
        if source is None:
            problems.append(f"{local(statement)}: no text for {paragraph or goal}")
            continue
        if quote.language != source.language or str(quote) not in str(source):
            problems.append(f"{local(statement)}: quote not in {local(paragraph or goal)}: {quote}")
            continue
        start = str(source).index(str(quote))
        before = str(source)[:start]
        if before and not re.search(r"[.!?][”\"]?\s$", before):
            problems.append(f"{local(statement)}: quote does not start a sentence")
        if paragraph is not None and not re.search(r"[.!?][”\"]?$", str(quote)):
            problems.append(f"{local(statement)}: quote does not end a sentence")
    assert not problems, "\n".join(problems)


def test_stated_in_paragraphs_exist_and_match_the_evidence(graph, actions):
    for action in actions:
        stated = set(graph.objects(action, KM.statedIn))
        for paragraph in stated:
            assert (paragraph, RDF.type, KM.Paragraph) in graph, f"{local(action)}: no paragraph {paragraph}"
            assert graph.value(paragraph, KM.text) is not None, f"{paragraph} has no text"
        quoted = {graph.value(s, KM.inParagraph) for s in graph.objects(action, KM.evidence)} - {None}
        assert stated == quoted, f"{local(action)}: km:statedIn {stated} but evidence in {quoted}"


def test_an_action_serves_exactly_the_goals_whose_text_states_it(graph, actions, goal_of_paragraph):
    for action in actions:
        goals_of_evidence = set()
        for statement in graph.objects(action, KM.evidence):
            paragraph = graph.value(statement, KM.inParagraph)
            goal = (
                goal_of_paragraph.get(paragraph)
                if paragraph is not None
                else graph.value(statement, KM.inGoalStatement)
            )
            assert goal is not None, f"{local(statement)}: its paragraph belongs to no goal's text"
            assert (goal, RDF.type, KM.Goal) in graph
            goals_of_evidence.add(notation(goal))
            # the statement IRI carries the notation of the goal whose text holds it
            assert local(statement).split("--")[1].startswith(notation(goal)), statement
        assert goals_of(graph, action) == goals_of_evidence, local(action)


# Actions checked against the text, with the goals they are stated under. The first group are the shared actions
# (rule 4 in the header of actions.ttl); the second group are pairs that rule 4 keeps apart (they are related or
# neither, see related.ttl and the comments in actions.ttl).
CHECKED = {
    "invanare-75000-ar-2040": {"1.1", "1.4", "1.5"},
    "ta-tillvara-civilsamhallets-engagemang": {"1.1", "1.4"},
    "minskade-klyftor": {"1.2", "1.5"},
    "forbattrad-kollektivtrafik-och-infrastruktur": {"1.4", "1.5"},
    "samverkan-med-civilsamhallet": {"1.4", "1.8"},
    # kept apart
    "kortare-restid-till-stockholm": {"1.4"},
    "mer-lokala-livsmedel": {"1.4"},
    "mer-lokala-ravaror-i-omsorgen": {"1.8"},
    "utvecklingsplaner-torvalla-brunflo-lit-haggenas": {"1.2"},
    "utvecklingsplanernas-betydelse-for-tillvaxten": {"1.4"},
    "tillganglighet-for-personer-med-funktionsnedsattning": {"1.3"},
    "tillganglig-kommun-for-alla": {"1.8"},
    "meningsfull-fritid-for-alla-ungdomar": {"1.6"},
    "meningsfull-fritid-for-alla-barn": {"1.8"},
    "elevhalsans-roll-mot-psykisk-ohalsa": {"1.7"},
    "motverka-psykisk-ohalsa-bland-unga": {"1.8"},
    "motverka-mans-vald-mot-kvinnor": {"1.2"},
    "arbeta-mot-vald-i-nara-relationer": {"1.8"},
    "naturliga-motesplatser": {"1.8"},
    "fritidsverksamhet-for-lag-och-mellanstadiet": {"1.7"},
    "attraktiv-evenemangsstad": {"1.4"},
    "basta-anvandning-av-anlaggningarna": {"1.6"},
    "fossilfri-och-klimatneutral-2030": {"1.2"},
    "bredband-kollektivtrafik-och-fossilfri-bilism-i-hela-kommunen": {"1.5"},
    "bostader-for-aldre-och-lss": {"1.8"},
    "mark-for-industri-och-bostader": {"1.4"},
    "stod-till-invanare-utanfor-arbetsmarknaden": {"1.8"},
    "snabb-etablering-pa-arbetsmarknaden": {"1.3"},
}


@pytest.mark.parametrize(("slug", "goals"), sorted(CHECKED.items()))
def test_checked_actions_serve_the_goals_they_are_stated_under(graph, slug, goals):
    action = ACTION[slug]
    assert (action, RDF.type, KM.Action) in graph, f"missing action:{slug}"
    assert goals_of(graph, action) == goals


def test_the_only_shared_actions_are_the_checked_ones(graph, actions):
    shared = {local(a) for a in actions if len(goals_of(graph, a)) > 1}
    assert shared == {slug for slug, goals in CHECKED.items() if len(goals) > 1}


TARGETS = {
    # slug: (direction, value, unit, year)
    "invanare-75000-ar-2040": ("reach", "75000", "invånare", "2040"),
    "fossilfri-och-klimatneutral-2030": ("reach", None, None, "2030"),
    "minskad-sjukfranvaro": ("decrease", None, None, None),
    "fler-kvinnor-driver-foretag": ("increase", None, None, None),
    "fler-kvinnor-i-mansdominerade-yrken": ("increase", None, None, None),
    "mer-lokala-livsmedel": ("increase", None, None, None),
    "mer-lokala-ravaror-i-omsorgen": ("increase", None, None, None),
    "fler-elever-till-hogre-studier": ("increase", None, None, None),
    "alla-elever-gymnasieexamen": ("reach", "100", "procent av eleverna", None),
    "kortare-restid-till-stockholm": ("decrease", None, None, None),
}


@pytest.mark.parametrize(("slug", "expected"), sorted(TARGETS.items()))
def test_measurable_targets(graph, slug, expected):
    direction, value, unit, year = expected
    target = ACTION[slug]
    assert (target, RDF.type, KM.Target) in graph
    assert graph.value(target, KM.actionKind) == KM.measurableTarget
    assert graph.value(target, KM.direction) == KM[direction]
    got_value = graph.value(target, KM.targetValue)
    assert (got_value is None) if value is None else got_value == Literal(value, datatype=XSD.decimal)
    got_unit = graph.value(target, KM.unit)
    assert (got_unit is None) if unit is None else got_unit == Literal(unit, lang="sv")
    got_year = graph.value(target, KM.targetYear)
    assert (got_year is None) if year is None else got_year == Literal(year, datatype=XSD.gYear)


def test_gymnasieexamen_target_stands_in_the_goal_statement_of_1_7(graph):
    statements = list(graph.objects(ACTION["alla-elever-gymnasieexamen"], KM.evidence))
    assert [graph.value(s, KM.inGoalStatement) for s in statements] == [GOAL["1.7"]]
    assert "når sin gymnasieexamen" in str(graph.value(statements[0], KM.quote))


def test_swedish_texts_are_clean(graph, actions):
    for action in actions:
        for prop in (KM.text, SKOS.prefLabel):
            for value in graph.objects(action, prop):
                assert value.language == "sv"
                assert not re.search(r"[&|]|\s{2,}|[a-zåäö][0-9]|[0-9][a-zåäö]", str(value)), (action, value)
        text = str(graph.value(action, KM.text))
        assert text[0].isupper() and text.endswith("."), f"{local(action)}: km:text is one sentence"


def test_data_conforms_to_the_action_shapes(graph, shapes, actions):
    conforms, results = validate(graph, shapes)
    violations = sorted(r for r in results if r[1] == "Violation")
    assert not violations, violations
    # The only warnings: targets whose text gives no year.
    no_year = {str(a) for a in actions if (a, RDF.type, KM.Target) in graph and graph.value(a, KM.targetYear) is None}
    assert {(shape, severity) for shape, severity, _ in results} <= {("TargetRecommendedShape-targetYear", "Warning")}
    assert {focus for *_, focus in results} == no_year
    assert conforms is (not no_year)


# ── the shapes and their examples ────────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("path", VALID_EXAMPLES, ids=lambda p: p.stem)
def test_valid_example_conforms(shapes, path):
    conforms, results = validate(parse(ONTOLOGY, path), shapes)
    assert conforms, sorted(results)


def expected_results(path: Path) -> set[tuple[str, str]]:
    found = re.findall(r"^# expect: kms:(\S+) (Violation|Warning)$", path.read_text(encoding="utf-8"), re.M)
    assert found, f"{path.name} names no expected result (# expect: kms:<shape> <severity>)"
    return set(found)


@pytest.mark.parametrize("path", INVALID_EXAMPLES, ids=lambda p: p.stem)
def test_invalid_example_fails_for_the_stated_reason(shapes, path):
    conforms, results = validate(parse(ONTOLOGY, path), shapes)
    assert not conforms
    assert {(shape, severity) for shape, severity, _ in results} == expected_results(path)


def test_every_shape_is_named_and_explained_in_swedish_and_english(shapes):
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(RDF.type, SH.PropertyShape))
    shape_nodes |= set(shapes.objects(None, SH.property)) | set(shapes.objects(None, SH.qualifiedValueShape))
    for shape in shape_nodes:
        assert isinstance(shape, URIRef) and str(shape).startswith(str(KMS)), f"unnamed or foreign shape {shape}"
        assert shapes.value(shape, SH.name) is not None, f"{local(shape)} has no sh:name"
        languages = {m.language for m in shapes.objects(shape, SH.message)}
        assert {"sv", "en"} <= languages, f"{local(shape)} lacks a Swedish or English sh:message"


def test_every_reporting_shape_has_an_invalid_example_and_valid_examples_cover_each_class(shapes):
    reporting = {local(s) for s in shapes.subjects(SH.severity, None)}
    reporting -= {
        local(s) for s in shapes.subjects(SH.property, None) if not (set(shapes.predicates(s)) & {SH["or"], SH.xone})
    }  # node shapes that only group properties
    covered = {shape for path in INVALID_EXAMPLES for shape, _ in expected_results(path)}
    assert reporting <= covered, f"no invalid example for {sorted(reporting - covered)}"
    valid_types = set()
    for path in VALID_EXAMPLES:
        valid_types |= set(parse(path).objects(None, RDF.type))
    assert {KM.Action, KM.Target, KM.Statement} <= valid_types


def test_shapes_use_target_class_and_the_split_severities(shapes):
    required, recommended = (parse(p) for p in SHAPE_FILES)
    for graph, severity in ((required, SH.Violation), (recommended, SH.Warning)):
        for shape in graph.subjects(SH.severity, None):
            assert graph.value(shape, SH.severity) == severity, f"{local(shape)} in the wrong file"
    targeted = {shapes.value(s, SH.targetClass) for s in shapes.subjects(SH.targetClass, None)}
    assert targeted == {KM.Action, KM.Target, KM.Statement}
