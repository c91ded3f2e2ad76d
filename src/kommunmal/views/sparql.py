"""Run a named page query (queries/NAME.rq) against the store with variables bound, rows as rdflib terms."""

from __future__ import annotations

import datetime
import decimal
import re
import threading
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from kommunmal.describe import to_rdflib
from kommunmal.sparql_source import query_text
from kommunmal.store import Store

Row = dict[str, Any]
SKOS = "http://www.w3.org/2004/02/skos/core#"


# Terms repeat across rows and requests (labels, IRIs, the same links), and building an rdflib term costs far more
# than hashing the store's term: converting each distinct term once took about a third of a goal page's time.
_term = lru_cache(maxsize=1 << 16)(to_rdflib)


def rows(store: Store, name: str, vocab: str, **params: Any) -> list[Row]:
    """The solutions of queries/NAME.rq as dicts of rdflib terms (unbound variables absent).

    Page queries mark their parameters with `$name` (SPARQL's other spelling of `?name`). A keyword argument
    puts a constant in place of each `$name`: an IRI string or URIRef as <iri>, a Literal as a quoted literal,
    a non-empty list or tuple of those as the constants one after another (for `VALUES ?x { $name }`).
    A parameter given as None stays a variable, so the query ranges over every value ("all documents").
    Raises KommunmalError for an unknown query name, ValueError for an IRI that cannot be written in SPARQL or an
    empty list (whose VALUES block would leave the variable unbound, matching everything)."""
    text = query_text(name, vocab)
    for var, value in params.items():
        if value is not None:
            text = re.sub(rf"\${var}\b", lambda _m, v=value: _constant(v), text)
    results = store.oxigraph.query(text, use_default_graph_as_union=True)
    names = [v.value for v in results.variables]
    return [{n: _term(row[n]) for n in names if row[n] is not None} for row in results]


def _constant(value: Any) -> str:
    if isinstance(value, list | tuple):
        if not value:
            raise ValueError("an empty list cannot be put in a query")
        return " ".join(_constant(v) for v in value)
    if isinstance(value, Literal):
        return str(ox.Literal(str(value), language=value.language) if value.language else ox.Literal(str(value)))
    iri = str(value)
    if not iri or re.search(r'[\s<>"{}|^`\\]', iri):
        raise ValueError(f"not an IRI that can be put in a query: {iri!r}")
    return f"<{iri}>"


_memo: dict[tuple[str, str, Any], Any] = {}
_memo_lock = threading.Lock()


def per_release(store: Store, name: str, key: Any, make: Callable[[], Any]) -> Any:
    """`make()` once per store, `name` and `key`: page data that depends only on the release (which never
    changes while it is served) is assembled once, not per request."""
    full = (str(store.path), name, key)
    with _memo_lock:
        if full in _memo:
            return _memo[full]
    value = make()
    with _memo_lock:
        return _memo.setdefault(full, value)


def code_key(code: Any) -> tuple:
    """Sort key for dotted notations: "1.10" after "1.9", "11.a" after "11.9"."""
    parts = str(code or "").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def sdg_code(code: Any) -> str:
    """The one way SDG codes are written on pages: "13.2", never "13.02" (leading zeros of parts dropped)."""
    parts = str(code or "").split(".")
    return ".".join(p.lstrip("0") or "0" if p.isdigit() else p for p in parts)


def label_rank(label: Any) -> int:
    """How much a page wants `label` as the one name of something: Swedish first, then text without a language,
    then English, then any other language, no text last (0 is best). Pages name a thing once, in Swedish when
    they can."""
    if not str(label or ""):
        return 4
    lang = getattr(label, "language", None) or ""
    return {"sv": 0, "": 1, "en": 2}.get(lang, 3)


def merge_evidence(rows_: Iterable[Row], key: str, sort: Callable[[Row], Any]) -> list[Row]:
    """Rows of one link per evidence quote merged into one row per `key` with `evidence`: [(quote, place, label)],
    one item per quote and place; where the place has labels in several languages (one row each) the label kept
    is the one `label_rank` prefers, as a Literal so a page can mark its language ("" when it has none)."""
    merged: dict[Any, Row] = {}
    for row in rows_:
        m = merged.setdefault(row[key], {**row, "evidence": []})
        m.pop("quote", None)
        if "quote" not in row:
            continue
        label = row.get("place_label") or ""
        item = (str(row["quote"]), row.get("place"), label)
        for i, (quote, place, known) in enumerate(m["evidence"]):
            if (quote, place) == item[:2]:
                if label_rank(label) < label_rank(known):
                    m["evidence"][i] = item
                break
        else:
            m["evidence"].append(item)
    return sorted(merged.values(), key=sort)


def grouped(links: list[Row], by: str, first: Any = None) -> list[Row]:
    """Links gathered per `by` ("object" or "subject") in first-seen order, each group with its `links` (those
    whose subject is `first` leading) and the number that are `stated` and `inferred`."""
    groups: dict[Any, Row] = {}
    for link in links:
        group = groups.setdefault(link[by], {**link, "links": []})
        group["links"].append(link)
    for group in groups.values():
        group["links"].sort(key=lambda link: link["subject"] != first)
        group["stated"] = sum(1 for link in group["links"] if is_stated(link.get("basis")))
        group["inferred"] = len(group["links"]) - group["stated"]
    return list(groups.values())


def is_stated(basis: Any) -> bool:
    return str(basis or "").endswith("#stated")


def local_name(iri: Any) -> str:
    return str(iri).rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def jsonable(value: Any) -> Any:
    """A view's data as JSON values: IRIs and blank nodes as strings, typed literals as numbers, booleans or
    strings, language-tagged text as {"@value", "@language"} only when it is not Swedish; tuples as lists."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items() if not str(k).startswith("_")}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, URIRef | BNode):
        return str(value)
    if isinstance(value, Literal):
        if value.language and value.language != "sv":
            return {"@value": str(value), "@language": value.language}
        py = value.toPython() if value.datatype else value
        return str(value) if isinstance(py, Literal) else jsonable(py)
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)
