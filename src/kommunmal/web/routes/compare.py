"""/jamfor?from=…&to=…: the year comparison of two goal documents as a page, as JSON (?format=json or
/jamfor.json) and as an RDF change set in Turtle (?format=turtle or /jamfor.ttl). One core call
(kommunmal.compare.compare); the page shows exactly the JSON's values."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from rdflib import OWL, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from kommunmal.compare import (
    ACTION_KINDS_SV,
    GOAL_KINDS_SV,
    RULES_SV,
    NoSuchDocument,
    compare,
    documents,
    resolve,
)
from kommunmal.config import Settings
from kommunmal.formats import FORMATS as TABLE
from kommunmal.formats import JSON_VIEW, negotiate
from kommunmal.release import Release
from kommunmal.sparql_source import StoreSource
from kommunmal.store import Store
from kommunmal.web import errors
from kommunmal.web.deps import get_release, get_settings, get_store
from kommunmal.web.render import Site, alternates, choose, not_acceptable, page, rdf_response, split_extension
from kommunmal.web.routes import pages
from kommunmal.word_diff import diff_string

router = APIRouter()
FORMATS = {"html": "text/html", "json": "application/json", "turtle": "text/turtle"}
EXTENSIONS = {"json": "json", "ttl": "turtle"}
# What /jamfor negotiates when no `format` parameter is given: the page, its JSON, the change set in Turtle.
OFFERED = (TABLE["html"], JSON_VIEW, TABLE["turtle"])


def _answer(
    request: Request, fmt: str, before: str | None, after: str | None, settings: Settings, source: StoreSource
) -> Response:
    if fmt not in FORMATS:
        raise HTTPException(400, f"okänt format {fmt!r}; använd html, json eller turtle")
    docs = documents(source)
    if before is None or after is None:
        if len(docs) < 2:
            raise HTTPException(404, "det finns bara ett måldokument; inget att jämföra")
        before, after = before or docs[-2].name, after or docs[-1].name
    try:
        comparison = compare(source, before, after)
    except NoSuchDocument:
        try:
            resolve(source, before)
            wanted = after
        except NoSuchDocument:
            wanted = before
        return errors.unknown_document(request, wanted, [d.name for d in docs])
    query = f"from={comparison.before.name}&to={comparison.after.name}"
    if fmt == "json":
        body = json.dumps(comparison.to_dict(), ensure_ascii=False, indent=2)
        return Response(body, media_type="application/json")
    if fmt == "turtle":
        body = comparison.to_rdf(settings.base_iri).serialize(format="turtle")
        return Response(body, media_type="text/turtle; charset=utf-8")
    root = request.url.path.rsplit("/", 1)[0]
    links = [
        (f"{root}/jamfor.json?{query}", "application/json", "JSON"),
        (f"{root}/jamfor.ttl?{query}", "text/turtle", "Ändringsuppsättning (Turtle)"),
    ]
    return page(
        request,
        "compare.html",
        links=links,
        c=comparison,
        data=comparison.to_dict(),
        docs=docs,
        goal_kinds=GOAL_KINDS_SV,
        action_kinds=ACTION_KINDS_SV,
        rules=RULES_SV,
        diff_string=diff_string,
    )


@router.get("/jamfor", include_in_schema=False)
def compare_page(
    request: Request,
    before: str | None = Query(None, alias="from", description="earlier document, e.g. ostersund/2023"),
    after: str | None = Query(None, alias="to", description="later document, e.g. ostersund/2024"),
    format: str | None = Query(None, description="html, json or turtle; else the Accept header decides"),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    if format is None:
        chosen = negotiate(request.headers.get("accept"), OFFERED, TABLE["html"])
        if chosen is None:
            return not_acceptable(OFFERED)
        format = chosen.name
    response = _answer(request, format, before, after, settings, StoreSource(store, settings.vocab, release))
    if request.query_params.get("format") is None:
        response.headers["Vary"] = "Accept"
    return response


@router.get("/jamfor.{extension}", include_in_schema=False)
def compare_data(
    extension: str,
    request: Request,
    before: str | None = Query(None, alias="from"),
    after: str | None = Query(None, alias="to"),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    if extension not in EXTENSIONS:
        raise HTTPException(404, f"ingen jämförelse som .{extension}; använd .json eller .ttl")
    return _answer(request, EXTENSIONS[extension], before, after, settings, StoreSource(store, settings.vocab, release))


# --- the change vocabulary (ontology/changes.ttl): its hash IRIs {base}def/changes#… resolve here ------------


def _changes_graph(store: Store, release: Release, base_iri: str) -> Graph:
    namespace = base_iri + "def/changes"
    graph = Graph()
    for s, p, o in pages.ontology_graph(store, release):
        if str(s).startswith(namespace):
            graph.add((s, p, o))
    return graph


@router.api_route("/def/changes", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/def/changes.{ext}", methods=["GET", "HEAD"], include_in_schema=False)
@router.api_route("/def/changes/{version}", methods=["GET", "HEAD"], include_in_schema=False)
def change_vocabulary(
    request: Request,
    ext: str | None = None,
    version: str | None = None,
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    store: Store = Depends(get_store),
) -> Response:
    """The change vocabulary as a page or as RDF (content negotiation, or an extension such as .ttl)."""
    site = Site(settings)
    onto = URIRef(settings.base_iri + "def/changes")
    graph = _changes_graph(store, release, settings.base_iri)
    forced = None
    if version is not None:
        version, forced = split_extension(version)
        if URIRef(f"{onto}/{version}") not in set(graph.objects(onto, OWL.versionIRI)):
            return pages.not_found(request, f"{onto}/{version}")
    elif ext is not None:
        _, forced = split_extension("changes." + ext)
        if forced is None:
            return pages.not_found(request, f"{onto}.{ext}")
    links = alternates(site.path(str(onto)))
    fmt = choose(request, forced)
    if fmt is None:
        return not_acceptable()
    if fmt.kind != "html":
        response = rdf_response(graph, fmt, links=links, base_iri=settings.base_iri)
        return response

    def text(s: URIRef, p: URIRef) -> str:
        return next((str(o) for o in graph.objects(s, p) if getattr(o, "language", None) == "sv"), "")

    terms = []
    for s in sorted({s for s in graph.subjects() if str(s).startswith(str(onto) + "#")}, key=str):
        label = text(s, RDFS.label) or text(s, SKOS.prefLabel)
        terms.append(
            {"iri": str(s), "name": str(s).split("#", 1)[1], "label": label, "definition": text(s, SKOS.definition)}
        )
    return page(
        request,
        "changes_vocabulary.html",
        links=links,
        title=text(onto, DCTERMS.title),
        description=text(onto, DCTERMS.description),
        version=str(graph.value(onto, OWL.versionInfo) or ""),
        terms=terms,
    )
