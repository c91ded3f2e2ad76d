"""HTTP as RFC 9110 gives it, over every route of the app (found by walking its route table): HEAD answers like
GET, conditional requests in every form If-None-Match allows, 304s with the right headers, CORS with preflight on
the read-only linked data."""

from __future__ import annotations

import re
from email.utils import formatdate

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Route

from kommunmal.config import Settings
from kommunmal.release import Release
from kommunmal.store import Store
from kommunmal.web.http import is_read_only_path, parse_entity_tags, strong_match, weak_match

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
# Headers that legitimately differ between two answers to the same request.
VOLATILE = {"date", "server-timing", "server"}


def routes(app: FastAPI) -> list[Route]:
    """Every route of the app, through included routers (whatever shape the framework gives them)."""
    found: list[Route] = []

    def walk(items: list) -> None:
        for item in items:
            if hasattr(item, "path"):
                found.append(item)
            elif hasattr(item, "original_router"):
                walk(item.original_router.routes)
            elif hasattr(item, "routes"):
                walk(item.routes)

    walk(app.routes)
    return found


@pytest.fixture(scope="module")
def samples(settings: Settings, release: Release, store: Store) -> dict[str, str]:
    """A value for each path parameter the app's routes use, naming something that exists in the release."""
    goal = next(
        r["s"].value for r in store.query(f"SELECT ?s WHERE {{ ?s a <{settings.vocab}Goal> }} ORDER BY ?s LIMIT 1")
    )
    graph = sorted(release.meta["graphs"])[0]
    version = next(
        (
            r["v"].value
            for r in store.query("SELECT ?v WHERE { ?o <http://www.w3.org/2002/07/owl#versionIRI> ?v } LIMIT 1")
        ),
        "x",
    )
    return {
        "ext": "ttl",
        "extension": "svg",
        "name": "kommunmal.ttl",
        "code": "3",
        "path": goal.removeprefix(settings.base_iri + "id/"),
        "version": version.rsplit("/", 1)[-1],
        "graph": graph.removeprefix(settings.base_iri + "graph/"),
    }


def concrete(route: Route, samples: dict[str, str]) -> str:
    path = route.path
    if path.startswith("/graph/"):
        return "/graph/" + samples["graph"]
    if path.startswith("/static/{"):
        return "/static/site.css"
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: samples.get(m.group(1), "x"), path)


@pytest.fixture(scope="module")
def paths(app: FastAPI, samples: dict[str, str]) -> list[str]:
    """One concrete path per GET route (a route another module adds gets 'x' for parameters it has no sample for)."""
    found = []
    for route in routes(app):
        methods = getattr(route, "methods", None)
        if methods is not None and "GET" not in methods:
            continue
        if route.path == "/docs/oauth2-redirect":
            continue
        found.append(concrete(route, samples))
    return sorted(set(found))


def comparable(headers: dict) -> dict:
    return {k: v for k, v in headers.items() if k not in VOLATILE}


def test_route_walk_finds_the_routes_the_issue_names(paths: list[str]) -> None:
    for expected in ("/health", "/", "/sdg", "/graph", "/static/site.css", "/analysis/goal-graph.svg", "/sparql"):
        assert expected in paths


@pytest.mark.parametrize("accept", ["*/*", BROWSER])
def test_head_answers_like_get_on_every_route(client: TestClient, paths: list[str], accept: str) -> None:
    failures = []
    for path in paths:
        get = client.get(path, headers={"accept": accept})
        head = client.head(path, headers={"accept": accept})
        if head.status_code != get.status_code or head.content != b"":
            failures.append(f"{path}: HEAD {head.status_code} ({len(head.content)} B), GET {get.status_code}")
        elif comparable(head.headers) != comparable(get.headers):
            failures.append(f"{path}: headers differ: {comparable(head.headers)} vs {comparable(get.headers)}")
        elif "content-length" in get.headers and int(get.headers["content-length"]) != len(get.content):
            failures.append(f"{path}: Content-Length {get.headers['content-length']} for {len(get.content)} B")
    assert not failures, "\n".join(failures)


def test_every_successful_get_has_an_etag_and_revalidates(client: TestClient, paths: list[str]) -> None:
    """Every form of If-None-Match the RFC allows, on every route that answers 200."""
    checked = 0
    failures = []
    for path in paths:
        get = client.get(path)
        if get.status_code != 200:
            continue
        etag = get.headers.get("etag")
        if etag is None:
            failures.append(f"{path}: 200 without ETag")
            continue
        checked += 1
        opaque = etag.removeprefix("W/")
        forms = {
            "exact": etag,
            "weak": "W/" + opaque,
            "list": f'"nope", {etag}',
            "list without spaces": f'"nope",{etag},"other"',
            "star": "*",
        }
        for form, value in forms.items():
            again = client.get(path, headers={"if-none-match": value})
            problem = check_304(again, get)
            if problem:
                failures.append(f"{path} ({form}): {problem}")
        # Two header lines, the tag in the second.
        two = client.get(path, headers=[("if-none-match", '"nope"'), ("if-none-match", etag)])
        if two.status_code != 304:
            failures.append(f"{path} (two header lines): {two.status_code}")
        for value in ('"nope"', 'W/"nope", "other"', "garbage"):
            other = client.get(path, headers={"if-none-match": value})
            if other.status_code != 200 or other.content != get.content:
                failures.append(f"{path}: If-None-Match {value} gave {other.status_code}")
        head = client.head(path, headers={"if-none-match": etag})
        if head.status_code != 304:
            failures.append(f"{path}: HEAD with matching tag gave {head.status_code}")
    assert checked >= 15
    assert not failures, "\n".join(failures)


