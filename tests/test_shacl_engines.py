"""The SHACL engines give the same results: shacl-engine (the default) and pyshacl-turbo against pySHACL (the
reference).

Compared on the embedded data and on every example under shapes/examples/, each validated together with the
vocabulary against all shapes (without the UN SDG KOS, whose 9,000 triples would make the reference engine take
minutes, so link examples also get results for untyped SDG targets, in every engine alike): the same focus nodes,
paths, source shapes, severities, values and messages in both languages. Blank nodes are compared by position only
(their labels differ between engines). The report's own results are compared: pySHACL and pyshacl-turbo also give
the results of a failed sh:node under sh:detail, which shacl-engine leaves out (SHACL 1.0, 4.7.1: the sh:node
constraint reports the value node that does not conform; details are optional).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Graph
from rdflib.namespace import SH

from kommunmal.dataset import parse_file
from kommunmal.errors import KommunmalError
from kommunmal.shacl_engines import ENGINES
from kommunmal.validation import Report, report_results, validate

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "shapes" / "examples").glob("*/*.ttl"))
BASE = "https://w3id.org/kommunmal/"


def _own(report: Report, shapes: Graph) -> Report:
    """The report without the results given under sh:detail of another result."""
    graph, details = Graph(), list(report.graph.objects(None, SH.detail))
    nested = set()
    while details:
        node = details.pop()
        nested.add(node)
        details += [o for o in report.graph.objects(node, SH.detail) if o not in nested]
    for triple in report.graph:
        if triple[0] not in nested:
            graph.add(triple)
    return Report(results=report_results(graph, shapes, lambda focus: ()), graph=graph)


def _key(report: Report, data: Graph, shapes: Graph) -> list[tuple]:
    blank = {str(n) for n in (*data.all_nodes(), *shapes.all_nodes()) if isinstance(n, BNode)}
    report = _own(report, shapes)
    renamed = {str(n) for n in report.graph.all_nodes() if isinstance(n, BNode)}  # shacl-engine's own labels

    def term(text: str | None) -> str | None:
        return "_:" if text in blank or text in renamed else text

    return sorted(
        (
            (term(r.focus), r.path, term(r.shape), r.severity, term(r.value), tuple(sorted(r.messages.items())))
            for r in report.results
        ),
        key=repr,
    )


FAST = ["shacl-engine", "turbo"]


def test_every_engine_is_offered() -> None:
    assert set(ENGINES) == {"shacl-engine", "turbo", "pyshacl"}


@pytest.fixture(scope="module")
def reference_on_data(union: Graph, shapes: Graph) -> Report:
    return validate(union, shapes, engine="pyshacl")


@pytest.mark.parametrize("engine", FAST)
def test_same_results_on_the_embedded_data(engine: str, union: Graph, shapes: Graph, reference_on_data: Report) -> None:
    fast = validate(union, shapes, engine=engine)
    assert fast.results, "the embedded data has warnings; an engine that finds none is not validating"
    assert _key(fast, union, shapes) == _key(reference_on_data, union, shapes)


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
    reference = validate(data, shapes, engine="pyshacl")
    for engine in FAST:
        fast = validate(data, shapes, engine=engine)
        assert _key(fast, data, shapes) == _key(reference, data, shapes), engine
        if path.parent.name == "invalid":
            assert fast.results, f"{path.name} breaks a rule; {engine} found none"
            # SPARQL constraints' messages come back untagged from the engines; the report restores the language.
            assert all({"sv", "en"} <= set(r.messages) for r in fast.results), (engine, path.name)


def test_an_unknown_engine_is_refused_by_name(union: Graph, shapes: Graph) -> None:
    with pytest.raises(KommunmalError, match=r"unknown SHACL engine 'jena'.*shacl-engine, turbo, pyshacl"):
        validate(union, shapes, engine="jena")
