"""The page of one goal: statement, political text with the commitments marked, the actions serving it, the
goals it shares actions with, UN SDG links, responsible bodies, indicators and where it stands in the source."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import SKOS

from kommunmal.describe import Description
from kommunmal.store import Store
from kommunmal.views import links
from kommunmal.views.documents import all_documents
from kommunmal.views.sparql import grouped, rows


def build(store: Store, vocab: str, d: Description) -> dict[str, Any]:
    """What the goal page shows for the goal `d.iri`: `info` (notation, names, statement, kind, document),
    `paragraphs` (text, lines, `marks` [(quote, action, label)], `actions` [(action, label)]), `statement_marks`,
    `actions`, `shared`, `sdg` (links grouped per UN goal/target), `responsibility` (grouped per body),
    `indicators`, `spans` and `notes`."""
    goal = str(d.iri)
    info = rows(store, "page_goal", vocab, goal=goal)
    paragraphs = rows(store, "page_goal_paragraphs", vocab, goal=goal)
    marks: dict[Any, list[tuple[str, URIRef, str]]] = defaultdict(list)
    actions_in: dict[Any, dict[Any, str]] = defaultdict(dict)
    for row in rows(store, "page_goal_evidence", vocab, goal=goal):
        place = row.get("paragraph") or row.get("in_goal")
        title = str(row.get("label") or "åtagande")
        marks[place].append((str(row["quote"]), row["action"], title))
        actions_in[place][row["action"]] = title
    for row in rows(store, "page_goal_stated", vocab, goal=goal):
        actions_in[row["paragraph"]].setdefault(row["action"], str(row.get("label") or "åtagande"))
    for p in paragraphs:
        p["marks"] = sorted(marks.get(p["paragraph"], []))
        p["actions"] = sorted(actions_in.get(p["paragraph"], {}).items(), key=lambda kv: kv[1])
    actions = rows(store, "page_goal_actions", vocab, goal=goal)
    shared = rows(store, "page_goal_shared", vocab, goal=goal)
    names = {str(a["action"]): str(a.get("label") or "åtagande") for a in actions}
    for s in shared:
        s["actions"] = [(URIRef(a), names.get(a, "åtagande")) for a in str(s["actions"]).split()]
    row = info[0] if info else {}
    document = next((doc for doc in all_documents(store, vocab) if doc.iri == str(row.get("document"))), None)
    responsibility = grouped(links.responsibilities_from(store, vocab, goal), "object", first=d.iri)
    return {
        "iri": d.iri,
        "info": row,
        "scope_key": document.key if document else None,
        "paragraphs": paragraphs,
        "statement_marks": sorted(marks.get(d.iri, [])),
        "actions": actions,
        "shared": shared,
        "sdg": grouped(links.sdg_from(store, vocab, goal), "object", first=d.iri),
        "responsibility": sorted(responsibility, key=lambda g: str(g.get("label", ""))),
        "indicators": rows(store, "page_goal_indicators", vocab, goal=goal),
        "spans": rows(store, "page_goal_spans", vocab, goal=goal),
        "notes": [n for n in d.values(SKOS.editorialNote) if isinstance(n, Literal) and n.language in (None, "sv")],
    }
