"""Action proposals from the political texts of a parsed goal section: commitment sentences, shared actions, bodies.

Rules (the same as the curated method in data/ostersund/2024/actions.ttl, steps 1, 4 and 6):
- A sentence is proposed as an action when it holds a word that makes it a commitment (`MODALITIES`): "ska",
  "måste", "behöver"/"behövs", "prioriteras", "eftersträvas", "kommer att fortsätta", or a way of working stated as
  the municipality's own ("arbetar utifrån", "ledord", "utgångspunkten", "ansvarar för"), or a stated target
  ("målet är", "har som mål").
- The kind is km:measurableTarget when the sentence gives a number with a unit or a target year, km:principle for
  the ways of working, km:commitment otherwise. Direction: "minska" decrease, "öka"/"fler" increase, else reach.
- Sentences under two or more goals are proposed as ONE shared action when, on Swedish Snowball stems, their
  IDF-weighted overlap coefficient (shared weight over the smaller sentence's weight; IDF over the document's
  sentences) reaches `SHARED_OVERLAP`, or reaches `SHARED_OVERLAP_RARE` and they share a word (stem of five letters
  or more) that no other sentence of the document uses; and the numbers
  they give, if both give any, agree. Strongest pairs merge first; an action keeps one statement per goal. The
  steward may accept the shared action, split it into one action per goal, or reject it.
- A body is named when the sentence holds the label of a known body of the municipality (from the data folder's
  organisations) or a word of the form "…nämnden", "kommunstyrelsen", "kommunfullmäktige".
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

import snowballstemmer

from kommunmal.ingest.model import ParsedDocument, ParsedGoal, Span
from kommunmal.ingest.sdg_match import Candidate, SdgMatcher

SHARED_OVERLAP = 0.45
SHARED_OVERLAP_RARE = 0.2

# (pattern, modality as written in the data, kind it suggests or None)
MODALITIES: tuple[tuple[str, str, str | None], ...] = (
    (r"\bmålet är\b", "målet är", "measurableTarget"),
    (r"\bhar (?:ett|som) mål\b", "mål", "measurableTarget"),
    (r"\barbetar utifrån\b", "arbetar utifrån", "principle"),
    (r"\bledord", "ledord", "principle"),
    (r"\butgångspunkten\b", "utgångspunkten", "principle"),
    (r"\bansvarar för\b", "ansvarar för", "principle"),
    (r"\bska(?:ll)?\b", "ska", None),
    (r"\bmåste\b", "måste", None),
    (r"\bbehöver\b", "behöver", None),
    (r"\bbehövs\b", "behövs", None),
    (r"\bprioriter(?:as|a|ar)\b", "prioriteras", None),
    (r"\beftersträva(?:s|r)?\b", "eftersträvas", None),
    (r"\bkommer att fortsätta\b", "kommer att fortsätta", None),
    (r"\b(?:är|av) avgörande\b", "avgörande", None),
    (r"\bär (?:centralt|viktigt) att\b", "centralt", None),
    (r"\b(?:har en|spelar en) viktig roll\b", "viktig roll", None),
    (r"\b(?:viktig|väsentlig) del (?:av|i) [a-zåäö ]+ är att\b", "viktig del", None),
)

_ABBREVIATIONS = ("t.ex.", "bl.a.", "m.m.", "s.k.", "dvs.", "d.v.s.", "o.s.v.", "osv.", "m.fl.", "t.o.m.", "fr.o.m.")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ0-9”\"«])")
_NUMBER_UNIT = re.compile(
    r"(?<![\d,])(\d{1,3}(?:[  ]\d{3})+|\d+(?:,\d+)?)\s*(procent|%|procentenheter|invånare|medborgare|"
    r"bostäder|lägenheter|arbetstillfällen|elever|platser|timmar|minuter|kronor|miljoner|ton|kilometer|km)(?![a-zåäö])",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(?:år|till|senast|under|före|inom)\s+(?:år\s+)?(20\d\d)\b")
_BODY_WORD = re.compile(
    r"\b((?:[A-ZÅÄÖa-zåäö]+-\s+och\s+)?[A-ZÅÄÖa-zåäö-]+nämnden|[Kk]ommunstyrelsen|[Kk]ommunfullmäktige)\b"
)
_SV = snowballstemmer.stemmer("swedish")
_STOP = frozenset(
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


@dataclass(frozen=True)
class Body:
    """A body a sentence names: `slug` for the IRI id/<municipality>/org/<slug>, `label` as in the text or register,
    `kind` an km:OrganisationKind local name ("namnd", "styrelse", …), `known` when it is in the data folder."""

    slug: str
    label: str
    kind: str
    known: bool = False
    via: str | None = None  # the collective word that names it ("nämnderna", "bolag"), if not its own label


@dataclass
class Evidence:
    """One sentence stating a proposal: `quote` verbatim from the paragraph text (or goal statement), the goal's
    notation, the paragraph position (1-based) or None for the goal statement, and the paragraph's span."""

    quote: str
    goal: str
    paragraph: int | None
    span: Span


