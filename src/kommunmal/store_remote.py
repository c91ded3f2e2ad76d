"""A store on any SPARQL 1.1 server: read through the SPARQL Protocol, written through the Graph Store Protocol.

`RemoteStore` answers like `kommunmal.store.Store` (`query`, `named_graphs`, `len`, `oxigraph.quads_for_pattern`)
so that pages, catalog, analysis and the SPARQL endpoint work unchanged: answers are parsed by pyoxigraph into
the same result objects. The server's default graph must be the union of its named graphs (Oxigraph
`--union-default-graph`, Fuseki `tdb2:unionDefaultGraph true`, Virtuoso's default); see server/README.md.

`upload(release, …)` writes a release: every named graph of kommunmal.nq is PUT (Graph Store HTTP Protocol,
each PUT replaces one graph atomically) under a staging name, then one SPARQL Update request MOVEs all staging
graphs onto their real names and DROPs the graphs the release no longer has, which servers that run one update
request as one transaction (Oxigraph, Fuseki/TDB2) apply all at once. Only then is the release pointer
(`current`) switched. A failed upload drops its staging graphs and leaves the previous release served.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from kommunmal.errors import KommunmalError

STAGING = "urn:x-kommunmal:staging:"
_JSON = "application/sparql-results+json"
_NT = "application/n-triples"
_NT_BODY = {"Content-Type": _NT}


class RemoteError(KommunmalError):
    """The SPARQL server refused a request or could not be reached."""


class RemoteStore:
    """A read-only view of the named graphs on a SPARQL server at `query_url` (its SPARQL Protocol endpoint)."""

    def __init__(self, query_url: str, timeout_s: float = 30.0, client: httpx.Client | None = None) -> None:
        self.query_url = query_url
        self.path = Path(query_url)  # for messages that name where the store is
        self.timeout_s = timeout_s
        self._client = client or httpx.Client(timeout=timeout_s)
        self._local = threading.local()

    @property
    def oxigraph(self) -> RemoteStore:
        return self

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
        use_default_graph_as_union: bool = True,
    ) -> Any:
        """Evaluate `sparql` on the server; returns pyoxigraph QuerySolutions, QueryBoolean or QueryTriples.

        Raises SyntaxError when the server rejects the query (400), RemoteError for other failures."""
        if base_iri:
            sparql = f"BASE <{base_iri}>\n{sparql}"
        form: dict[str, Any] = {"query": sparql}
        if default_graph is not None or named_graphs is not None:
            form["default-graph-uri"] = [str(getattr(g, "value", g)) for g in default_graph or ()]
            form["named-graph-uri"] = [str(getattr(g, "value", g)) for g in named_graphs or ()]
        accept = f"{_JSON}, {_NT};q=0.9"
        try:
            r = self._client.post(self.query_url, data=form, headers={"Accept": accept})
        except httpx.TimeoutException:
            raise TimeoutError(f"{self.query_url} did not answer within {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise RemoteError(f"cannot reach the SPARQL server {self.query_url}: {exc}") from None
        if r.status_code == 400:
            raise SyntaxError(r.text.strip()[:500])
        if r.status_code != 200:
            raise RemoteError(f"{self.query_url} answered {r.status_code}: {r.text.strip()[:300]}")
        media = r.headers.get("content-type", "").split(";")[0].strip()
        if media == _JSON:
            return ox.parse_query_results(r.content, format=ox.QueryResultsFormat.JSON)
        fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
        return _Triples(ox.parse(r.content, format=fmt))

    def quads_for_pattern(self, subject: Any, predicate: Any, obj: Any, graph: Any = None) -> Iterator[ox.Quad]:
        """Quads matching the pattern (None is a wildcard), in the named graphs, as pyoxigraph Quads."""
        terms = {"s": subject, "p": predicate, "o": obj, "g": graph}
        if isinstance(subject, ox.BlankNode) and predicate is None and obj is None and graph is None:
            # Blank-node labels hold within one answer only: the blank nodes below a subject came with it.
            yield from getattr(self._local, "closure", {}).get(subject.value, [])
            return
        if any(isinstance(t, ox.BlankNode) for t in terms.values()):
            return
        if isinstance(subject, ox.NamedNode) and predicate is None and obj is None and graph is None:
            yield from self._with_closure(subject)
            return
        values = " ".join(f"VALUES ?{n} {{ {t} }}" for n, t in terms.items() if t is not None)
        rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ {values} GRAPH ?g {{ ?s ?p ?o }} }}")
        for row in rows:
            yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def _with_closure(self, subject: ox.NamedNode) -> Iterator[ox.Quad]:
        """The subject's quads, with those of the blank nodes reachable from it kept for the calls that follow."""
        # Blank nodes up to three steps below the subject (qualified links, their evidence), through blank nodes only.
        rows = self.query(
            f"""SELECT ?s ?p ?o ?g WHERE {{
  {{ VALUES ?s {{ {subject} }} GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ {subject} ?p1 ?s FILTER(isBlank(?s)) GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ {subject} ?p1 ?b1 . ?b1 ?p2 ?s FILTER(isBlank(?b1) && isBlank(?s)) GRAPH ?g {{ ?s ?p ?o }} }}
  UNION {{ {subject} ?p1 ?b1 . ?b1 ?p2 ?b2 . ?b2 ?p3 ?s
           FILTER(isBlank(?b1) && isBlank(?b2) && isBlank(?s)) GRAPH ?g {{ ?s ?p ?o }} }}
}}"""
        )
        closure: dict[str, list[ox.Quad]] = {}
        own = []
        for row in rows:
            quad = ox.Quad(row["s"], row["p"], row["o"], row["g"])
            if isinstance(row["s"], ox.BlankNode):
                closure.setdefault(row["s"].value, []).append(quad)
            else:
                own.append(quad)
        self._local.closure = closure
        yield from own

    def named_graphs(self) -> list[str]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted(row["g"].value for row in rows if not row["g"].value.startswith(STAGING))

    def __len__(self) -> int:
        rows = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(next(iter(rows))["n"].value)


