"""The server starts without importing what only some requests need (networkx, httpx, numpy, RapidFuzz): each costs
part of the second `kommunmal serve` may take to answer after start."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kommunmal.lazy import lazy_import

CHECK = """
import json, sys
import kommunmal.web
state = {}
for name in ("networkx", "httpx", "numpy", "rapidfuzz"):
    module = sys.modules.get(name)
    state[name] = "absent" if module is None else type(module).__name__
print(json.dumps(state))
"""


def test_starting_the_web_layer_executes_none_of_the_modules_requests_may_need() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    state = json.loads(done.stdout)
    assert state["numpy"] == "absent" and state["rapidfuzz"] == "absent"
    assert state["networkx"] in ("absent", "_LazyModule") and state["httpx"] in ("absent", "_LazyModule")


def test_a_lazy_module_works_when_used_and_a_missing_one_fails_at_once() -> None:
    colorsys = lazy_import("colorsys")
    assert colorsys.rgb_to_hsv(1.0, 0.0, 0.0) == (0.0, 1.0, 1.0)
    assert lazy_import("json") is json
    with pytest.raises(ModuleNotFoundError, match="kommunmal_no_such_module"):
        lazy_import("kommunmal_no_such_module")
