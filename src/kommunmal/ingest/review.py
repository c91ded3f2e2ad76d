"""A steward's review of a draft: accept, reject, edit or split each proposal; decisions recorded as PROV.

A draft folder (written by `kommunmal ingest`) holds Turtle files in which proposals carry prov:wasGeneratedBy the
ingest activity. `Review` loads the folder, lists what is still proposed (`pending()`), applies decisions, saves the
draft after each one (so a session can stop and resume) and writes the curated files (`write_curated()`): every
accepted resource, with prov:wasGeneratedBy the steward's decision instead of the ingest. Each decision is a
prov:Activity in review.ttl: who (prov:wasAssociatedWith a prov:Person), when (prov:endedAtTime), what (rdfs:label
and prov:used / prov:invalidated the proposal; skos:changeNote for edits). Rejected proposals are removed from the
draft and, through review.ttl, withheld from a later ingest of the same document (`rejected_keys`).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS, XSD

from kommunmal.errors import SourceError
from kommunmal.ingest.proposals import proposal_key, slugify
from kommunmal.ingest.writer import serialize

LABELS = {
    "accepted": "Godkänt förslag",
    "rejected": "Avvisat förslag",
    "edited": "Redigerat förslag",
    "split": "Delat åtagande uppdelat per mål",
}


# The Swedish labels of km:LinkStrengthScheme with the strengths' weights (ontology/kommunmal.ttl; the rubric in
# data/ostersund/2024/sdg-links.ttl).
STRENGTHS = {"direct": ("direkt", "1"), "partial": ("delvis", "0,6"), "contextual": ("sammanhang", "0,3")}


@dataclass
class Proposal:
    """One thing to decide: `kind` is "goals" (the goals and texts as read), "action", "sdg" or "responsibility"."""

    iri: URIRef
    kind: str


def rejected_keys(paths: list[Path], base: str) -> set[str]:
    """Keys of rejected proposals recorded in review.ttl files (missing files are skipped): an action's IRI slug,
    or "<subject key>--<SDG code or body slug>" for a link, as `proposals.propose(withhold=…)` expects."""
    keys: set[str] = set()
    for path in paths:
        if not path.is_file():
            continue
        graph = Graph()
        graph.parse(path, format="turtle", publicID=base)
        for iri in graph.objects(None, PROV.invalidated):
            local = str(iri).rsplit("/", 1)[-1]
            keys.add(re.sub(r"^(sdg|resp)--", "", local))
    return keys


class Review:
    """The review of one draft folder. Raises SourceError when the folder holds no draft."""

    def __init__(self, draft: Path, base: str, reviewer: str) -> None:
        self.draft, self.base, self.reviewer = draft, base, reviewer
        self.km = Namespace(base + "def/kommunmal#")
        self.files: dict[Path, Graph] = {}
        for path in sorted(draft.rglob("*.ttl")):
            if path.name == "review.ttl":
                continue
            graph = Graph()
            graph.parse(path, format="turtle", publicID=base)
            self.files[path] = graph
        self._written = {path: frozenset(graph) for path, graph in self.files.items()}  # as on disk
        self.union = Graph()
        for graph in self.files.values():
            self.union += graph
        doc = next(self.union.subjects(RDF.type, self.km.GoalDocument), None)
        if doc is None:
            raise SourceError(
                draft, "no goal document (km:GoalDocument) here; give a folder written by kommunmal ingest"
            )
        m = re.search(r"id/([^/]+)/budget-(\d{4})/document$", str(doc))
        if not m:
            raise SourceError(draft, f"the goal document's IRI {doc} is not id/<municipality>/budget-<year>/document")
        self.slug, self.year = m.group(1), int(m.group(2))
        self.ns = Namespace(str(doc)[: -len("document")])
        self.decisions = Graph()
        self.decisions.bind("prov", PROV)
        self.decisions.bind("skos", SKOS)
        if (draft / "review.ttl").is_file():
            self.decisions.parse(draft / "review.ttl", format="turtle", publicID=base)
        self.ingest = set(self.union.subjects(RDF.type, PROV.Activity)) - set(
            self.decisions.subjects(RDF.type, PROV.Activity)
        )
        self.person = self.ns[f"review/steward-{slugify(reviewer, 4)}"]
        self._reapply()

    def _reapply(self) -> None:
        """Acceptances recorded for this very ingest (same document: the ingest activity's IRI carries its checksum)
        hold again after the draft was written anew; edits and splits are not replayed and come up again."""
        for decision in self.decisions.subjects(RDF.type, PROV.Activity):
            if str(self.decisions.value(decision, RDFS.label)) != LABELS["accepted"]:
                continue
            if not any(a in self.ingest for a in self.decisions.objects(decision, PROV.wasInformedBy)):
                continue
            for used in self.decisions.objects(decision, PROV.used):
                nodes = [used]
                if used == self.ns.goals:
                    nodes = [
                        *self.union.subjects(RDF.type, self.km.Goal),
                        *self.union.subjects(RDF.type, self.km.PoliticalText),
                    ]
                for node in nodes:
                    if self._proposed(node):
                        self._mark(node, decision)

    # -- what is proposed -----------------------------------------------------------------------------------------

    def _proposed(self, node: URIRef) -> bool:
        return any(o in self.ingest for o in self.union.objects(node, PROV.wasGeneratedBy))

    def pending(self) -> list[Proposal]:
        """Proposals still to decide, in reading order: the goals first, then each action followed by its links,
        then the goals' own links."""
        km, out = self.km, []
        goals = [g for g in self.union.subjects(RDF.type, km.Goal)]
        if any(self._proposed(g) for g in goals):
            out.append(Proposal(self.ns.goals, "goals"))
        links = {
            "sdg": list(self.union.subjects(RDF.type, km.SdgLink)),
            "responsibility": list(self.union.subjects(RDF.type, km.Responsibility)),
        }
        actions = sorted(self.union.subjects(RDF.type, km.Action), key=self._order)
        for subject in [*actions, *sorted(goals, key=self._order)]:
            if subject in actions and self._proposed(subject):
                out.append(Proposal(subject, "action"))
            for kind, nodes in links.items():
                for link in sorted(n for n in nodes if self.union.value(n, km.subject) == subject):
                    if self._proposed(link):
                        out.append(Proposal(link, kind))
        return out

    def _order(self, node: URIRef) -> tuple:
        paras = sorted(str(p) for p in self.union.objects(node, self.km.statedIn))
        notation = str(self.union.value(node, SKOS.notation) or "")
        key = paras[0].rsplit("/", 1)[-1] if paras else notation
        return tuple(int(x) if x.isdigit() else 0 for x in re.split(r"[.-]", key)), str(node)

    def describe(self, proposal: Proposal) -> list[str]:
        """Swedish lines that present a proposal to the steward (kommunmal.ingest.review_text)."""
        from kommunmal.ingest.review_text import describe

        return describe(self, proposal)

    # -- decisions ------------------------------------------------------------------------------------------------

    def _decision(self, proposal: Proposal, what: str, note: str | None = None) -> URIRef:
        now = datetime.now(UTC).replace(microsecond=0)
        digest = hashlib.sha256(f"{proposal.iri}|{now.isoformat()}|{what}".encode()).hexdigest()[:10]
        d, g = self.ns[f"review/{digest}"], self.decisions
        g.add((d, RDF.type, PROV.Activity))
        g.add((d, RDFS.label, Literal(LABELS[what], lang="sv")))
        g.add((d, PROV.wasAssociatedWith, self.person))
        g.add((d, PROV.endedAtTime, Literal(now, datatype=XSD.dateTime)))
        for activity in self.ingest:
            g.add((d, PROV.wasInformedBy, activity))
        g.add((d, PROV.invalidated if what == "rejected" else PROV.used, proposal.iri))
        quote = self.union.value(proposal.iri, self.km.text) or self.union.value(proposal.iri, self.km.object)
        if quote is not None:
            g.add((d, SKOS.note, Literal(f"Förslaget: {quote}", lang="sv")))
        if note:
            g.add((d, SKOS.changeNote, Literal(note, lang="sv")))
        g.add((self.person, RDF.type, PROV.Person))
        g.add((self.person, RDFS.label, Literal(self.reviewer)))
        return d

    def _mark(self, node: URIRef, decision: URIRef) -> None:
        for graph in [*self.files.values(), self.union]:
            if (node, None, None) in graph:
                for activity in self.ingest:
                    graph.remove((node, PROV.wasGeneratedBy, activity))
                graph.add((node, PROV.wasGeneratedBy, decision))

    def accept(self, proposal: Proposal) -> None:
        decision = self._decision(proposal, "accepted")
        if proposal.kind == "goals":
            for node in [
                *self.union.subjects(RDF.type, self.km.Goal),
                *self.union.subjects(RDF.type, self.km.PoliticalText),
            ]:
                self._mark(node, decision)
        else:
            self._mark(proposal.iri, decision)
        self.save()

    def reject(self, proposal: Proposal) -> None:
        self._decision(proposal, "rejected")
        if proposal.kind != "goals":
            self._drop({proposal.iri})
        self.save()

    def edit(
        self,
        proposal: Proposal,
        text: str | None = None,
        label: str | None = None,
        target: str | None = None,
        strength: str | None = None,
    ) -> None:
        """An action's text and label, or an SDG link's target (a KOS IRI such as http://metadata.un.org/sdg/16.7)
        and strength by the rubric ("direct", "partial" or "contextual", a key of STRENGTHS; the link's km:reason
        then says the steward set it). Raises ValueError for another strength, or a strength on no SDG link."""
        km, node, changes = self.km, proposal.iri, []
        if strength and (strength not in STRENGTHS or proposal.kind != "sdg"):
            raise ValueError(f"strength {strength!r}: give one of {', '.join(STRENGTHS)} for an SDG link")
        if strength:
            old = str(self.union.value(node, km.strength)).rsplit("#", 1)[-1]
            changes.append(f"strength: {old} → {strength}")
            self._replace(node, km.strength, km[strength])
            sv, weight = STRENGTHS[strength]
            reasons = [
                Literal(f"Styrkan {sv} ({weight}) sattes vid granskningen enligt bedömningsmallen.", lang="sv"),
                Literal(f"The strength {strength} was set in review by the rubric.", lang="en"),
            ]
            for graph in [*self.files.values(), self.union]:
                if (node, None, None) in graph:
                    graph.remove((node, km.reason, None))
                    for reason in reasons:
                        graph.add((node, km.reason, reason))
        for prop, value in ((km.text, text), (SKOS.prefLabel, label)):
            if value:
                old = self.union.value(node, prop)
                changes.append(f"{prop.fragment if '#' in prop else 'prefLabel'}: ”{old}” → ”{value}”")
                self._replace(node, prop, Literal(value, lang="sv"))
        if target:
            old = self.union.value(node, km.object)
            subject = self.union.value(node, km.subject)
            changes.append(f"object: {old} → {target}")
            self._replace(node, km.object, URIRef(target))
            for graph in [*self.files.values(), self.union]:
                if (subject, km.contributesTo, old) in graph:
                    graph.remove((subject, km.contributesTo, old))
                    graph.add((subject, km.contributesTo, URIRef(target)))
        if not changes:
            self.accept(proposal)
            return
        decision = self._decision(proposal, "edited", "; ".join(changes))
        self._mark(node, decision)
        self.save()

    def split(self, proposal: Proposal) -> list[URIRef]:
        """A shared action into one accepted action per goal (the first part may keep the shared action's IRI, which
        came from the same first sentence); its links follow the first part."""
        km, node = self.km, proposal.iri
        decision = self._decision(proposal, "split")
        path = next(p for p, graph in self.files.items() if (node, RDF.type, km.Action) in graph)
        graph, g = self.files[path], _copy(self.union)
        label = g.value(node, SKOS.prefLabel)
        # Each part has its own goal, sentence, label and mark; it keeps the rest (kind, modality, target …). The
        # short forms of the links go with the links, to the first part.
        own = {km.serves, km.statedIn, km.evidence, km.text, km.contributesTo, km.responsible}
        own |= {PROV.wasGeneratedBy, SKOS.prefLabel, SKOS.note}
        kept = [(p, o) for p, o in g.predicate_objects(node) if p not in own]
        shorts = [(p, o) for p, o in g.predicate_objects(node) if p in (km.contributesTo, km.responsible)]
        for target in [*self.files.values(), self.union]:
            target.remove((node, None, None))
        parts = []
        for stmt in sorted(g.objects(node, km.evidence)):
            para = g.value(stmt, km.inParagraph)
            goal_iri = (
                g.value(g.value(para, DCTERMS.isPartOf), km.textOf) if para else g.value(stmt, km.inGoalStatement)
            )
            quote = str(g.value(stmt, km.quote))
            notation = str(g.value(goal_iri, SKOS.notation))
            part = self.ns[f"action/{proposal_key(quote, notation)}"]
            triples = [(part, p, o) for p, o in kept]
            triples += [
                (part, SKOS.prefLabel, Literal(f"{label} (mål {notation})", lang="sv")),
                (part, km.text, Literal(quote, lang="sv")),
                (part, km.serves, goal_iri),
                (part, km.evidence, stmt),
                (part, PROV.wasGeneratedBy, decision),
            ]
            if para:
                triples.append((part, km.statedIn, para))
            for triple in triples:
                graph.add(triple)
                self.union.add(triple)
            self.decisions.add((decision, PROV.generated, part))
            parts.append(part)
        for target in [*self.files.values(), self.union]:
            for link in list(target.subjects(km.subject, node)):
                target.set((link, km.subject, parts[0]))
        for p, o in shorts:
            graph.add((parts[0], p, o))
            self.union.add((parts[0], p, o))
        self.save()
        return parts

    def _replace(self, node: URIRef, prop: URIRef, value) -> None:
        for graph in [*self.files.values(), self.union]:
            if (node, None, None) in graph:
                graph.remove((node, prop, None))
                graph.add((node, prop, value))

    def _drop(self, nodes: set[URIRef], keep_links: bool = False, graphs: list[Graph] | None = None) -> None:
        km = self.km
        targets = graphs if graphs is not None else [*self.files.values(), self.union]
        every = set(nodes)
        if not keep_links:
            every |= {link for n in nodes for link in self.union.subjects(km.subject, n)}
        view = Graph()
        for graph in targets:
            view += graph
        for node in every:
            for kind, short in ((km.SdgLink, km.contributesTo), (km.Responsibility, km.responsible)):
                if (node, RDF.type, kind) not in view:
                    continue
                subject, obj = view.value(node, km.subject), view.value(node, km.object)
                others = [
                    x for x in view.subjects(km.subject, subject) if x not in every and view.value(x, km.object) == obj
                ]
                if not others:  # the short form goes with the last link that states it, wherever it is written
                    for graph in targets:
                        graph.remove((subject, short, obj))
        for graph in targets:
            for node in every:
                graph.remove((node, None, None))
                graph.remove((None, None, node))
        used = {o for graph in targets for o in graph.objects(None, km.evidence)}
        for graph in targets:
            for stmt in list(graph.subjects(RDF.type, km.Statement)):
                if stmt not in used:
                    graph.remove((stmt, None, None))

    # -- files ----------------------------------------------------------------------------------------------------

    def save(self) -> None:
        """Write back the draft files whose triples changed since they were read or last written (an answer changes
        one or two of the draft's files), and review.ttl: the session's state."""
        for path, graph in self.files.items():
            triples = frozenset(graph)
            if triples == self._written.get(path):
                continue
            path.write_text(
                serialize(graph, self.base, "Draft under review with `kommunmal review`."), encoding="utf-8"
            )
            self._written[path] = triples
        (self.draft / "review.ttl").write_text(self._decisions_text(), encoding="utf-8")

    def _decisions_text(self) -> str:
        return serialize(self.decisions, self.base, "Decisions of the review of this goal document (PROV).")

    def write_curated(self, out: Path) -> list[Path]:
        """The accepted part of the draft into `out` (e.g. data/<municipality>/<year>/): nothing still proposed,
        nothing whose subject is still proposed. Returns the files written; empty when the goals are not accepted.
        Raises SourceError when `out` holds hand-curated Turtle (see `check_curated_folder`)."""
        check_curated_folder(out)
        if any(self._proposed(g) for g in self.union.subjects(RDF.type, self.km.Goal)):
            return []
        pending = {n for n in self.union.subjects(PROV.wasGeneratedBy, None) if self._proposed(n)}
        written = []
        copies = {path: _copy(graph) for path, graph in self.files.items()}
        self._drop(pending, graphs=list(copies.values()))
        for path, graph in copies.items():
            target = out / path.relative_to(self.draft)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                serialize(graph, self.base, "Reviewed with `kommunmal review`; decisions in review.ttl."),
                encoding="utf-8",
            )
            written.append(target)
        (out / "review.ttl").write_text(self._decisions_text(), encoding="utf-8")
        written.append(out / "review.ttl")
        if (self.draft / "source.txt").is_file():
            shutil.copyfile(self.draft / "source.txt", out / "source.txt")
            written.append(out / "source.txt")
        return written


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for prefix, ns in graph.namespaces():
        copy.bind(prefix, ns, override=True)
    copy += graph
    return copy


def check_curated_folder(out: Path) -> None:
    """Raise SourceError when `out` holds Turtle that no review wrote (hand-curated data, which must not be
    overwritten); an empty or missing folder, or the output of an earlier review (with review.ttl), is fine."""
    if out.is_dir() and any(out.rglob("*.ttl")) and not (out / "review.ttl").is_file():
        raise SourceError(
            out, "holds curated Turtle that no review wrote; give another folder with --out, or move those files"
        )
