"""SPARQL query execution for a public, read-only endpoint.

Three parts:

* `inspect(query)`: what a query is and whether it may run (no SERVICE, no update), decided before any
  evaluation by a scanner that skips strings, IRIs, comments, variables and local names.
* `execute(store, request, max_rows)`: evaluate one query on a pyoxigraph store and serialize the result,
  cut at `max_rows`. Used by the workers and directly by tests.
* `QueryPool`: worker processes (one read-only store handle each, no network, a memory cap) that run
  `execute`; a query that passes its deadline gets its worker killed and replaced.

The default graph is the union of the named graphs unless the query (FROM / FROM NAMED, resolved inside the
store) or the protocol request (default-graph-uri / named-graph-uri, which take precedence) names a dataset.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import itertools
import json
import logging
import os
import re
import struct
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kommunmal import rdfxml
from kommunmal.errors import KommunmalError
from kommunmal.query_guard import refuse_service, unescape

log = logging.getLogger("kommunmal.sparql")

# Format names of formats.FORMATS that a query result can be written in.
RESULTS_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "srj": ox.QueryResultsFormat.JSON,
    "srx": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# Fewest bytes one solution can take in each format: below max_rows * this there is nothing to cut.
_MIN_ROW_BYTES = {"srj": 3, "srx": 17, "csv": 2, "tsv": 1}

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})


# --- errors -------------------------------------------------------------------------------------------------


class QueryError(KommunmalError):
    """A query that was not answered; `status` is the HTTP status the web layer answers with."""

    status = 500


class QueryRefused(QueryError):
    """The query asks for something this endpoint never does (SERVICE, an update operation)."""

    status = 400


class QuerySyntaxError(QueryError):
    """The parser's message, with line and column."""

    status = 400


class NotAcceptable(QueryError):
    """The result cannot be given in any format the client accepts."""

    status = 406


class QueryTimeout(QueryError):
    """The query ran past its time limit; its worker was killed."""

    status = 503


class Overloaded(QueryError):
    """No worker became free in time."""

    status = 503


class QueryFailed(QueryError):
    """The evaluation failed for a reason of its own (an engine error)."""

    status = 500


class QueryTooLarge(QueryError):
    """The query needed more memory than a worker may use; its worker stopped and was replaced. Like the time
    limit, a per-query resource limit: 503, and the message says to narrow the query."""

    status = 503


# --- inspection ---------------------------------------------------------------------------------------------

