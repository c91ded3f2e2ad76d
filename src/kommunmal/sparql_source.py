"""Run a named SELECT query (src/kommunmal/queries/NAME.rq) against the embedded store or a remote SPARQL endpoint.

The .rq files do not know the base IRI: a `PREFIX km: <{vocab}>` line is put in front of each, so the same
files work for any deployment. Rows come back as plain dicts of variable name to lexical value (IRIs and
literals alike); unbound variables are absent.
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from kommunmal.errors import KommunmalError, Unreachable
from kommunmal.lazy import lazy_import
from kommunmal.release import Release
from kommunmal.resources import package_file
from kommunmal.store import Store

httpx = lazy_import("httpx")

Row = dict[str, str]

SPARQL_JSON = "application/sparql-results+json"
# Long queries go in a POST body; below this a GET is used, which every endpoint and cache understands.
MAX_GET_URL = 2000


@cache
def query_text(name: str, vocab: str) -> str:
    """The query NAME.rq with the prefixes of this deployment's vocabularies put in front: km: (`vocab`,
    {base}def/kommunmal#) and kmc: (the change vocabulary, {base}def/changes#, ontology/changes.ttl).

    Read once per name and vocabulary: pages and /health ask for their queries on every request, and the package's
    query files do not change while it runs. Raises KommunmalError for an unknown name (not remembered)."""
    path = package_file("queries", f"{name}.rq")
    if not path.is_file():
        raise KommunmalError(f"no query named {name!r} in {path.parent}")
    changes = vocab.replace("def/kommunmal#", "def/changes#")
    return f"PREFIX km: <{vocab}>\nPREFIX kmc: <{changes}>\n" + path.read_text(encoding="utf-8")


def with_values(text: str, values: str) -> str:
    """`text` (a query with one top-level `WHERE {`) with the VALUES block `values` put first in its pattern.

    First inside the pattern the block binds its variables before the rest is evaluated; appended after the query
    (SPARQL allows both) it is joined with the answers for every value in the store, which grew with the store
    (0.1 s a page at 29 municipalities). Raises ValueError when the query has no `WHERE {`."""
    head, where, pattern = text.partition("WHERE {")
    if not where:
        raise ValueError("the query has no WHERE { to put the VALUES block in")
    return f"{head}{where}\n  {values}\n{pattern}"


class SparqlSource(ABC):
    """Somewhere SELECT queries can be run; `describe` says where, for messages and titles."""

    def __init__(self, vocab: str) -> None:
        self.vocab = vocab

    def select(self, name: str) -> list[Row]:
        return self.select_text(query_text(name, self.vocab))

    @abstractmethod
    def select_text(self, sparql: str) -> list[Row]: ...

    @property
    @abstractmethod
    def describe(self) -> str: ...

    @property
    @abstractmethod
    def key(self) -> str:
        """What identifies the data queried (a release id, an endpoint URL), for caches."""


class StoreSource(SparqlSource):
    """The embedded Oxigraph store of a release (default graph = union of the named graphs, or of `graphs`: IRIs
    of named graphs, e.g. one document's `documents.dataset_graphs`)."""

    def __init__(
        self, store: Store, vocab: str, release: Release | None = None, graphs: list[str] | None = None
    ) -> None:
        super().__init__(vocab)
        self.store = store
        self.release = release
        self.graphs = graphs

    @classmethod
    def for_release(cls, release: Release, vocab: str) -> StoreSource:
        return cls(Store(release.store_path), vocab, release)

    def select_text(self, sparql: str) -> list[Row]:
        try:
            solutions = self.store.query(sparql, default_graph=self.graphs)
        except SyntaxError as exc:
            raise KommunmalError(f"query rejected by the store: {exc}") from None
        names = [v.value for v in solutions.variables]
        rows: list[Row] = []
        for solution in solutions:
            row: Row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term.value
            rows.append(row)
        return rows

    @property
    def describe(self) -> str:
        return f"release {self.release.id}" if self.release else f"store {self.store.path}"

    @property
    def key(self) -> str:
        where = self.release.id if self.release else str(self.store.path)
        if self.graphs is None:
            return where
        return f"{where}:" + hashlib.sha256("\n".join(sorted(self.graphs)).encode()).hexdigest()[:16]


class EndpointSource(SparqlSource):
    """A SPARQL 1.1 protocol endpoint over HTTP, asked for SPARQL JSON results."""

    def __init__(self, url: str, vocab: str, timeout_s: float = 30.0) -> None:
        super().__init__(vocab)
        if not url.startswith(("http://", "https://")):
            raise KommunmalError(f"endpoint {url!r} is not an http(s) URL")
        self.url = url
        self.timeout_s = timeout_s

    def select_text(self, sparql: str) -> list[Row]:
        headers = {"Accept": SPARQL_JSON}
        try:
            with httpx.Client(timeout=self.timeout_s, follow_redirects=True) as client:
                if len(self.url) + len(urlencode({"query": sparql})) < MAX_GET_URL:
                    response = client.get(self.url, params={"query": sparql}, headers=headers)
                else:
                    response = client.post(self.url, data={"query": sparql}, headers=headers)
        except httpx.TimeoutException:
            raise Unreachable(f"SPARQL endpoint {self.url} did not answer within {self.timeout_s:g} s") from None
        except httpx.HTTPError as exc:
            raise Unreachable(f"SPARQL endpoint {self.url} cannot be reached: {exc}") from None
        if response.status_code != 200:
            raise Unreachable(
                f"SPARQL endpoint {self.url} answered HTTP {response.status_code}: {response.text[:300].strip()}"
            )
        return parse_results_json(response.content, self.url)

    @property
    def describe(self) -> str:
        return f"endpoint {self.url}"

    @property
    def key(self) -> str:
        return self.url


def parse_results_json(body: bytes, where: str) -> list[Row]:
    """SPARQL 1.1 Query Results JSON -> rows."""
    try:
        doc = json.loads(body)
        bindings = doc["results"]["bindings"]
        return [{name: cell["value"] for name, cell in b.items()} for b in bindings]
    except (ValueError, KeyError, TypeError) as exc:
        raise Unreachable(f"{where} did not return SPARQL JSON results ({exc.__class__.__name__}: {exc})") from None


def open_source(
    vocab: str, *, endpoint: str | None = None, release_dir: Path | None = None, timeout_s: float = 30.0
) -> SparqlSource:
    """The remote endpoint when given, else the store of the current release in `release_dir`."""
    if endpoint:
        return EndpointSource(endpoint, vocab, timeout_s=timeout_s)
    if release_dir is None:
        raise KommunmalError("neither an endpoint nor a release folder was given")
    return StoreSource.for_release(Release.current(release_dir), vocab)
