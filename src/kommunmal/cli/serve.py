"""`kommunmal serve`: the web app (pages, linked data, SPARQL) over the current release, read-only.

The store is opened read-only as it lies on disk: nothing is loaded at start. Without a release the command
says so and exits 2. The same app runs under `uvicorn --factory kommunmal.web:create_app`.

`--server` picks the HTTP server: uvicorn (httptools, the default) or granian (the extra `kommunmal[granian]`:
HTTP parsing and the socket in Rust, one worker process under a supervisor that restarts it). Both honour
X-Forwarded-For/-Proto from 127.0.0.1 only (the reverse proxy of server/nginx.conf); granian adds
`Server: granian`. On the 2-core development machine granian cost more CPU per request than uvicorn
(server/README.md, "Uncached queries"), so uvicorn stays the default.

`--processes N` runs N uvicorn server processes on one socket under uvicorn's supervisor, which replaces one that
dies. Each process opens the release read-only and has its own answer cache, query workers (`--workers` each) and
warmed pages: one Python process answers on one core at a time, while `oxigraph serve` answers on all of them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kommunmal import allocator, integrity, release_retention
from kommunmal.cli.common import settings

SERVERS = ("uvicorn", "granian")
# What `logging.basicConfig` below sets up, for server processes that uvicorn starts afresh (--processes).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain", "stream": "ext://sys.stderr"}},
    "root": {"level": "INFO", "handlers": ["stderr"]},
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the current release over HTTP (read-only; SPARQL at /sparql)",
        description="Serve the current release read-only: pages, linked data, the SPARQL endpoint at /sparql, the "
        "catalog and the dumps. It serves the release that was current at start: after `kommunmal build`, "
        "restart it to serve the new release.",
        epilog="exit codes: 0 stopped (Ctrl-C or a signal); 2 unusable input (no release, or a damaged one: the "
        "message says where it looked; --server granian without granian installed)",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--uds", help="listen on this Unix socket instead of host:port (for a reverse proxy)")
    p.add_argument("--release-dir", type=Path, help="folder with releases/ and current (setting release_dir)")
    p.add_argument("--workers", type=int, help="SPARQL worker processes (setting sparql_workers)")
    p.add_argument(
        "--processes",
        type=int,
        default=1,
        help="HTTP server processes (uvicorn), each with its own query workers and caches (default 1; as many as the "
        "machine has cores for throughput, see server/README.md)",
    )
    p.add_argument("--access-log", action="store_true", help="also log every request (the HTTP server's access log)")
    p.add_argument(
        "--server",
        choices=SERVERS,
        default="uvicorn",
        help="HTTP server: uvicorn (default) or granian (extra kommunmal[granian]; see server/README.md)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    overrides: dict[str, object] = {"release_dir": args.release_dir, "sparql_workers": args.workers}
    if "KOMMUNMAL_WARM_PAGES" not in os.environ:
        overrides["warm_pages"] = True
    if "KOMMUNMAL_PUBLIC_URL" not in os.environ and not args.uds:
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
        overrides["public_url"] = f"http://{host}:{args.port}/"
    s = settings(args, **overrides)
    choice = integrity.choose(s.release_dir)  # NotFound / DamagedRelease -> exit 2 with where it looked
    release = choice.release
    release_retention.hold(release.path)  # for the life of the server: a build's pruning leaves this release alone
    if choice.refused:
        print(f"kommunmal serve: {choice.describe()}", file=sys.stderr)

    from kommunmal.web import create_app

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(name)s %(message)s")
    where = args.uds or f"{args.host}:{args.port}"
    server = getattr(args, "server", "uvicorn")
    print(
        f"kommunmal serve: release {release.id} on {where} ({server}, allocator {allocator.loaded()}), SPARQL at "
        f"{s.public_url}sparql",
        file=sys.stderr,
    )
    if server == "granian":
        return _granian(create_app(s, release), args)
    import uvicorn

    processes = max(1, getattr(args, "processes", 1))
    if processes > 1:
        # Each process builds the app itself (uvicorn starts them from an import string), from these settings and
        # the release chosen here.
        os.environ.update(s.with_(release=release.id).environment())
    uvicorn.run(
        "kommunmal.web:create_app" if processes > 1 else create_app(s, release),
        factory=processes > 1,
        workers=processes if processes > 1 else None,
        host=args.host,
        port=args.port,
        uds=args.uds,
        access_log=args.access_log,
        log_level="info",
        log_config=LOGGING if processes > 1 else None,
        proxy_headers=True,
        server_header=False,
    )
    return 0


def _granian(app: object, args: argparse.Namespace) -> int:
    """Serve `app` with granian: `--processes` worker processes (forked, so each gets `app` as built here) under
    granian's supervisor, which restarts one should it die; each worker runs the app's lifespan (it opens the store
    and starts its query workers)."""
    try:
        from granian import Granian
        from granian.constants import Interfaces
        from granian.utils.proxies import wrap_asgi_with_proxy_headers
    except ImportError:
        print("kommunmal serve: --server granian needs granian: pip install 'kommunmal[granian]'", file=sys.stderr)
        return 2

    served = wrap_asgi_with_proxy_headers(app, trusted_hosts="127.0.0.1")
    server = Granian(
        "kommunmal.web:create_app",  # for granian's process title only: the worker serves `served`
        address=args.host,
        port=args.port,
        uds=Path(args.uds) if args.uds else None,
        interface=Interfaces.ASGI,
        workers=max(1, getattr(args, "processes", 1)),
        log_access=args.access_log,
        respawn_failed_workers=True,
    )
    server.serve(target_loader=lambda _target: served)
    return 0
