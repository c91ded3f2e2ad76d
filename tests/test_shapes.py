"""Every shape bites: broken copies of the real data fail with the shape's own message; examples behave."""

from __future__ import annotations

import functools
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS

from kommunmal.dataset import parse_file
from kommunmal.validation import parse_shapes, shape_files, validate

SH = Namespace("http://www.w3.org/ns/shacl#")
ROOT = Path(__file__).resolve().parents[1]
BASE = "https://w3id.org/kommunmal/"


def _all_shapes() -> Graph:
    return parse_shapes(sorted((ROOT / "shapes").glob("*.ttl")), BASE)


def _required_properties() -> list[tuple[str, str, str, str]]:
    """(node shape, target class, path, Swedish message) for every property shape with sh:minCount >= 1."""
    g = _all_shapes()
    found = []
    for shape in g.subjects(RDF.type, SH.NodeShape):
        if (shape, SH.severity, SH.Warning) in g:
            continue
        for cls in g.objects(shape, SH.targetClass):
            for prop in g.objects(shape, SH.property):
                path = g.value(prop, SH.path)
                min_count = g.value(prop, SH.minCount)
                if not isinstance(path, URIRef) or min_count is None or int(min_count) < 1:
                    continue
                if (prop, SH.severity, SH.Warning) in g:
                    continue
                messages = [m for m in g.objects(prop, SH.message) if getattr(m, "language", None) == "sv"]
                found.append((str(shape), str(cls), str(path), str(messages[0]) if messages else ""))
    return sorted(found)


REQUIRED = _required_properties()


def test_there_are_required_properties_to_check() -> None:
    assert len(REQUIRED) >= 20


@pytest.mark.parametrize(
    ("shape", "cls", "path", "message"),
    REQUIRED,
    ids=[f"{r[0].rsplit('#')[-1]}-{r[2].rsplit('/')[-1].rsplit('#')[-1]}" for r in REQUIRED],
)
def test_removing_a_required_property_from_real_data_fails(
    union: Graph, shapes: Graph, shape, cls, path, message
) -> None:
    classes = set(union.transitive_subjects(RDFS.subClassOf, URIRef(cls)))
    instances = sorted({s for c in classes for s in union.subjects(RDF.type, c) if isinstance(s, URIRef)})
    with_path = [s for s in instances if (s, URIRef(path), None) in union]
    assert with_path, f"no instance of {cls} with {path} in the data: the shape is never exercised"

    focus = with_path[0]
    broken = Graph()
    broken += union
    broken.remove((focus, URIRef(path), None))
    conforms, report, _ = pyshacl.validate(
        broken,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        advanced=True,
        focus_nodes=[focus],
    )
    assert not conforms
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    hits = [
        r for r in results if report.value(r, SH.focusNode) == focus and str(report.value(r, SH.resultPath)) == path
    ]
    assert hits, f"removing {path} from {focus} raised no result on that path"
    texts = {str(m) for r in hits for m in report.objects(r, SH.resultMessage)}
    assert message in texts


def _mutated(union: Graph, subject: URIRef, predicate: URIRef, new_object) -> Graph:
    g = Graph()
    g += union
    g.remove((subject, predicate, None))
    g.add((subject, predicate, new_object))
    return g


def test_ocr_debris_in_a_paragraph_fails(union: Graph, shapes: Graph, settings) -> None:
    km = Namespace(settings.vocab)
    para = sorted(union.subjects(RDF.type, km.Paragraph))[0]
    text = union.value(para, km.text)
    broken = _mutated(union, para, km.text, Literal(str(text).replace("ö", "6", 1).replace("ä", "&", 1), lang="sv"))
    report = validate(broken, shapes)
    assert any(r.focus == str(para) and "OCR" in r.messages.get("sv", "") for r in report.violations)


