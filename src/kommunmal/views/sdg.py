"""The UN SDG pages: the 17 goals with how much of a goal document links to each, and one goal or target with
its targets and the municipality's goals and actions that contribute to it."""

from __future__ import annotations

from typing import Any

from kommunmal.iris import SDG
from kommunmal.store import Store
from kommunmal.views import links
from kommunmal.views.sparql import code_key, rows, sdg_code

SDGO = "http://metadata.un.org/sdg/ontology#"


def build_overview(store: Store, vocab: str, document: str | None = None) -> dict[str, Any]:
    """`goals`: the 17 UN goals in order, each with `code`, names, `links` and `subjects` (the goals and actions
    linked), counted in the goal document `document` (None: all documents)."""
    goals = rows(store, "page_sdg_overview", vocab, document=document)
    for g in goals:
        g["code"] = sdg_code(g["code"])
    return {"goals": sorted(goals, key=lambda r: code_key(r["code"]))}


def build(
    store: Store, vocab: str, iri: str, is_goal: bool, document: str | None = None, per_document: bool = False
) -> dict[str, Any]:
    """One UN goal or target `iri`: `info` (code, names, parent), `targets` (for a goal, with link counts) and
    `sdg_links` (from the goal document `document`, None: all), in code order. With `per_document` (no document
    chosen among several), `link_counts` {document IRI: links} replaces the list of links, which at 290
    municipalities ran to some 15 000 rows (an 8 MB page)."""
    info = rows(store, "page_sdg", vocab, node=iri)
    row = info[0] if info else {}
    if "code" in row:
        row["code"] = sdg_code(row["code"])
    if "parent_code" in row:
        row["parent_code"] = sdg_code(row["parent_code"])
    targets = rows(store, "page_sdg_targets", vocab, node=iri, document=document) if is_goal else []
    for t in targets:
        t["code"] = sdg_code(t["code"])
    return {
        "iri": iri,
        "code": iri[len(SDG) :],
        "is_goal": is_goal,
        "info": row,
        "targets": sorted(targets, key=lambda r: code_key(r["code"])),
        "sdg_links": [] if per_document else links.sdg_to(store, vocab, iri, document),
        "link_counts": {
            str(r["document"]): int(r["links"]) for r in rows(store, "page_sdg_link_counts", vocab, focus=iri)
        }
        if per_document
        else {},
    }
