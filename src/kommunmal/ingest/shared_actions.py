"""Shared actions: commitment sentences under different goals proposed as one action.

Rule: on Swedish Snowball stems (snowballstemmer), two sentences under different goals state the same commitment
when their IDF-weighted overlap coefficient (shared weight over the smaller sentence's weight; IDF over all the
document's sentences) reaches `SHARED_OVERLAP`, or reaches `SHARED_OVERLAP_RARE` and they share a word (a stem of
five letters or more) that no other sentence of the document uses; and the numbers they give, if both give any,
agree; and both have the same force (rule 4d of data/ostersund/2024/actions.ttl: a sentence that only calls
something important, an assessment, is not the same commitment as one that commits to it; see `_force`). Pairs that
reach `SHARED_OVERLAP` merge first, then those admitted by a rare word; each by overlap, highest first (more rare
words first at equal overlap), so that a pair joined by rare words cannot take the place of a sentence stated twice;
an action keeps one statement per goal, and a pair joined by a rare word alone does not draw in a third sentence.
"""

from __future__ import annotations

import math
import re
from functools import cache
from typing import TYPE_CHECKING

import snowballstemmer

if TYPE_CHECKING:
    from kommunmal.ingest.proposals import ActionProposal

SHARED_OVERLAP = 0.45
SHARED_OVERLAP_RARE = 0.2

_SV = snowballstemmer.stemmer("swedish")
STOP_WORDS = frozenset(
    [
        "och",
        "i",
        "att",
        "det",
        "som",
        "en",
        "på",
        "är",
        "för",
        "av",
        "med",
        "till",
        "den",
        "har",
        "de",
        "inte",
        "om",
        "ett",
        "så",
        "men",
        "ska",
        "skall",
        "kan",
        "vara",
        "från",
        "eller",
        "alla",
        "även",
        "där",
        "sin",
        "sitt",
        "sina",
        "dess",
        "vi",
        "vår",
        "våra",
        "kommunen",
        "kommunens",
        "samt",
        "också",
        "mer",
        "ha",
        "har",
        "hela",
        "bli",
        "blir",
        "andra",
        "inom",
        "genom",
        "mellan",
        "under",
        "utan",
        "efter",
        "över",
        "detta",
        "denna",
        "dessa",
        "deras",
    ]
)


def _stem_tokens(text: str) -> list[str]:
    words = re.findall(r"[a-zåäöé0-9]+", text.lower())
    return [_stem_sv(w) for w in words if w not in STOP_WORDS and len(w) > 2]


@cache
def _stem_sv(word: str) -> str:
    return _SV.stemWord(word)


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[  ]", "", n) for n in re.findall(r"\d[\d  ]*\d|\d", text)}


def _force(kind: str) -> str:
    """The force of an action kind for rule 4d of data/ostersund/2024/actions.ttl: an assessment of importance and a
    priority are each a force of their own; a commitment, a principle and a target all commit."""
    return kind if kind in ("assessment", "priority") else "commitment"


def _pair_strength(a: set[str], b: set[str], idf: dict[str, float], df: dict[str, int]) -> tuple[float, list[str]]:
    """(IDF-weighted overlap coefficient of two stem sets, stems only these two sentences of the document use)."""
    shared = a & b
    smaller = min(sum(idf[x] for x in a), sum(idf[x] for x in b))
    overlap = sum(idf[x] for x in shared) / smaller if smaller else 0.0
    exclusive = sorted(x for x in shared if df[x] <= 2 and len(x) >= 5)
    return overlap, exclusive


def merge_shared(actions: list[ActionProposal], corpus: list[str]) -> list[ActionProposal]:
    """Merge actions stated under different goals that state the same commitment (see module docstring);
    `corpus` (all sentences of the document) gives the rarity of each stem."""
    if len(actions) < 2:
        return actions
    stems = [set(_stem_tokens(" ".join(e.quote for e in a.evidence))) for a in actions]
    df: dict[str, int] = {}
    for sentence in corpus:
        for stem in set(_stem_tokens(sentence)):
            df[stem] = df.get(stem, 0) + 1
    for s in stems:
        for stem in s:
            df.setdefault(stem, 1)
    total = max(len(corpus), 2)
    idf = {k: math.log(total / v) + 1.0 for k, v in df.items()}
    pairs = []
    for i in range(len(actions)):
        for j in range(i + 1, len(actions)):
            if set(actions[i].goals) & set(actions[j].goals):
                continue
            if _force(actions[i].kind) != _force(actions[j].kind):
                continue
            ni, nj = _numbers(actions[i].text), _numbers(actions[j].text)
            if ni and nj and not ni & nj:
                continue
            overlap, exclusive = _pair_strength(stems[i], stems[j], idf, df)
            if overlap >= SHARED_OVERLAP or (exclusive and overlap >= SHARED_OVERLAP_RARE):
                pairs.append((overlap >= SHARED_OVERLAP, overlap, exclusive, i, j))
    parent = list(range(len(actions)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    group_goals = {i: set(a.goals) for i, a in enumerate(actions)}
    why: dict[int, tuple[float, list[str]]] = {}
    for _, overlap, exclusive, i, j in sorted(pairs, key=lambda p: (not p[0], -p[1], -len(p[2]), p[3], p[4])):
        ri, rj = find(i), find(j)
        if ri == rj or group_goals[ri] & group_goals[rj]:
            continue  # an action has its statements from different goals only
        if overlap < SHARED_OVERLAP and (len(group_goals[ri]) > 1 or len(group_goals[rj]) > 1):
            continue  # a shared rare word pairs two sentences; it does not join a third
        parent[rj] = ri
        group_goals[ri] |= group_goals.pop(rj)
        old = why.get(ri, (0.0, []))
        why[ri] = (max(old[0], overlap), sorted(set(old[1]) | set(exclusive)))
    merged: dict[int, ActionProposal] = {}
    for i, action in enumerate(actions):
        root = find(i)
        if root not in merged:
            merged[root] = action
            continue
        head = merged[root]
        head.evidence.extend(action.evidence)
        head.bodies.extend(b for b in action.bodies if b not in head.bodies)
        if head.kind != "measurableTarget" and action.kind == "measurableTarget":
            head.kind, head.target_value, head.unit = action.kind, action.target_value, action.unit
            head.target_year, head.direction = action.target_year, action.direction
    for root, action in merged.items():
        if action.shared:
            action.similarity = round(why[root][0], 3)
            action.shared_words = why[root][1]
    return list(merged.values())
