"""A national rebuild's store made from the current release's: its graphs kept, the changed units' replaced.

Why: once unit validation is cached (kommunmal.unit_cache), bulk-loading the whole store is the largest step left
of a rebuild after one municipality's edit: about 34 s of CPU, and 5 s to optimize it, at 290 municipalities
(3.1 million quads), to put back quads that the current release's store already holds.

How: after a successful build, `<out>/cache/store.json` records the release whose store it describes, the content
digest of the shared graphs (ontology and reference data) and each unit's content digest, named graphs and quads
(`save`). The next build collects the same of its units while they are validated (`Plan.note`), keeping the
N-Quads of the units whose digest differs from the record. When the record's release is still the current one
and the shared graphs' digest is the same, the new store is a checkpoint of the current store (`Store.backup`:
hard links to RocksDB's files, which are never written again) in which the graphs of changed and removed units
are dropped and the N-Quads of changed and new units loaded, then flushed to disk (`load`). The digests are those
of the release id (`unit_validation.quads_digest` / `nquads_digest`, canonical N-Quads), so equal digests mean
equal quads and the store holds what a bulk load of kommunmal.nq would hold. Blank nodes of unchanged graphs keep
the labels of the earlier store (they are renamed on every read anyway).

When more than a quarter of the store's quads would change, or more than 256 MB of N-Quads would have to be kept
for it, or anything in the record does not match, the store is bulk-loaded from kommunmal.nq as before.
`kommunmal build --no-cache` never reads or writes the record.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph

RECORD = Path("cache") / "store.json"
KEEP_BYTES = 256 << 20  # most N-Quads kept in memory for the changed units


@dataclass
class Plan:
    """What one build needs to make its store from the current release's: `previous` (the record, when its release
    is current), this build's shared digest and units {name: {"sha256", "graphs", "quads"}}, and the N-Quads of
    the units not in the previous store as they are now (`pending`)."""

    previous: dict | None
    shared: str = ""
    shared_quads: int = 0
    units: dict[str, dict] = field(default_factory=dict)
    pending: dict[str, bytes] = field(default_factory=dict)
    usable: bool = True

    @classmethod
    def of(cls, out: Path) -> Plan:
        """The plan of a build into the release folder `out`: with the record when it describes the current
        release's store (and that store is there), else without (the store is bulk-loaded)."""
        try:
            record = json.loads((Path(out) / RECORD).read_text(encoding="utf-8"))
            current = (Path(out) / "current").resolve()
            if current.name != record["release"] or not (current / "store").is_dir():
                record = None
        except (OSError, ValueError, KeyError, TypeError):
            record = None
        return cls(previous=record, usable=record is not None)

    def start(self, shared: str, quads: int) -> None:
        """Record the shared graphs' digest and quads; a different digest than the record's rules the earlier store
        out."""
        self.shared = shared
        self.shared_quads = quads
        if self.previous is None or self.previous.get("shared") != shared:
            self.usable = False

    def note(self, name: str, digest: str, graphs: dict[str, int], nquads: bytes) -> None:
        """Record one unit as it goes into kommunmal.nq: its digest, its graphs with their quads, and its N-Quads
        when the earlier store does not hold them."""
        self.units[name] = {"sha256": digest, "graphs": sorted(graphs), "quads": sum(graphs.values())}
        if not self.usable or self._same(name):
            return
        self.pending[name] = nquads
        if sum(map(len, self.pending.values())) > KEEP_BYTES:
            self.usable = False
            self.pending.clear()

    def _same(self, name: str) -> bool:
        before = (self.previous or {}).get("units", {}).get(name)
        return before is not None and before == self.units[name]

    def changes(self) -> tuple[list[str], list[str]]:
        """(graphs to drop from the earlier store, units whose N-Quads to load into it)."""
        before: dict[str, dict] = (self.previous or {}).get("units", {})
        changed = [name for name in before if not (name in self.units and self._same(name))]
        dropped = [graph for name in changed for graph in before[name]["graphs"]]
        return dropped, sorted(self.pending)

    def worth_it(self) -> bool:
        """True when the earlier store can be used and at most a quarter of its quads change."""
        if not self.usable or self.previous is None:
            return False
        before: dict[str, dict] = self.previous.get("units", {})
        total = self.previous.get("shared_quads", 0) + sum(unit["quads"] for unit in before.values())
        gone = sum(unit["quads"] for name, unit in before.items() if not (name in self.units and self._same(name)))
        new = sum(self.units[name]["quads"] for name in self.pending)
        return gone + new <= total / 4


def load(plan: Plan, out: Path, target: Path) -> int | None:
    """Make the store at `target` from the current release's store in `out` as `plan` says, and return its number
    of quads; None (nothing written) when the plan is not worth it: bulk-load the store then."""
    if not plan.worth_it():
        return None
    pyoxigraph.Store.read_only(str((Path(out) / "current" / "store").resolve())).backup(str(target))
    store = pyoxigraph.Store(str(target))
    dropped, loaded = plan.changes()
    for graph in dropped:
        store.remove_graph(pyoxigraph.NamedNode(graph))
    for name in loaded:
        store.load(plan.pending[name], format=pyoxigraph.RdfFormat.N_QUADS)
    store.flush()  # a later checkpoint copies the files on disk only
    quads = len(store)
    del store
    return quads


def save(out: Path, release_id: str, plan: Plan) -> None:
    """Record the store of release `release_id` (just published in `out`) for the next build."""
    path = Path(out) / RECORD
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"release": release_id, "shared": plan.shared, "shared_quads": plan.shared_quads, "units": plan.units}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, path)
