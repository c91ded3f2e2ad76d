"""Draft Turtle from a parsed goal section and its proposals, in the layout and vocabulary of data/ostersund/2024/.

Files written into the draft folder: source.txt (the extracted text the line numbers count in), budget.ttl (goal
document, period, adoption, source text, goal scheme, groups, the ingest activity), goals.ttl, texts/<notation>.ttl
(political texts and paragraphs with source spans), actions.ttl, sdg-links.ttl, responsibility.ttl and
organisations.ttl (the municipality and the bodies the text names, unless the data folder already has them).
IRIs are minted as in the Östersund data, relative to the base (id/<slug>/budget-<year>/goal/<notation> …); the
files hold relative IRIs, so they load under any base. Every proposal carries prov:wasGeneratedBy the ingest
activity, which names the tool version and the input's SHA-256; a steward's review replaces that mark.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kommunmal import __version__
from kommunmal.errors import SourceError
from kommunmal.ingest.draft_iris import SPDX, SWE, Minter, notation_of, ocr_text, serialize
from kommunmal.ingest.draft_iris import clean as _clean
from kommunmal.ingest.model import ParsedDocument, ParsedGoal, Span
from kommunmal.ingest.municipality import Municipality, OrganisationGraphs, find_municipality, guess_municipality
from kommunmal.ingest.proposal_graphs import ProposalGraphs
from kommunmal.ingest.proposals import Body, Proposals, slugify

__all__ = ["DraftWriter", "Municipality", "check_draft_folder", "find_municipality", "guess_municipality", "serialize"]


class DraftWriter(ProposalGraphs, OrganisationGraphs):
    """Writes the draft of one document; `write()` returns the files written."""

    def __init__(
        self, doc: ParsedDocument, proposals: Proposals, municipality: Municipality, year: int, base: str
    ) -> None:
        self.doc, self.proposals, self.m, self.year, self.base = doc, proposals, municipality, year, base
        self.iri = Minter(base, municipality.slug, year)
        self.km = self.iri.km
        self.notations = {g.notation: notation_of(g, i) for i, g in enumerate(doc.goals, 1)}
        self.spans: dict[tuple[int, int], str] = {}
        self.activity = self.iri.doc[f"ingest/{doc.sha256[:12]}"]
        self.bodies: dict[str, Body] = {}

    # -- helpers ------------------------------------------------------------------------------------------------

    def _span(self, g: Graph, span: Span, section: str) -> URIRef:
        node = self.iri.span[f"L{span.start}-L{span.end}"]
        # One span IRI per line range: the section it was first written with stays (km:section has one value).
        section = self.spans.setdefault((span.start, span.end), section)
        g.add((node, RDF.type, self.km.SourceSpan))
        g.add((node, DCTERMS.isPartOf, self.iri.doc.source))
        g.add((node, self.km.section, Literal(section)))
        g.add((node, self.km.startLine, Literal(span.start)))
        g.add((node, self.km.endLine, Literal(span.end)))
        g.add((node, self.km.ocrText, Literal(ocr_text(self.doc, span))))
        for line in span.omitted:
            g.add(
                (
                    node,
                    self.km.omittedLines,
                    Literal(f"{line}: utelämnad vid inläsningen (bildtext, sidhuvud, sidnummer eller citatruta)"),
                )
            )
        return node

    def _proposed(self, g: Graph, node: URIRef) -> None:
        g.add((node, PROV.wasGeneratedBy, self.activity))

    def _goal(self, notation: str) -> URIRef:
        return self.iri.goal[self.notations.get(notation, notation)]

    def _para(self, notation: str, position: int) -> URIRef:
        return self.iri.para[f"{self.notations.get(notation, notation)}-{position}"]

    def _section(self) -> str:
        tops = {n.split(".")[0] for n in self.notations.values()}
        return tops.pop() if len(tops) == 1 and any("." in n for n in self.notations.values()) else "mål"

    def _body_iri(self, body: Body) -> URIRef:
        self.bodies.setdefault(body.slug, body)
        return self.iri.orgs[body.slug]

    # -- files --------------------------------------------------------------------------------------------------

    def budget(self) -> Graph:
        g, km, i = self.iri.bind(Graph()), self.km, self.iri
        doc = i.doc.document
        span = self._span(g, self.doc.section, self._section())
        g.add((doc, RDF.type, km.GoalDocument))
        g.add((doc, DCTERMS.title, Literal(f"Budget {self.year} – mål", lang="sv")))
        g.add((doc, DCTERMS.publisher, i.org))
        g.add((doc, DCTERMS.temporal, i.doc.period))
        g.add((doc, DCTERMS.language, SWE))
        g.add((doc, km.adoption, i.doc.adoption))
        g.add((doc, DCTERMS.source, i.doc.source))
        g.add((doc, DCTERMS.hasPart, i.doc.goals))
        g.add((doc, km.sourceSpan, span))
        g.add(
            (
                doc,
                SKOS.editorialNote,
                Literal("Titeln är satt vid inläsningen och bör ersättas med dokumentets egen titel.", lang="sv"),
            )
        )
        period = i.doc.period
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(f"{self.year}-01-01", datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(f"{self.year}-12-31", datatype=XSD.date)))
        g.add((period, RDFS.label, Literal(f"budgetåret {self.year}", lang="sv")))
        adoption = i.doc.adoption
        g.add((adoption, RDF.type, km.Adoption))
        g.add((adoption, RDFS.label, Literal(f"Kommunfullmäktiges antagande av budget {self.year}", lang="sv")))
        g.add(
            (
                adoption,
                PROV.wasAssociatedWith,
                self._body_iri(Body("kommunfullmaktige", "Kommunfullmäktige", "fullmaktige")),
            )
        )
        g.add((adoption, PROV.generated, doc))
        g.add(
            (
                adoption,
                SKOS.editorialNote,
                Literal("Beslutsdatum är inte inläst; ange det från kommunfullmäktiges protokoll.", lang="sv"),
            )
        )
        source = i.doc.source
        g.add((source, RDF.type, km.SourceText))
        g.add((source, DCTERMS.title, Literal(f"{self.m.name}, budget {self.year}, mål (inläst text)", lang="sv")))
        g.add((source, DCTERMS.identifier, Literal(f"data/{self.m.slug}/{self.year}/source.txt")))
        g.add((source, DCTERMS.format, Literal("text/plain")))
        g.add((source, DCTERMS.language, SWE))
        g.add((source, DCTERMS.publisher, i.org))
        g.add(
            (
                source,
                SKOS.editorialNote,
                Literal(
                    f"Text inläst ur {Path(self.doc.path).name} (SHA-256 {self.doc.sha256}); "
                    "radnummer i km:startLine och "
                    "km:endLine räknas från 1 i source.txt.",
                    lang="sv",
                ),
            )
        )
        checksum = BNode()
        g.add((source, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(self.doc.sha256, datatype=XSD.hexBinary)))
        self._activity(g)
        scheme = i.doc.goals
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, Literal(f"Mål i budget {self.year}", lang="sv")))
        g.add((scheme, DCTERMS.isPartOf, doc))
        for goal in self.doc.goals:
            if not goal.parent:
                g.add((scheme, SKOS.hasTopConcept, self._goal(goal.notation)))
        for label, members in self.doc.groups.items():
            group = i.doc[f"group-{slugify(label, 4)}"]
            g.add((group, RDF.type, km.GoalGroup))
            g.add((group, RDF.type, SKOS.Collection))
            g.add((group, SKOS.prefLabel, Literal(label.rstrip(":"), lang="sv")))
            g.add((group, DCTERMS.subject, self._kind_of_group(label)))
            for n in members:
                g.add((group, SKOS.member, self._goal(n)))
            g.add((group, km.sourceSpan, self._span(g, self._group_span(label, members), self._section())))
        return g

    def _activity(self, g: Graph) -> None:
        agent = URIRef(f"{self.base}id/software/kommunmal/{__version__}")
        act = self.activity
        g.add((act, RDF.type, PROV.Activity))
        g.add((act, RDFS.label, Literal(f"Inläsning med kommunmal {__version__}", lang="sv")))
        g.add((act, PROV.used, self.iri.doc.source))
        g.add((act, PROV.wasAssociatedWith, agent))
        g.add((act, PROV.endedAtTime, Literal(datetime.now(UTC).replace(microsecond=0), datatype=XSD.dateTime)))
        g.add(
            (
                act,
                SKOS.note,
                Literal(
                    f"Förslagen är maskinens (kommunmal {__version__}, indata SHA-256 {self.doc.sha256}) "
                    "tills en person "
                    "granskat dem med `kommunmal review`.",
                    lang="sv",
                ),
            )
        )
        g.add((agent, RDF.type, PROV.SoftwareAgent))
        g.add((agent, RDFS.label, Literal(f"kommunmal {__version__}")))
        g.add((agent, DCTERMS.hasVersion, Literal(__version__)))

    def _span_graph(self, span: Span, section: str) -> Graph:
        g = Graph()
        self._span(g, span, section)
        return g

    def _group_span(self, label: str, members: list[str]) -> Span:
        key = label.strip().rstrip(":").lower()[:40]
        for n, line in enumerate(self.doc.lines, 1):
            if key and key in line.lower():
                return Span(n, n)
        spans = [g.summary_span or g.span for g in self.doc.goals if g.notation in members]
        return Span(min(s.start for s in spans), max(s.end for s in spans)) if spans else self.doc.section

    def _kind_of_group(self, label: str) -> URIRef:
        return self.km.genomgripande if "genomgripande" in label.lower() else self.km.karnverksamhet

    def _kind_of_goal(self, goal: ParsedGoal) -> tuple[URIRef, bool]:
        for label, members in self.doc.groups.items():
            if goal.notation in members:
                return self._kind_of_group(label), False
        return self.km.karnverksamhet, True

    def goals(self) -> Graph:
        g, km, i = self.iri.bind(Graph()), self.km, self.iri
        for goal in self.doc.goals:
            node = self._goal(goal.notation)
            notation = self.notations[goal.notation]
            g.add((node, RDF.type, km.Goal))
            g.add((node, SKOS.inScheme, i.doc.goals))
            if goal.parent and goal.parent in self.notations:
                g.add((node, SKOS.broader, self._goal(goal.parent)))
            else:
                g.add((node, SKOS.topConceptOf, i.doc.goals))
            g.add((node, km.goalDocument, i.doc.document))
            g.add((node, SKOS.notation, Literal(notation)))
            statement = _clean(goal.statement.text)
            if goal.short_name:
                g.add((node, SKOS.prefLabel, Literal(_clean(goal.short_name), lang="sv")))
            else:
                words = statement.split()
                g.add(
                    (node, SKOS.prefLabel, Literal(" ".join(words[:6]) + (" …" if len(words) > 6 else ""), lang="sv"))
                )
                g.add(
                    (
                        node,
                        SKOS.editorialNote,
                        Literal(
                            "Dokumentet ger inget kortnamn; kortnamnet är målformuleringens första ord, "
                            "satt vid inläsningen.",
                            lang="sv",
                        ),
                    )
                )
            g.add((node, km.statement, Literal(statement, lang="sv")))
            kind, assumed = self._kind_of_goal(goal)
            g.add((node, km.goalKind, kind))
            if assumed:
                g.add(
                    (
                        node,
                        SKOS.editorialNote,
                        Literal(
                            "Dokumentet delar inte in målen i grupper; målslaget km:karnverksamhet är satt "
                            "som standard vid "
                            "inläsningen och bör granskas.",
                            lang="sv",
                        ),
                    )
                )
            if goal.notation_assigned or notation != goal.notation:
                g.add(
                    (
                        node,
                        SKOS.editorialNote,
                        Literal(
                            f"Numret {notation} är satt vid inläsningen efter målets plats i dokumentet"
                            + (
                                f" (dokumentet skriver ”{goal.notation}”)."
                                if not goal.notation_assigned
                                else "; dokumentet numrerar inte målen."
                            ),
                            lang="sv",
                        ),
                    )
                )
            g.add((node, km.politicalText, i.text[notation]))
            for span in (goal.summary_span, goal.span):
                if span:
                    g += self._span_graph(span, notation)
                    g.add((node, km.sourceSpan, i.span[f"L{span.start}-L{span.end}"]))
            self._proposed(g, node)
        return g

    def text(self, goal: ParsedGoal) -> Graph:
        g, km, i = self.iri.bind(Graph()), self.km, self.iri
        notation = self.notations[goal.notation]
        node = i.text[notation]
        g.add((node, RDF.type, km.PoliticalText))
        g.add((node, km.textOf, self._goal(goal.notation)))
        title = goal.title.text if goal.title else goal.short_name or notation
        g.add((node, DCTERMS.title, Literal(_clean(title), lang="sv")))
        g.add((node, DCTERMS.language, SWE))
        paragraphs = goal.paragraphs
        if paragraphs:
            whole = Span(min(p.span.start for p in paragraphs), max(p.span.end for p in paragraphs))
            for n, paragraph in enumerate(paragraphs, 1):
                para = i.para[f"{notation}-{n}"]
                g.add((node, km.paragraph, para))
                g.add((para, RDF.type, km.Paragraph))
                g.add((para, DCTERMS.isPartOf, node))
                g.add((para, km.position, Literal(n)))
                g.add((para, km.text, Literal(_clean(paragraph.text.text), lang="sv")))
                g += self._span_graph(paragraph.span, notation)
                g.add((para, km.sourceSpan, i.span[f"L{paragraph.span.start}-L{paragraph.span.end}"]))
                if paragraph.text.unsure:
                    g.add(
                        (
                            para,
                            SKOS.editorialNote,
                            Literal(
                                "Ord som rättningen av OCR-texten inte var säker på och som står som i källan: "
                                + ", ".join(sorted(set(paragraph.text.unsure)))
                                + ".",
                                lang="sv",
                            ),
                        )
                    )
        else:
            # A goal area without text of its own: its statement stands as the one paragraph, so the shapes'
            # "a goal has a political text with a paragraph" holds and the text is still the document's.
            whole = goal.span
            para = i.para[f"{notation}-1"]
            g.add((node, km.paragraph, para))
            g.add((para, RDF.type, km.Paragraph))
            g.add((para, DCTERMS.isPartOf, node))
            g.add((para, km.position, Literal(1)))
            g.add((para, km.text, Literal(_clean(goal.statement.text), lang="sv")))
            g.add((para, km.sourceSpan, i.span[f"L{goal.span.start}-L{goal.span.end}"]))
            g += self._span_graph(goal.span, notation)
            g.add(
                (
                    para,
                    SKOS.editorialNote,
                    Literal("Dokumentet har ingen egen text till målet; stycket är målformuleringen.", lang="sv"),
                )
            )
        g += self._span_graph(whole, notation)
        g.add((node, km.sourceSpan, i.span[f"L{whole.start}-L{whole.end}"]))
        self._proposed(g, node)
        return g

    def write(self, out: Path) -> list[Path]:
        """Write the draft files into `out` (created if missing) and return their paths. A draft already there is
        replaced (its review.ttl stays); a folder with other Turtle is refused (see `check_draft_folder`)."""
        check_draft_folder(out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "texts").mkdir(exist_ok=True)
        for old in (out / "texts").glob("*.ttl"):
            old.unlink()  # a goal the document no longer has must not linger from an earlier ingest
        name = f"{self.m.name}, budget {self.year}"
        files: dict[Path, tuple[Graph, str]] = {
            out / "budget.ttl": (self.budget(), f"{name}: goal document, source text, goal scheme and groups."),
            out / "goals.ttl": (self.goals(), f"{name}: the goals as the ingest read them."),
        }
        for goal in self.doc.goals:
            files[out / "texts" / f"{self.notations[goal.notation]}.ttl"] = (
                self.text(goal),
                f"{name}: political text of goal {self.notations[goal.notation]}.",
            )
        files[out / "actions.ttl"] = (self.actions(), f"{name}: proposed actions (commitment sentences).")
        files[out / "sdg-links.ttl"] = (self.sdg_links(), f"{name}: proposed links to UN SDG targets.")
        files[out / "responsibility.ttl"] = (self.responsibility(), f"{name}: bodies the text names.")
        files[out / "organisations.ttl"] = (self.organisations(), f"{name}: the municipality and named bodies.")
        header = (
            "Draft written by `kommunmal ingest` {version} from {src} (SHA-256 {sha}).\n"
            "Resources with prov:wasGeneratedBy the ingest activity are proposals until reviewed with "
            "`kommunmal review`.\n"
        )
        written = []
        for path, (graph, title) in files.items():
            text = serialize(
                graph,
                self.base,
                title + "\n" + header.format(version=__version__, src=Path(self.doc.path).name, sha=self.doc.sha256),
            )
            path.write_text(text, encoding="utf-8")
            written.append(path)
        source = out / "source.txt"
        source.write_text("\n".join(self.doc.lines) + "\n", encoding="utf-8")
        written.append(source)
        return written


def check_draft_folder(out: Path) -> None:
    """Raise SourceError when `out` holds Turtle that is not a draft of `kommunmal ingest` (curated data would be
    overwritten); an empty or missing folder, or an earlier draft, is fine."""
    if not out.is_dir():
        return
    turtle = [p for p in out.rglob("*.ttl") if p.name != "review.ttl"]
    budget = out / "budget.ttl"
    if turtle and not (budget.is_file() and "ingest/" in budget.read_text(encoding="utf-8")):
        raise SourceError(
            out, "holds Turtle that is not a draft of kommunmal ingest (curated data?); give an empty folder with --out"
        )
