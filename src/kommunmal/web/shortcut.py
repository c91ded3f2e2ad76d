"""A middleware that hands a few exact paths straight to their ASGI endpoint, past the router.

Why: a request for /sparql otherwise walks Starlette's ExceptionMiddleware, FastAPI's AsyncExitStack middleware
and the router's match over every route before it reaches the endpoint, which is itself a plain ASGI app that
needs none of them (no path parameters, no dependency injection, no HTTPException). Profiled on one uncached
ASK, that walk was a fifth of the Python time of the request.

The middleware sits inside HttpSemantics and Starlette's ServerErrorMiddleware (they are added after it, so they
wrap it): HEAD, conditional requests, 304s and the 500 for an unexpected error behave exactly as before. Paths
are matched the way Starlette's router matches them (the path less the ASGI root_path).
"""

from __future__ import annotations

from collections.abc import Mapping

from kommunmal.web.http import ASGIApp, Receive, Scope, Send


class Shortcut:
    """ASGI middleware: `routes` maps exact paths (as the router sees them) to the ASGI app that answers them."""

    def __init__(self, app: ASGIApp, routes: Mapping[str, ASGIApp]) -> None:
        self.app = app
        self.routes = dict(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            target = self.routes.get(_route_path(scope))
            if target is not None:
                await target(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _route_path(scope: Scope) -> str:
    """The path the router matches: scope["path"] less scope["root_path"] (as starlette.routing does)."""
    path: str = scope["path"]
    root = scope.get("root_path", "")
    if not root or not path.startswith(root):
        return path
    if path == root:
        return ""
    return path[len(root) :] if path[len(root)] == "/" else path
