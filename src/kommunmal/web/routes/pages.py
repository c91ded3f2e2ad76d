"""Pages for people: home, goals, actions, organisations, UN goals and targets, the vocabulary, the goal graph.

Each page is one function that queries the store and renders a template. /doc/… pages are reached through
linked_data.py, which negotiates between them and RDF; the routes here are the pages with fixed paths.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kommunmal import resources
from kommunmal.describe import Description, describe, graph_contents, to_rdflib
from kommunmal.iris import SDG, Iris
from kommunmal.release import Release
from kommunmal.store import Store
from kommunmal.web.deps import get_store
from kommunmal.web.render import (
    Site,
    alternates,
    choose,
    not_acceptable,
    page,
    predicate_label,
    rdf_response,
    split_extension,
)

router = APIRouter()

KM_TYPES = {"Goal", "Action", "Target", "Indicator"}
ORG_TYPES = {
    "http://www.w3.org/ns/org#Organization",
    "http://www.w3.org/ns/org#FormalOrganization",
    "http://www.w3.org/ns/org#OrganizationalUnit",
    "http://data.europa.eu/m8g/PublicOrganisation",
}
SDGO = "http://metadata.un.org/sdg/ontology#"
GRAPH_DOWNLOADS = (
    ("goal-graph.json", "application/json", "JSON (node-link)"),
    ("goal-graph.graphml", "application/graphml+xml", "GraphML"),
    ("goal-graph.gexf", "application/gexf+xml", "GEXF"),
    ("goal-graph.csv", "text/csv", "CSV (kanter / edges)"),
    ("goal-graph.png", "image/png", "PNG"),
    ("goal-graph.svg", "image/svg+xml", "SVG"),
)


def select(store: Store, query: str, vocab: str) -> list[dict[str, Any]]:
    """Rows of a SELECT as dicts of rdflib terms (unbound variables absent); `km:` is predeclared."""
    prologue = (
        f"PREFIX km: <{vocab}>\nPREFIX skos: <{SKOS}>\nPREFIX dct: <{DCTERMS}>\nPREFIX rdfs: <{RDFS}>\n"
        f"PREFIX org: <http://www.w3.org/ns/org#>\nPREFIX sdgo: <{SDGO}>\n"
    )
    results = store.query(prologue + query)
    names = [v.value for v in results.variables]
    return [{n: to_rdflib(row[n]) for n in names if row[n] is not None} for row in results]


def _vocab(request: Request) -> str:
    return request.app.state.settings.vocab


# ---------------------------------------------------------------------------------------------- home


@router.get("/", include_in_schema=False)
def home(request: Request, store: Store = Depends(get_store)) -> Response:
    vocab = _vocab(request)
    site = Site(request.app.state.settings)
    goals = select(
        store,
        """
        SELECT ?goal ?notation ?sv ?en ?statement ?kind
               (COUNT(DISTINCT ?action) AS ?actions) (COUNT(DISTINCT ?shared) AS ?shared_actions)
        WHERE {
          ?goal a km:Goal ; skos:notation ?notation ; km:statement ?statement .
          OPTIONAL { ?goal skos:prefLabel ?sv FILTER(LANG(?sv) = "sv") }
          OPTIONAL { ?goal skos:prefLabel ?en FILTER(LANG(?en) = "en") }
          OPTIONAL { ?goal km:goalKind ?kind }
          OPTIONAL { ?action km:serves ?goal
                     OPTIONAL { ?action km:serves ?other FILTER(?other != ?goal) BIND(?action AS ?shared) } }
        } GROUP BY ?goal ?notation ?sv ?en ?statement ?kind ORDER BY ?notation""",
        vocab,
    )
    groups = select(
        store,
        """
        SELECT ?group ?sv ?en ?description ?goal WHERE {
          ?group a km:GoalGroup ; skos:member ?goal .
          OPTIONAL { ?group skos:prefLabel ?sv FILTER(LANG(?sv) = "sv") }
          OPTIONAL { ?group skos:prefLabel ?en FILTER(LANG(?en) = "en") }
          OPTIONAL { ?group dct:description ?description }
        }""",
        vocab,
    )
    links = select(
        store,
        """
        SELECT ?goal (COUNT(DISTINCT ?sdg) AS ?sdgs) (COUNT(DISTINCT ?org) AS ?orgs) WHERE {
          ?goal a km:Goal .
          OPTIONAL { { ?goal km:contributesTo ?sdg } UNION { ?a km:serves ?goal ; km:contributesTo ?sdg } }
          OPTIONAL { { ?goal km:responsible ?org } UNION { ?b km:serves ?goal ; km:responsible ?org } }
        } GROUP BY ?goal""",
        vocab,
    )
    counts = {r["goal"]: r for r in links}
    by_goal = {r["goal"]: {**r, **counts.get(r["goal"], {})} for r in goals}
    grouped: dict[URIRef, dict[str, Any]] = {}
    for row in groups:
        g = grouped.setdefault(row["group"], {**row, "goals": []})
        if row["goal"] in by_goal:
            g["goals"].append(by_goal[row["goal"]])
    for g in grouped.values():
        g["goals"].sort(key=lambda r: str(r["notation"]))
    ordered = sorted(grouped.values(), key=lambda g: min((str(r["notation"]) for r in g["goals"]), default="~"))
    in_groups = {r["goal"] for g in ordered for r in g["goals"]}
    ungrouped = [r for r in goals if r["goal"] not in in_groups]
    documents = select(
        store,
        """
        SELECT ?doc ?title ?title_en ?description ?publisher WHERE {
          ?doc a km:GoalDocument .
          OPTIONAL { ?doc dct:title ?title FILTER(LANG(?title) = "sv") }
          OPTIONAL { ?doc dct:title ?title_en FILTER(LANG(?title_en) = "en") }
          OPTIONAL { ?doc dct:description ?description FILTER(LANG(?description) = "sv") }
          OPTIONAL { ?doc dct:publisher/skos:prefLabel ?publisher FILTER(LANG(?publisher) = "sv") }
        }""",
        vocab,
    )
    iris = site.iris
    links_ = [
        (site.path(iris.void), "text/turtle", "VoID"),
        (site.path(iris.catalog_document), "application/rdf+xml", "DCAT-AP-SE"),
    ]
    return page(request, "home.html", links=links_, documents=documents, groups=ordered, ungrouped=ungrouped)


# ---------------------------------------------------------------------------------------------- /doc/ pages


def resource_page(request: Request, d: Description, links: list[tuple[str, str, str]]) -> Response:
    """The HTML page for a described resource: a page shaped for its class, else the generic one."""
    store: Store = request.app.state.store
    vocab = _vocab(request)
    types = {str(t) for t in d.types}
    if vocab + "Goal" in types:
        return goal_page(request, store, d, links)
    if vocab + "Action" in types or vocab + "Target" in types:
        return action_page(request, store, d, links)
    if types & ORG_TYPES:
        return organisation_page(request, store, d, links)
    return generic_page(request, d, links)


def properties(d: Description, subject: Any = None) -> list[dict[str, Any]]:
    """The resource's triples grouped by predicate, for the generic property table."""
    subject = d.iri if subject is None else subject
    grouped: dict[URIRef, list[Any]] = defaultdict(list)
    for s, p, o in d.triples:
        if s == subject:
            grouped[p].append(o)
    rows = []
    for p, values in grouped.items():
        values.sort(key=lambda v: (isinstance(v, Literal) and v.language not in (None, "sv"), str(v)))
        rows.append({"predicate": p, "label": predicate_label(p, d.label(p)), "objects": values})
    rows.sort(key=lambda r: (str(r["predicate"]) != str(RDF.type), r["label"]))
    return rows


