"""The goal documents a release holds (municipality × year), and how a user names one.

A goal document is a `km:GoalDocument`; its goals point to it with `km:goalDocument`. A user names a document by
its IRI or as `<municipality>/<year>`, where `<municipality>` is the municipality's slug in the IRIs
(`ostersund`), its kommunkod (`2380`) or its Swedish name (`Östersunds kommun`), case-insensitively.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from kommunmal.errors import NotFound
from kommunmal.sparql_source import SparqlSource


@dataclass(frozen=True)
class Document:
    """One goal document: `iri`, Swedish `title`, `publisher` IRI and Swedish `publisher_label`, `kommunkod`
    (four digits, SCB) when the data has it, `year` (the first year of the document's period) and the number of
    `goals`; `title_en` and the period's `start_date`/`end_date` (ISO dates) where the data gives them.
    `slug` is the municipality's path segment in the IRIs (`id/<slug>/…`)."""

    iri: str
    title: str
    publisher: str
    publisher_label: str
    kommunkod: str | None
    year: int | None
    goals: int
    title_en: str | None = None
    start_date: str | None = None  # xsd:date lexical form, first day of the document's period
    end_date: str | None = None

    @property
    def slug(self) -> str:
        marker = "/id/"
        path = self.publisher.split(marker, 1)[1] if marker in self.publisher else self.publisher
        return path.split("/", 1)[0]

    @property
    def key(self) -> str:
        """The short name `<slug>/<year>` used in URLs and on the command line."""
        return f"{self.slug}/{self.year}" if self.year else self.slug

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "slug": self.slug, "key": self.key}


def documents(source: SparqlSource) -> list[Document]:
    """Every goal document in `source`, ordered by municipality and year (query documents.rq)."""
    found = []
    for row in source.select("documents"):
        year = row.get("year")
        found.append(
            Document(
                iri=row["document"],
                title=row.get("title") or row["document"],
                publisher=row.get("publisher", ""),
                publisher_label=row.get("publisherLabel") or "",
                kommunkod=row.get("kommunkod"),
                year=int(year) if year else None,
                goals=int(row.get("goals") or 0),
                title_en=row.get("titleEn"),
                start_date=row.get("startDate"),
                end_date=row.get("endDate"),
            )
        )
    return found


def resolve(source: SparqlSource, name: str) -> Document:
    """The document named by `name`: its IRI, or `<municipality>/<year>` (slug, kommunkod or Swedish name).

    Raises NotFound listing the documents there are when none matches."""
    known = documents(source)
    wanted = name.strip()
    for doc in known:
        if wanted == doc.iri:
            return doc
    municipality, _, year = wanted.rpartition("/")
    for doc in known:
        names = {doc.slug.casefold(), (doc.kommunkod or "").casefold(), doc.publisher_label.casefold()}
        if municipality.casefold() in names and year == str(doc.year):
            return doc
    listing = ", ".join(doc.key for doc in known) or "none"
    raise NotFound(f"no goal document {name!r} in {source.describe}; there are: {listing}")


def graphs_of(document: Document, graph_iris: list[str], base_iri: str) -> list[str]:
    """The named graphs that hold `document` and its municipality's own data, from a release's graph IRIs.

    Source files become graphs by path (data/<slug>/<year>/x.ttl -> {base}graph/<slug>/<year>/x), so a document's
    graphs are those under graph/<slug>/<year>, and the municipality's (organisations, outcomes) those directly
    under graph/<slug>/ whose next segment is not a year. Reference data and the vocabulary are not included.
    """
    root = f"{base_iri}graph/{document.slug}/"
    year = str(document.year)
    found = []
    for iri in graph_iris:
        if not iri.startswith(root):
            continue
        first = iri[len(root) :].split("/", 1)[0]
        if first == year or not (first.isdigit() and len(first) == 4):
            found.append(iri)
    return sorted(found)
