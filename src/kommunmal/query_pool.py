"""The SPARQL endpoint's query pool: worker processes with a hard time limit, the answer cache in front of them,
and the in-process path for queries that kommunmal.query_cost proves cheap.

A query goes to the first of: the answer cache (kommunmal.answer_cache), this process (when proved cheap), a worker
process (kommunmal.query_worker) that is killed and replaced when the query passes its deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sys
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kommunmal.answer_cache import AnswerCache
from kommunmal.query import (
    NotAcceptable,
    Overloaded,
    QueryError,
    QueryFailed,
    QueryRefused,
    QueryRequest,
    QueryResult,
    QuerySyntaxError,
    QueryTimeout,
    QueryTooLarge,
    execute,
)
from kommunmal.query_worker import Worker

log = logging.getLogger("kommunmal.sparql")


def _timed_execute(store: ox.Store, request: QueryRequest, max_rows: int | None) -> tuple[QueryResult, float]:
    """`execute`, and the CPU seconds this thread spent on it (Oxigraph evaluates on the calling thread)."""
    started = time.thread_time()
    result = execute(store, request, max_rows)
    return result, time.thread_time() - started


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
        self._cache = AnswerCache(cache_bytes, cache_entry_bytes)
        self._idle: asyncio.Queue[Worker] | None = None
        self._all: set[Worker] = set()
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
        """Kill every worker and wait for it; stop the thread pool of the in-process path."""
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
            return cached
        if self.local_store is not None:
            where = self.path(request.query)
            if where != "worker":
                result = await self._run_here(request, where)
                self._cache.remember(request, result)
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
        self._cache.remember(request, result)
        return result

    async def prepare(self, request: QueryRequest) -> bool:
        """Answer `request` now and keep the answer for the life of this pool (`AnswerCache.keep`), so that later
        requests for it are answered from memory; True when it was kept (False with the cache off). Raises what
        `run` raises."""
        return self._cache.keep(request, await self.run(request))

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

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        self.killed += 1
        self._all.discard(worker)
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._respawn(worker))
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _respawn(self, dead: Worker | None) -> None:
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

    async def _spawn(self) -> Worker:
        config = {"store": self.store_path, "max_rows": self.max_rows, "memory_bytes": self.memory_bytes}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            "from kommunmal.query_worker import worker_main; worker_main()",
            json.dumps(config),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 20,
        )
        worker = Worker(process)
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
        """Worker processes running now (fewer than `size` while replacements start)."""
        return len(self._all)


_ERRORS: dict[str, type[QueryError]] = {
    cls.__name__: cls for cls in (QueryRefused, QuerySyntaxError, NotAcceptable, QueryFailed, QueryTooLarge)
}