class _Triples:
    """Parsed CONSTRUCT/DESCRIBE answers, iterable like pyoxigraph's QueryTriples."""

    is_graph = True  # kommunmal.query.execute serializes it as a graph

    def __init__(self, quads: Iterator[Any]) -> None:
        self._quads = quads

    def __iter__(self) -> Iterator[ox.Triple]:
        for q in self._quads:
            yield ox.Triple(q.subject, q.predicate, q.object)


class RemotePool:
    """The SPARQL endpoint's evaluator for a remote store: `execute` in a thread, bounded by the time limit.

    The remote server evaluates (and should have its own limit too); the row cap and formats are applied here
    exactly as for the embedded store. Same interface as kommunmal.query_pool.QueryPool."""

    def __init__(self, store: RemoteStore, *, workers: int = 2, timeout_s: float = 10.0, max_rows: int | None = 10000):
        from concurrent.futures import ThreadPoolExecutor

        self.store = store
        self.size = workers
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.isolation = f"remote store {store.query_url}"
        self.killed = 0
        self._threads = ThreadPoolExecutor(max(1, workers), thread_name_prefix="sparql-remote")

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        self._threads.shutdown(wait=False, cancel_futures=True)

    @property
    def workers(self) -> int:
        return self.size

    async def run(self, request: Any) -> Any:
        import asyncio

        from kommunmal.query import QueryFailed, QueryResult, QueryTimeout, execute

        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self.timeout_s):
                result = await loop.run_in_executor(self._threads, execute, self.store, request, self.max_rows)
        except TimeoutError:
            raise QueryTimeout(f"the query ran longer than the limit of {self.timeout_s:g} s and was stopped") from None
        except RemoteError as exc:
            raise QueryFailed(str(exc)) from None
        return QueryResult(result.body, result.format, result.truncated, result.ms, where="remote")


def graphs_of(nquads: Path) -> dict[str, Path]:
    """Split an N-Quads file into one N-Triples file per named graph next to it; {graph IRI: file}."""
    files: dict[str, Any] = {}
    paths: dict[str, Path] = {}
    folder = nquads.parent / ".graphs"
    folder.mkdir(exist_ok=True)
    try:
        for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name.value
            if name not in files:
                paths[name] = folder / (hashlib.sha256(name.encode()).hexdigest()[:24] + ".nt")
                files[name] = paths[name].open("wb")
            files[name].write(f"{quad.subject} {quad.predicate} {quad.object} .\n".encode())
    finally:
        for f in files.values():
            f.close()
    return paths


def upload(
    nquads: Path,
    release_id: str,
    gsp_url: str,
    update_url: str,
    say: Callable[[str], None] = lambda _m: None,
    timeout_s: float = 300.0,
    query_url: str | None = None,
) -> int:
    """Put every named graph of `nquads` on the server, switching them all in one update; returns the count.

    Raises RemoteError; the server then still holds the graphs it had before (staging graphs are dropped)."""
    graphs = graphs_of(nquads)
    staging = {g: f"{STAGING}{release_id}:{g}" for g in graphs}
    with httpx.Client(timeout=timeout_s) as client:
        try:
            for done, (graph, path) in enumerate(sorted(graphs.items()), 1):
                with path.open("rb") as body:
                    r = client.put(
                        gsp_url, params={"graph": staging[graph]}, content=body, headers={"Content-Type": _NT}
                    )
                if r.status_code not in (200, 201, 204):
                    raise RemoteError(f"PUT {graph} to {gsp_url} answered {r.status_code}: {r.text.strip()[:300]}")
                say(f"\r  {done}/{len(graphs)} grafer uppladdade / graphs uploaded")
            existing = _graphs_on(client, query_url or update_url)
            moves = [f"MOVE GRAPH <{staging[g]}> TO GRAPH <{g}>" for g in sorted(graphs)]
            drops = [f"DROP SILENT GRAPH <{g}>" for g in sorted(existing - set(graphs)) if not g.startswith(STAGING)]
            r = client.post(update_url, data={"update": " ;\n".join(moves + drops)})
            if r.status_code not in (200, 204):
                raise RemoteError(f"the switch to release {release_id} failed ({r.status_code}): {r.text[:300]}")
        except httpx.HTTPError as exc:
            _drop_staging(client, update_url, staging.values())
            raise RemoteError(f"upload to {gsp_url} failed: {exc}") from None
        except RemoteError:
            _drop_staging(client, update_url, staging.values())
            raise
        finally:
            for path in graphs.values():
                path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                (nquads.parent / ".graphs").rmdir()
    return len(graphs)


def _graphs_on(client: httpx.Client, query_url: str) -> set[str]:
    r = client.post(
        query_url, data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}, headers={"Accept": _JSON}
    )
    if r.status_code != 200:
        return set()
    return {b["g"]["value"] for b in r.json()["results"]["bindings"]}


def _drop_staging(client: httpx.Client, update_url: str, names: Any) -> None:
    with contextlib.suppress(httpx.HTTPError):
        client.post(update_url, data={"update": " ;\n".join(f"DROP SILENT GRAPH <{n}>" for n in names)})
