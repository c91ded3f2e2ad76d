"""Pages for people: home, goal documents, goals, actions, organisations, UN goals and targets, the vocabulary,
the goal graph and the 404 page.

Thin: each route finds what the page is about and which goal document it is scoped to, asks the page's module in
kommunmal.views for its data, and renders it (or returns it as the page's JSON view). /doc/… pages are reached
through linked_data.py, which negotiates between them and RDF; the index pages live in browse.py.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from rdflib import Graph, URIRef
from starlette.exceptions import HTTPException as StarletteHTTPException

from kommunmal import resources
from kommunmal.describe import Description, describe, exists, graph_contents
from kommunmal.documents import dataset_graphs
from kommunmal.iris import SDG, Iris
from kommunmal.release import Release
from kommunmal.store import Store
from kommunmal.views import action, documents, goal, organisation, resource, sdg, suggest, vocabulary
from kommunmal.views import graph as goal_graph
from kommunmal.views.sparql import per_release
from kommunmal.web import errors
from kommunmal.web.deps import get_store, page_data
from kommunmal.web.render import (
    Site,
    alternates,
    choose,
    not_acceptable,
    page,
    predicate_label,
    rdf_response,
    split_extension,
    view,
)
from kommunmal.web.routes import browse
from kommunmal.web.scope import PARAM, Scope, scope, unknown

router = APIRouter()
router.include_router(browse.router)

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
    ("goal-graph.csv", "text/csv", "CSV (kanter)"),
    ("goal-graph.png", "image/png", "PNG"),
    ("goal-graph.svg", "image/svg+xml", "SVG"),
)


def _vocab(request: Request) -> str:
    return request.app.state.settings.vocab


# ---------------------------------------------------------------------------------------------- home


@router.get("/", include_in_schema=False)
def home(request: Request, store: Store = Depends(get_store)) -> Response:
    site = Site(request.app.state.settings)
    links = [
        (site.path(site.iris.void), "text/turtle", "VoID"),
        (site.path(site.iris.catalog_document), "application/rdf+xml", "DCAT-AP-SE"),
    ]
    return view(request, "home.html", documents.build_home(store, _vocab(request)), links=links, vary=False)


# ---------------------------------------------------------------------------------------------- /doc/ pages


def _other_years(known: list, iri: str) -> list[dict[str, Any]]:
    """The same municipality's other goal documents than `iri`, oldest first, each with the `from` and `to` of the
    year comparison (/jamfor) between the two, earlier first: {"title", "year", "from", "to"}."""
    this = next((k for k in known if k.iri == iri), None)
    if this is None:
        return []
    others = sorted((k for k in known if k.slug == this.slug and k.iri != iri), key=_year)
    return [
        {"title": k.title, "year": k.year, "from": min(k, this, key=_year).key, "to": max(k, this, key=_year).key}
        for k in others
    ]


def _year(document: Any) -> int:
    return document.year or 0


def resource_page(request: Request, d: Description, links: list[tuple[str, str, str]]) -> Response:
    """The HTML page (or, with ?format=json, the JSON view) of a described resource: a page shaped for its
    class, else the generic one."""
    store: Store = request.app.state.store
    vocab = _vocab(request)
    types = {str(t) for t in d.types}
    extra: dict[str, Any] = {"d": d, "unverified": URIRef(vocab + "unverified")}
    json_ok = {"links": links, "negotiate_json": False}
    data: dict[str, Any] | None = None
    if vocab + "GoalDocument" in types:
        template, data = "document.html", documents.build_document(store, vocab, str(d.iri))
        data["other_years"] = _other_years(scope(request, store).documents, str(d.iri))
    elif vocab + "Goal" in types:
        template, data = "goal.html", goal.build(store, vocab, d)
    elif vocab + "Action" in types or vocab + "Target" in types:
        template, data = "action.html", action.build(store, vocab, d)
    elif types & ORG_TYPES:
        sc = scope(request, store)
        if sc.unknown:
            return unknown(request, sc)
        template, data = "organisation.html", organisation.build(store, vocab, d, sc.iri) | {"scope": sc.as_dict()}
    if data is not None:
        data["properties"] = resource.properties(d, predicate_label)
        return view(request, template, data, **json_ok, **extra)
    return view(request, "resource.html", resource.build(d, vocab, predicate_label), **json_ok, **extra)


# ---------------------------------------------------------------------------------------------- SDG pages


@router.get("/sdg", include_in_schema=False)
def sdg_overview(request: Request, store: Store = Depends(get_store)) -> Response:
    sc = scope(request, store)
    if sc.unknown:
        return unknown(request, sc)
    site = Site(request.app.state.settings)
    release: Release = request.app.state.release
    graphs = release.meta.get("graphs", {})
    kos = [g for g, meta in graphs.items() if meta.get("role") == "reference" and "/sdg" in g]
    links = [(site.path(g) + ".ttl", "text/turtle", "FN:s SDG-KOS (Turtle)") for g in sorted(kos)]
    vocab = _vocab(request)
    built = page_data(request).get(release.id, ("sdg", sc.iri), lambda: sdg.build_overview(store, vocab, sc.iri))
    data = built | {"scope": sc.as_dict()}
    return view(request, "sdg_overview.html", data, links=links)


@router.get("/sdg/{code}", include_in_schema=False)
def sdg_page(code: str, request: Request, store: Store = Depends(get_store)) -> Response:
    site = Site(request.app.state.settings)
    code, forced = split_extension(code)
    iri = SDG + code
    # A UN goal or target is the object of every link to it: at 290 municipalities its description (thousands of
    # inbound triples and their labels) took 0.1 s, the same for every request while the release is served.
    # Kept only for what exists: the cache is bounded, and made-up addresses must not push real pages out of it.
    if not exists(store, iri):
        return not_found(request, iri)
    release = request.app.state.release
    d = page_data(request).get(release.id, ("sdg-describe", iri), lambda: describe(store, iri))
    fmt = choose(request, forced, json_view=True)
    links = alternates(site.url("sdg/" + code))
    if fmt is None:
        return not_acceptable()
    if fmt.kind != "html":
        doc = site.iris.base + "sdg/" + code
        return rdf_response(d.graph(doc, site.iris.dataset), fmt, links=links, base_iri=site.iris.base)
    vocab = _vocab(request)
    kinds = {URIRef(SDGO + "Goal"), URIRef(SDGO + "Target")} & set(d.types)
    if not kinds:  # an SDG indicator or series: the generic page
        return view(request, "resource.html", resource.build(d, vocab, predicate_label), links=links, d=d)
    sc = scope(request, store)
    if sc.unknown:
        return unknown(request, sc)
    is_goal = URIRef(SDGO + "Goal") in kinds
    per_document = sc.document is None and len(sc.documents) > 1
    built = page_data(request).get(
        request.app.state.release.id,
        ("sdg", iri, sc.iri),
        lambda: sdg.build(store, vocab, iri, is_goal, sc.iri, per_document=per_document),
    )
    data = built | {"scope": sc.as_dict()}
    return view(
        request, "sdg.html", data, links=links, negotiate_json=False, d=d, unverified=URIRef(vocab + "unverified")
    )


# ---------------------------------------------------------------------------------------------- vocabulary


def ontology_graph(store: Store, release: Release) -> Graph:
    """The vocabulary: every named graph the release built from the ontology folder."""

    def read() -> Graph:
        g = Graph()
        for graph, meta in release.meta.get("graphs", {}).items():
            if meta.get("role") == "ontology":
                g += graph_contents(store, graph)
        return g

    return per_release(store, "ontology", release.id, read)


def ontology_page(request: Request, graph: Graph, links: list[tuple[str, str, str]]) -> Response:
    iris = Iris(request.app.state.settings.base_iri)
    store: Store = request.app.state.store
    data, svg = per_release(store, "vocabulary", id(graph), lambda: _vocabulary(graph, iris))
    return view(request, "ontology.html", data, links=links, negotiate_json=False, diagram_svg=svg)


def _vocabulary(graph: Graph, iris: Iris) -> tuple[dict[str, Any], str]:
    data = vocabulary.build(graph, iris.ontology, iris.vocab)
    return data, vocabulary.diagram_svg(data["diagram"])


# ---------------------------------------------------------------------------------------------- goal graph


@router.get("/graph", include_in_schema=False)
def graph_page(request: Request, store: Store = Depends(get_store)) -> Response:
    site = Site(request.app.state.settings)
    sc = scope(request, store, default_latest=True)
    layer = request.query_params.get("lager", "actions")
    if layer not in goal_graph.LAYER_CHOICES:
        return errors.unknown_value(request, "lager", layer, goal_graph.LAYER_CHOICES, ("lager", "layer"))
    if sc.unknown:
        return unknown(request, sc)
    if sc.document is None:
        return not_found(request)
    goals = documents.goal_iris(store, _vocab(request), sc.document.iri)
    graphs = dataset_graphs(sc.document, store.named_graphs(), request.app.state.settings.base_iri)
    data = goal_graph.build(store, _vocab(request), goals, layer, graphs) | {"scope": sc.as_dict()}
    downloads = [
        (site.url("analysis/" + name) + f"?layer={layer}&{PARAM}={quote(sc.document.key)}", media, label)
        for name, media, label in GRAPH_DOWNLOADS
    ]
    links = [d for d in downloads if d[1] in ("application/json", "application/graphml+xml", "application/gexf+xml")]
    return view(
        request,
        "graph.html",
        data,
        links=links,
        downloads=downloads,
        groups=goal_graph.community_members(data["nodes"]),
    )


# ---------------------------------------------------------------------------------------------- static


STATIC_TYPES = {
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "svg": "image/svg+xml",
    "png": "image/png",
    "ico": "image/x-icon",
}


@router.get("/static/{name}", include_in_schema=False)
def static(name: str, request: Request) -> Response:
    """The site's own assets (the SPARQL page serves its own)."""
    folder = resources.package_file("web", "static")
    target = folder / name
    if "/" in name or name.startswith(".") or not target.is_file():
        return not_found(request)
    media = STATIC_TYPES.get(name.rpartition(".")[2], "application/octet-stream")
    return Response(target.read_bytes(), media_type=media, headers={"Cache-Control": "public, max-age=3600"})