# One pass, left to right, with the same token boundaries as the SPARQL grammar for everything that can hide
# text: comments, strings, IRIs, variables, prefixed names (the local part may contain escaped '#', quotes),
# language tags. What remains are keywords, punctuation and numbers.
_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\.)*>)
  | (?P<var>[?$][A-Za-z0-9_]+)
  | (?P<pname>(?P<prefix>[A-Za-z][A-Za-z0-9_.\-]*)?:(?:(?:[A-Za-z0-9_:]|\\.|%[0-9A-Fa-f]{2})
               (?:[A-Za-z0-9_\-:]|\\.|%[0-9A-Fa-f]{2})*)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<escape>\\.)
  | (?P<word>[A-Za-z]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class QueryInfo:
    form: str | None  # SELECT, ASK, CONSTRUCT, DESCRIBE; None when the scanner cannot tell (syntax errors)
    has_dataset: bool  # FROM or FROM NAMED in the query

    @property
    def kind(self) -> str | None:
        """'results' for SELECT/ASK, 'graph' for CONSTRUCT/DESCRIBE."""
        if self.form is None:
            return None
        return "graph" if self.form in ("CONSTRUCT", "DESCRIBE") else "results"


def inspect(query: str) -> QueryInfo:
    """Classify a query; raise QueryRefused for SERVICE (federation) and for update operations."""
    refuse_service(query, QueryRefused)  # on the parser's view of the query: kommunmal.query_guard
    info = _scan(query)
    unescaped = unescape(query)
    if unescaped != query:
        # Codepoint escapes may stand anywhere in a SPARQL 1.1 query; refuse what the unescaped text hides too.
        _scan(unescaped)
    return info


def _scan(query: str) -> QueryInfo:
    form: str | None = None
    has_dataset = False
    for match in _TOKENS.finditer(query):
        if match.lastgroup != "word":
            continue
        word = match.group().upper()
        if form is None and word not in ("BASE", "PREFIX"):
            if word in UPDATE_KEYWORDS:
                raise QueryRefused(
                    f"{word} is an update operation; this endpoint is read-only and answers queries only"
                )
            form = word if word in QUERY_FORMS else ""
        elif word == "FROM":
            has_dataset = True
    return QueryInfo(form or None, has_dataset)


# --- execution ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryRequest:
    """One query to run; hashable, so it is also the result cache key."""

    query: str
    results_format: str | None = "srj"  # format for SELECT/ASK, None if the client accepts none
    graph_format: str | None = "turtle"  # format for CONSTRUCT/DESCRIBE, None if the client accepts none
    default_graphs: tuple[str, ...] | None = None  # protocol dataset: default-graph-uri
    named_graphs: tuple[str, ...] | None = None  # protocol dataset: named-graph-uri
    use_query_dataset: bool = False  # the query has FROM / FROM NAMED
    base_iri: str | None = None

    def to_json(self) -> bytes:
        return json.dumps(
            [
                self.query,
                self.results_format,
                self.graph_format,
                self.default_graphs,
                self.named_graphs,
                self.use_query_dataset,
                self.base_iri,
            ],
            ensure_ascii=False,
        ).encode()

    @classmethod
    def from_json(cls, data: bytes) -> QueryRequest:
        q, rf, gf, dg, ng, uqd, base = json.loads(data)
        return cls(q, rf, gf, tuple(dg) if dg is not None else None, tuple(ng) if ng is not None else None, uqd, base)


@dataclass(frozen=True)
class QueryResult:
    body: bytes
    format: str  # a formats.FORMATS name
    truncated: bool = False
    ms: float = 0.0  # evaluation time in the worker
    cached: bool = False
    where: str = "worker"  # what evaluated it: "worker", or "inline"/"local" in this process (query_cost)


def execute(store: ox.Store, request: QueryRequest, max_rows: int | None) -> QueryResult:
    """Evaluate and serialize one query; raise QuerySyntaxError or NotAcceptable."""
    started = time.perf_counter()
    result = _evaluate(store, request)
    if isinstance(result, ox.QueryTriples) or getattr(result, "is_graph", False):
        name = request.graph_format
        if name is None:
            raise NotAcceptable(
                "the query returns a graph; accept text/turtle, application/n-triples, "
                "application/rdf+xml or application/ld+json"
            )
        # One evaluation, stopped after one triple more than the cap.
        triples = list(result if max_rows is None else itertools.islice(result, max_rows + 1))
        truncated = max_rows is not None and len(triples) > max_rows
        body = ox.serialize(triples[:max_rows] if truncated else triples, format=GRAPH_FORMATS[name])
        if name == "rdfxml":
            body = rdfxml.check(body, (t.predicate.value for t in triples), NotAcceptable)
    else:
        name = request.results_format
        if name is None:
            raise NotAcceptable(
                "the query returns results; accept application/sparql-results+json, "
                "application/sparql-results+xml, text/csv or text/tab-separated-values"
            )
        body = result.serialize(format=RESULTS_FORMATS[name])
        truncated = False
        if (
            max_rows is not None
            and isinstance(result, ox.QuerySolutions)
            and len(body) > max_rows * _MIN_ROW_BYTES[name]
            and _rows(body, name, max_rows) > max_rows
        ):
            body, truncated = _cut_solutions(store, request, name, max_rows)
    return QueryResult(body, name, truncated, (time.perf_counter() - started) * 1000)


def _timed_execute(store: ox.Store, request: QueryRequest, max_rows: int | None) -> tuple[QueryResult, float]:
    """`execute`, and the CPU seconds this thread spent on it (Oxigraph evaluates on the calling thread)."""
    started = time.thread_time()
    result = execute(store, request, max_rows)
    return result, time.thread_time() - started


def _evaluate(store: ox.Store, request: QueryRequest) -> Any:
    kwargs: dict[str, Any] = {"base_iri": request.base_iri}
    if request.default_graphs is not None or request.named_graphs is not None:
        kwargs["default_graph"] = [_graph_iri(g) for g in request.default_graphs or ()]
        kwargs["named_graphs"] = [_graph_iri(g) for g in request.named_graphs or ()]
    elif not request.use_query_dataset:
        kwargs["use_default_graph_as_union"] = True
    try:
        return store.query(request.query, **kwargs)
    except SyntaxError as exc:
        raise QuerySyntaxError(str(exc)) from None
    except ValueError as exc:  # e.g. an invalid IRI among the protocol's graph IRIs
        raise QuerySyntaxError(str(exc)) from None
    except TimeoutError as exc:  # a remote store (store_remote) that did not answer in time
        raise QueryTimeout(str(exc)) from None


def _rows(body: bytes, name: str, max_rows: int) -> int:
    """Solutions in a serialized answer, counted without evaluating again; exact whenever it is above `max_rows`
    (a cut is needed only there), possibly an overcount below it.

    TSV has one line per solution and XML one <result> element (a literal's "<" is escaped). In Oxigraph's
    compact JSON every boundary between two solutions is `},{`, so their count plus one bounds the solutions
    from above (a string may hold the sequence too); JSON is parsed only when that bound is over the cap.
    CSV may hold line breaks inside quoted values, so it is counted as "maybe over" and cut by the TSV route."""
    if name == "tsv":
        return body.count(b"\n") - 1
    if name == "srx":
        return body.count(b"<result>")
    if name == "srj":
        bound = body.count(b"},{") + 1
        return bound if bound <= max_rows else len(json.loads(body)["results"]["bindings"])
    return 1 << 62


def _graph_iri(value: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise QuerySyntaxError(
            f"default-graph-uri and named-graph-uri take absolute IRIs, not {value!r}: {exc}"
        ) from None


def _cut_solutions(store: ox.Store, request: QueryRequest, name: str, max_rows: int) -> tuple[bytes, bool]:
    # TSV has exactly one line per solution (newlines in literals are escaped), so it can be cut by lines.
    tsv = _evaluate(store, request).serialize(format=ox.QueryResultsFormat.TSV)
    lines = tsv.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    if len(lines) - 1 <= max_rows:
        if name == "tsv":
            return tsv, False
        return ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV).serialize(
            format=RESULTS_FORMATS[name]
        ), False
    cut = b"\n".join(lines[: max_rows + 1]) + b"\n"
    if name == "tsv":
        return cut, True
    solutions = ox.parse_query_results(cut, format=ox.QueryResultsFormat.TSV)
    return solutions.serialize(format=RESULTS_FORMATS[name]), True


# --- worker process -----------------------------------------------------------------------------------------

_HEADER = struct.Struct("!II")  # lengths of the JSON part and of the body part of one message
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def worker_main() -> None:
    """Entry point of a worker process: `python -c 'from kommunmal.query import worker_main; worker_main()' JSON`.

    Requests arrive on stdin, answers leave on stdout; both are moved to private descriptors first so that
    nothing else can write into the channel.
    """
    config = json.loads(sys.argv[1])
    inp = os.fdopen(os.dup(0), "rb", buffering=0)
    out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)
    isolation = isolate(config.get("memory_bytes"))
    store = ox.Store.read_only(config["store"])
    max_rows = config.get("max_rows")
    out.write(_message({"ready": True, "pid": os.getpid(), "isolation": isolation}))
    while True:
        head = _read_exactly(inp, _HEADER.size)
        if head is None:
            return
        meta_len, body_len = _HEADER.unpack(head)
        payload = _read_exactly(inp, meta_len + body_len)
        if payload is None:
            return
        try:
            result = execute(store, QueryRequest.from_json(payload), max_rows)
            meta: dict[str, Any] = {"format": result.format, "truncated": result.truncated, "ms": result.ms}
            out.write(_message(meta, result.body))
        except QueryError as exc:
            out.write(_message({"error": type(exc).__name__, "message": str(exc)}))
        except MemoryError:
            out.write(_message({"error": "QueryTooLarge", "message": "the query needed more memory than allowed"}))
        except Exception as exc:  # the worker survives any single bad query
            out.write(_message({"error": "QueryFailed", "message": f"{type(exc).__name__}: {exc}"}))