def inbound(d: Description) -> list[dict[str, Any]]:
    grouped: dict[URIRef, list[Any]] = defaultdict(list)
    for s, p, _ in d.inbound:
        grouped[p].append(s)
    return [
        {"predicate": p, "label": predicate_label(p, d.label(p)), "objects": sorted(v, key=str)}
        for p, v in sorted(grouped.items(), key=lambda kv: str(kv[0]))
    ]


def _unverified(d: Description, vocab: str) -> bool:
    return URIRef(vocab + "unverified") in d.values(URIRef(vocab + "verificationStatus"))


def generic_page(request: Request, d: Description, links: list[tuple[str, str, str]]) -> Response:
    vocab = _vocab(request)
    site = Site(request.app.state.settings)
    kind = next((d.label(t) for t in d.types if d.label(t)), "")
    title = d.label(d.iri) or f"{kind} {site.short(d.iri)}".strip()
    return page(
        request,
        "resource.html",
        title=title[:1].upper() + title[1:],
        links=links,
        vary=True,
        d=d,
        properties=properties(d),
        inbound=inbound(d),
        unverified=_unverified(d, vocab),
        blank_nodes=_blank_nodes(d),
    )


def _blank_nodes(d: Description) -> list[dict[str, Any]]:
    from rdflib import BNode

    nodes = sorted({o for _, _, o in d.triples if isinstance(o, BNode)}, key=str)
    return [{"node": n, "properties": properties(d, n)} for n in nodes]


