"""The generic page of a described resource: its properties grouped by predicate and what points to it."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF

from kommunmal.describe import Description
from kommunmal.iris import SDG
from kommunmal.views.sparql import sdg_code
from kommunmal.views.terms import term_label

PREDICATE_LABELS_KEY = "label"


def own_label(d: Description, term: URIRef) -> str | None:
    """A term's name for a page: its Swedish label in the data, else ours (views.terms), else any label it has."""
    return d.labels.get(term, {}).get("sv") or term_label(term) or d.label(term)


def value_names(d: Description, values: list[Any]) -> dict[Any, dict[str, str]]:
    """{term: {"sv": name}} for the values (IRIs) and datatypes (of literals) among `values` that the data does not
    name in Swedish but views.terms does: the names the `value` macro shows instead of a CURIE or an IRI."""
    names: dict[Any, dict[str, str]] = {}
    for v in values:
        term = v.datatype if isinstance(v, Literal) else v
        if isinstance(term, URIRef) and not d.labels.get(term, {}).get("sv"):
            found = term_label(term) or sdg_name(term)
            if found:
                names[term] = {"sv": found}
    return names


def sdg_name(iri: URIRef) -> str | None:
    """ "Delmål 10.3" or "Globalt mål 10" for a UN SDG goal or target IRI (…/sdg/10.3), whose labels without a
    language are the UN's padded notations ("10.03"); None for other IRIs."""
    code = str(iri)[len(SDG) :] if str(iri).startswith(SDG) else ""
    if not re.fullmatch(r"\d{1,2}(?:\.\w{1,2})?", code):
        return None
    return f"Delmål {sdg_code(code)}" if "." in code else f"Globalt mål {sdg_code(code)}"


class RdfList(list):
    """The members of an RDF collection (rdf:first/rdf:rest from a blank node to rdf:nil), in their order: a page
    shows them as one numbered list, not as a chain of blank nodes."""


def collection(d: Description, head: Any) -> RdfList | None:
    """The members of the RDF list starting at the blank node `head`, or None when `head` starts no well-formed
    list (a member missing, a cell with two rests, a cycle)."""
    if not isinstance(head, BNode):
        return None
    cells = {s: {} for s, p, _ in d.triples if p in (RDF.first, RDF.rest)}
    for s, p, o in d.triples:
        if s in cells and p in (RDF.first, RDF.rest):
            if p in cells[s]:
                return None
            cells[s][p] = o
    members, node, seen = RdfList(), head, set()
    while node != RDF.nil:
        cell = cells.get(node)
        if cell is None or node in seen or RDF.first not in cell or RDF.rest not in cell:
            return None
        seen.add(node)
        members.append(cell[RDF.first])
        node = cell[RDF.rest]
    return members


def properties(d: Description, label: Any, subject: Any = None) -> list[dict[str, Any]]:
    """The triples of `subject` (default: the resource) grouped by predicate: [{predicate, label, objects,
    _names}], rdf:type first then by label; `label(predicate, own_label)` names a predicate, `_names` (left out of
    JSON views) names the values and datatypes the data leaves unnamed in Swedish (see `value_names`)."""
    subject = d.iri if subject is None else subject
    grouped: dict[URIRef, list[Any]] = defaultdict(list)
    for s, p, o in d.triples:
        if s == subject:
            grouped[p].append(o)
    found = []
    for p, values in grouped.items():
        values.sort(key=lambda v: (isinstance(v, Literal) and v.language not in (None, "sv"), str(v)))
        values = [members if (members := collection(d, v)) is not None else v for v in values]
        names = value_names(d, [m for v in values for m in (v if isinstance(v, RdfList) else [v])])
        found.append({"predicate": p, "label": label(p, own_label(d, p)), "objects": values, "_names": names})
    found.sort(key=lambda r: (str(r["predicate"]) != str(RDF.type), r["label"]))
    return found


def inbound(d: Description, label: Any) -> list[dict[str, Any]]:
    """The resources linking to this one, grouped by predicate: [{predicate, label, objects}]."""
    grouped: dict[URIRef, list[Any]] = defaultdict(list)
    for s, p, _ in d.inbound:
        grouped[p].append(s)
    return [
        {"predicate": p, "label": label(p, own_label(d, p)), "objects": sorted(v, key=str)}
        for p, v in sorted(grouped.items(), key=lambda kv: str(kv[0]))
    ]


def build(d: Description, vocab: str, label: Any) -> dict[str, Any]:
    """`title` (Swedish label, else the kind and last IRI segment), `kind`, `properties`, `inbound`,
    `blank_nodes` (each with its properties) and `unverified`."""
    kind = next((own_label(d, t) for t in d.types if own_label(d, t)), "")
    name = d.label(d.iri) or f"{kind} {str(d.iri).rstrip('/').rsplit('/', 1)[-1]}".strip()
    # The cells of an RDF list are shown as the list itself (see `collection`), not as blank nodes of their own.
    cells = {s for s, p, _ in d.triples if p in (RDF.first, RDF.rest)}
    nodes = sorted({o for _, _, o in d.triples if isinstance(o, BNode) and o not in cells}, key=str)
    return {
        "iri": d.iri,
        "title": name[:1].upper() + name[1:],
        "kind": kind,
        "types": d.types,
        "properties": properties(d, label),
        "inbound": inbound(d, label),
        "blank_nodes": [{"node": n, "properties": properties(d, label, n)} for n in nodes],
        "is_unverified": URIRef(vocab + "unverified") in d.values(URIRef(vocab + "verificationStatus")),
    }
