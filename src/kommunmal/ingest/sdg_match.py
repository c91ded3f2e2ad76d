"""SDG target candidates for a Swedish sentence, ranked against the UN SDG KOS target texts.

The KOS (data/reference/sdg/sdg-kos-goals-targets-indicators.ttl) gives the 169 target texts in English, French
and Spanish only. A Swedish sentence is therefore carried into English words through a lexicon of municipal
vocabulary (sdg_lexicon.tsv beside this module), and ranked against the English target texts by TF-IDF cosine
similarity (scikit-learn) on Snowball-stemmed words (snowballstemmer). The score is that cosine (0..1); the matched
words are the Swedish word parts whose English words occur, stemmed, in the target's text. Targets about other
countries' development ("developing countries", "least developed countries", "small island developing States")
count half, as a municipality's own commitments rarely serve them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

import pyoxigraph
import snowballstemmer
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

SDG = "http://metadata.un.org/sdg/"
SDGO_TARGET = URIRef(SDG + "ontology#Target")
INTERNATIONAL = re.compile(r"developing countr|least developed|small island|developed-country|landlocked", re.I)
INTERNATIONAL_WEIGHT = 0.5
_WORD = re.compile(r"[a-zåäöéü-]+", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """One SDG target proposed for a text: `code` such as "16.7", `iri` the KOS IRI, `score` the cosine
    similarity (0..1), `matched` the Swedish word parts and the English words they matched ("delaktig→inclusion")."""

    code: str
    iri: str
    score: float
    matched: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class LexiconEntry:
    swedish: str
    english: tuple[str, ...]
    whole_word: bool


def read_lexicon(path: Path | None = None) -> list[LexiconEntry]:
    """The Swedish→English lexicon (TSV: Swedish word part, English words; "#" comments; "=" for whole words)."""
    text = (
        path.read_text(encoding="utf-8")
        if path
        else resources.files("kommunmal.ingest").joinpath("sdg_lexicon.tsv").read_text(encoding="utf-8")
    )
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        swedish, _, english = line.partition("\t")
        whole = swedish.startswith("=")
        entries.append(LexiconEntry(swedish.lstrip("=").lower(), tuple(english.split()), whole))
    return entries


class SdgMatcher:
    """Ranks SDG targets for Swedish texts. `kos` is the path of the UN SDG KOS Turtle file.

    Raises FileNotFoundError when the KOS file is missing."""

    def __init__(self, kos: Path, lexicon: list[LexiconEntry] | None = None) -> None:
        self.kos = kos
        self.lexicon = lexicon if lexicon is not None else read_lexicon()

    @cached_property
    def _targets(self) -> list[tuple[str, str, str]]:
        targets, labels = set(), {}
        with self.kos.open("rb") as f:
            for t in pyoxigraph.parse(f, format=pyoxigraph.RdfFormat.TURTLE):
                if t.predicate.value == str(RDF.type) and t.object.value == str(SDGO_TARGET):
                    targets.add(t.subject.value)
                elif t.predicate.value == str(SKOS.prefLabel) and (getattr(t.object, "language", "") or "") == "en":
                    labels[t.subject.value] = t.object.value
        rows = [(iri[len(SDG) :], iri, labels[iri]) for iri in targets if iri in labels]
        return sorted(rows, key=lambda r: _code_key(r[0]))

    def _stems(self, text: str) -> list[str]:
        words = [w.lower() for w in re.findall(r"[A-Za-z]+", text)]
        return [_stem_en(w) for w in words if w not in ENGLISH_STOP_WORDS and len(w) > 2]

    @cached_property
    def _index(self) -> tuple[TfidfVectorizer, object, list[set[str]]]:
        vectorizer = TfidfVectorizer(analyzer=self._stems, sublinear_tf=True)
        matrix = vectorizer.fit_transform([label for _, _, label in self._targets])
        stem_sets = [set(self._stems(label)) for _, _, label in self._targets]
        return vectorizer, matrix, stem_sets

    @cached_property
    def _weights(self) -> list[float]:
        """`INTERNATIONAL_WEIGHT` for targets about other countries' development (a municipality's text rarely
        serves them), 1 otherwise."""
        return [INTERNATIONAL_WEIGHT if INTERNATIONAL.search(label) else 1.0 for _, _, label in self._targets]

    def translate(self, swedish: str) -> list[tuple[str, str]]:
        """(Swedish word part, English word) pairs the lexicon finds in `swedish`."""
        lowered = swedish.lower()
        words = _WORD.findall(lowered)
        found: list[tuple[str, str]] = []
        for entry in self.lexicon:
            if " " in entry.swedish:
                hit = entry.swedish in lowered
            elif entry.whole_word:
                hit = entry.swedish in words
            else:
                hit = any(entry.swedish in w for w in words)
            if hit:
                found.extend((entry.swedish, en) for en in entry.english)
        return found

    def rank(self, swedish: str, top: int = 5) -> list[Candidate]:
        """The `top` targets most similar to `swedish`, best first; empty when no word of the text is in the lexicon
        or no target shares a word with it."""
        pairs = self.translate(swedish)
        if not pairs:
            return []
        vectorizer, matrix, stem_sets = self._index
        query = vectorizer.transform([" ".join(en for _, en in pairs)])
        scores = (matrix @ query.T).toarray().ravel() * self._weights
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], _code_key(self._targets[i][0])))
        out = []
        for i in order[:top]:
            if scores[i] <= 0:
                break
            code, iri, label = self._targets[i]
            matched = tuple(dict.fromkeys(f"{sv}→{en}" for sv, en in pairs if _stem_en(en.lower()) in stem_sets[i]))
            out.append(Candidate(code, iri, round(float(scores[i]), 3), matched, label))
        return out


_EN = snowballstemmer.stemmer("english")


@cache
def _stem_en(word: str) -> str:
    return _EN.stemWord(word)


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 100 + ord(p[0]) for p in code.split("."))
