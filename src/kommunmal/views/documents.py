"""The home page and the page of a goal document: municipalities, their goal documents, and a document's goals
in the groups the document names."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rdflib import URIRef

from kommunmal.documents import Document, documents
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.views.sparql import Row, per_release, rows


def all_documents(store: Store, vocab: str) -> list[Document]:
    """Every goal document in the store, by municipality and year (kommunmal.documents); read once per release."""
    return per_release(store, "documents", vocab, lambda: documents(StoreSource(store, vocab)))


def find(store: Store, vocab: str, key: str | None) -> Document | None:
    """The document whose key (`ostersund/2024`) or IRI is `key`; None when `key` is empty or names none."""
    if not key:
        return None
    return next((d for d in all_documents(store, vocab) if key in (d.key, d.iri)), None)


def goal_iris(store: Store, vocab: str, document: str) -> set[str]:
    """The IRIs of the goals of one goal document."""
    return {str(r["goal"]) for r in rows(store, "page_document_goals", vocab, document=document)}


def build_document(store: Store, vocab: str, document: str) -> dict[str, Any]:
    """One goal document: `document` (title, description, publisher, period) and its goals, as `groups` (each
    with its `goals`, in notation order) and `ungrouped` goals. Each goal row has notation, sv/en names,
    statement and the counts `actions`, `shared_actions`, `sdgs`, `orgs`. `recorded` {"actions", "sdgs", "orgs":
    bool} says which of these the document has any of at all: an excerpt whose actions and links were never mapped
    has none, and its pages say so rather than count zeros."""
    info = rows(store, "page_document", vocab, document=document)
    goals = rows(store, "page_document_goals", vocab, document=document)
    by_goal = {r["goal"]: r for r in goals}
    groups: dict[URIRef, Row] = {}
    for row in rows(store, "page_document_groups", vocab, document=document):
        g = groups.setdefault(row["group"], {k: v for k, v in row.items() if k != "goal"} | {"goals": []})
        if row["goal"] in by_goal:
            g["goals"].append(by_goal[row["goal"]])
    for g in groups.values():
        g["goals"].sort(key=lambda r: str(r["notation"]))
    ordered = sorted(groups.values(), key=lambda g: min((str(r["notation"]) for r in g["goals"]), default="~"))
    in_groups = {r["goal"] for g in ordered for r in g["goals"]}
    return {
        "document": {"iri": URIRef(document), **(info[0] if info else {})},
        "groups": ordered,
        "ungrouped": [r for r in goals if r["goal"] not in in_groups],
        "recorded": {kind: any(_number(r.get(kind)) for r in goals) for kind in ("actions", "sdgs", "orgs")},
    }


def _number(value: Any) -> int:
    try:
        return int(str(value or 0))
    except ValueError:
        return 0


def build_home(store: Store, vocab: str) -> dict[str, Any]:
    """The home page: `municipalities` (name, kommunkod, their `documents` newest first) and, when the store
    holds exactly one goal document, that document's page data under `single`."""
    docs = all_documents(store, vocab)
    by_publisher: dict[str, list[Document]] = defaultdict(list)
    for d in docs:
        by_publisher[d.publisher].append(d)
    municipalities = [
        {
            "iri": URIRef(publisher) if publisher else None,
            "label": ds[0].publisher_label or ds[0].slug,
            "kommunkod": ds[0].kommunkod,
            "documents": [d.as_dict() for d in sorted(ds, key=lambda d: d.year or 0, reverse=True)],
        }
        for publisher, ds in sorted(by_publisher.items(), key=lambda kv: kv[1][0].publisher_label)
    ]
    single = build_document(store, vocab, docs[0].iri) if len(docs) == 1 else None
    return {"municipalities": municipalities, "single": single}