def goal_page(request: Request, store: Store, d: Description, links: list[tuple[str, str, str]]) -> Response:
    vocab = _vocab(request)
    site = Site(request.app.state.settings)
    goal = f"<{d.iri}>"
    info = select(
        store,
        f"""
        SELECT ?notation ?sv ?en ?alt ?statement ?kind ?kind_label ?text ?document ?document_title WHERE {{
          {goal} skos:notation ?notation ; km:statement ?statement .
          OPTIONAL {{ {goal} skos:prefLabel ?sv FILTER(LANG(?sv) = "sv") }}
          OPTIONAL {{ {goal} skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
          OPTIONAL {{ {goal} skos:altLabel ?alt }}
          OPTIONAL {{ {goal} km:goalKind ?kind
                      OPTIONAL {{ ?kind skos:prefLabel ?kind_label FILTER(LANG(?kind_label) = "sv") }} }}
          OPTIONAL {{ {goal} km:politicalText ?text }}
          OPTIONAL {{ {goal} km:goalDocument ?document
                      OPTIONAL {{ ?document dct:title ?document_title FILTER(LANG(?document_title) = "sv") }} }}
        }} LIMIT 1""",
        vocab,
    )
    info_row = info[0] if info else {}
    paragraphs = select(
        store,
        f"""
        SELECT ?paragraph ?position ?text ?start ?end WHERE {{
          {goal} km:politicalText ?pt . ?pt km:paragraph ?paragraph .
          ?paragraph km:position ?position ; km:text ?text .
          OPTIONAL {{ ?paragraph km:sourceSpan ?span . ?span km:startLine ?start ; km:endLine ?end }}
        }} ORDER BY ?position""",
        vocab,
    )
    evidence = select(
        store,
        """
        SELECT DISTINCT ?action ?label ?quote ?paragraph ?in_goal WHERE {
          ?action a ?class ; km:evidence ?st . ?st km:quote ?quote . VALUES ?class { km:Action km:Target }
          { ?st km:inParagraph ?paragraph } UNION { ?st km:inGoalStatement ?in_goal }
          OPTIONAL { ?action skos:prefLabel ?label FILTER(LANG(?label) = "sv") }
        }""",
        vocab,
    )
    stated = select(
        store,
        """
        SELECT DISTINCT ?action ?label ?paragraph WHERE {
          ?action a ?class ; km:statedIn ?paragraph . VALUES ?class { km:Action km:Target }
          OPTIONAL { ?action skos:prefLabel ?label FILTER(LANG(?label) = "sv") }
        }""",
        vocab,
    )
    marks: dict[Any, list[tuple[str, str, str]]] = defaultdict(list)
    actions_in: dict[Any, dict[Any, str]] = defaultdict(dict)
    for row in evidence:
        place = row.get("paragraph") or row.get("in_goal")
        title = str(row.get("label") or "åtagande")
        marks[place].append((str(row["quote"]), site.href(row["action"]), title))
        actions_in[place][row["action"]] = title
    for row in stated:
        actions_in[row["paragraph"]].setdefault(row["action"], str(row.get("label") or row["action"]))
    for p in paragraphs:
        p["marks"] = marks.get(p["paragraph"], [])
        p["actions"] = sorted(actions_in.get(p["paragraph"], {}).items(), key=lambda kv: kv[1])
    actions = select(
        store,
        f"""
        SELECT ?action ?label ?kind_label ?target_value ?unit ?year (COUNT(DISTINCT ?other) AS ?others) WHERE {{
          ?action km:serves {goal} .
          OPTIONAL {{ ?action skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ ?action km:actionKind/skos:prefLabel ?kind_label FILTER(LANG(?kind_label) = "sv") }}
          OPTIONAL {{ ?action km:targetValue ?target_value }}
          OPTIONAL {{ ?action km:unit ?unit }}
          OPTIONAL {{ ?action km:targetYear ?year }}
          OPTIONAL {{ ?action km:serves ?other FILTER(?other != {goal}) }}
        }} GROUP BY ?action ?label ?kind_label ?target_value ?unit ?year ORDER BY ?label""",
        vocab,
    )
    shared = select(
        store,
        f"""
        SELECT ?other ?notation ?label (COUNT(DISTINCT ?action) AS ?count)
               (GROUP_CONCAT(DISTINCT STR(?action); separator=" ") AS ?actions) WHERE {{
          ?action km:serves {goal} , ?other . FILTER(?other != {goal})
          ?other a km:Goal ; skos:notation ?notation .
          OPTIONAL {{ ?other skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
        }} GROUP BY ?other ?notation ?label ORDER BY DESC(?count) ?notation""",
        vocab,
    )
    sdg = sdg_links(store, vocab, f"{{ BIND({goal} AS ?subject) }} UNION {{ ?subject km:serves {goal} }}")
    responsibility = responsibilities(
        store, vocab, f"{{ BIND({goal} AS ?subject) }} UNION {{ ?subject km:serves {goal} }}"
    )
    indicators = select(
        store,
        f"""
        SELECT DISTINCT ?indicator ?notation ?label ?status ?via ?via_label ?link ?link_status ?basis ?basis_label
        WHERE {{
          {{ {goal} km:measuredBy ?indicator BIND({goal} AS ?subject) }}
          UNION {{ ?via km:serves {goal} ; km:measuredBy ?indicator BIND(?via AS ?subject)
                   OPTIONAL {{ ?via skos:prefLabel ?via_label FILTER(LANG(?via_label) = "sv") }} }}
          OPTIONAL {{ ?indicator skos:notation ?notation }}
          OPTIONAL {{ ?indicator skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ ?indicator km:verificationStatus ?status }}
          OPTIONAL {{ ?link a km:IndicatorLink ; km:subject ?subject ; km:object ?indicator .
                      OPTIONAL {{ ?link km:verificationStatus ?link_status }}
                      OPTIONAL {{ ?link km:basis ?basis
                        OPTIONAL {{ ?basis skos:prefLabel ?basis_label FILTER(LANG(?basis_label) = "sv") }} }} }}
        }} ORDER BY ?notation""",
        vocab,
    )
    spans = select(
        store,
        f"""
        SELECT DISTINCT ?span ?start ?end ?what WHERE {{
          {{ {goal} km:sourceSpan ?span BIND("målformulering" AS ?what) }}
          UNION {{ {goal} km:politicalText/km:sourceSpan ?span BIND("politisk text" AS ?what) }}
          ?span km:startLine ?start ; km:endLine ?end .
        }} ORDER BY ?start ?end ?what ?span""",
        vocab,
    )
    notes = [n for n in d.values(SKOS.editorialNote) if isinstance(n, Literal) and n.language in (None, "sv")]
    return page(
        request,
        "goal.html",
        links=links,
        vary=True,
        d=d,
        info=info_row,
        paragraphs=paragraphs,
        statement_marks=marks.get(d.iri, []),
        actions=actions,
        shared=shared,
        sdg=grouped(sdg, "object", first=d.iri),
        responsibility=sorted(
            grouped(responsibility, "object", first=d.iri),
            key=lambda g: str(g.get("label", "")),
        ),
        indicators=indicators,
        labels={str(a["action"]): str(a.get("label") or a["action"]) for a in actions},
        spans=spans,
        notes=notes,
        unverified=URIRef(vocab + "unverified"),
    )


