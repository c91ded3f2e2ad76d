"""Year comparison: what changed between two goal documents of a municipality (goals and actions).

`compare(source, a, b)` reads two goal documents through a `SparqlSource` (the embedded store or an endpoint;
queries compare_*.rq) and returns a `Comparison`: plain data that the CLI prints, the web page shows, `to_dict()`
turns into JSON and `to_rdf()` into a change set (vocabulary ontology/changes.ttl, namespace {base}def/changes#).

Matching rule (MATCH_RULE, stated in every output): goals are paired first by the same number with statements at
least 50 % alike, then by the same short name, then greedily by the most alike statements among those left, if
at least 30 % alike. Likeness is difflib.SequenceMatcher's ratio over the lower-cased words. Actions are paired
by the same IRI name, then by text at least 60 % alike. What stays unpaired was added or removed; but when the
other document is an excerpt (kmc:coverage kmc:excerpt) or models no actions, it is "unknown", never "added".

Placeholder names (the last sentence of MATCH_RULE): a goal whose short name (skos:prefLabel) is only "Mål N" or
"Goal N" with N its own number, or only its number, has no name of its own: the source gave none
(data/ostersund/2023: the page numbers its goals and names none, see the editorial note there). Such a goal is
never "renamed", neither from nor to the placeholder, and placeholders pair no goals by short name; a change of
statement is still "reworded".
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from kommunmal.errors import KommunmalError
from kommunmal.sparql_source import Row, SparqlSource, query_text, with_values
from kommunmal.word_diff import WordOp, similarity, word_diff

if TYPE_CHECKING:
    from rdflib import Graph

NOTATION_MIN = 0.5
SIMILARITY_MIN = 0.3
ACTION_MIN = 0.6
MATCH_RULE = (
    "Mål paras ihop i tur och ordning: samma nummer och målformuleringar som är minst 50 % lika; samma kortnamn; "
    "annars de mest lika målformuleringarna bland de oparade, om de är minst 30 % lika (difflib.SequenceMatcher "
    "över ord). Åtaganden paras genom samma IRI-namn, annars text som är minst 60 % lika. Det som saknas i ett "
    "utdrag räknas som okänt, inte som borttaget eller tillagt. Ett kortnamn som bara är ”Mål N” eller målets "
    "nummer står för ett namn som källan inte ger: målet räknas inte som omdöpt från eller till det."
)
NAME = re.compile(r"^([a-z0-9-]+)/(\d{4})$")
COMPLETE, EXCERPT = "complete", "excerpt"
# Swedish words for the kinds and rules, shared by the CLI's text and the page.
GOAL_KINDS_SV = {
    "added": "tillagt",
    "removed": "borttaget",
    "renamed": "omdöpt",
    "reworded": "omformulerat",
    "unchanged": "oförändrat",
    "unknown": "okänt (andra dokumentet är ett utdrag)",
}
ACTION_KINDS_SV = {
    "kept": "kvarstår",
    "reworded": "omformulerat",
    "new": "nytt",
    "dropped": "slopat",
    "unknown": "okänt (finns inte i det andra dokumentets uppgifter)",
}
RULES_SV = {
    "notation": "samma nummer",
    "short-name": "samma kortnamn",
    "similarity": "lik målformulering",
    "iri-name": "samma identifierare",
}


class NoSuchDocument(KommunmalError):
    """A document name that names no goal document in the data."""

    exit_code = 2


@dataclass
class Goal:
    """One goal: IRI, number, Swedish short name and statement, its text's paragraphs and their coverage."""

    iri: str
    notation: str
    label: str
    statement: str
    paragraphs: list[str] = field(default_factory=list)
    text_coverage: str = COMPLETE

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)

    @property
    def named(self) -> bool:
        """Whether the goal has a short name of its own: not empty and not a placeholder for its number ("Mål 1",
        "Goal 1", "1"; rule in the module docstring)."""
        return not is_placeholder(self.label, self.notation)

    @property
    def title(self) -> str:
        """Number and short name for text ("1.6 Fritid"), or the placeholder alone ("Mål 1", never "1 Mål 1")."""
        return f"{self.notation} {self.label}".strip() if self.named else self.label.strip() or self.notation


def is_placeholder(label: str, notation: str) -> bool:
    """Whether a goal's short name `label` only stands in for its number `notation`: empty, the number itself, or
    "Mål <number>" / "Goal <number>" (case and spacing ignored). Rule: see the module docstring."""
    words = label.casefold().split()
    number = notation.casefold().strip()
    return not words or words == [number] or (len(words) == 2 and words[0] in ("mål", "goal") and words[1] == number)


@dataclass
class Action:
    """One action: IRI, Swedish name and text, and the numbers of the goals it serves in its document."""

    iri: str
    label: str
    text: str
    goals: list[str] = field(default_factory=list)