@dataclass
class ActionProposal:
    """A proposed action (km:Action). `key` is the slug of its IRI, stable for the same first sentence, so that a
    rejected proposal is known again on a second ingest. `similarity` is the cosine that made it shared (or None)."""

    key: str
    label: str
    text: str
    kind: str
    modality: str
    evidence: list[Evidence]
    target_value: str | None = None
    unit: str | None = None
    target_year: str | None = None
    direction: str | None = None
    similarity: float | None = None
    shared_words: list[str] = field(default_factory=list)
    sdg: list[Candidate] = field(default_factory=list)
    bodies: list[Body] = field(default_factory=list)

    @property
    def goals(self) -> list[str]:
        return list(dict.fromkeys(e.goal for e in self.evidence))

    @property
    def shared(self) -> bool:
        return len(self.goals) > 1


@dataclass
class Proposals:
    """All proposals for one document; `withheld` lists the IRI keys not proposed because a steward rejected them."""

    actions: list[ActionProposal]
    goal_sdg: dict[str, list[Candidate]]
    goal_bodies: dict[str, list[tuple[Body, str]]]  # notation -> (body, quote from the goal statement)
    withheld: list[str] = field(default_factory=list)


def sentences(text: str) -> list[str]:
    """Split a Swedish paragraph into sentences (full stop, ! or ? followed by a capital), keeping abbreviations."""
    guarded = text
    for i, abbr in enumerate(_ABBREVIATIONS):
        guarded = guarded.replace(abbr, f"\x00{i}\x00")
    parts = _SENTENCE_END.split(guarded)
    out = []
    for part in parts:
        for i, abbr in enumerate(_ABBREVIATIONS):
            part = part.replace(f"\x00{i}\x00", abbr)
        if part.strip():
            out.append(part.strip())
    return out


def modality(sentence: str) -> tuple[str, str | None] | None:
    """The commitment word of `sentence` and the kind it suggests, or None when the sentence is no commitment."""
    lowered = sentence.lower()
    for pattern, word, kind in MODALITIES:
        if re.search(pattern, lowered):
            return word, kind
    return None


def slugify(text: str, words: int = 6, content_only: bool = True) -> str:
    """ASCII, lowercase, hyphen-joined slug of the first `words` words (å→a, ä→a, ö→o); only content words unless
    `content_only` is False ("Barn- och utbildningsnämnden" → barn-och-utbildningsnamnden, as the register's)."""
    ascii_text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    tokens = [t for t in re.findall(r"[a-z0-9]+", ascii_text) if not content_only or t not in _STOP]
    return "-".join(tokens[:words]) or "x"


def proposal_key(quote: str, goal: str) -> str:
    """Stable IRI slug of an action first stated by `quote` under `goal`: content words and a short checksum."""
    digest = hashlib.sha256(f"{goal}|{' '.join(quote.split())}".encode()).hexdigest()[:6]
    return f"{slugify(quote, 5)}-{digest}"


