"""Index pages assembled in the background once the server has started (setting `warm_pages`).

The unscoped index pages read every document of the release: at 290 municipalities the first request of the action
index took about 18 s, of the UN goals' overview 11 s and of the organisation index 7 s (`scripts/bench_pages.py`,
first request), after which the page data is kept for the release (`deps.page_data`). Asked for here, through the
app itself (httpx's ASGI transport: the same routes, caches and checks as a visitor's request), the first visitor
finds them ready. The server answers from the start; these requests run beside the first visitors' ones.

The query page's examples are answered first and their answers kept for the release (`QueryPool.prepare`): over
all documents they are whole-store queries (about a second each at 290 municipalities, in `oxigraph serve` too),
and two of their answers are larger than the answer cache keeps otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from fastapi import FastAPI

from kommunmal.lazy import lazy_import

httpx = lazy_import("httpx")
log = logging.getLogger("kommunmal.warm")

# The pages whose data is kept per release: the home page, the indexes, the UN goals (a goal's page also counts
# the links to its targets), the catalog and the comparison across municipalities (5–7 s each at 290).
PATHS = (
    "/",
    "/atgarder",
    "/organisationer",
    "/sdg",
    *(f"/sdg/{n}" for n in range(1, 18)),
    "/catalog",
    "/jamfor/globala-mal",
)


def install(app: FastAPI) -> None:
    """Register the warm-up with the app's startup and shutdown when the setting `warm_pages` is on."""
    if app.state.settings.warm_pages:
        app.state.startup_hooks.append(_start)
        app.state.shutdown_hooks.append(_stop)


async def _start(app: FastAPI) -> None:
    app.state.warming = asyncio.create_task(warm(app))


async def _stop(app: FastAPI) -> None:
    task = getattr(app.state, "warming", None)
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def warm(app: FastAPI, paths: tuple[str, ...] = PATHS) -> dict[str, int]:
    """Answer the query page's examples (`prepare_examples`), then request each of `paths` (HTML) from `app` in
    turn; returns {path: status}. A failing page is logged and skipped: warming never stops the server."""
    await prepare_examples(app)
    started = time.monotonic()
    statuses: dict[str, int] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=None) as client:
        for path in paths:
            try:
                statuses[path] = (await client.get(path, headers={"accept": "text/html"})).status_code
            except Exception as exc:  # a page failing here fails for its visitor too, who gets its error
                log.warning("warming %s failed: %s", path, exc)
    log.info("%d index pages ready after %.1f s", len(statuses), time.monotonic() - started)
    return statuses


async def prepare_examples(app: FastAPI) -> int:
    """Answer each of the query page's examples as SPARQL JSON (what the page and most clients ask for) and keep the
    answers while the release is served; returns how many were kept (0 with the answer cache off or a remote store,
    which keeps no answers). A failing example is logged and skipped."""
    from kommunmal.web.routes.query_page import EXAMPLES

    endpoint = app.state.sparql
    prepare = getattr(endpoint.pool, "prepare", None)
    if prepare is None:
        return 0
    started = time.monotonic()
    kept = 0
    for title, text in EXAMPLES:
        query = text.format(vocab=app.state.settings.vocab)
        try:
            kept += await prepare(endpoint.request(query, endpoint.inspect(query), "srj", "turtle"))
        except Exception as exc:  # the example fails for its visitor too, who gets its error
            log.warning("answering the example %r failed: %s", title, exc)
    log.info("%d example answers kept after %.1f s", kept, time.monotonic() - started)
    return kept
