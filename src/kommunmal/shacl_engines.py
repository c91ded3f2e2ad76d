"""The SHACL engines that validation can run, by the name of the setting `shacl_engine`, behind one call.

Each engine takes the same data and gives a SHACL validation report graph (rdflib); `kommunmal.validation` turns
it into Results. How they differ where it shows: shacl-engine renames blank nodes in its report (a result about a
blank node names another label than the data's); pyshacl-turbo and pySHACL keep them, and also give the results
of a failed sh:node under sh:detail, which shacl-engine leaves out (SHACL 1.0, 4.7.1: the sh:node constraint
reports the value that does not conform; details are optional).
"""

from __future__ import annotations

import importlib

from rdflib import Graph

from kommunmal.errors import KommunmalError

# The SHACL engines `validate` can run, by the name of the setting `shacl_engine`. shacl-engine (the PyPI package
# `shacl`, Rust) is the default: a cold build of 290 municipalities took 95.1 s and 174 s of CPU with it against
# 119.2 s and 221 s with pyshacl-turbo, with the same content (scripts/bench_build.py --sizes 290 --engines
# shacl-engine,turbo). tests/test_shacl_engines.py compares each engine result for result with pySHACL, the
# reference, on the data and on every example in shapes/examples/. pyshacl-turbo (Rust, pySHACL's API) was the
# default before it.
# Imported when first used: the server imports this module at start (through kommunmal.release) and never validates.
ENGINES = {"shacl-engine": "shacl", "turbo": "pyshacl_turbo", "pyshacl": "pyshacl"}
DEFAULT_ENGINE = "shacl-engine"


def check_engine(engine: str) -> None:
    """Raise KommunmalError (exit 2) naming the engines when `engine` is not a key of ENGINES."""
    if engine not in ENGINES:
        raise KommunmalError(
            f"unknown SHACL engine {engine!r} (setting KOMMUNMAL_SHACL_ENGINE); use one of {', '.join(ENGINES)}"
        )


def run_engine(engine: str, data: object, shapes: Graph | object) -> Graph:
    """The SHACL validation report graph of `data` against `shapes` (an rdflib Graph, or shapes the engine compiled
    with `compile_shapes`). `data` is an rdflib Graph, or N-Quads text (`str`) validated as the union of its
    graphs for shacl-engine, or what pyshacl-turbo reads (a pyoxigraph Store, its `Input`). Options are those of
    every validation here: no inference, warnings allowed, SHACL-AF. Raises KommunmalError for an unknown engine.
    How the engines' reports differ: the module's docstring; for blank nodes, `validation.blank_subject_files`."""
    check_engine(engine)
    if engine == "shacl-engine":
        return _shacl_engine(data, compile_shapes(engine, shapes) if isinstance(shapes, Graph) else shapes)
    options = {"inference": "none", "allow_warnings": True, "abort_on_first": False}
    if not isinstance(shapes, Graph):
        return shapes.validate(data, **options)[1]
    return importlib.import_module(ENGINES[engine]).validate(data, shacl_graph=shapes, advanced=True, **options)[1]


def compile_shapes(engine: str, shapes: Graph) -> Graph | object:
    """`shapes` prepared once for many `run_engine` calls: compiled by shacl-engine or pyshacl-turbo, as they are
    for pySHACL."""
    check_engine(engine)
    if engine == "shacl-engine":
        return importlib.import_module(ENGINES[engine]).Shapes.from_text(shapes.serialize(format="nt"), "nt")
    if engine != "turbo":
        return shapes
    return importlib.import_module(ENGINES[engine]).compile_shapes(shapes, advanced=True)


def _shacl_engine(data: object, shapes: object) -> Graph:
    text, fmt = (data, "nq") if isinstance(data, str) else (data.serialize(format="nt"), "nt")
    report = shapes.validate_text(text, fmt, allow_warnings=True)
    return Graph().parse(data=report.serialize("ntriples"), format="nt")
