"""The embedded RDF store: Oxigraph (pyoxigraph), written by `build`, opened read-only by `serve`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph

from kommunmal.errors import NotFound


class Store:
    """A read-only view of a release's Oxigraph store; the default graph is the union of the named graphs."""

    def __init__(self, path: Path | str) -> None:
        path = Path(path)
        if not path.is_dir():
            raise NotFound(f"no store at {path}: run `kommunmal build` first")
        self.path = path
        self._store = pyoxigraph.Store.read_only(str(path))

    @classmethod
    def of(cls, store: pyoxigraph.Store) -> Store:
        """A view of an open Oxigraph store (a build worker's, in memory) instead of a release's; `path` is None."""
        view = cls.__new__(cls)
        view.path = None
        view._store = store
        return view

    @property
    def oxigraph(self) -> pyoxigraph.Store:
        return self._store

    def query(
        self,
        sparql: str,
        *,
        default_graph: list[str] | None = None,
        named_graphs: list[str] | None = None,
        base_iri: str | None = None,
    ) -> Any:
        """Evaluate a SPARQL query. Without a protocol dataset the default graph is the union of all graphs."""
        kwargs: dict[str, Any] = {"base_iri": base_iri}
        if default_graph is not None or named_graphs is not None:
            kwargs["default_graph"] = [pyoxigraph.NamedNode(g) for g in default_graph or []]
            kwargs["named_graphs"] = [pyoxigraph.NamedNode(g) for g in named_graphs or []]
        else:
            kwargs["use_default_graph_as_union"] = True
        return self._store.query(sparql, **kwargs)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs())

    def __len__(self) -> int:
        return len(self._store)


def open_store(settings: Any, release: Any) -> Any:
    """The store a server reads: the release's embedded store, or the SPARQL server at setting `store_url`."""
    if getattr(settings, "store_url", ""):
        from kommunmal.store_remote import RemoteStore

        return RemoteStore(settings.store_url, timeout_s=max(30.0, settings.sparql_timeout_s))
    return Store(release.store_path)
