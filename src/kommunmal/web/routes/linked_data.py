"""Dereferenceable IRIs: /id/… answers 303 See Other to /doc/…, which negotiates HTML and RDF; /def/kommunmal
serves the vocabulary (so its hash IRIs resolve) and /graph/… the named graphs.

The RDF always keeps the canonical IRIs under base_iri; only the links in pages point to local addresses.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, OWL, RDF

from kommunmal.config import Settings
from kommunmal.describe import VOID, describe, exists, graph_contents, labels
from kommunmal.iris import Iris
from kommunmal.release import Release
from kommunmal.store import Store
from kommunmal.web.deps import get_iris, get_release, get_settings, get_store
from kommunmal.web.render import Site, alternates, choose, not_acceptable, rdf_response, split_extension
from kommunmal.web.routes import pages
from kommunmal.web.routes.catalog import catalog_and_void, catalog_page

router = APIRouter()
GET_HEAD = ["GET", "HEAD"]


@router.api_route("/id/{path:path}", methods=GET_HEAD, include_in_schema=False)
def thing(path: str, request: Request, store: Store = Depends(get_store), iris: Iris = Depends(get_iris)) -> Response:
    """A thing is not a document: point the client at the document about it."""
    iri = iris.base + "id/" + path
    if not (iris.is_catalog_resource(iri) or exists(store, iri)):
        return pages.not_found(request, iri)
    site = Site(request.app.state.settings)
    return RedirectResponse(site.path(iris.thing_to_doc(iri) or iri), status_code=303, headers={"Vary": "Accept"})


@router.api_route("/doc/{path:path}", methods=GET_HEAD, include_in_schema=False)
def document(
    path: str,
    request: Request,
    store: Store = Depends(get_store),
    iris: Iris = Depends(get_iris),
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
) -> Response:
    """The document about `{base}id/{path}`: HTML for people, Turtle, JSON-LD, RDF/XML or N-Triples for programs."""
    site = Site(settings)
    forced = None
    if not (iris.is_catalog_resource(iris.base + "id/" + path) or exists(store, iris.base + "id/" + path)):
        path, forced = split_extension(path)
    iri = iris.base + "id/" + path
    doc = iris.base + "doc/" + path
    links = alternates(site.path(doc))
    fmt = choose(request, forced, json_view=True)
    if iris.is_catalog_resource(iri):
        graph = catalog_and_void(settings, release)
        if fmt is None:
            return not_acceptable()
        if fmt.kind == "html":
            return catalog_page(request, graph, links, focus=iri)
        return rdf_response(_with_document(graph, doc, iri, iris), fmt, links=links, base_iri=iris.base)
    d = describe(store, iri)
    if not d.exists:
        return pages.not_found(request, iri)
    if fmt is None:
        return not_acceptable()
    if fmt.kind == "html":
        return pages.resource_page(request, d, links)
    return rdf_response(d.graph(doc, iris.dataset), fmt, links=links, base_iri=iris.base)


@router.api_route("/def/kommunmal", methods=GET_HEAD, include_in_schema=False)
@router.api_route("/def/kommunmal.{ext}", methods=GET_HEAD, include_in_schema=False)
@router.api_route("/def/kommunmal/{version}", methods=GET_HEAD, include_in_schema=False)
def vocabulary(
    request: Request,
    ext: str | None = None,
    version: str | None = None,
    store: Store = Depends(get_store),
    release: Release = Depends(get_release),
    iris: Iris = Depends(get_iris),
) -> Response:
    """The vocabulary; its terms are hash IRIs ({base}def/kommunmal#Goal), so they all resolve here."""
    site = Site(request.app.state.settings)
    graph = pages.ontology_graph(store, release)
    forced = None
    if version is not None:
        version, forced = split_extension(version)
        if URIRef(f"{iris.ontology}/{version}") not in set(graph.objects(URIRef(iris.ontology), OWL.versionIRI)):
            return pages.not_found(request, f"{iris.ontology}/{version}")
    elif ext is not None:
        _, forced = split_extension("kommunmal." + ext)
        if forced is None:
            return pages.not_found(request, f"{iris.ontology}.{ext}")
    links = alternates(site.path(iris.ontology))
    fmt = choose(request, forced, json_view=True)
    if fmt is None:
        return not_acceptable()
    if fmt.kind == "html":
        return pages.ontology_page(request, graph, links)
    return rdf_response(graph, fmt, links=links, base_iri=iris.base)


@router.api_route("/graph/{name:path}", methods=GET_HEAD, include_in_schema=False)
def named_graph(
    name: str,
    request: Request,
    store: Store = Depends(get_store),
    iris: Iris = Depends(get_iris),
    release: Release = Depends(get_release),
) -> Response:
    """One named graph of the release, as RDF or as a page listing what it describes."""
    site = Site(request.app.state.settings)
    known = release.meta.get("graphs", {})
    forced = None
    if iris.graph(name) not in known:
        name, forced = split_extension(name)
    graph_iri = iris.graph(name)
    if graph_iri not in known:
        return pages.not_found(request, graph_iri)
    links = alternates(site.path(graph_iri))
    fmt = choose(request, forced)
    if fmt is None:
        return not_acceptable()
    graph = graph_contents(store, graph_iri)
    if fmt.kind == "html":
        subjects = sorted({s for s in graph.subjects() if isinstance(s, URIRef)}, key=str)
        names, _ = labels(store, subjects)
        return pages.page(
            request,
            "named_graph.html",
            links=links,
            vary=True,
            graph_iri=graph_iri,
            meta=known[graph_iri],
            triples=len(graph),
            subjects=subjects,
            names=names,
        )
    return rdf_response(graph, fmt, links=links, base_iri=iris.base)


def _with_document(graph: Graph, doc: str, iri: str, iris: Iris) -> Graph:
    g = Graph()
    g += graph
    g.add((URIRef(doc), RDF.type, FOAF.Document))
    g.add((URIRef(doc), FOAF.primaryTopic, URIRef(iri)))
    g.add((URIRef(doc), VOID.inDataset, URIRef(iris.dataset)))
    return g