def sdg_links(store: Store, vocab: str, subjects: str) -> list[dict[str, Any]]:
    """The qualified SDG links matching `subjects` (a pattern binding ?subject or ?object), with evidence."""
    rows = select(
        store,
        f"""
        SELECT ?link ?subject ?subject_label ?subject_notation ?object ?notation ?sv ?en ?goal_sv ?basis ?basis_label
               ?rule
               ?quote ?place ?place_label WHERE {{
          {subjects}
          ?link a km:SdgLink ; km:subject ?subject ; km:object ?object .
          OPTIONAL {{ ?subject skos:prefLabel ?subject_label FILTER(LANG(?subject_label) = "sv") }}
          OPTIONAL {{ ?subject a km:Goal ; skos:notation ?subject_notation }}
          OPTIONAL {{ ?object skos:notation ?notation FILTER(DATATYPE(?notation) = sdgo:SDGCodeCompact) }}
          OPTIONAL {{ ?object skos:prefLabel ?sv FILTER(LANG(?sv) = "sv") }}
          OPTIONAL {{ ?object skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
          OPTIONAL {{ ?object skos:broader ?parent . ?parent skos:prefLabel ?goal_sv FILTER(LANG(?goal_sv) = "sv") }}
          OPTIONAL {{ ?link km:basis ?basis
                      OPTIONAL {{ ?basis skos:prefLabel ?basis_label FILTER(LANG(?basis_label) = "sv") }} }}
          OPTIONAL {{ ?link km:rule ?rule FILTER(LANG(?rule) IN ("sv", "")) }}
          OPTIONAL {{ ?link km:evidence ?st . ?st km:quote ?quote .
                      OPTIONAL {{ ?st km:inParagraph|km:inGoalStatement ?place }}
                      OPTIONAL {{ ?place skos:prefLabel|dct:title ?place_label }} }}
        }}""",
        vocab,
    )
    return _merge_evidence(rows, key="link", sort=lambda r: (_code_key(r.get("notation")), str(r["subject"])))


def responsibilities(store: Store, vocab: str, subjects: str) -> list[dict[str, Any]]:
    rows = select(
        store,
        f"""
        SELECT ?link ?subject ?subject_label ?object ?label ?status ?basis ?basis_label ?rule ?quote ?place
               ?place_label WHERE {{
          {subjects}
          ?link a km:Responsibility ; km:subject ?subject ; km:object ?object .
          OPTIONAL {{ ?subject skos:prefLabel ?subject_label FILTER(LANG(?subject_label) = "sv") }}
          OPTIONAL {{ ?object skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ ?object km:verificationStatus ?status }}
          OPTIONAL {{ ?link km:basis ?basis
                      OPTIONAL {{ ?basis skos:prefLabel ?basis_label FILTER(LANG(?basis_label) = "sv") }} }}
          OPTIONAL {{ ?link km:rule ?rule FILTER(LANG(?rule) IN ("sv", "")) }}
          OPTIONAL {{ ?link km:evidence ?st . ?st km:quote ?quote .
                      OPTIONAL {{ ?st km:inParagraph|km:inGoalStatement ?place }}
                      OPTIONAL {{ ?place skos:prefLabel|dct:title ?place_label }} }}
        }}""",
        vocab,
    )
    return _merge_evidence(rows, key="link", sort=lambda r: (str(r.get("label", "")), str(r["subject"])))


def _merge_evidence(rows: list[dict[str, Any]], key: str, sort: Any) -> list[dict[str, Any]]:
    merged: dict[Any, dict[str, Any]] = {}
    for row in rows:
        m = merged.setdefault(row[key], {**row, "evidence": []})
        if "quote" in row:
            item = (str(row["quote"]), row.get("place"), str(row.get("place_label") or ""))
            if item not in m["evidence"]:
                m["evidence"].append(item)
    return sorted(merged.values(), key=sort)


def grouped(links: list[dict[str, Any]], by: str, first: Any = None) -> list[dict[str, Any]]:
    """Links gathered per `by` ("object" or "subject"), in first-seen order, each group with its links
    (those whose subject is `first` leading)."""
    groups: dict[Any, dict[str, Any]] = {}
    for link in links:
        group = groups.setdefault(link[by], {**link, "links": []})
        group["links"].append(link)
    for group in groups.values():
        group["links"].sort(key=lambda link: link["subject"] != first)
        group["stated"] = sum(1 for link in group["links"] if str(link.get("basis", "")).endswith("#stated"))
        group["inferred"] = len(group["links"]) - group["stated"]
    return list(groups.values())


