"""/search: full-text search as a Swedish page and as JSON, /search/suggest for suggestions while typing, and the
static files of the search box and the query page's editor.

`/search?q=…&kind=…&goal=…&document=…&sida=2` answers HTML, or JSON when asked for (`/search.json`, `format=json`,
or an Accept header preferring application/json); both carry the same hits in the same order.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from markupsafe import Markup, escape

from kommunmal import resources
from kommunmal.errors import NotFound
from kommunmal.formats import FORMATS, JSON_VIEW, Format, by_parameter, negotiate
from kommunmal.search import Hit, Results, SearchIndex
from kommunmal.web.render import PAGE_FORMATS, Site, not_acceptable, page

router = APIRouter()

PAGE_SIZE = 20
SUGGESTIONS = 8
MAX_QUERY_CHARS = 200
JSON = "application/json"
# Search results are not RDF, so plain JSON is not in the shared format table; negotiation still goes through it.
_JSON_FORMAT = Format("json", JSON, "json", "data", label="JSON")
# The files this module serves from web/static (the query page's editor bundle is built by frontend/).
STATIC = {
    "search.js": "text/javascript; charset=utf-8",
    "search.css": "text/css; charset=utf-8",
    "sparql-editor.js": "text/javascript; charset=utf-8",
    "sparql-editor.LICENSES.txt": "text/plain; charset=utf-8",
}


def search_index(request: Request) -> SearchIndex:
    """The index of the release the app serves, opened once. Raises NotFound when the release has none."""
    state = request.app.state
    found = getattr(state, "search_index", None)
    if found is None or found[0] != state.release.id:
        found = (state.release.id, SearchIndex.for_release(state.release.path))
        state.search_index = found
    return found[1]


def marked(text: str, ranges: Any) -> Markup:
    """`text` escaped, with the (start, end) ranges wrapped in <mark>."""
    out, pos = [], 0
    for start, end in ranges:
        out.append(str(escape(text[pos:start])))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        pos = end
    out.append(str(escape(text[pos:])))
    return Markup("".join(out))


def hits_word(count: int) -> str:
    """Swedish number agreement: "1 träff", "2 träffar"."""
    return f"{count} träff" if count == 1 else f"{count} träffar"


def _params(request: Request) -> dict[str, Any]:
    q = request.query_params
    try:
        number = max(1, int(q.get("sida", "1")))
    except ValueError:
        number = 1
    return {
        "q": q.get("q", "")[:MAX_QUERY_CHARS],
        "kind": tuple(q.getlist("kind")),
        "goal": tuple(q.getlist("goal")),
        "document": tuple(q.getlist("document")),
        "sida": number,
    }


def _url(site: Site, params: dict[str, Any], **changes: Any) -> str:
    """The /search URL for `params` with `changes` applied (a tuple value replaces that facet's selection)."""
    merged = {**params, **changes}
    pairs: list[tuple[str, str]] = [("q", merged["q"])]
    for name in ("kind", "goal", "document"):
        pairs += [(name, v) for v in merged[name]]
    if merged.get("sida", 1) > 1:
        pairs.append(("sida", str(merged["sida"])))
    return site.url("search") + "?" + urlencode(pairs)


def _toggle(values: tuple[str, ...], value: str) -> tuple[str, ...]:
    return tuple(v for v in values if v != value) if value in values else (*values, value)


def hit_url(site: Site, hit: Hit) -> str:
    """The local address of the page that shows `hit` (with its anchor)."""
    return site.href(hit.page) + hit.anchor


def as_json(site: Site, index: SearchIndex, results: Results, params: dict[str, Any]) -> dict[str, Any]:
    """The JSON form of a result page: what the HTML page shows, in the same order."""
    selected = {"kind": params["kind"], "goal": params["goal"], "document": params["document"]}
    return {
        "query": results.query,
        "total": results.total,
        "any_word": results.any_word,
        "respelled": {typed: list(spellings) for typed, spellings in results.respelled.items()},
        "suggestion": results.suggestion,
        "offset": (params["sida"] - 1) * PAGE_SIZE,
        "limit": PAGE_SIZE,
        "results": [
            {
                "iri": hit.iri,
                "url": hit_url(site, hit),
                "kind": hit.kind,
                "kind_label": hit.kind_label,
                "title": hit.title,
                "title_highlights": [list(r) for r in hit.title_marks],
                "passage": hit.passage,
                "passage_lang": hit.passage_lang,
                "highlights": [list(r) for r in hit.marks],
                "goals": [{"iri": g, "label": index.label("goal", g)} for g in hit.goals],
                "documents": [{"iri": d, "label": index.label("document", d)} for d in hit.documents],
            }
            for hit in results.hits
        ],
        "facets": {
            name: [
                {"value": f.value, "label": f.label, "count": f.count, "selected": f.value in selected[name]}
                for f in values
            ]
            for name, values in results.facets.items()
        },
    }


def _wants_json(request: Request, forced: bool) -> bool:
    asked = request.query_params.get("format")
    if forced or asked:
        return forced or by_parameter(asked, PAGE_FORMATS) is JSON_VIEW
    accept = request.headers.get("accept")
    if not accept or "json" not in accept:
        return False
    return negotiate(accept, (FORMATS["html"], _JSON_FORMAT), FORMATS["html"]) is _JSON_FORMAT


@router.get("/search", include_in_schema=False)
def search_page(request: Request) -> Response:
    return _search(request, forced_json=False)


@router.get("/search.json", include_in_schema=False)
def search_json(request: Request) -> Response:
    return _search(request, forced_json=True)


def _search(request: Request, forced_json: bool) -> Response:
    site = Site(request.app.state.settings)
    asked = request.query_params.get("format")
    if asked and not forced_json and by_parameter(asked, PAGE_FORMATS) is None:
        return not_acceptable(PAGE_FORMATS)  # as the other pages with a JSON view (render.view)
    params = _params(request)
    wants_json = _wants_json(request, forced_json)
    try:
        index = search_index(request)
    except NotFound as exc:
        if wants_json:
            return JSONResponse({"error": str(exc)}, status_code=503)
        return page(request, "search.html", status=503, error=str(exc), params=params, results=None)
    results = _results(index, params)
    last = max(1, -(-results.total // PAGE_SIZE))
    if params["sida"] > last:  # a page past the end (an old link, a typed number): the last page
        params["sida"] = last
        results = _results(index, params)
    if wants_json:
        return JSONResponse(as_json(site, index, results, params), headers={"Vary": "Accept"})
    pages = max(1, -(-results.total // PAGE_SIZE))
    return page(
        request,
        "search.html",
        vary=True,
        links=[(site.url("search.json") + "?" + str(request.url.query), JSON, "JSON")] if params["q"] else [],
        params=params,
        results=results,
        index=index,
        hit_url=lambda hit: hit_url(site, hit),
        marked=marked,
        hits_word=hits_word,
        url=lambda **changes: _url(site, params, **changes),
        toggle=_toggle,
        pages=pages,
        search_query=params["q"],
        page_size=PAGE_SIZE,
    )


def _results(index: SearchIndex, params: dict[str, Any]) -> Results:
    return index.search(
        params["q"],
        kinds=params["kind"],
        goals=params["goal"],
        documents=params["document"],
        limit=PAGE_SIZE,
        offset=(params["sida"] - 1) * PAGE_SIZE,
    )


@router.get("/search/suggest", include_in_schema=False)
def suggest(request: Request) -> Response:
    """Up to SUGGESTIONS pages for what has been typed so far, best first, each page once:
    {"query", "total", "suggestions": [{title, kind_label, url}]}."""
    site = Site(request.app.state.settings)
    q = request.query_params.get("q", "")[:MAX_QUERY_CHARS]
    try:
        index = search_index(request)
    except NotFound:
        return JSONResponse({"query": q, "suggestions": []}, status_code=503)
    results = index.search(q, limit=SUGGESTIONS * 3)
    # A statement and its action lead to the same page: suggest each page once, under its best-ranked hit.
    suggestions: dict[str, dict[str, str]] = {}
    for hit in results.hits:
        url = hit_url(site, hit)
        suggestions.setdefault(url, {"title": hit.title, "kind_label": hit.kind_label, "url": url})
    return JSONResponse(
        {"query": q, "total": results.total, "suggestions": list(suggestions.values())[:SUGGESTIONS]},
        headers={"Cache-Control": "public, max-age=300"},
    )


def _static(name: str) -> Any:
    def serve() -> Response:
        body = (resources.package_file("web", "static") / name).read_bytes()
        return Response(body, media_type=STATIC[name], headers={"Cache-Control": "public, max-age=3600"})

    return serve


for _name in STATIC:
    router.add_api_route(f"/static/{_name}", _static(_name), methods=["GET", "HEAD"], include_in_schema=False)
