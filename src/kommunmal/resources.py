"""Where the ontology, shapes and data live: a checkout's top level, or the installed package."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_NAMES = ("ontology", "shapes", "data")


@cache
def root() -> Path:
    """The folder holding ontology/, shapes/ and data/.

    A wheel carries them under kommunmal/_resources; a checkout (also an editable install)
    has them at the top level, three levels above this file.
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_resources", here.parent.parent):
        if all((candidate / name).is_dir() for name in _NAMES):
            return candidate
    raise FileNotFoundError(
        f"ontology/, shapes/ and data/ were found neither in {here / '_resources'} nor in {here.parent.parent}; "
        "reinstall kommunmal or run from a checkout"
    )


def ontology_dir() -> Path:
    return root() / "ontology"


def shapes_dir() -> Path:
    return root() / "shapes"


def data_dir() -> Path:
    return root() / "data"


def package_file(*parts: str) -> Path:
    """A file shipped inside the Python package itself (queries, templates, static assets)."""
    return Path(__file__).resolve().parent.joinpath(*parts)