def test_unknown_goal_kind_and_reversed_lines_fail(union: Graph, shapes: Graph, settings) -> None:
    km = Namespace(settings.vocab)
    goal = sorted(union.subjects(RDF.type, km.Goal))[0]
    span = sorted(union.subjects(RDF.type, km.SourceSpan))[0]
    end = int(union.value(span, km.endLine))
    broken = _mutated(union, goal, km.goalKind, km.nonsense)
    broken = _mutated(broken, span, km.startLine, Literal(end + 5))
    report = validate(broken, shapes)
    by_focus = {(r.focus, r.path) for r in report.violations}
    assert (str(goal), str(km.goalKind)) in by_focus
    assert (str(span), str(km.startLine)) in by_focus


def test_english_only_statement_fails(union: Graph, shapes: Graph, settings) -> None:
    km = Namespace(settings.vocab)
    goal = sorted(union.subjects(RDF.type, km.Goal))[-1]
    broken = _mutated(union, goal, km.statement, Literal("A goal", lang="en"))
    report = validate(broken, shapes)
    assert any(r.focus == str(goal) and r.path == str(km.statement) for r in report.violations)


EXAMPLES = ROOT / "shapes" / "examples"
# An example shows one area's rules, so it is validated with that area's shape files only: a link example
# need not carry a whole goal document to satisfy the core shapes.
AREAS = {
    "action": ("core", "actions"),
    "link": ("links",),
    "org": ("organisations",),
    "indicator": ("indicators",),
    "core": ("core",),
}


@functools.cache
def _base_graph() -> Graph:
    g = Graph()
    for onto in sorted((ROOT / "ontology").glob("*.ttl")):
        parse_file(onto, BASE, g)
    for ref in sorted((ROOT / "data" / "reference" / "sdg").glob("*.ttl")):
        parse_file(ref, BASE, g)
    return g


@functools.cache
def _area_shapes(area: str) -> Graph:
    return parse_shapes([p for name in AREAS[area] for p in sorted((ROOT / "shapes").glob(f"{name}.*.ttl"))], BASE)


def _example(path: Path) -> tuple[Graph, Graph]:
    area = path.name.split("-", 1)[0]
    assert area in AREAS, f"{path.name}: name examples <area>-<case>.ttl with area one of {sorted(AREAS)}"
    g = Graph()
    g += _base_graph()
    parse_file(path, BASE, g)
    return g, _area_shapes(area)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("valid/*.ttl")), ids=lambda p: p.name)
def test_valid_example_conforms(path: Path) -> None:
    report = validate(*_example(path))
    assert report.conforms, report.text()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("invalid/*.ttl")), ids=lambda p: p.name)
def test_invalid_example_fails(path: Path) -> None:
    """An invalid example breaks a rule: a required one (violation) or, in *.recommended.ttl, a warning."""
    report = validate(*_example(path))
    assert report.results, f"{path.name} raised no result"


def test_every_shape_file_is_loaded(settings) -> None:
    assert {p.name for p in shape_files(settings)} == {p.name for p in (ROOT / "shapes").glob("*.ttl")}


def test_every_shape_message_is_bilingual() -> None:
    g = _all_shapes()
    missing = []
    for prop in set(g.objects(None, SH.property)):
        if (prop, SH.deactivated, Literal(True)) in g:
            continue
        langs = {getattr(m, "language", None) for m in g.objects(prop, SH.message)}
        if isinstance(prop, BNode | URIRef) and not {"sv", "en"} <= langs and (prop, SH.sparql, None) not in g:
            missing.append(prop)
    assert not missing, f"{len(missing)} property shapes lack a Swedish or English sh:message"


def test_every_ontology_class_used_has_a_shape(union: Graph, loaded) -> None:
    dataset, sources = loaded
    g = _all_shapes()
    targeted = set(g.objects(None, SH.targetClass))
    km_classes = {
        c
        for c in union.subjects(RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class"))
        if str(c).startswith(BASE + "def/")
    }
    data_graphs = [dataset.graph(s.graph) for s in sources if s.role == "data"]
    used = {c for c in km_classes if any((None, RDF.type, c) in d for d in data_graphs)}
    covered = {c for c in used if {c, *union.transitive_objects(c, RDFS.subClassOf)} & targeted}
    assert used - covered == set()