def _code_key(code: Any) -> tuple:
    parts = str(code or "").split(".")
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


def action_page(request: Request, store: Store, d: Description, links: list[tuple[str, str, str]]) -> Response:
    vocab = _vocab(request)
    action = f"<{d.iri}>"
    info = select(
        store,
        f"""
        SELECT ?label ?en ?kind ?kind_label ?modality ?text ?target_value ?unit ?year ?direction ?direction_label
        WHERE {{
          OPTIONAL {{ {action} skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ {action} skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
          OPTIONAL {{ {action} km:actionKind ?kind
                      OPTIONAL {{ ?kind skos:prefLabel ?kind_label FILTER(LANG(?kind_label) = "sv") }} }}
          OPTIONAL {{ {action} km:modality ?modality }}
          OPTIONAL {{ {action} km:text|dct:description ?text FILTER(LANG(?text) IN ("sv", "")) }}
          OPTIONAL {{ {action} km:targetValue ?target_value }}
          OPTIONAL {{ {action} km:unit ?unit FILTER(LANG(?unit) IN ("sv", "")) }}
          OPTIONAL {{ {action} km:targetYear ?year }}
          OPTIONAL {{ {action} km:direction ?direction
                      OPTIONAL {{ ?direction skos:prefLabel ?direction_label FILTER(LANG(?direction_label) = "sv") }} }}
        }} LIMIT 1""",
        vocab,
    )
    goals = select(
        store,
        f"""
        SELECT ?goal ?notation ?label ?statement WHERE {{
          {action} km:serves ?goal . ?goal skos:notation ?notation .
          OPTIONAL {{ ?goal skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ ?goal km:statement ?statement }}
        }} ORDER BY ?notation""",
        vocab,
    )
    evidence = select(
        store,
        f"""
        SELECT DISTINCT ?statement ?quote ?paragraph ?position ?goal ?notation ?goal_label ?in_goal ?start ?end WHERE {{
          {action} km:evidence ?statement . ?statement km:quote ?quote .
          OPTIONAL {{ ?statement km:inParagraph ?paragraph .
                      OPTIONAL {{ ?paragraph km:position ?position }}
                      OPTIONAL {{ ?paragraph km:sourceSpan ?span . ?span km:startLine ?start ; km:endLine ?end }}
                      OPTIONAL {{ ?paragraph dct:isPartOf/km:textOf ?goal }} }}
          OPTIONAL {{ ?statement km:inGoalStatement ?in_goal }}
          OPTIONAL {{ ?goal skos:notation ?notation }}
          OPTIONAL {{ ?goal skos:prefLabel ?goal_label FILTER(LANG(?goal_label) = "sv") }}
        }} ORDER BY ?notation ?position""",
        vocab,
    )
    indicators = select(
        store,
        f"""
        SELECT DISTINCT ?indicator ?notation ?label ?status WHERE {{
          {action} km:measuredBy ?indicator .
          OPTIONAL {{ ?indicator skos:notation ?notation }}
          OPTIONAL {{ ?indicator skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ ?indicator km:verificationStatus ?status }}
        }} ORDER BY ?notation""",
        vocab,
    )
    subject = f"{{ BIND({action} AS ?subject) }}"
    return page(
        request,
        "action.html",
        links=links,
        vary=True,
        d=d,
        info=info[0] if info else {},
        goals=goals,
        evidence=evidence,
        sdg=sdg_links(store, vocab, subject),
        responsibility=responsibilities(store, vocab, subject),
        indicators=indicators,
        unverified=URIRef(vocab + "unverified"),
        properties=properties(d),
    )


