"""The page of one organisation (the municipality, a nämnd, a company): identifiers, units, and what it is
responsible for, grouped by goal document and goal."""

from __future__ import annotations

from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kommunmal.describe import Description
from kommunmal.store import Store
from kommunmal.views.sparql import code_key, merge_evidence, rows


def build(store: Store, vocab: str, d: Description, document: str | None = None) -> dict[str, Any]:
    """What the organisation page shows for `d.iri`: `info`, `identifiers` (or `plain_ids`), `units`,
    `goals` (one per goal it answers for, in document and notation order, each with its `links`: the goal itself
    first, then actions by name; a link serving several goals is listed under each), `responsibilities` (the
    number of distinct links), `sources` and `notes`. `document` limits the goals to one goal document."""
    org = str(d.iri)
    found = rows(store, "page_organisation_responsibilities", vocab, org=org, document=document)
    links = merge_evidence(found, "link", lambda r: str(r["link"]))
    per_link: dict[Any, list[dict[str, Any]]] = {}
    for r in found:
        per_link.setdefault(r["link"], [])
        if r["goal"] not in [g["goal"] for g in per_link[r["link"]]]:
            per_link[r["link"]].append(r)
    goals: dict[Any, dict[str, Any]] = {}
    for link in links:
        for r in per_link[link["link"]]:
            g = goals.setdefault(
                r["goal"],
                {
                    "goal": r["goal"],
                    "notation": r["goal_notation"],
                    "label": r.get("goal_label"),
                    "document": r["document"],
                    "links": [],
                },
            )
            g["links"].append({**link, "is_goal": r["subject"] == r["goal"]})
    for g in goals.values():
        g["links"].sort(key=lambda x: (not x["is_goal"], str(x.get("subject_label", ""))))
    info = rows(store, "page_organisation", vocab, org=org)
    return {
        "iri": d.iri,
        "info": info[0] if info else {},
        "identifiers": rows(store, "page_organisation_identifiers", vocab, org=org),
        "plain_ids": list(d.values(DCTERMS.identifier)),
        "units": rows(store, "page_organisation_units", vocab, org=org),
        "goals": sorted(goals.values(), key=lambda g: (str(g["document"]), code_key(g["notation"]))),
        "responsibilities": len(links),
        "sources": list(d.values(DCTERMS.source)),
        "is_unverified": URIRef(vocab + "unverified") in d.values(URIRef(vocab + "verificationStatus")),
        "notes": [n for n in d.values(SKOS.editorialNote) if isinstance(n, Literal) and n.language in (None, "sv")],
    }
