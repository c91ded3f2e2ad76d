"""The two SHACL engines give the same results: pyshacl-turbo (the default) against pySHACL (the reference).

Compared on the embedded data and on every example under shapes/examples/, each validated together with the
vocabulary against all shapes (without the UN SDG KOS, whose 9,000 triples would make the reference engine take
minutes, so link examples also get results for untyped SDG targets, in both engines alike): the same focus nodes,
paths, source shapes, severities, values and messages in both languages. Blank nodes are compared by position only
(their labels differ between engines).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph

from kommunmal.dataset import parse_file
from kommunmal.errors import KommunmalError
from kommunmal.validation import ENGINES, Report, validate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "shapes" / "examples").glob("*/*.ttl"))
BASE = "https://w3id.org/kommunmal/"


def _key(report: Report, data: Graph, shapes: Graph) -> list[tuple]:
    blank = {str(n) for n in (*data.all_nodes(), *shapes.all_nodes()) if isinstance(n, BNode)}

    def term(text: str | None) -> str | None:
        return "_:" if text in blank else text

    return sorted(
        (
            (term(r.focus), r.path, term(r.shape), r.severity, term(r.value), tuple(sorted(r.messages.items())))
            for r in report.results
        ),
        key=repr,
    )


def test_both_engines_are_offered() -> None:
    assert set(ENGINES) == {"turbo", "pyshacl"}


def test_same_results_on_the_embedded_data(union: Graph, shapes: Graph) -> None:
    turbo = validate(union, shapes, engine="turbo")
    reference = validate(union, shapes, engine="pyshacl")
    assert turbo.results, "the embedded data has warnings; an engine that finds none is not validating"
    assert _key(turbo, union, shapes) == _key(reference, union, shapes)


@pytest.fixture(scope="module")
def base_graph() -> Graph:
    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        parse_file(path, BASE, g)
    return g


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_same_results_on_every_example(path: Path, base_graph: Graph, shapes: Graph) -> None:
    data = Graph()
    data += base_graph
    parse_file(path, BASE, data)
    turbo = validate(data, shapes, engine="turbo")
    reference = validate(data, shapes, engine="pyshacl")
    assert _key(turbo, data, shapes) == _key(reference, data, shapes)
    if path.parent.name == "invalid":
        assert turbo.results, f"{path.name} breaks a rule; the engine found none"
        # SPARQL constraints' messages come back untagged from both engines; the report restores the language.
        assert all({"sv", "en"} <= set(r.messages) for r in turbo.results), path.name


def test_an_unknown_engine_is_refused_by_name(union: Graph, shapes: Graph) -> None:
    with pytest.raises(KommunmalError, match=r"unknown SHACL engine 'jena'.*turbo, pyshacl"):
        validate(union, shapes, engine="jena")