def organisation_page(request: Request, store: Store, d: Description, links: list[tuple[str, str, str]]) -> Response:
    vocab = _vocab(request)
    org = f"<{d.iri}>"
    info = select(
        store,
        f"""
        SELECT ?label ?en ?kind_label ?parent ?parent_label ?unit_of ?unit_of_label ?description ?share WHERE {{
          OPTIONAL {{ {org} skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ {org} skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
          OPTIONAL {{ {org} org:classification/skos:prefLabel ?kind_label FILTER(LANG(?kind_label) = "sv") }}
          OPTIONAL {{ {org} org:subOrganizationOf ?parent
                      OPTIONAL {{ ?parent skos:prefLabel ?parent_label FILTER(LANG(?parent_label) = "sv") }} }}
          OPTIONAL {{ {org} org:unitOf ?unit_of
                      OPTIONAL {{ ?unit_of skos:prefLabel ?unit_of_label FILTER(LANG(?unit_of_label) = "sv") }} }}
          OPTIONAL {{ {org} dct:description ?description FILTER(LANG(?description) = "sv") }}
          OPTIONAL {{ {org} km:ownershipShare ?share }}
        }} LIMIT 1""",
        vocab,
    )
    identifiers = select(
        store,
        f"""
        SELECT DISTINCT ?identifier ?notation ?label ?agency ?source ?status ?note WHERE {{
          {org} <http://www.w3.org/ns/adms#identifier> ?identifier .
          OPTIONAL {{ ?identifier skos:notation ?notation }}
          OPTIONAL {{ ?identifier skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ ?identifier <http://www.w3.org/ns/adms#schemaAgency> ?agency }}
          OPTIONAL {{ ?identifier dct:source ?source }}
          OPTIONAL {{ ?identifier km:verificationStatus ?status }}
          OPTIONAL {{ ?identifier skos:editorialNote ?note FILTER(LANG(?note) = "sv") }}
        }} ORDER BY ?label""",
        vocab,
    )
    plain_ids = [v for v in d.values(DCTERMS.identifier)]
    units = select(
        store,
        f"""
        SELECT DISTINCT ?unit ?label ?kind_label WHERE {{
          {{ ?unit org:unitOf|org:subOrganizationOf {org} }} UNION {{ {org} org:hasUnit|org:hasSubOrganization ?unit }}
          OPTIONAL {{ ?unit skos:prefLabel ?label FILTER(LANG(?label) = "sv") }}
          OPTIONAL {{ ?unit org:classification/skos:prefLabel ?kind_label FILTER(LANG(?kind_label) = "sv") }}
        }} ORDER BY ?label""",
        vocab,
    )
    responsible_for = responsibilities(store, vocab, f"BIND({org} AS ?object)")
    served: dict[Any, list[str]] = defaultdict(list)
    for row in select(
        store,
        f"""
        SELECT DISTINCT ?subject ?notation ?is_goal WHERE {{
          ?link a km:Responsibility ; km:subject ?subject ; km:object {org} .
          {{ ?subject a km:Goal ; skos:notation ?notation BIND(true AS ?is_goal) }}
          UNION {{ ?subject km:serves/skos:notation ?notation }}
        }}""",
        vocab,
    ):
        served[row["subject"]].append(str(row["notation"]))
    for r in responsible_for:
        r["goals"] = sorted(served.get(r["subject"], []), key=_code_key)
        r["is_goal"] = bool(r["goals"]) and str(r["subject"]).rsplit("/", 1)[-1] == r["goals"][0]
    responsible_for.sort(
        key=lambda r: (
            not r["is_goal"],
            _code_key(r["goals"][0] if r["goals"] else ""),
            str(r.get("subject_label", "")),
        )
    )
    notes = [n for n in d.values(SKOS.editorialNote) if isinstance(n, Literal) and n.language in (None, "sv")]
    return page(
        request,
        "organisation.html",
        links=links,
        vary=True,
        d=d,
        info=info[0] if info else {},
        identifiers=identifiers,
        plain_ids=plain_ids,
        units=units,
        responsible_for=responsible_for,
        sources=d.values(DCTERMS.source),
        notes=notes,
        unverified=URIRef(vocab + "unverified"),
        is_unverified=_unverified(d, vocab),
        properties=properties(d),
    )


# ---------------------------------------------------------------------------------------------- SDG pages


@router.get("/sdg", include_in_schema=False)
def sdg_overview(request: Request, store: Store = Depends(get_store)) -> Response:
    vocab = _vocab(request)
    goals = select(
        store,
        """
        SELECT ?sdg ?code ?sv ?en ?short (COUNT(DISTINCT ?link) AS ?links) (COUNT(DISTINCT ?subject) AS ?subjects)
        WHERE {
          ?sdg a sdgo:Goal ; skos:notation ?code . FILTER(DATATYPE(?code) = sdgo:SDGCodeCompact)
          OPTIONAL { ?sdg skos:prefLabel ?sv FILTER(LANG(?sv) = "sv") }
          OPTIONAL { ?sdg skos:prefLabel ?en FILTER(LANG(?en) = "en") }
          OPTIONAL { ?sdg skos:altLabel ?short FILTER(LANG(?short) = "en") }
          OPTIONAL { ?link a km:SdgLink ; km:subject ?subject ; km:object ?o .
                      FILTER(?o = ?sdg || EXISTS { ?o skos:broader ?sdg }) }
        } GROUP BY ?sdg ?code ?sv ?en ?short""",
        vocab,
    )
    goals.sort(key=lambda r: _code_key(r["code"]))
    site = Site(request.app.state.settings)
    release: Release = request.app.state.release
    kos = [g for g, meta in release.meta.get("graphs", {}).items() if meta.get("role") == "reference" and "/sdg" in g]
    graphs = release.meta["graphs"]
    links = [(site.path(g) + ".ttl", "text/turtle", f"{graphs[g]['file']} (Turtle)") for g in sorted(kos)]
    return page(request, "sdg_overview.html", links=links, goals=goals)