@router.get("/favicon.ico", include_in_schema=False)
def favicon(request: Request) -> Response:
    return static("favicon.svg", request)


# ---------------------------------------------------------------------------------------------- errors


def not_found(request: Request, iri: str | None = None) -> Response:
    """404 with a page that says what was looked for, suggests the closest resources by name or address, and
    where to go instead; plain text for clients that do not take HTML."""
    accept = request.headers.get("accept", "")
    if "text/html" not in accept and accept not in ("", "*/*"):
        return Response(
            f"404 Not Found: nothing is known about <{iri or request.url.path}>\n",
            status_code=404,
            media_type="text/plain; charset=utf-8",
            headers={"Vary": "Accept"},
        )
    settings = request.app.state.settings
    wanted = (iri or request.url.path).rstrip("/")
    word = wanted.rsplit("/", 1)[-1]
    suggestions = suggest.closest(request.app.state.store, settings.vocab, settings.base_iri, wanted)
    search = quote(f'SELECT DISTINCT ?s WHERE {{\n  ?s ?p ?o\n  FILTER(CONTAINS(STR(?s), "{word}"))\n}} LIMIT 100')
    data = {"iri": iri, "path": request.url.path, "suggestions": suggestions}
    return view(request, "not_found.html", data, status=404, search=search)


def install(app: FastAPI) -> None:
    """Answer every unknown path with the 404 page (HTML for browsers), not the framework's JSON; invalid
    parameters with bilingual 400s (kommunmal.web.errors)."""

    async def handler(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404 and "text/html" in request.headers.get("accept", ""):
            return not_found(request)
        from fastapi.exception_handlers import http_exception_handler

        return await http_exception_handler(request, exc)

    app.add_exception_handler(StarletteHTTPException, handler)
    errors.install(app)


__all__ = ["Scope", "install", "not_found", "ontology_graph", "ontology_page", "page", "resource_page"]