@dataclass
class Document:
    """A goal document: IRI, title, municipality slug and year (e.g. "ostersund", 2024), coverage, goals, actions."""

    iri: str
    title: str
    slug: str
    year: int | None
    coverage: str
    goals: list[Goal] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.slug}/{self.year}" if self.slug and self.year else self.iri


@dataclass
class GoalChange:
    """A goal in one or both documents. kinds ⊆ {added, removed, renamed, reworded, unchanged, unknown}."""

    kinds: list[str]
    before: Goal | None
    after: Goal | None
    matched_by: str | None = None
    similarity: float | None = None
    statement_diff: list[WordOp] = field(default_factory=list)
    text_diff: list[WordOp] | None = None
    text_changed: bool | None = None


@dataclass
class ActionChange:
    """An action in one or both documents. kind ∈ {kept, reworded, new, dropped, unknown}."""

    kind: str
    before: Action | None
    after: Action | None
    matched_by: str | None = None
    similarity: float | None = None


@dataclass
class Comparison:
    """The comparison of two goal documents, `before` the earlier one."""

    before: Document
    after: Document
    goals: list[GoalChange]
    actions: list[ActionChange]
    rule: str = MATCH_RULE

    def counts(self) -> dict[str, int]:
        """How many goals (goal_<kind>) and actions (action_<kind>) of each kind; a goal may count twice."""
        out: dict[str, int] = {}
        for g in self.goals:
            for kind in g.kinds:
                out[f"goal_{kind}"] = out.get(f"goal_{kind}", 0) + 1
        for a in self.actions:
            out[f"action_{a.kind}"] = out.get(f"action_{a.kind}", 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready plain data; the same values the page shows."""

        def doc(d: Document) -> dict[str, Any]:
            return {"iri": d.iri, "name": d.name, "title": d.title, "year": d.year, "coverage": d.coverage}

        return {
            "from": doc(self.before),
            "to": doc(self.after),
            "rule": self.rule,
            "counts": self.counts(),
            "goals": [asdict(g) for g in self.goals],
            "actions": [asdict(a) for a in self.actions],
        }

    def to_rdf(self, base_iri: str) -> Graph:
        """The change set as an rdflib Graph (vocabulary ontology/changes.ttl)."""
        from kommunmal.changeset import change_set

        return change_set(self, base_iri)


# --- text ------------------------------------------------------------------------------------------------------


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


# --- reading ---------------------------------------------------------------------------------------------------


def _select(source: SparqlSource, name: str, document: str | None = None) -> list[Row]:
    text = query_text(name, source.vocab)  # with km: and kmc:
    if document is not None:
        text = with_values(text, f"VALUES ?document {{ <{document}> }}")
    return source.select_text(text)


def documents(source: SparqlSource) -> list[Document]:
    """Every goal document in the data (without goals), earliest period first."""
    out = []
    for row in _select(source, "compare_documents"):
        publisher = row.get("publisher", "")
        start = row.get("start", "")
        out.append(
            Document(
                iri=row["document"],
                title=row.get("title", row["document"]),
                slug=publisher.rstrip("/").rsplit("/", 1)[-1] if publisher else "",
                year=int(start[:4]) if start[:4].isdigit() else None,
                coverage=EXCERPT if row.get("coverage", "").endswith("#excerpt") else COMPLETE,
            )
        )
    return out


def resolve(source: SparqlSource, name: str) -> Document:
    """The document a name gives: "ostersund/2024" (municipality slug/year), an IRI, or an IRI relative to the
    base. Raises NoSuchDocument naming the documents there are."""
    docs = documents(source)
    base = source.vocab.split("def/kommunmal#")[0]
    m = NAME.match(name)
    for d in docs:
        if (m and d.slug == m.group(1) and d.year == int(m.group(2))) or d.iri in (name, base + name.lstrip("/")):
            return d
    known = ", ".join(d.name for d in docs) or "none"
    raise NoSuchDocument(f"no goal document named {name!r} in {source.describe}; there are: {known}")


def load(source: SparqlSource, doc: Document) -> Document:
    """`doc` with its goals (and their paragraphs) and actions read from the source."""
    goals: dict[str, Goal] = {}
    for row in _select(source, "compare_goals", doc.iri):
        goals.setdefault(
            row["goal"],
            Goal(
                iri=row["goal"],
                notation=row.get("notation", ""),
                label=row.get("label", ""),
                statement=row.get("statement", ""),
                text_coverage=EXCERPT if row.get("textCoverage", "").endswith("#excerpt") else COMPLETE,
            ),
        )
    for row in _select(source, "compare_paragraphs", doc.iri):
        if row["goal"] in goals:
            goals[row["goal"]].paragraphs.append(row["text"])
    actions: dict[str, Action] = {}
    for row in _select(source, "compare_actions", doc.iri):
        action = actions.setdefault(
            row["action"], Action(iri=row["action"], label=row.get("label", ""), text=row.get("text", ""))
        )
        if row["goal"] in goals:
            action.goals.append(goals[row["goal"]].notation)
    doc.goals = sorted(goals.values(), key=lambda g: _natural(g.notation))
    doc.actions = sorted(actions.values(), key=lambda a: a.iri)
    return doc


def _natural(notation: str) -> list[int]:
    return [int(p) for p in notation.split(".") if p.isdigit()]


# --- matching --------------------------------------------------------------------------------------------------


def match_goals(before: list[Goal], after: list[Goal]) -> list[tuple[Goal, Goal, str, float]]:
    """Pairs (before, after, rule, similarity) by the rule in the module docstring; rule is "notation",
    "short-name" or "similarity"."""
    left, right = list(before), list(after)
    pairs: list[tuple[Goal, Goal, str, float]] = []

    def take(a: Goal, b: Goal, rule: str) -> None:
        pairs.append((a, b, rule, round(similarity(a.statement, b.statement), 3)))
        left.remove(a)
        right.remove(b)

    for a in list(left):
        b = next((b for b in right if b.notation == a.notation), None)
        if b is not None and similarity(a.statement, b.statement) >= NOTATION_MIN:
            take(a, b, "notation")
    for a in list(left):
        b = next((b for b in right if a.named and b.named and b.label.casefold() == a.label.casefold()), None)
        if b is not None:
            take(a, b, "short-name")
    scored = sorted(
        ((similarity(a.statement, b.statement), i, j) for i, a in enumerate(left) for j, b in enumerate(right)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen = []
    for score, i, j in scored:
        if score < SIMILARITY_MIN:
            break
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            chosen.append((left[i], right[j]))
    for a, b in chosen:
        take(a, b, "similarity")
    return pairs


def _goal_change(a: Goal, b: Goal, rule: str, score: float) -> GoalChange:
    kinds = []
    if a.named and b.named and not _same(a.label.casefold(), b.label.casefold()):
        kinds.append("renamed")
    if not _same(a.statement, b.statement):
        kinds.append("reworded")
    change = GoalChange(kinds, a, b, rule, score, word_diff(a.statement, b.statement))
    if a.text_coverage == COMPLETE and b.text_coverage == COMPLETE and a.paragraphs and b.paragraphs:
        change.text_diff = word_diff(a.text, b.text)
        change.text_changed = not _same(a.text, b.text)
    if not kinds:
        kinds.append("unchanged")
    return change


def _actions(before: Document, after: Document) -> list[ActionChange]:
    left, right = list(before.actions), list(after.actions)
    out: list[ActionChange] = []

    def pair(a: Action, b: Action, rule: str) -> None:
        kind = "kept" if _same(a.text, b.text) else "reworded"
        out.append(ActionChange(kind, a, b, rule, round(similarity(a.text, b.text), 3)))
        left.remove(a)
        right.remove(b)

    for a in list(left):
        b = next((b for b in right if b.iri.rsplit("/", 1)[-1] == a.iri.rsplit("/", 1)[-1]), None)
        if b is not None:
            pair(a, b, "iri-name")
    for a in list(left):
        best = max(right, key=lambda b: similarity(a.text, b.text), default=None)
        if best is not None and similarity(a.text, best.text) >= ACTION_MIN:
            pair(a, best, "similarity")
    gone = "unknown" if after.coverage == EXCERPT or not after.actions else "dropped"
    new = "unknown" if before.coverage == EXCERPT or not before.actions else "new"
    out += [ActionChange(gone, a, None) for a in left]
    out += [ActionChange(new, None, b) for b in right]
    return out


def _order(c: GoalChange) -> tuple[int, list[int]]:
    """Goals of the later document in its order, then those only in the earlier one."""
    return (0, _natural(c.after.notation)) if c.after else (1, _natural(c.before.notation) if c.before else [])


def compare_documents(before: Document, after: Document) -> Comparison:
    """Compare two loaded documents (pure: no store needed)."""
    pairs = match_goals(before.goals, after.goals)
    changes = [_goal_change(*p) for p in pairs]
    paired_a = {p[0].iri for p in pairs}
    paired_b = {p[1].iri for p in pairs}
    gone = "unknown" if after.coverage == EXCERPT else "removed"
    new = "unknown" if before.coverage == EXCERPT else "added"
    changes += [GoalChange([gone], g, None) for g in before.goals if g.iri not in paired_a]
    changes += [GoalChange([new], None, g) for g in after.goals if g.iri not in paired_b]
    changes.sort(key=_order)
    return Comparison(before, after, changes, _actions(before, after))


def compare(source: SparqlSource, a: str, b: str) -> Comparison:
    """Compare the documents named a (earlier) and b (later); names as for `resolve`."""
    before, after = resolve(source, a), resolve(source, b)
    return compare_documents(load(source, before), load(source, after))