@router.get("/sdg/{code}", include_in_schema=False)
def sdg_page(code: str, request: Request, store: Store = Depends(get_store)) -> Response:
    vocab = _vocab(request)
    site = Site(request.app.state.settings)
    code, forced = split_extension(code)
    iri = SDG + code
    d = describe(store, iri)
    if not any(t in (URIRef(SDGO + "Goal"), URIRef(SDGO + "Target")) for t in d.types):
        return not_found(request, iri)
    fmt = choose(request, forced)
    links = alternates(site.url("sdg/" + code))
    if fmt is None:
        return not_acceptable()
    if fmt.kind != "html":
        doc = site.iris.base + "sdg/" + code
        return rdf_response(d.graph(doc, site.iris.dataset), fmt, links=links, base_iri=site.iris.base)
    is_goal = URIRef(SDGO + "Goal") in d.types
    node = f"<{iri}>"
    info = select(
        store,
        f"""
        SELECT ?code ?sv ?sv_alt ?en ?short ?parent ?parent_code ?parent_sv ?parent_en ?status WHERE {{
          OPTIONAL {{ {node} skos:notation ?code FILTER(DATATYPE(?code) = sdgo:SDGCodeCompact) }}
          OPTIONAL {{ {node} skos:prefLabel ?sv FILTER(LANG(?sv) = "sv") }}
          OPTIONAL {{ {node} skos:altLabel ?sv_alt FILTER(LANG(?sv_alt) = "sv") }}
          OPTIONAL {{ {node} skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
          OPTIONAL {{ {node} skos:altLabel ?short FILTER(LANG(?short) = "en") }}
          OPTIONAL {{ {node} <http://www.w3.org/2008/05/skos-xl#prefLabel>/km:verificationStatus ?status }}
          OPTIONAL {{ {node} skos:broader ?parent .
                      OPTIONAL {{ ?parent skos:notation ?parent_code
                                  FILTER(DATATYPE(?parent_code) = sdgo:SDGCodeCompact) }}
                      OPTIONAL {{ ?parent skos:prefLabel ?parent_sv FILTER(LANG(?parent_sv) = "sv") }}
                      OPTIONAL {{ ?parent skos:prefLabel ?parent_en FILTER(LANG(?parent_en) = "en") }} }}
        }} LIMIT 1""",
        vocab,
    )
    targets = (
        select(
            store,
            f"""
        SELECT ?target ?code ?en (COUNT(DISTINCT ?link) AS ?links) WHERE {{
          ?target skos:broader {node} ; a sdgo:Target ; skos:notation ?code .
          FILTER(DATATYPE(?code) = sdgo:SDGCodeCompact)
          OPTIONAL {{ ?target skos:prefLabel ?en FILTER(LANG(?en) = "en") }}
          OPTIONAL {{ ?link a km:SdgLink ; km:object ?target }}
        }} GROUP BY ?target ?code ?en""",
            vocab,
        )
        if is_goal
        else []
    )
    targets.sort(key=lambda r: _code_key(r["code"]))
    objects = (
        f"{{ BIND({node} AS ?object) }} UNION {{ ?object skos:broader {node} }}"
        if is_goal
        else f"BIND({node} AS ?object)"
    )
    links_here = sdg_links(store, vocab, objects)
    return page(
        request,
        "sdg.html",
        links=links,
        vary=True,
        d=d,
        info=info[0] if info else {},
        is_goal=is_goal,
        targets=targets,
        sdg_links=links_here,
        unverified=URIRef(vocab + "unverified"),
    )


# ---------------------------------------------------------------------------------------------- vocabulary


def ontology_graph(store: Store, release: Release) -> Graph:
    """The vocabulary: every named graph the release built from the ontology folder."""
    g = Graph()
    for graph, meta in release.meta.get("graphs", {}).items():
        if meta.get("role") == "ontology":
            g += graph_contents(store, graph)
    return g


def ontology_page(request: Request, graph: Graph, links: list[tuple[str, str, str]]) -> Response:
    iris = Iris(request.app.state.settings.base_iri)
    ontology = URIRef(iris.ontology)
    vocab = iris.vocab

    def text(s: Any, p: URIRef, lang: str) -> str:
        for o in graph.objects(s, p):
            if isinstance(o, Literal) and o.language == lang:
                return str(o)
        return ""

    def term(s: URIRef) -> dict[str, Any]:
        name = str(s)[len(vocab) :]
        return {
            "iri": s,
            "name": name,
            "sv": text(s, RDFS.label, "sv") or text(s, SKOS.prefLabel, "sv"),
            "en": text(s, RDFS.label, "en") or text(s, SKOS.prefLabel, "en"),
            "def_sv": text(s, SKOS.definition, "sv"),
            "def_en": text(s, SKOS.definition, "en"),
            "types": sorted(graph.objects(s, RDF.type), key=str),
            "super": sorted(graph.objects(s, RDFS.subClassOf), key=str)
            + sorted(graph.objects(s, RDFS.subPropertyOf), key=str),
            "domain": sorted(graph.objects(s, RDFS.domain), key=str),
            "range": sorted(graph.objects(s, RDFS.range), key=str),
            "scheme": sorted(graph.objects(s, SKOS.inScheme), key=str),
        }

    terms = sorted({s for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(vocab)}, key=str)
    sections: dict[str, list[dict[str, Any]]] = {
        "Klasser": [],
        "Objektegenskaper": [],
        "Dataegenskaper": [],
        "Datatyper": [],
        "Begreppsscheman": [],
        "Begrepp": [],
        "Övrigt": [],
    }
    for s in terms:
        types = set(graph.objects(s, RDF.type))
        if OWL.Class in types:
            key = "Klasser"
        elif OWL.ObjectProperty in types:
            key = "Objektegenskaper"
        elif OWL.DatatypeProperty in types:
            key = "Dataegenskaper"
        elif RDFS.Datatype in types:
            key = "Datatyper"
        elif SKOS.ConceptScheme in types:
            key = "Begreppsscheman"
        elif SKOS.Concept in types:
            key = "Begrepp"
        else:
            key = "Övrigt"
        sections[key].append(term(s))
    header = {
        "title_sv": text(ontology, DCTERMS.title, "sv"),
        "title_en": text(ontology, DCTERMS.title, "en"),
        "description_sv": text(ontology, DCTERMS.description, "sv"),
        "description_en": text(ontology, DCTERMS.description, "en"),
        "version": next(iter(graph.objects(ontology, OWL.versionInfo)), ""),
        "version_iri": next(iter(graph.objects(ontology, OWL.versionIRI)), ""),
        "modified": next(iter(graph.objects(ontology, DCTERMS.modified)), ""),
        "license": next(iter(graph.objects(ontology, DCTERMS.license)), ""),
    }
    labels = {s: text(s, RDFS.label, "sv") or text(s, SKOS.prefLabel, "sv") for s in terms}
    return page(
        request,
        "ontology.html",
        links=links,
        vary=True,
        header=header,
        ontology=ontology,
        sections={k: v for k, v in sections.items() if v},
        term_labels=labels,
        vocab=vocab,
    )


