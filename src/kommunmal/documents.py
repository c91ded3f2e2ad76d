"""The goal documents a release holds (municipality × year), and how a user names one.

A goal document is a `km:GoalDocument`; its goals point to it with `km:goalDocument`. A user names a document by
its IRI or as `<municipality>/<year>`, where `<municipality>` is the municipality's slug in the IRIs
(`ostersund`), its kommunkod (`2380`) or its Swedish name (`Östersunds kommun`), case-insensitively.
"""

from __future__ import annotations

import re
import unicodedata
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


def fold(text: str) -> str:
    """Lower case, without diacritics, words joined by "-": "Östersunds kommun" -> "ostersunds-kommun"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def resolve(source: SparqlSource, name: str) -> Document:
    """The document named by `name`: its IRI, or `<municipality>/<year>`, where the municipality is the slug in
    the IRIs, the kommunkod, or the start of the Swedish name without diacritics ("Östersunds/2024").

    Raises NotFound (exit code 2) naming the documents there are when none or several match, or when `name` is
    neither an IRI nor municipality/year."""
    known = documents(source)
    wanted = name.strip()
    listing = ", ".join(doc.key for doc in known) or "none"
    if re.match(r"^[a-z][a-z0-9+.-]*:", wanted):
        for doc in known:
            if wanted == doc.iri:
                return doc
        raise NotFound(f"no goal document {wanted} in {source.describe}; there are: {listing}")
    match = re.fullmatch(r"([^/]+?)\s*/\s*(\d{4})", wanted)
    if not match:
        raise NotFound(
            f"{name!r}: give a goal document's IRI or municipality/year, e.g. ostersund/2024; there are: {listing}"
        )
    place, year = fold(match.group(1)), int(match.group(2))
    hits = [
        doc
        for doc in known
        if doc.year == year
        and (place in (fold(doc.slug), doc.kommunkod or "") or (place and fold(doc.publisher_label).startswith(place)))
    ]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        raise NotFound(f"no goal document {name!r} in {source.describe}; there are: {listing}")
    raise NotFound(f"{name!r} names {len(hits)} goal documents; give the IRI of one: {listing}")


def dataset_graphs(document: Document, graph_iris: list[str], base_iri: str) -> list[str]:
    """The named graphs that hold all a query about `document` reads: its own and its municipality's (`graphs_of`),
    the vocabulary (graph/ontology/…) and the reference data (graph/reference/…), from a release's graph IRIs.

    Queried as the default graph instead of the union of all graphs, a whole-store query (the goal graph's) reads
    one document: at 290 municipalities the goal graph page read every document's links (over two minutes)."""
    shared = tuple(f"{base_iri}graph/{folder}/" for folder in ("ontology", "reference"))
    return sorted({*graphs_of(document, graph_iris, base_iri), *(g for g in graph_iris if g.startswith(shared))})


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
