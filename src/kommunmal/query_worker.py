"""The query worker process: one read-only store handle, no network, a memory cap; and the pool's handle on it.

A worker reads requests from stdin and writes answers to stdout, each message framed as two big-endian
32-bit lengths (JSON part, body part) followed by the JSON metadata and the body bytes. kommunmal.query_pool
starts the workers (`python -c 'from kommunmal.query_worker import worker_main; worker_main()' CONFIG`) and
kills one that passes its deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import struct
import sys
from typing import Any

import pyoxigraph as ox

from kommunmal.query import QueryError, QueryRequest, execute

_HEADER = struct.Struct("!II")  # lengths of the JSON part and of the body part of one message
_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def worker_main() -> None:
    """Entry point of a worker process:
    `python -c 'from kommunmal.query_worker import worker_main; worker_main()' JSON`, where JSON is
    {"store": path, "max_rows": int or null, "memory_bytes": int or null}.

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


class Worker:
    """The pool's end of one worker process: its pipes and the framing on them."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.reader = process.stdout
        self.writer = process.stdin

    async def receive(self) -> tuple[dict, bytes]:
        """The next message from the worker: (JSON metadata, body bytes); raises asyncio.IncompleteReadError
        when the worker died."""
        head = await self.reader.readexactly(_HEADER.size)
        meta_len, body_len = _HEADER.unpack(head)
        data = await self.reader.readexactly(meta_len + body_len)
        return json.loads(data[:meta_len]), data[meta_len:]

    async def call(self, payload: bytes) -> tuple[dict, bytes]:
        """Send one request (`QueryRequest.to_json()` bytes) and wait for its answer, as `receive`."""
        self.writer.write(_HEADER.pack(len(payload), 0) + payload)
        await self.writer.drain()
        return await self.receive()

    def kill(self) -> None:
        """Kill the process (SIGKILL); a process already gone is fine."""
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()
