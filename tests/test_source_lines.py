"""Where a reported node is written in its source file (`source_lines.line_of`), and the digest of a unit's N-Quads
(`unit_validation.nquads_digest`), which must equal the canonical digest of the same quads."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kommunmal.source_lines import line_of
from kommunmal.unit_validation import nquads_digest, quads_digest

BASE = "https://w3id.org/kommunmal/"

TURTLE = """@prefix km: <def/kommunmal#> .
@prefix goal: <id/alfa/budget-2024/goal/> .
# goal:1.2 is named in this comment first
<id/alfa/budget-2024/doc> km:hasGoal goal:1.2 , goal:1.20 .
    goal:1\\.3 km:x "goal:1.2" .
goal:1.2 km:label "tvåa" .
<id/alfa/budget-2024/doc2> km:hasGoal goal:1.4 .
"""


def test_a_node_is_found_where_it_is_the_subject_else_where_first_mentioned(tmp_path: Path) -> None:
    path = tmp_path / "goals.ttl"
    path.write_text(TURTLE, encoding="utf-8")
    goal = BASE + "id/alfa/budget-2024/goal/"
    assert line_of(path, goal + "1.2", BASE) == 6  # the subject's line, not the comment or the mentions before
    assert line_of(path, goal + "1.20", BASE) == 4  # mentioned only; goal:1.2 is not goal:1.20
    assert line_of(path, goal + "1.3", BASE) == 5  # the escaped spelling, indented: a mention
    assert line_of(path, goal + "1.4", BASE) == 7
    assert line_of(path, BASE + "id/alfa/budget-2024/doc", BASE) == 4  # relative IRI, not doc2
    assert line_of(path, goal + "9", BASE) is None


def test_the_digest_of_n_quads_is_the_canonical_digest_of_the_quads() -> None:
    graph = ox.NamedNode(BASE + "graph/alfa/2024")
    quads = [
        ox.Quad(ox.NamedNode(BASE + "id/alfa/x"), ox.NamedNode(BASE + "def/kommunmal#text"), literal, graph)
        for literal in (
            ox.Literal('rad ett\nrad "två" \\ Östersund ≥ 1'),
            ox.Literal("1.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
            ox.Literal("tab\there", language="sv"),
            ox.Literal("\U0001f600 z"),
            ox.Literal("se _:b0 i texten"),  # looks like a blank node to the unit's quick test: same digest either way
        )
    ]
    quads.append(
        ox.Quad(ox.NamedNode(BASE + "id/alfa/é"), ox.NamedNode(BASE + "def/kommunmal#p"), quads[0].subject, graph)
    )
    nquads = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    assert nquads_digest(nquads) == quads_digest(quads)
    assert nquads_digest(nquads) != nquads_digest(ox.serialize(quads[1:], format=ox.RdfFormat.N_QUADS))