# ---------------------------------------------------------------------------------------------- goal graph


@router.get("/graph", include_in_schema=False)
def graph_page(request: Request, store: Store = Depends(get_store)) -> Response:
    site = Site(request.app.state.settings)
    downloads = [(site.url("analysis/" + name), media, label) for name, media, label in GRAPH_DOWNLOADS]
    links = [d for d in downloads if d[1] in ("application/json", "application/graphml+xml", "application/gexf+xml")]
    # The same pairs the picture draws, as a table: what a screen reader (or anyone) can read off the image.
    pairs = select(
        store,
        """
        SELECT ?a ?a_notation ?a_label ?b ?b_notation ?b_label (COUNT(DISTINCT ?action) AS ?count)
               (GROUP_CONCAT(DISTINCT ?action_label; separator="; ") AS ?actions) WHERE {
          ?action km:serves ?a , ?b .
          ?a a km:Goal ; skos:notation ?a_notation . ?b a km:Goal ; skos:notation ?b_notation .
          FILTER(STR(?a_notation) < STR(?b_notation))
          OPTIONAL { ?a skos:prefLabel ?a_label FILTER(LANG(?a_label) = "sv") }
          OPTIONAL { ?b skos:prefLabel ?b_label FILTER(LANG(?b_label) = "sv") }
          OPTIONAL { ?action skos:prefLabel ?action_label FILTER(LANG(?action_label) = "sv") }
        } GROUP BY ?a ?a_notation ?a_label ?b ?b_notation ?b_label
        ORDER BY DESC(?count) ?a_notation ?b_notation""",
        _vocab(request),
    )
    return page(
        request,
        "graph.html",
        links=links,
        downloads=downloads,
        pairs=pairs,
        svg=site.url("analysis/goal-graph.svg"),
        interactive=site.url("analysis/goal-graph.html"),
    )


# ---------------------------------------------------------------------------------------------- static


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    """The site's own assets (the SPARQL page serves its own)."""
    folder = resources.package_file("web", "static")
    target = folder / name
    if "/" in name or name.startswith(".") or not target.is_file():
        return Response("404 Not Found\n", status_code=404, media_type="text/plain")
    media = {
        "css": "text/css; charset=utf-8",
        "js": "text/javascript; charset=utf-8",
        "svg": "image/svg+xml",
        "png": "image/png",
        "ico": "image/x-icon",
    }.get(name.rpartition(".")[2], "application/octet-stream")
    return Response(target.read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=3600"})


# ---------------------------------------------------------------------------------------------- errors


def not_found(request: Request, iri: str | None = None) -> Response:
    """404 with a page that says what was looked for, suggests near matches and where to go instead."""
    accept = request.headers.get("accept", "")
    if "text/html" not in accept and accept not in ("", "*/*"):
        return Response(
            f"404 Not Found: nothing is known about <{iri or request.url.path}>\n",
            status_code=404,
            media_type="text/plain; charset=utf-8",
            headers={"Vary": "Accept"},
        )
    wanted = (iri or request.url.path).rstrip("/")
    word = wanted.rsplit("/", 1)[-1]
    suggestions: list[dict[str, Any]] = []
    settings = request.app.state.settings
    if iri and word and re.fullmatch(r"[\w.\-]+", word):
        # Resources whose IRI contains the last segment, else the siblings under the same parent path.
        parent = wanted[: -len(word)]
        for test in (f'CONTAINS(STR(?s), "{word}")', f'STRSTARTS(STR(?s), "{parent}")'):
            suggestions = select(
                request.app.state.store,
                f"""SELECT DISTINCT ?s ?label WHERE {{
                  ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{settings.base_iri}id/") && {test})
                  OPTIONAL {{ ?s skos:prefLabel|dct:title ?label FILTER(LANG(?label) = "sv") }}
                }} ORDER BY ?s LIMIT 10""",
                settings.vocab,
            )
            if suggestions:
                break
    search = quote(f'SELECT DISTINCT ?s WHERE {{\n  ?s ?p ?o\n  FILTER(CONTAINS(STR(?s), "{word}"))\n}} LIMIT 100')
    return page(
        request,
        "not_found.html",
        status=404,
        vary=True,
        iri=iri,
        path=request.url.path,
        suggestions=suggestions,
        search=search,
    )
