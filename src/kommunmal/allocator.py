"""The memory allocator of the long-running commands: mimalloc when it is found, else the C library's malloc.

Why: the engines we run (Oxigraph's SPARQL evaluator and store, the SHACL engines) are Rust code that allocates
heavily, and a Python process uses glibc's malloc. With mimalloc preloaded, pyoxigraph's evaluation and
serialization of the benchmark's data queries took 8–12 % less CPU (goal_sdgs 1,823 → 1,653 µs, sdg_targets
728 → 704 µs at one municipality, mimalloc 3.4 and Debian's 2.0 alike, on an idle machine; the measure of
`scripts/bench_engine.py --allocator mimalloc|system`; server/README.md, "Uncached queries"),
and a cold build of 290 municipalities 17 % less (265 → 219 s; 141 → 116 s of wall time; README, "Releases"), at
some 13 % more peak memory in the build's main process.

How: the allocator of a process is chosen by the dynamic loader when the process starts, so `kommunmal serve` and
`kommunmal build`, when started as the command, execute themselves again once with mimalloc in LD_PRELOAD
(`reexec`); every process they start (query workers, build workers, server processes) inherits it. The library
is the one of the `cmeel-mimalloc` wheel (a dependency on Linux x86-64) or Debian's `libmimalloc2.0`.
The setting `allocator` (KOMMUNMAL_ALLOCATOR) "system" keeps the C library's malloc.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

COMMANDS = ("serve", "build")  # the commands that run long enough for the allocator to matter
DEBIAN = (Path("/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"), Path("/usr/lib/aarch64-linux-gnu/libmimalloc.so.2"))


def library() -> Path | None:
    """The mimalloc shared library to preload: the cmeel-mimalloc wheel's, else Debian's; None when neither is
    installed."""
    try:
        files = metadata.files("cmeel-mimalloc") or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name.startswith("libmimalloc.so.") and file.name.count(".") == 2:  # libmimalloc.so.3
            path = Path(str(file.locate()))
            if path.is_file():
                return path
    return next((path for path in DEBIAN if path.is_file()), None)


def loaded() -> str:
    """The allocator this process runs with: "mimalloc" when a mimalloc library is mapped into it (read from
    /proc/self/maps), else "system"."""
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "system"
    return "mimalloc" if "libmimalloc" in maps else "system"


def reexec(choice: str) -> None:
    """Execute this process's command line again with mimalloc preloaded, when `choice` is "mimalloc", the library
    is found and it is not preloaded already (so it happens once); otherwise return. Call it only in a process
    started as the `kommunmal` command (it replaces the process, keeping its id, standard streams and environment).
    Raises ValueError for a `choice` other than "mimalloc" or "system"."""
    if choice not in ("mimalloc", "system"):
        raise ValueError(
            f"inställningen KOMMUNMAL_ALLOCATOR är {choice!r}; välj 'mimalloc' eller 'system' / the setting "
            f"KOMMUNMAL_ALLOCATOR is {choice!r}; use 'mimalloc' or 'system'"
        )
    preload = os.environ.get("LD_PRELOAD", "")
    if choice == "system" or "mimalloc" in preload or not sys.platform.startswith("linux"):
        return
    path = library()
    if path is None:
        return
    env = dict(os.environ, LD_PRELOAD=f"{path} {preload}".strip())
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], env)
    except OSError:
        return  # the command goes on with the C library's malloc
