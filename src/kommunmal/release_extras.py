"""Extras written into every release folder; see `kommunmal.release.release_extras` for the contract.

Each feature that adds files to a release registers its function here, one line each.
"""

from __future__ import annotations

from kommunmal.release import Extra

EXTRAS: list[Extra] = []

from kommunmal.search.index import build_index  # noqa: E402 - registered below, one line per extra

EXTRAS.append(build_index)
