"""Page queries that look names up in one batch (kommunmal.views.links): a list bound as VALUES, and SDG links
whose names, added afterwards, are those the per-row lookup inside the query gave."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from kommunmal.config import Settings
from kommunmal.store import Store
from kommunmal.views import links
from kommunmal.views.sparql import rows

GOAL = "https://w3id.org/kommunmal/id/ostersund/budget-2024/goal/1.4"
ACTION = "https://w3id.org/kommunmal/id/ostersund/budget-2024/action/invanare-75000-ar-2040"

# The names looked up per row inside the link query, as page_sdg_links_from did before they moved to
# page_link_names: the reference the batch lookup must agree with.
PER_ROW = """
PREFIX km: <{vocab}>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX sdgo: <http://metadata.un.org/sdg/ontology#>
SELECT ?link ?subject_label ?subject_notation ?notation ?sv ?en ?goal_sv ?basis_label ?strength_label WHERE {{
  {{ BIND(<{focus}> AS ?subject) }} UNION {{ ?subject km:serves <{focus}> }}
  ?link km:subject ?subject ; a km:SdgLink ; km:object ?object .
  OPTIONAL {{ ?subject skos:prefLabel ?subject_label FILTER(LANG(?subject_label) = "sv") }}
  OPTIONAL {{ ?subject a km:Goal ; skos:notation ?subject_notation }}
  OPTIONAL {{ ?object skos:notation ?notation FILTER(DATATYPE(?notation) = sdgo:SDGCodeCompact) }}
  OPTIONAL {{ ?object skos:prefLabel ?sv FILTER(LANG(?sv) = "sv") }}
  OPTIONAL {{ ?object skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
  OPTIONAL {{ ?object skos:broader ?parent . ?parent skos:prefLabel ?goal_sv FILTER(LANG(?goal_sv) = "sv") }}
  OPTIONAL {{ ?link km:basis ?basis
             OPTIONAL {{ ?basis skos:prefLabel ?basis_label FILTER(LANG(?basis_label) = "sv") }} }}
  OPTIONAL {{ ?link km:strength ?strength
             OPTIONAL {{ ?strength skos:prefLabel ?strength_label FILTER(LANG(?strength_label) = "sv") }} }}
}}"""
NAMES = ("subject_label", "subject_notation", "notation", "sv", "en", "goal_sv", "basis_label", "strength_label")


def test_a_list_binds_values_and_an_empty_list_is_refused(store: Store, settings: Settings) -> None:
    found = rows(store, "page_place_labels", settings.vocab, places=[GOAL, ACTION])
    assert {str(r["place"]) for r in found} == {GOAL, ACTION}
    assert {r["place_label"].language for r in found if str(r["place"]) == GOAL} == {"sv", "en"}
    with pytest.raises(ValueError):
        rows(store, "page_place_labels", settings.vocab, places=[])


@pytest.mark.parametrize("focus", [GOAL, ACTION])
def test_sdg_link_names_match_the_per_row_lookup(focus: str, store: Store, settings: Settings) -> None:
    expected: dict[str, dict[str, str]] = {}
    for row in store.query(PER_ROW.format(vocab=settings.vocab, focus=focus)):
        names = {v: row[v].value for v in NAMES if row[v] is not None}
        assert expected.setdefault(row["link"].value, names) == names  # one value per name in this data
    found = links.sdg_from(store, settings.vocab, focus)
    assert {str(link["link"]) for link in found} == set(expected) and expected
    for link in found:
        assert {k: str(link[k]) for k in NAMES if k in link} == expected[str(link["link"])]
    places = [item for link in found for item in link["evidence"] if item[1] is not None]
    in_goals = [label for _quote, place, label in places if isinstance(place, URIRef) and "/goal/" in place]
    assert all(in_goals) and (in_goals or focus != GOAL)  # a quote in a goal statement is named by the goal


def test_a_quote_from_a_goal_statement_names_no_goal_of_its_own(store: Store, settings: Settings) -> None:
    # The link's only quote stands in goal 1.8's goal statement, not in a paragraph: it names that goal through
    # ?in_goal and has no paragraph goal, notation or name (they once joined with every notation in the store).
    link = "https://w3id.org/kommunmal/id/ostersund/budget-2024/link/sdg--1.8--16.2"
    found = rows(store, "page_action_evidence", settings.vocab, action=link)
    assert len(found) == 1
    assert str(found[0]["in_goal"]).endswith("/goal/1.8")
    assert not {"goal", "notation", "goal_label", "paragraph"} & set(found[0])
    quoted = rows(store, "page_action_evidence", settings.vocab, action=ACTION)
    assert quoted and all(str(r["goal"]).endswith(f"/goal/{r['notation']}") for r in quoted if "paragraph" in r)