def isolate(memory_bytes: int | None = None) -> str:
    """Cut this process off the network (own network namespace, audit hook) and cap its memory.

    Must run before any thread starts. Returns how the network was cut off, for the log.
    """
    libc = ctypes.CDLL(None, use_errno=True)
    how = "audit hook only"
    for flags, name in (
        (_CLONE_NEWNET, "network namespace"),
        (_CLONE_NEWUSER | _CLONE_NEWNET, "user+network namespace"),
    ):
        if libc.unshare(flags) == 0:
            how = name
            break
    sys.addaudithook(_refuse_network)
    if memory_bytes:
        import resource

        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    return how


_NETWORK_EVENTS = frozenset(
    {
        "socket.connect",
        "socket.getaddrinfo",
        "socket.gethostbyname",
        "urllib.Request",
        "http.client.connect",
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
    }
)


def _refuse_network(event: str, args: tuple) -> None:
    if event in _NETWORK_EVENTS:
        raise PermissionError(f"{event} is not allowed in a query worker")


def _read_exactly(stream: Any, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _message(meta: dict, body: bytes = b"") -> bytes:
    data = json.dumps(meta).encode()
    return _HEADER.pack(len(data), len(body)) + data + body


# --- pool ---------------------------------------------------------------------------------------------------


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.reader = process.stdout
        self.writer = process.stdin

    async def receive(self) -> tuple[dict, bytes]:
        head = await self.reader.readexactly(_HEADER.size)
        meta_len, body_len = _HEADER.unpack(head)
        data = await self.reader.readexactly(meta_len + body_len)
        return json.loads(data[:meta_len]), data[meta_len:]

    async def call(self, payload: bytes) -> tuple[dict, bytes]:
        self.writer.write(_HEADER.pack(len(payload), 0) + payload)
        await self.writer.drain()
        return await self.receive()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()


class QueryPool:
    """Worker processes that evaluate queries with a hard deadline, plus a cache of answers.

    The store is read-only and a release never changes, so an answer is cached by the request it answers
    (bounded by `cache_bytes`; 0 turns the cache off).

    With `local_store` (this process's read-only handle on the same store) and `stats` (query_cost.Stats of
    it), a query that query_cost proves cheap skips the worker round trip: a bound of at most `inline_work`
    is evaluated right on the event loop, one of at most `local_work` in a thread (pyoxigraph releases the GIL
    while it evaluates). A query proved within `local_work` whose last evaluation here took at most
    `inline_cpu_s` of CPU is evaluated on the event loop too: the store never changes, so the same query does the
    same work again, and the hop to a thread and back (tens of µs, more than such a query's evaluation) is saved;
    the bound keeps holding it, and a slower measurement sends it back to the thread. Should one of them ever take
    longer than a tenth of the time limit, the proof's constant was wrong for this machine: the pool logs it and
    sends every later query to the workers.
    """

    def __init__(
        self,
        store_path: Path | str,
        *,
        workers: int = 2,
        timeout_s: float = 10.0,
        max_rows: int | None = 10000,
        memory_bytes: int | None = 2 << 30,
        cache_bytes: int = 64 << 20,
        cache_entry_bytes: int = 1 << 20,
        local_store: ox.Store | None = None,
        stats: Any = None,
        inline_work: int = 500,
        local_work: int = 200_000,
        inline_cpu_s: float = 0.001,
    ) -> None:
        self.store_path = str(store_path)
        self.local_store = local_store if stats is not None and local_work > 0 else None
        self.stats = stats
        self.inline_work = min(inline_work, local_work)
        self.local_work = local_work
        self._costs: OrderedDict[str, int | None] = OrderedDict()
        self.inline_cpu_s = inline_cpu_s
        self._measured: OrderedDict[str, float] = OrderedDict()  # query -> CPU seconds of its last evaluation here
        self._threads: Any = None
        self.size = max(1, workers)
        self.timeout_s = timeout_s
        self.max_rows = max_rows
        self.memory_bytes = memory_bytes
        self.cache_bytes = cache_bytes
        self.cache_entry_bytes = cache_entry_bytes
        self._cache: OrderedDict[QueryRequest, QueryResult] = OrderedDict()
        self._cached_bytes = 0
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: set[_Worker] = set()
        self._spawning: set[asyncio.Task] = set()
        self._closed = False
        self.isolation = ""
        self.killed = 0

    async def start(self, wait: bool = True) -> None:
        """Start the workers; with `wait=False` they start in the background (queries that need one wait for it,
        within the time limit) so that a server answers what it can evaluate itself right away."""
        self._idle = asyncio.Queue()
        if not wait:
            for _ in range(self.size):
                task = asyncio.get_running_loop().create_task(self._respawn(None))
                self._spawning.add(task)
                task.add_done_callback(self._spawning.discard)
            return
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._idle.put_nowait(worker)

    async def close(self) -> None:
        self._closed = True
        for task in list(self._spawning):
            task.cancel()
        for worker in list(self._all):
            worker.kill()
            with contextlib.suppress(Exception):
                await worker.process.wait()
        self._all.clear()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)

    async def run(self, request: QueryRequest) -> QueryResult:
        """The answer to `request`; raises a QueryError subclass when there is none."""
        cached = self._cache.get(request)
        if cached is not None:
            self._cache.move_to_end(request)
            return cached
        if self.local_store is not None:
            where = self.path(request.query)
            if where != "worker":
                result = await self._run_here(request, where)
                self._remember(request, result)
                return result
        assert self._idle is not None, "QueryPool.start() was not awaited"
        try:
            async with asyncio.timeout(self.timeout_s):
                worker = await self._idle.get()
        except TimeoutError:
            raise Overloaded(f"all {self.size} query workers stayed busy for {self.timeout_s:g} s") from None
        try:
            async with asyncio.timeout(self.timeout_s):
                meta, body = await worker.call(request.to_json())
        except TimeoutError:
            self._replace(worker)
            raise QueryTimeout(f"the query ran longer than the limit of {self.timeout_s:g} s and was stopped") from None
        except (asyncio.IncompleteReadError, ConnectionError):  # the worker died (killed, out of memory)
            self._replace(worker)
            raise QueryTooLarge(
                "the query needed more memory than a query worker may use and was stopped; narrow it (LIMIT, fewer "
                "joins, no ORDER BY over a cross product)"
            ) from None
        except BaseException:
            # Cancelled mid-call: the worker's state is unknown.
            self._replace(worker)
            raise
        self._idle.put_nowait(worker)
        error = meta.get("error")
        if error:
            raise _ERRORS.get(error, QueryFailed)(meta.get("message", error))
        result = QueryResult(body, meta["format"], meta["truncated"], meta["ms"])
        self._remember(request, result)
        return result

    def path(self, query: str) -> str:
        """Where `query` is evaluated: "inline", "local" (proved cheap by query_cost) or "worker"."""
        if self.local_store is None:
            return "worker"
        from kommunmal.query_cost import cost_class, estimate

        if query in self._costs:
            work = self._costs[query]
            self._costs.move_to_end(query)
        else:
            work = estimate(query, self.stats)
            self._costs[query] = work
            if len(self._costs) > 4096:
                self._costs.popitem(last=False)
        where = cost_class(work, self.inline_work, self.local_work)
        if where == "local" and self._measured.get(query, float("inf")) <= self.inline_cpu_s:
            return "inline"
        return where

    async def _run_here(self, request: QueryRequest, where: str) -> QueryResult:
        store = self.local_store
        assert store is not None
        try:
            if where == "inline":
                result, cpu_s = _timed_execute(store, request, self.max_rows)
            else:
                if self._threads is None:
                    from concurrent.futures import ThreadPoolExecutor

                    self._threads = ThreadPoolExecutor(self.size, thread_name_prefix="sparql-local")
                loop = asyncio.get_running_loop()
                result, cpu_s = await loop.run_in_executor(self._threads, _timed_execute, store, request, self.max_rows)
        except QueryError:
            raise
        except Exception as exc:
            raise QueryFailed(f"{type(exc).__name__}: {exc}") from None
        if len(request.query) <= 8192:  # a memo of small queries only: 4,096 of them stay a few tens of MB
            self._measured[request.query] = cpu_s
            if len(self._measured) > 4096:
                self._measured.popitem(last=False)
        # The proof bounds work, so the check is on the CPU time of the evaluating thread: a busy machine that
        # delays the answer does not make the query more expensive.
        if cpu_s > self.timeout_s / 10 and self.local_store is not None:
            self.local_store = None
            log.warning(
                "a query proved cheap took %.2f s of CPU here; all queries now go to the workers: %s",
                cpu_s,
                " ".join(request.query.split())[:200],
            )
        return QueryResult(result.body, result.format, result.truncated, result.ms, where=where)

    def _remember(self, request: QueryRequest, result: QueryResult) -> None:
        size = len(result.body) + len(request.query)
        if size > self.cache_entry_bytes or size > self.cache_bytes:
            return
        self._cache[request] = QueryResult(
            result.body, result.format, result.truncated, result.ms, cached=True, where=result.where
        )
        self._cached_bytes += size
        while self._cached_bytes > self.cache_bytes:
            old, entry = self._cache.popitem(last=False)
            self._cached_bytes -= len(entry.body) + len(old.query)

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        self.killed += 1
        self._all.discard(worker)
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _respawn(self, dead: _Worker | None) -> None:
        if dead is not None:
            with contextlib.suppress(Exception):
                await dead.process.wait()
        while not self._closed:
            try:
                worker = await self._spawn()
            except Exception:
                log.exception("could not start a query worker; retrying")
                await asyncio.sleep(1)
                continue
            assert self._idle is not None
            self._idle.put_nowait(worker)
            if dead is None:
                log.info("query worker %d ready (%s)", worker.process.pid, self.isolation)
            return

    async def _spawn(self) -> _Worker:
        config = {"store": self.store_path, "max_rows": self.max_rows, "memory_bytes": self.memory_bytes}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from kommunmal.query import worker_main; worker_main()",
            json.dumps(config),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 20,
        )
        worker = _Worker(process)
        self._all.add(worker)
        try:
            async with asyncio.timeout(30):
                meta, _ = await worker.receive()
        except BaseException:
            worker.kill()
            self._all.discard(worker)
            raise
        self.isolation = meta.get("isolation", "")
        return worker

    @property
    def workers(self) -> int:
        return len(self._all)


_ERRORS: dict[str, type[QueryError]] = {
    cls.__name__: cls for cls in (QueryRefused, QuerySyntaxError, NotAcceptable, QueryFailed, QueryTooLarge)
}
