"""Modules imported when first used, so that starting the server does not pay for what a request may never need.

`lazy_import` follows the recipe of the Python documentation (importlib, "Implementing lazy imports"): the module
object exists at once and is executed on its first attribute access. Used for networkx (the analysis pages) and
httpx (a remote store): together about 0.12 s of the server's start on the 2-core machine (`python -X importtime`).
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_import(name: str) -> ModuleType:
    """The module `name`, executed when an attribute of it is first read (at once if it is already imported).

    Raises ModuleNotFoundError at once when the module is not installed."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
