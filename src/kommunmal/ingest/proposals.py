"""Action proposals from the political texts of a parsed goal section: commitment sentences, shared actions, bodies.

Rules (the same as the curated method in data/ostersund/2024/actions.ttl, steps 1, 4 and 6):
- A sentence is proposed as an action when it holds a word that makes it a commitment (`MODALITIES`): "ska",
  "måste", "behöver"/"behövs", "prioriteras", "eftersträvas", "kommer att fortsätta", or a way of working stated as
  the municipality's own ("arbetar utifrån", "ledord", "utgångspunkten", "ansvarar för"), or a stated target
  ("målet är", "har som mål"), or an assessment of importance ("är avgörande", "är viktiga", "är en viktig del av",
  "har en viktig roll"; rule 1d).
- The kind is km:measurableTarget when the sentence gives a number with a unit or a target year, km:principle for
  the ways of working, km:assessment for an assessment of importance, km:priority for "prioriteras", km:commitment
  otherwise. Direction: "minska" decrease, "öka"/"fler" increase, else reach.
- Sentences under two or more goals that state the same commitment are proposed as ONE shared action (the rule is
  in `kommunmal.ingest.shared_actions`); the steward may accept it, split it into one action per goal, or reject it.
- A body is named when the sentence holds the label of a known body of the municipality (from the data folder's
  organisations) or a word of the form "…nämnden", "kommunstyrelsen", "kommunfullmäktige".
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from kommunmal.ingest.model import ParsedDocument, ParsedGoal, Span
from kommunmal.ingest.sdg_match import Candidate, SdgMatcher
from kommunmal.ingest.shared_actions import STOP_WORDS as _STOP
from kommunmal.ingest.shared_actions import merge_shared

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
    (r"\bprioriter(?:as|a|ar)\b", "prioriteras", "priority"),
    (r"\beftersträva(?:s|r)?\b", "eftersträvas", None),
    (r"\bkommer att fortsätta\b", "kommer att fortsätta", None),
    (r"\b(?:är|av) avgörande\b", "avgörande", "assessment"),
    (r"\bär (?:centralt|viktigt) att\b", "centralt", "assessment"),
    (r"\b(?:har en|spelar en) viktig roll\b", "viktig roll", "assessment"),
    (r"\b(?:viktig|väsentlig) del (?:av|i) [a-zåäö ]+ är att\b", "viktig del", "assessment"),
    (
        r"\b(?:är|vara) (?:alla |också |även )?(?:en )?(?:viktiga?|betydelsefulla?|nödvändiga?)\b",
        "viktig",
        "assessment",
    ),
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


def _paragraphs(doc: ParsedDocument, action: ActionProposal) -> str:
    """The text of the paragraphs the action's sentences stand in (none for a goal statement's sentence)."""
    goals = {g.notation: g for g in doc.goals}
    texts = [
        goals[e.goal].paragraphs[e.paragraph - 1].text.text
        for e in action.evidence
        if e.paragraph and e.goal in goals and e.paragraph <= len(goals[e.goal].paragraphs)
    ]
    return " ".join(dict.fromkeys(texts))


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
    actions = merge_shared(actions, corpus)
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
                for c in matcher.rank(" ".join(e.quote for e in action.evidence), context=_paragraphs(doc, action))
                if f"{action.key}--{c.code}" not in withhold
            ]
        action.bodies = [b for b in action.bodies if f"{action.key}--{b.slug}" not in withhold]
    return Proposals(actions, goal_sdg, goal_bodies, withheld)
