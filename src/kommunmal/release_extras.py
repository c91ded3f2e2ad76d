"""Extras written into every release folder; see `kommunmal.release.release_extras` for the contract.

Each feature that adds files to a release registers its function here, one line each.
"""

from __future__ import annotations

from kommunmal.release import Extra

EXTRAS: list[Extra] = []

from kommunmal.document_dumps import write_document_dumps  # noqa: E402

EXTRAS.append(write_document_dumps)
