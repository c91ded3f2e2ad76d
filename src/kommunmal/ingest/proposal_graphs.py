"""The proposals part of a draft: actions with their statements, SDG target links and responsibility links."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from kommunmal.ingest.draft_iris import clean as _clean
from kommunmal.ingest.proposals import ActionProposal, Body, bodies_in
from kommunmal.ingest.sdg_match import Candidate

SDG_LINKS_PER_SUBJECT = 2
KIND_WORDS = {"namnd": "nämnder", "bolag": "bolag", "styrelse": "styrelse", "fullmaktige": "fullmäktige"}


class ProposalGraphs:
    """The proposals part of `DraftWriter` (a mixin: uses its `doc`, `proposals`, `iri`, `km`, `m`, `notations`,
    `_goal`, `_para`, `_body_iri` and `_proposed`)."""

    def actions(self) -> Graph:
        g = self.iri.bind(Graph())
        for action in self.proposals.actions:
            self._action(g, action)
        return g

    def _stmt(self, action: ActionProposal, n: int) -> URIRef:
        ev = action.evidence[n]
        same_goal_before = sum(1 for e in action.evidence[:n] if e.goal == ev.goal)
        suffix = f"-{same_goal_before + 1}" if same_goal_before else ""
        return self.iri.stmt[f"{action.key}--{self.notations.get(ev.goal, ev.goal)}{suffix}"]

    def _action(self, g: Graph, action: ActionProposal) -> None:
        km, node = self.km, self.iri.action[action.key]
        g.add((node, RDF.type, km.Action))
        g.add((node, SKOS.prefLabel, Literal(action.label, lang="sv")))
        g.add((node, km.text, Literal(_clean(action.text), lang="sv")))
        g.add((node, km.actionKind, km[action.kind]))
        g.add((node, km.modality, Literal(action.modality)))
        if action.kind == "measurableTarget":
            g.add((node, RDF.type, km.Target))
            if action.target_value and action.unit:
                g.add((node, km.targetValue, Literal(action.target_value, datatype=XSD.decimal)))
                g.add((node, km.unit, Literal(action.unit, lang="sv")))
            if action.target_year:
                g.add((node, km.targetYear, Literal(action.target_year, datatype=XSD.gYear)))
            g.add((node, km.direction, km[action.direction or "reach"]))
        for n, ev in enumerate(action.evidence):
            g.add((node, km.serves, self._goal(ev.goal)))
            stmt = self._stmt(action, n)
            g.add((node, km.evidence, stmt))
            g.add((stmt, RDF.type, km.Statement))
            g.add((stmt, km.quote, Literal(_clean(ev.quote), lang="sv")))
            if ev.paragraph is None:
                g.add((stmt, km.inGoalStatement, self._goal(ev.goal)))
            else:
                para = self._para(ev.goal, ev.paragraph)
                g.add((node, km.statedIn, para))
                g.add((stmt, km.inParagraph, para))
        if action.shared:
            words = ", ".join(action.shared_words) or "–"
            g.add(
                (
                    node,
                    SKOS.note,
                    Literal(
                        "Förslag till delat åtagande: meningarna under målen "
                        f"{', '.join(self.notations[n] for n in action.goals)} "
                        f"har viktad ordöverlappning {action.similarity:.2f}; "
                        f"ord som bara dessa meningar har: {words}.",
                        lang="sv",
                    ),
                )
            )
        self._proposed(g, node)

    def sdg_links(self) -> Graph:
        g = self.iri.bind(Graph())
        for goal in self.doc.goals:
            notation = self.notations[goal.notation]
            candidates = self.proposals.goal_sdg.get(goal.notation, [])
            for cand in candidates[:SDG_LINKS_PER_SUBJECT]:
                stmt = self.iri.stmt[f"sdg--{notation}--{cand.code}--1"]
                g.add((stmt, RDF.type, self.km.Statement))
                g.add((stmt, self.km.quote, Literal(_clean(goal.statement.text), lang="sv")))
                g.add((stmt, self.km.inGoalStatement, self._goal(goal.notation)))
                spans = [s for s in (goal.summary_span, goal.span) if s]
                self._sdg_link(g, notation, self._goal(goal.notation), cand, [stmt], spans, candidates)
        for action in self.proposals.actions:
            stmts = [self._stmt(action, n) for n in range(len(action.evidence))]
            spans = [e.span for e in action.evidence]
            for cand in action.sdg[:SDG_LINKS_PER_SUBJECT]:
                self._sdg_link(g, action.key, self.iri.action[action.key], cand, stmts, spans, action.sdg)
        return g

    def _sdg_link(self, g: Graph, key: str, subject: URIRef, cand: Candidate, stmts, spans, candidates) -> None:
        km = self.km
        link = self.iri.link[f"sdg--{key}--{cand.code}"]
        g.add((link, RDF.type, km.SdgLink))
        g.add((link, km.subject, subject))
        g.add((link, km.object, URIRef(cand.iri)))
        g.add((link, km.basis, km.inferred))
        words = ", ".join(cand.matched) or "–"
        around = ", ".join(cand.context_matched)
        sv_around = f"; matchande ord i stycket omkring: {around}" if around else ""
        en_around = f"; matched words in the paragraph around: {around}" if around else ""
        g.add(
            (
                link,
                km.rule,
                Literal(
                    f"Rangordnat mot FN:s delmålstexter (TF-IDF, cosinus {cand.score:.3f}); matchande ord: {words}"
                    f"{sv_around}. "
                    "Förslag från inläsningen, inte kommunens egen koppling.",
                    lang="sv",
                ),
            )
        )
        g.add(
            (
                link,
                km.rule,
                Literal(
                    f"Ranked against the UN target texts (TF-IDF cosine {cand.score:.3f}); matched words: {words}"
                    f"{en_around}. "
                    "Proposed by the ingest, not the municipality's own mapping.",
                    lang="en",
                ),
            )
        )
        # Word likeness cannot apply the strength rubric (what in the sentence matches what the target asks), so a
        # proposal carries the weakest grade until a reviewer grades it (docs/analyst-guide.md, the SDG rubric).
        g.add((link, km.strength, km.contextual))
        g.add(
            (
                link,
                km.reason,
                Literal(
                    f"Maskinförslag som bara bygger på ordlikhet ({words}); styrkan sätts vid granskningen enligt "
                    "bedömningsmallen och är till dess den lägsta, sammanhang.",
                    lang="sv",
                ),
            )
        )
        g.add(
            (
                link,
                km.reason,
                Literal(
                    f"Machine proposal resting on word likeness only ({words}); the strength is set in review by the "
                    "rubric and is until then the lowest, contextual.",
                    lang="en",
                ),
            )
        )
        for stmt in stmts:
            g.add((link, km.evidence, stmt))
        for span in spans:
            g.add((link, DCTERMS.source, self.iri.span[f"L{span.start}-L{span.end}"]))
        g.add((subject, km.contributesTo, URIRef(cand.iri)))
        ranked = "; ".join(f"{c.code} ({c.score:.3f}: {', '.join(c.matched) or '–'})" for c in candidates)
        g.add((link, SKOS.note, Literal(f"Kandidaterna i rangordning: {ranked}.", lang="sv")))
        self._proposed(g, link)

    def responsibility(self) -> Graph:
        g = self.iri.bind(Graph())
        for goal in self.doc.goals:
            notation = self.notations[goal.notation]
            for body, quote in self.proposals.goal_bodies.get(goal.notation, []):
                stmt = self.iri.stmt[f"resp--{notation}--{body.slug}--1"]
                g.add((stmt, RDF.type, self.km.Statement))
                g.add((stmt, self.km.quote, Literal(_clean(quote), lang="sv")))
                g.add((stmt, self.km.inGoalStatement, self._goal(goal.notation)))
                spans = [s for s in (goal.summary_span, goal.span) if s]
                self._responsibility(g, notation, self._goal(goal.notation), body, [stmt], spans)
        for action in self.proposals.actions:
            for body in action.bodies:
                known = list(self.m.known_bodies)
                stmts = [
                    self._stmt(action, n)
                    for n, e in enumerate(action.evidence)
                    if any(b.slug == body.slug for b in bodies_in(e.quote, known))
                ]
                stmts = stmts or [self._stmt(action, 0)]
                self._responsibility(
                    g, action.key, self.iri.action[action.key], body, stmts, [e.span for e in action.evidence]
                )
        return g

    def _responsibility(self, g: Graph, key: str, subject: URIRef, body: Body, stmts, spans) -> None:
        km = self.km
        link = self.iri.link[f"resp--{key}--{body.slug}"]
        org = self._body_iri(body)
        g.add((link, RDF.type, km.Responsibility))
        g.add((link, km.subject, subject))
        g.add((link, km.object, org))
        g.add((link, km.basis, km.stated))
        if body.via:
            g.add(
                (
                    link,
                    SKOS.scopeNote,
                    Literal(
                        f"”{body.via}” i texten avser kommunens {KIND_WORDS.get(body.kind, 'organ')}, "
                        f"bland dem {body.label}.",
                        lang="sv",
                    ),
                )
            )
        for stmt in stmts:
            g.add((link, km.evidence, stmt))
        for span in spans:
            g.add((link, DCTERMS.source, self.iri.span[f"L{span.start}-L{span.end}"]))
        g.add((subject, km.responsible, org))
        self._proposed(g, link)
