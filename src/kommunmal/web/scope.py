"""Which goal document a page is scoped to: the `dokument` query parameter (`ostersund/2024`), else the only
document of the release, else all documents (or, for pages that need one, the latest)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from kommunmal.documents import Document
from kommunmal.store import Store
from kommunmal.views.documents import all_documents
from kommunmal.web import errors

PARAM = "dokument"


@dataclass(frozen=True)
class Scope:
    """`document` the page is scoped to (None: all), every document there is, and whether the parameter named
    a document that does not exist (`unknown`: the route answers 404)."""

    document: Document | None
    documents: list[Document] = field(default_factory=list)
    unknown: bool = False
    explicit: bool = False

    @property
    def iri(self) -> str | None:
        return self.document.iri if self.document else None

    @property
    def params(self) -> dict[str, str]:
        """The query parameter that keeps a chosen document in the page's own links ({} when none was chosen)."""
        return {PARAM: self.document.key} if self.explicit and self.document else {}

    def as_dict(self) -> dict[str, Any]:
        return {
            "document": self.document.as_dict() if self.document else None,
            "documents": [d.as_dict() for d in self.documents],
            "explicit": self.explicit,
        }


def scope(request: Request, store: Store, default_latest: bool = False) -> Scope:
    """The scope of this request; see the module docstring."""
    known = _documents(request, store)
    wanted = request.query_params.get(PARAM, "").strip()
    if wanted:
        found = next((d for d in known if wanted in (d.key, d.iri)), None)
        return Scope(found, known, unknown=found is None, explicit=True)
    if len(known) == 1 or (default_latest and known):
        return Scope(max(known, key=lambda d: (d.year or 0, d.key)), known)
    return Scope(None, known)


def unknown(request: Request, sc: Scope) -> Response:
    """The 404 for a `dokument` parameter that names no document of the release (`sc.unknown`): it names the
    value and lists the documents there are."""
    return errors.unknown_document(request, request.query_params.get(PARAM, ""), [d.key for d in sc.documents])


def _documents(request: Request, store: Store) -> list[Document]:
    state = request.app.state
    cached = getattr(state, "page_documents", None)
    release = getattr(state, "release", None)
    key = release.id if release else str(store.path)
    if cached is None or cached[0] != key:
        state.page_documents = cached = (key, all_documents(store, request.app.state.settings.vocab))
    return cached[1]
