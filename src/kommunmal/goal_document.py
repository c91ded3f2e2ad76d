"""Which goal document `kommunmal analyse --document` means: an IRI, or "municipality/year" such as "ostersund/2024".

"municipality/year" matches a document (km:goalDocument of some goal) whose publisher's IRI ends in the
municipality's slug (…/id/ostersund) or whose publisher's Swedish name, folded to ASCII, starts with it
("Östersunds kommun" → "ostersunds kommun"), and whose period (dct:temporal with dcat:startDate/endDate) contains
the year. Rows come from queries/goal_documents.rq, so a remote endpoint resolves the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from kommunmal.errors import KommunmalError
from kommunmal.sparql_source import SparqlSource


@dataclass(frozen=True)
class GoalDocument:
    iri: str
    title: str
    publisher: str
    slug: str  # the publisher's slug, e.g. "ostersund"
    years: tuple[int, ...]  # the years its period covers, empty when it has none

    @property
    def short(self) -> str:
        """How to name it on the command line: "ostersund/2024" (or the IRI when it has no year)."""
        return f"{self.slug}/{self.years[0]}" if self.slug and len(self.years) == 1 else self.iri


def fold(text: str) -> str:
    """Lower case, without diacritics, words joined by "-": "Östersunds kommun" -> "ostersunds-kommun"."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def _years(start: str, end: str) -> tuple[int, ...]:
    first, last = (int(v[:4]) if re.match(r"\d{4}", v or "") else None for v in (start, end))
    if first is None and last is None:
        return ()
    first, last = first or last, last or first
    return tuple(range(first, last + 1))


def documents(source: SparqlSource) -> list[GoalDocument]:
    """The goal documents in `source`, in IRI order."""
    found: dict[str, GoalDocument] = {}
    for row in source.select("goal_documents"):
        iri = row["document"]
        if iri in found:
            continue
        publisher_iri = row.get("publisherIri", "")
        slug = re.split(r"[/#]", publisher_iri.rstrip("/#"))[-1] if publisher_iri else ""
        found[iri] = GoalDocument(
            iri, row.get("title", ""), row.get("publisher", ""), slug, _years(row.get("start", ""), row.get("end", ""))
        )
    return sorted(found.values(), key=lambda d: d.iri)


def resolve(source: SparqlSource, wanted: str) -> str:
    """The IRI of the goal document `wanted` names (an IRI or "municipality/year").

    Raises KommunmalError naming the documents there are when none or several match.
    """
    docs = documents(source)
    listing = "; ".join(f"{d.short} ({d.publisher}, {d.title})" for d in docs) or "none"
    if re.match(r"^[a-z][a-z0-9+.-]*:", wanted):
        if any(d.iri == wanted for d in docs):
            return wanted
        raise KommunmalError(f"no goal document {wanted} in {source.describe}; there are: {listing}")
    match = re.fullmatch(r"\s*([^/]+?)\s*/\s*(\d{4})\s*", wanted)
    if not match:
        raise KommunmalError(f"--document {wanted!r}: give an IRI or municipality/year, e.g. ostersund/2024")
    place, year = fold(match.group(1)), int(match.group(2))
    hits = [
        d
        for d in docs
        if year in d.years and (d.slug == place or (fold(d.publisher).startswith(place) if d.publisher else False))
    ]
    if len(hits) == 1:
        return hits[0].iri
    if not hits:
        raise KommunmalError(f"no goal document for {wanted} in {source.describe}; there are: {listing}")
    raise KommunmalError(f"{wanted} names {len(hits)} goal documents; give the IRI of one: {listing}")
