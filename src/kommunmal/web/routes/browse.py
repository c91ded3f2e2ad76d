"""Index pages: /atgarder (all actions, filtered by URL parameters, also as CSV) and /organisationer."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from rdflib import URIRef

from kommunmal.store import Store
from kommunmal.views import browse
from kommunmal.web import errors
from kommunmal.web.deps import get_store, page_data
from kommunmal.web.render import Site, csv_response, view
from kommunmal.web.scope import scope, unknown

router = APIRouter()


# Most allowed values a 400 for an unknown filter value lists (a national index has hundreds of bodies).
LISTED_VALUES = 20


def _actions(request: Request, store: Store) -> tuple[dict, str] | Response:
    """The action index's data and query string for this request, or the 404 or 400 response for a document or
    filter value that is not there."""
    sc = scope(request, store)
    if sc.unknown:
        return unknown(request, sc)
    f = browse.ActionFilter.from_params(request.query_params)
    key = ("actions", tuple(sorted(f.active().items())), sc.iri)
    vocab = request.app.state.settings.vocab
    built = page_data(request).get(
        request.app.state.release.id, key, lambda: browse.build_actions(store, vocab, f, sc.iri)
    )
    if bad := browse.unknown_filter(built):
        name, value, allowed = bad
        listed = allowed[:LISTED_VALUES] + (["…"] if len(allowed) > LISTED_VALUES else [])
        return errors.unknown_value(request, name, value, listed, ("värde", "value"))
    data = built | {"scope": sc.as_dict()}
    if sc.document is None and len(sc.documents) > 1:
        # Over every document the same commitment can read alike in two municipalities: say whose each one is.
        data["document_titles"] = {d.iri: f"{d.publisher_label} {d.year or d.title}".strip() for d in sc.documents}
    params = f.active() | sc.params
    return data, urlencode(params)


@router.get("/atgarder", include_in_schema=False)
def actions_index(request: Request, store: Store = Depends(get_store)) -> Response:
    found = _actions(request, store)
    if isinstance(found, Response):
        return found
    data, query = found
    site = Site(request.app.state.settings)
    data = data | _page_of(data["actions"], request.query_params.get("sida", ""), site.url("atgarder"), query)
    csv_url = site.url("atgarder.csv") + (f"?{query}" if query else "")
    links = [
        (csv_url, "text/csv", "CSV"),
        (site.url("atgarder") + f"?{query}&format=json".replace("?&", "?"), "application/json", "JSON"),
    ]
    return view(request, "actions_index.html", data, links=links, csv_url=csv_url, query=query)


PAGE_SIZE = 200  # actions per page of /atgarder (the CSV holds them all), organisations per page of /organisationer


def _page_of(actions: list, asked: str, url: str, query: str, key: str = "actions") -> dict:
    """The slice of `actions` (or of any index's items) on page `asked` (1-based; anything else: the first page)
    and the pager: `key` (the slice), `pager` {page, pages, matching (items in all pages), first, last (1-based
    positions), previous, next (URLs or None)}. At national scale an unfiltered index holds tens of thousands of
    actions, or thousands of organisations, too many for one page."""
    pages = max(1, -(-len(actions) // PAGE_SIZE))
    page = int(asked) if asked.isdigit() and 1 <= int(asked) <= pages else 1

    def link(number: int) -> str:
        return f"{url}?{query + '&' if query else ''}sida={number}"

    start = (page - 1) * PAGE_SIZE
    return {
        key: actions[start : start + PAGE_SIZE],
        "pager": {
            "page": page,
            "pages": pages,
            "matching": len(actions),
            "first": start + 1,
            "last": min(start + PAGE_SIZE, len(actions)),
            "previous": link(page - 1) if page > 1 else None,
            "next": link(page + 1) if page < pages else None,
        },
    }


@router.get("/atgarder.csv", include_in_schema=False)
def actions_csv(request: Request, store: Store = Depends(get_store)) -> Response:
    found = _actions(request, store)
    if isinstance(found, Response):
        return found
    return csv_response(browse.actions_csv(found[0]), "atgarder.csv")


@router.get("/organisationer", include_in_schema=False)
def organisations_index(request: Request, store: Store = Depends(get_store)) -> Response:
    sc = scope(request, store)
    if sc.unknown:
        return unknown(request, sc)
    vocab = request.app.state.settings.vocab
    built = page_data(request).get(
        request.app.state.release.id,
        ("organisations", sc.iri),
        lambda: browse.build_organisations(store, vocab, sc.iri),
    )
    data = built | {"scope": sc.as_dict()}
    query = urlencode(sc.params)
    url = Site(request.app.state.settings).url("organisationer")
    data = data | _page_of(data["organisations"], request.query_params.get("sida", ""), url, query, "organisations")
    return view(
        request, "organisations_index.html", data, unverified=URIRef(request.app.state.settings.vocab + "unverified")
    )