def check_304(response, original) -> str | None:
    if response.status_code != 304:
        return f"status {response.status_code}"
    if response.content:
        return "a 304 with content"
    for name in ("etag", "vary", "cache-control"):
        if name in original.headers and response.headers.get(name) != original.headers[name]:
            return f"{name} is {response.headers.get(name)!r}, the 200 had {original.headers[name]!r}"
    for name in ("content-type", "content-length", "content-encoding", "content-disposition"):
        if name in response.headers:
            return f"a 304 must not carry {name}"
    return None


def test_if_match_and_dates(client: TestClient, release: Release) -> None:
    get = client.get("/dumps/kommunmal.ttl")
    etag = get.headers["etag"]
    assert client.get("/dumps/kommunmal.ttl", headers={"if-match": etag}).status_code == 200
    assert client.get("/dumps/kommunmal.ttl", headers={"if-match": "*"}).status_code == 200
    failed = client.get("/dumps/kommunmal.ttl", headers={"if-match": '"other"'})
    assert failed.status_code == 412 and b"Precondition" in failed.content
    assert client.get("/dumps/kommunmal.ttl", headers={"if-match": "W/" + etag}).status_code == 412  # strong
    modified = get.headers["last-modified"]
    assert client.get("/dumps/kommunmal.ttl", headers={"if-modified-since": modified}).status_code == 304
    assert (
        client.get("/dumps/kommunmal.ttl", headers={"if-modified-since": formatdate(0, usegmt=True)}).status_code == 200
    )
    # If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    both = client.get("/dumps/kommunmal.ttl", headers={"if-modified-since": modified, "if-none-match": '"x"'})
    assert both.status_code == 200
    assert (
        client.get("/dumps/kommunmal.ttl", headers={"if-unmodified-since": formatdate(0, usegmt=True)}).status_code
        == 412
    )


def test_conditions_are_ignored_on_errors(client: TestClient) -> None:
    assert client.get("/dumps/nothing.ttl", headers={"if-none-match": "*"}).status_code == 404
    assert client.get("/dumps/nothing.ttl", headers={"if-match": '"x"'}).status_code == 404


def test_sparql_304_has_no_content_length(client: TestClient) -> None:
    first = client.get("/sparql", params={"query": "ASK {}"})
    again = client.get("/sparql", params={"query": "ASK {}"}, headers={"if-none-match": first.headers["etag"]})
    assert check_304(again, first) is None


def test_405_lists_head(client: TestClient) -> None:
    r = client.request("DELETE", "/health")
    assert r.status_code == 405
    allowed = [m.strip() for m in r.headers["allow"].split(",")]
    assert "GET" in allowed and "HEAD" in allowed


# --- CORS ---------------------------------------------------------------------------------------------------------


def test_cors_on_every_read_only_route(client: TestClient, paths: list[str]) -> None:
    read_only = [p for p in paths if is_read_only_path(p)]
    assert len(read_only) >= 10
    failures = []
    for path in read_only:
        r = client.get(path, headers={"origin": "https://rdf.example", "accept": "text/turtle"})
        if r.headers.get("access-control-allow-origin") != "*":
            failures.append(f"{path}: no Access-Control-Allow-Origin: *")
        if "access-control-allow-credentials" in r.headers:
            failures.append(f"{path}: credentials allowed")
        if "etag" not in r.headers.get("access-control-expose-headers", "").lower():
            failures.append(f"{path}: ETag not exposed")
        pre = client.options(
            path,
            headers={
                "origin": "https://rdf.example",
                "access-control-request-method": "GET",
                "access-control-request-headers": "accept, if-none-match",
            },
        )
        if pre.status_code not in (200, 204) or pre.headers.get("access-control-allow-origin") != "*":
            failures.append(f"{path}: preflight {pre.status_code} {dict(pre.headers)}")
        elif "GET" not in pre.headers.get("access-control-allow-methods", ""):
            failures.append(f"{path}: preflight does not allow GET")
        elif "if-none-match" not in pre.headers.get("access-control-allow-headers", "").lower():
            failures.append(f"{path}: preflight does not allow If-None-Match")
        unsafe = client.options(
            path, headers={"origin": "https://rdf.example", "access-control-request-method": "DELETE"}
        )
        if unsafe.status_code < 400:
            failures.append(f"{path}: preflight for DELETE allowed")
    assert not failures, "\n".join(failures)


def test_cors_follows_the_303_from_id(client: TestClient, samples: dict[str, str]) -> None:
    r = client.get("/id/" + samples["path"], headers={"origin": "https://rdf.example", "accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["access-control-allow-origin"] == "*"


def test_plain_options_on_read_only_route(client: TestClient) -> None:
    r = client.options("/catalog")
    assert r.status_code == 204 and "GET" in r.headers["allow"]


def test_pages_are_not_opened_to_other_origins_by_this_layer(client: TestClient) -> None:
    assert not is_read_only_path("/")
    assert not is_read_only_path("/graph")  # the analysis page; /graph/… are named graphs
    assert is_read_only_path("/graph/x") and is_read_only_path("/dumps") and is_read_only_path("/catalog.ttl")


# --- the parsers ----------------------------------------------------------------------------------------------------


def test_entity_tag_parsing() -> None:
    assert parse_entity_tags('"a", W/"b",   "c,d"') == ['"a"', 'W/"b"', '"c,d"']
    assert parse_entity_tags("*") is None
    assert parse_entity_tags("") == []
    assert parse_entity_tags('junk, "a"') == ['"a"']
    assert weak_match(['W/"a"'], '"a"') and weak_match(None, '"a"') and not weak_match(['"b"'], '"a"')
    assert strong_match(['"a"'], '"a"') and not strong_match(['W/"a"'], '"a"') and not strong_match(None, None)
