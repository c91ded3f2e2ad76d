"""Extras written into every release folder; see `kommunmal.release.release_extras` for the contract.

Each feature that adds files to a release registers its function here, one line each.
"""

from __future__ import annotations

from kommunmal.release import Extra

EXTRAS: list[Extra] = []

# Imported after EXTRAS exists: each module may import kommunmal.release, which names this module lazily.
from kommunmal.document_dumps import write_document_dumps  # noqa: E402
from kommunmal.search.index import build_index  # noqa: E402

EXTRAS.append(write_document_dumps)
EXTRAS.append(build_index)
