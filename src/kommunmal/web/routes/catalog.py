"""/catalog: the DCAT-AP-SE catalog registries harvest (RDF/XML unless asked otherwise); /.well-known/void."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF

from kommunmal.catalog import SPDX, VCARD, catalog_graph
from kommunmal.catalog_summary import dataset_summaries
from kommunmal.config import Settings
from kommunmal.formats import FORMATS, RDF_GRAPH_FORMATS
from kommunmal.iris import Iris
from kommunmal.release import Release
from kommunmal.web.deps import get_iris, get_release, get_settings
from kommunmal.web.render import (
    Site,
    alternates,
    choose,
    not_acceptable,
    page,
    rdf_response,
    serialized,
)

router = APIRouter()
GET_HEAD = ["GET", "HEAD"]
# RDF/XML first: it is what dataportal.se's harvester expects when it sends no Accept header.
CATALOG_FORMATS = (FORMATS["rdfxml"], FORMATS["turtle"], FORMATS["jsonld"], FORMATS["ntriples"], FORMATS["html"])
# Turtle first (no Accept, */*); HTML last, for browsers, whose Accept ranks it first (and application/xml,
# an RDF/XML alias, above */*: without HTML here they were sent RDF/XML).
VOID_FORMATS = (FORMATS["turtle"], *(f for f in RDF_GRAPH_FORMATS if f.name != "turtle"), FORMATS["html"])


@router.api_route("/catalog", methods=GET_HEAD, include_in_schema=False)
@router.api_route("/catalog.{ext}", methods=GET_HEAD, include_in_schema=False)
def catalog(
    request: Request,
    ext: str | None = None,
    settings: Settings = Depends(get_settings),
    release: Release = Depends(get_release),
    iris: Iris = Depends(get_iris),
) -> Response:
    forced = _by_extension(ext, CATALOG_FORMATS)
    if ext is not None and forced is None:
        return Response("404 Not Found\n", status_code=404, media_type="text/plain; charset=utf-8")
    site = Site(settings)
    links = alternates(site.path(iris.catalog_document), CATALOG_FORMATS[:4])
    fmt = choose(request, forced, CATALOG_FORMATS)
    if fmt is None:
        return not_acceptable(CATALOG_FORMATS)
    graph = catalog_graph_cached(settings, release.path)
    if fmt.kind == "html":
        return catalog_page(request, graph, links)
    body = _catalog_bytes(settings, release.path, fmt.name, iris.base)
    return rdf_response(graph, fmt, links=links, base_iri=iris.base, body=body)


@router.api_route("/.well-known/void", methods=GET_HEAD, include_in_schema=False)
@router.api_route("/.well-known/void.{ext}", methods=GET_HEAD, include_in_schema=False)
def void(
    request: Request, ext: str | None = None, release: Release = Depends(get_release), iris: Iris = Depends(get_iris)
) -> Response:
    """The release's VoID description (void.ttl), in the RDF form asked for."""
    forced = _by_extension(ext, VOID_FORMATS)
    if ext is not None and forced is None:
        return Response("404 Not Found\n", status_code=404, media_type="text/plain; charset=utf-8")
    fmt = choose(request, forced, VOID_FORMATS)
    if fmt is None:
        return not_acceptable(VOID_FORMATS)
    site = Site(request.app.state.settings)
    links = alternates(site.path(iris.void), VOID_FORMATS[:-1])
    if fmt.kind == "html":
        turtle = serialized(_void(release.path), FORMATS["turtle"], iris.base).decode("utf-8")
        return page(request, "void.html", links=links, vary=True, turtle=turtle)
    return rdf_response(_void(release.path), fmt, links=links, base_iri=iris.base)


def catalog_and_void(settings: Settings, release: Release) -> Graph:
    """The catalog with the release's VoID: together they describe every /id/catalog… and /id/dataset… IRI."""
    g = Graph()
    g += catalog_graph_cached(settings, release.path)
    g += _void(release.path)
    return g


@lru_cache(maxsize=4)
def catalog_graph_cached(settings: Settings, path: Path) -> Graph:
    return catalog_graph(settings, Release(path))


@lru_cache(maxsize=8)
def _catalog_bytes(settings: Settings, path: Path, fmt_name: str, base_iri: str) -> bytes:
    # Serialising the catalog of 290 goal documents took 0.8 s (RDF/XML) to 3 s (Turtle) a request.
    return serialized(catalog_graph_cached(settings, path), FORMATS[fmt_name], base_iri)


@lru_cache(maxsize=4)
def _void(path: Path) -> Graph:
    return Graph().parse(path / "void.ttl", format="turtle")


def catalog_page(
    request: Request, graph: Graph, links: list[tuple[str, str, str]], focus: str | None = None
) -> Response:
    """The catalog for people: the dataset, its downloads and the SPARQL service, and who to contact."""
    settings: Settings = request.app.state.settings
    iris = Iris(settings.base_iri)

    def one(s: Any, p: URIRef, lang: str | None = "sv") -> Any:
        values = list(graph.objects(s, p))
        for v in values:
            if isinstance(v, Literal) and v.language == lang:
                return v
        return values[0] if values else None

    dataset = URIRef(iris.dataset)
    distributions = []
    for dist in sorted(graph.objects(dataset, DCAT.distribution), key=str):
        checksum = one(dist, SPDX.checksum)
        distributions.append(
            {
                "iri": dist,
                "title": one(dist, DCTERMS.title),
                "url": one(dist, DCAT.downloadURL) or one(dist, DCAT.accessURL),
                "media": str(one(dist, DCAT.mediaType) or "").rsplit("media-types/", 1)[-1],
                "bytes": one(dist, DCAT.byteSize),
                "sha256": one(checksum, SPDX.checksumValue) if checksum else None,
            }
        )
    publisher = one(dataset, DCTERMS.publisher)
    contact = one(dataset, DCAT.contactPoint)
    email = str(one(contact, VCARD.hasEmail) or "")
    return page(
        request,
        "catalog.html",
        links=links,
        vary=True,
        focus=focus,
        dataset=dataset,
        title=one(dataset, DCTERMS.title),
        title_en=one(dataset, DCTERMS.title, "en"),
        description=one(dataset, DCTERMS.description),
        keywords=sorted(
            str(k) for k in graph.objects(dataset, DCAT.keyword) if isinstance(k, Literal) and k.language == "sv"
        ),
        distributions=distributions,
        service=URIRef(iris.sparql_service),
        endpoint=one(URIRef(iris.sparql_service), DCAT.endpointURL),
        publisher=publisher,
        publisher_name=one(publisher, FOAF.name),
        contact_name=one(contact, VCARD.fn),
        email=email,
        placeholder=email.endswith(".invalid"),
        modified=one(dataset, DCTERMS.modified),
        catalog_types=[t for t in graph.objects(URIRef(iris.catalog), RDF.type)],
        datasets=dataset_summaries(graph, iris),
    )


def _by_extension(ext: str | None, formats: tuple) -> Any:
    if ext is None:
        return None
    return next((f for f in formats if f.extension == ext), None)
