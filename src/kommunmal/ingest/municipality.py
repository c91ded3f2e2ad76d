"""The municipality a document is from: found in the data folder by kommunkod, or named by the document; and the
organisations a draft must describe itself (the municipality and the bodies the text names that the data lacks)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS

from kommunmal.ingest.draft_iris import ADMS, CV
from kommunmal.ingest.model import ParsedDocument
from kommunmal.ingest.proposals import Body, slugify


@dataclass(frozen=True)
class Municipality:
    """The municipality a document is from: `kommunkod` (four digits, SCB), `slug` for its IRIs (id/<slug>),
    `name` ("Östersunds kommun"); `known` when the data folder already describes it (then it is not written)."""

    kommunkod: str
    slug: str
    name: str
    known: bool = False
    known_bodies: tuple[Body, ...] = ()


class OrganisationGraphs:
    """The organisations part of `DraftWriter` (a mixin: uses its `m`, `iri`, `km`, `doc` and `bodies`)."""

    def organisations(self) -> Graph:
        g, km = self.iri.bind(Graph()), self.km
        known = {b.slug for b in self.m.known_bodies}
        section_span = self.iri.span[f"L{self.doc.section.start}-L{self.doc.section.end}"]
        if not self.m.known:
            org = self.iri.org
            g.add((org, RDF.type, CV.PublicOrganisation))
            g.add((org, RDF.type, ORG.FormalOrganization))
            g.add((org, RDF.type, ORG.Organization))
            g.add((org, SKOS.prefLabel, Literal(self.m.name, lang="sv")))
            g.add((org, ORG.classification, km.kommun))
            code = Literal(self.m.kommunkod, datatype=km.Kommunkod)
            g.add((org, SKOS.notation, code))
            g.add((org, DCTERMS.identifier, code))
            ident = URIRef(f"{org}/identifier/kommunkod")
            g.add((org, ADMS.identifier, ident))
            g.add((ident, RDF.type, ADMS.Identifier))
            g.add((ident, SKOS.notation, code))
            g.add((ident, SKOS.prefLabel, Literal("kommunkod", lang="sv")))
            g.add((ident, ADMS.schemaAgency, Literal("Statistiska centralbyrån (SCB)", lang="sv")))
            for node in (org, ident):
                g.add((node, DCTERMS.source, section_span))
                g.add((node, km.verificationStatus, km.unverified))
                g.add(
                    (
                        node,
                        SKOS.editorialNote,
                        Literal(
                            "Kommunkoden och namnet är angivna vid inläsningen "
                            "och inte kontrollerade mot SCB:s förteckning.",
                            lang="sv",
                        ),
                    )
                )
        for slug, body in sorted(self.bodies.items()):
            if slug in known:
                continue
            node = self.iri.orgs[slug]
            g.add((node, RDF.type, ORG.OrganizationalUnit))
            g.add((node, RDF.type, ORG.Organization))
            g.add((node, SKOS.prefLabel, Literal(body.label, lang="sv")))
            g.add((node, ORG.classification, km[body.kind]))
            g.add((node, ORG.unitOf, self.iri.org))
            g.add((node, DCTERMS.source, section_span))
            g.add((node, km.verificationStatus, km.unverified))
            g.add(
                (
                    node,
                    SKOS.editorialNote,
                    Literal(
                        "Organet är nämnt i dokumentet; att det finns under mandatperioden är inte kontrollerat.",
                        lang="sv",
                    ),
                )
            )
        return g


def find_municipality(data_dir: Path, kommunkod: str, base: str) -> Municipality | None:
    """The municipality with `kommunkod` as the data folder's organisation files describe it (id/<slug> with
    skos:notation "<code>"^^km:Kommunkod), with its bodies (units under id/<slug>/org/); None when not there."""
    km = Namespace(base + "def/kommunmal#")
    code = Literal(kommunkod, datatype=km.Kommunkod)
    for path in sorted(data_dir.glob("*/organisations.ttl")):
        graph = Graph()
        graph.parse(path, format="turtle", publicID=base)
        for org in graph.subjects(SKOS.notation, code):
            if (org, ORG.classification, km.kommun) not in graph:
                continue
            slug = str(org)[len(base + "id/") :]
            name = next((str(o) for o in graph.objects(org, SKOS.prefLabel) if o.language == "sv"), slug)
            bodies = []
            prefix = f"{base}id/{slug}/org/"
            for unit in set(graph.subjects(RDF.type, ORG.Organization)) | set(
                graph.subjects(RDF.type, ORG.OrganizationalUnit)
            ):
                if not str(unit).startswith(prefix):
                    continue
                kind = graph.value(unit, ORG.classification)
                kind_name = str(kind).rsplit("#", 1)[-1] if kind else "namnd"
                for label in [*graph.objects(unit, SKOS.prefLabel), *graph.objects(unit, SKOS.altLabel)]:
                    if label.language == "sv":
                        bodies.append(Body(str(unit)[len(prefix) :], str(label), kind_name, known=True))
            return Municipality(kommunkod, slug, name, known=True, known_bodies=tuple(bodies))
    return None


def guess_municipality(doc: ParsedDocument, kommunkod: str, name: str | None = None) -> Municipality | None:
    """A municipality named in the document: `name` if given, else the most frequent "<Name> kommun" in the text.
    The slug drops a genitive s ("Östersunds kommun" → ostersund) when the name also stands without it."""
    goal_text = [g.statement.text for g in doc.goals] + [p.text.text for g in doc.goals for p in g.paragraphs]
    text = "\n".join([*goal_text, *doc.lines])
    if not name:
        found = re.findall(r"\b([A-ZÅÄÖ][a-zåäöé]+(?:-[A-ZÅÄÖ][a-zåäöé]+)?) kommun\b", text)
        if not found:
            return None
        stem = max(sorted(set(found)), key=found.count)
        name = f"{stem} kommun"
    stem = name.removesuffix(" kommun")
    if stem.endswith("s") and re.search(rf"\b{re.escape(stem[:-1])}\b", text):
        stem = stem[:-1]
    return Municipality(kommunkod, slugify(stem, 3), name)