def target_of(sentence: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(value, unit, year, direction) a sentence gives: value as a plain decimal ("75000", "2,5" → "2.5")."""
    value = unit = None
    m = _NUMBER_UNIT.search(sentence)
    if m:
        value = re.sub(r"[  ]", "", m.group(1)).replace(",", ".")
        unit = "procent" if m.group(2) == "%" else m.group(2).lower()
    years = _YEAR.findall(sentence)
    year = years[-1] if years else None
    lowered = sentence.lower()
    if re.search(r"\bminsk|\bsänk|\bhalver|\bkorta", lowered):
        direction = "decrease"
    elif re.search(r"\böka|\bfler\b|\bhöj|\bförbättra|\bstärk", lowered):
        direction = "increase"
    else:
        direction = "reach"
    return value, unit, year, direction


def _kind(sentence: str, hinted: str | None, value: str | None, year: str | None) -> str:
    if hinted:
        return hinted
    if value or year:
        return "measurableTarget"
    return "commitment"


def _label(sentence: str) -> str:
    words = sentence.rstrip(".!?").split()
    label = " ".join(words[:8])
    return label + (" …" if len(words) > 8 else "")


# Collective words for the municipality's bodies of one kind ("Nämnderna ansvarar för …", "verksamheter och bolag").
COLLECTIVE = {"namnd": r"\bnämnderna\b", "bolag": r"\b(?:bolag|bolagen|kommunens bolag)\b"}


def _words(text: str) -> list[str]:
    """Lowercase words with a genitive or plural -s dropped from longer words ("Jämtlands" ~ "Jämtland")."""
    return [w[:-1] if len(w) > 4 and w.endswith("s") else w for w in re.findall(r"[a-zåäöé0-9-]+", text.lower())]


def _names(label: str, sentence: str) -> bool:
    if re.fullmatch(r"[A-ZÅÄÖ]{2,4}", label):  # an abbreviation such as KS: the whole word, as written
        return re.search(rf"\b{label}\b", sentence) is not None
    want, have = _words(label), _words(sentence)
    return any(have[i : i + len(want)] == want for i in range(len(have) - len(want) + 1))


def bodies_in(sentence: str, known: list[Body]) -> list[Body]:
    """Bodies the sentence names: known bodies by any of their labels (a genitive -s aside), known bodies of a kind
    by a collective word ("nämnderna", "bolag"; `via` says which), then words of the form "…nämnden"."""
    found = {b.slug: b for b in known if _names(b.label, sentence)}
    lowered = sentence.lower()
    for kind, pattern in COLLECTIVE.items():
        m = re.search(pattern, lowered)
        if m:
            for b in known:
                if b.kind == kind and b.slug not in found:
                    found[b.slug] = Body(b.slug, b.label, b.kind, b.known, via=m.group(0))
    for word in _BODY_WORD.findall(sentence):
        word = " ".join(word.split())
        slug = slugify(word, 5, content_only=False)
        if slug in found:
            continue
        kind = "fullmaktige" if "fullmäktige" in word.lower() else "styrelse" if "styrelse" in word.lower() else "namnd"
        found[slug] = Body(slug, word[0].upper() + word[1:], kind)
    return list(found.values())


def _stem_tokens(text: str) -> list[str]:
    words = re.findall(r"[a-zåäöé0-9]+", text.lower())
    return [_stem_sv(w) for w in words if w not in _STOP and len(w) > 2]


@cache
def _stem_sv(word: str) -> str:
    return _SV.stemWord(word)


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[  ]", "", n) for n in re.findall(r"\d[\d  ]*\d|\d", text)}


def _pair_strength(a: set[str], b: set[str], idf: dict[str, float], df: dict[str, int]) -> tuple[float, list[str]]:
    """(IDF-weighted overlap coefficient of two stem sets, stems only these two sentences of the document use)."""
    shared = a & b
    smaller = min(sum(idf[x] for x in a), sum(idf[x] for x in b))
    overlap = sum(idf[x] for x in shared) / smaller if smaller else 0.0
    exclusive = sorted(x for x in shared if df[x] <= 2 and len(x) >= 5)
    return overlap, exclusive


def _merge_shared(actions: list[ActionProposal], corpus: list[str]) -> list[ActionProposal]:
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
            ni, nj = _numbers(actions[i].text), _numbers(actions[j].text)
            if ni and nj and not ni & nj:
                continue
            overlap, exclusive = _pair_strength(stems[i], stems[j], idf, df)
            if overlap >= SHARED_OVERLAP or (exclusive and overlap >= SHARED_OVERLAP_RARE):
                pairs.append((overlap + len(exclusive), overlap, exclusive, i, j))
    parent = list(range(len(actions)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    group_goals = {i: set(a.goals) for i, a in enumerate(actions)}
    why: dict[int, tuple[float, list[str]]] = {}
    for _, overlap, exclusive, i, j in sorted(pairs, key=lambda p: (-p[0], p[3], p[4])):
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


def _statement_sentences(goal: ParsedGoal) -> list[str]:
    return sentences(goal.statement.text)


def propose(
    doc: ParsedDocument,
    matcher: SdgMatcher | None = None,
    known_bodies: list[Body] | None = None,
    withhold: set[str] | None = None,
    progress=None,
) -> Proposals:
    """Action, shared-action, SDG and responsibility proposals for `doc`.

    `matcher` ranks SDG targets (none when None); `known_bodies` are the municipality's bodies in the data folder;
    `withhold` holds IRI keys (action keys and "<subject key>--<code or body slug>" link keys) a steward rejected,
    which are not proposed again. `progress(done, total)` is called once per goal."""
    known = known_bodies or []
    withhold = withhold or set()
    withheld: list[str] = []
    actions: list[ActionProposal] = []
    for n, goal in enumerate(doc.goals, 1):
        for position, paragraph in enumerate(goal.paragraphs, 1):
            for sentence in sentences(paragraph.text.text):
                found = modality(sentence)
                if not found:
                    continue
                word, hinted = found
                key = proposal_key(sentence, goal.notation)
                if key in withhold:
                    withheld.append(key)
                    continue
                value, unit, year, direction = target_of(sentence)
                kind = _kind(sentence, hinted, value if unit else None, year)
                actions.append(
                    ActionProposal(
                        key=key,
                        label=_label(sentence),
                        text=sentence,
                        kind=kind,
                        modality=word,
                        evidence=[Evidence(sentence, goal.notation, position, paragraph.span)],
                        target_value=value if (kind == "measurableTarget" and unit) else None,
                        unit=unit if kind == "measurableTarget" else None,
                        target_year=year if kind == "measurableTarget" else None,
                        direction=direction if kind == "measurableTarget" else None,
                        bodies=bodies_in(sentence, known),
                    )
                )
        if progress:
            progress(n, len(doc.goals))
    corpus = [s for g in doc.goals for p in g.paragraphs for s in sentences(p.text.text)]
    actions = _merge_shared(actions, corpus)
    goal_sdg: dict[str, list[Candidate]] = {}
    goal_bodies: dict[str, list[tuple[Body, str]]] = {}
    for goal in doc.goals:
        if matcher:
            goal_sdg[goal.notation] = [
                c for c in matcher.rank(goal.statement.text) if f"{goal.notation}--{c.code}" not in withhold
            ]
        goal_bodies[goal.notation] = [
            (b, s)
            for s in _statement_sentences(goal)
            for b in bodies_in(s, known)
            if f"{goal.notation}--{b.slug}" not in withhold
        ]
    for action in actions:
        if matcher:
            action.sdg = [
                c
                for c in matcher.rank(" ".join(e.quote for e in action.evidence))
                if f"{action.key}--{c.code}" not in withhold
            ]
        action.bodies = [b for b in action.bodies if f"{action.key}--{b.slug}" not in withhold]
    return Proposals(actions, goal_sdg, goal_bodies, withheld)
