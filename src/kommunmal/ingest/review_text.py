"""What `kommunmal review` shows of each proposal, in Swedish."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rdflib.namespace import RDF, SKOS

from kommunmal.ingest.review import STRENGTHS

if TYPE_CHECKING:
    from kommunmal.ingest.review import Proposal, Review

# The Swedish labels of km:ActionKindScheme (ontology/kommunmal.ttl).
KINDS = {
    "commitment": "åtagande",
    "measurableTarget": "mätbart mål",
    "principle": "princip",
    "priority": "prioritering",
    "assessment": "bedömning",
}


def describe(review: Review, proposal: Proposal) -> list[str]:
    """Swedish lines that present a proposal of `review` to the steward: the goals and texts as read, an action with
    its kind, target and evidence, an SDG link with its rule, strength and ranked candidates, or a responsibility."""
    km, g, node = review.km, review.union, proposal.iri
    if proposal.kind == "goals":
        goals = sorted(g.subjects(RDF.type, km.Goal), key=review._order)
        lines = [f"Målen och de politiska texterna som de lästes in ({len(goals)} mål):"]
        for goal in goals:
            paras = len(list(g.objects(g.value(goal, km.politicalText), km.paragraph)))
            lines.append(
                f"  {g.value(goal, SKOS.notation)} {g.value(goal, SKOS.prefLabel)}: "
                f"{g.value(goal, km.statement)} ({paras} stycken)"
            )
        return lines
    if proposal.kind == "action":
        goals = sorted(str(g.value(s, SKOS.notation)) for s in g.objects(node, km.serves))
        kind = str(g.value(node, km.actionKind)).rsplit("#", 1)[-1]
        shared = f", delat mellan målen {', '.join(goals)}" if len(goals) > 1 else f", mål {goals[0]}"
        lines = [
            f"Åtagande{shared}: {g.value(node, SKOS.prefLabel)}",
            f"  Text: {g.value(node, km.text)}",
            f"  Slag: {KINDS.get(kind, kind)} ({g.value(node, km.modality)})",
        ]
        value, unit, year = g.value(node, km.targetValue), g.value(node, km.unit), g.value(node, km.targetYear)
        if value or year:
            lines.append(f"  Målvärde: {value or ''} {unit or ''} {('år ' + str(year)) if year else ''}".rstrip())
        for stmt in sorted(g.objects(node, km.evidence)):
            lines.append(f"  Belägg: ”{g.value(stmt, km.quote)}”")
        for note in g.objects(node, SKOS.note):
            lines.append(f"  {note}")
        return lines
    subject, obj = g.value(node, km.subject), g.value(node, km.object)
    what = g.value(subject, SKOS.prefLabel) or subject
    if proposal.kind == "sdg":
        rule = next((str(r) for r in g.objects(node, km.rule) if r.language == "sv"), "")
        notes = [f"  {n}" for n in g.objects(node, SKOS.note)]
        label, weight = STRENGTHS.get(str(g.value(node, km.strength)).rsplit("#", 1)[-1], ("ingen", "–"))
        strength = f"  Styrka: {label} ({weight})"
        return [
            f"Koppling till globalt delmål {str(obj).rsplit('/', 1)[-1]} för ”{what}”",
            f"  {rule}",
            strength,
            *notes,
        ]
    return [
        f"Ansvar: {g.value(obj, SKOS.prefLabel) or obj} för ”{what}”",
        *(f"  Belägg: ”{g.value(s, km.quote)}”" for s in g.objects(node, km.evidence)),
    ]
