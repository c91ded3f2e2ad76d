"""Across municipalities: which goals of different municipalities are about the same thing (inferred).

For a goal document, every goal is compared with the goals of other municipalities' documents and the best
matches are ranked by one rule, stated with every match:

    score = ½ · J(SDG concepts) + ½ · W(words)

J is the Jaccard index of the UN SDG goals and targets the two goals serve (directly or through their actions);
W is the IDF-weighted Jaccard index of the Swedish word stems (Snowball Swedish stemmer) of their short names and
statements, where a stem's weight is log(N / n) over all N goals of the release (n goals using it), so words every
goal uses ("kommun", "ska") count for little. Scores run from 0 to 1. A match is kommunmal's inference from the
modelled data, never a statement of the municipalities; the evidence lists the shared SDG codes and words.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from kommunmal.coverage import SDG, code_key
from kommunmal.documents import Document, documents
from kommunmal.search.text import stem, words
from kommunmal.sparql_source import SparqlSource

RULE_SV = "½ · Jaccard(FN-mål och delmål) + ½ · IDF-viktad Jaccard(ordstammar i kortnamn och målformulering)"
RULE_EN = "½ · Jaccard(SDG goals and targets) + ½ · IDF-weighted Jaccard(word stems of short name and statement)"


@dataclass
class GoalProfile:
    """A goal as the matching sees it: IRI, document, notation, Swedish label and statement, the SDG concepts
    it serves (IRIs) and its word stems (stem -> the first word form seen)."""

    goal: str
    document: str
    notation: str
    label: str
    statement: str
    targets: set[str] = field(default_factory=set)
    stems: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """`other` matched to `goal` with `score` (0..1); evidence: shared SDG codes and shared words."""

    goal: GoalProfile
    other: GoalProfile
    other_document: Document
    score: float
    sdg_score: float
    word_score: float
    shared_sdg: tuple[str, ...]
    shared_words: tuple[str, ...]


def stems(text: str) -> dict[str, str]:
    """Swedish word stems of `text` (words of three letters or more), each with the first form it came from."""
    found: dict[str, str] = {}
    for _start, _end, word in words(text):
        if len(word) >= 3 and word.isalpha():
            found.setdefault(stem(word), word)
    return found


def profiles(source: SparqlSource) -> dict[str, GoalProfile]:
    """Every goal of the release with its SDG concepts and stems (query goal_profiles.rq)."""
    found: dict[str, GoalProfile] = {}
    for row in source.select("goal_profiles"):
        p = found.get(row["goal"])
        if p is None:
            p = found[row["goal"]] = GoalProfile(
                row["goal"], row["document"], row.get("notation", ""), row.get("label", ""), row.get("statement", "")
            )
            p.stems = stems(f"{p.label} {p.statement}")
        if row.get("target"):
            p.targets.add(row["target"])
    return found


def match_goals(source: SparqlSource, document: Document, top: int = 3, minimum: float = 0.1) -> list[Match]:
    """For each goal of `document`, its `top` best matches (score ≥ `minimum`) among goals of documents published
    by other municipalities, best first; goals in the order of their notation."""
    docs = {d.iri: d for d in documents(source)}
    goals = profiles(source)
    df: dict[str, int] = defaultdict(int)
    for p in goals.values():
        for word_stem in p.stems:
            df[word_stem] += 1
    n = len(goals) or 1

    def weight(stem: str) -> float:
        return math.log(n / df[stem]) if df[stem] else 0.0

    own = sorted((p for p in goals.values() if p.document == document.iri), key=lambda p: code_key(p.notation or "0"))
    others = [p for p in goals.values() if p.document in docs and docs[p.document].publisher != document.publisher]
    matches: list[Match] = []
    for p in own:
        ranked = []
        for q in others:
            union_t = p.targets | q.targets
            sdg = len(p.targets & q.targets) / len(union_t) if union_t else 0.0
            shared = p.stems.keys() & q.stems.keys()
            total = sum(weight(s) for s in p.stems.keys() | q.stems.keys())
            words = sum(weight(s) for s in shared) / total if total else 0.0
            score = 0.5 * sdg + 0.5 * words
            if score >= minimum:
                codes = sorted((t.removeprefix(SDG) for t in p.targets & q.targets), key=code_key)
                words_shared = tuple(sorted(p.stems[s] for s in shared if weight(s) > 0))
                ranked.append(
                    Match(
                        p,
                        q,
                        docs[q.document],
                        round(score, 3),
                        round(sdg, 3),
                        round(words, 3),
                        tuple(codes),
                        words_shared,
                    )
                )
        ranked.sort(key=lambda m: (-m.score, m.other.goal))
        matches += ranked[:top]
    return matches
