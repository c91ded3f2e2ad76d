"""SDG target candidates for a Swedish sentence, ranked against the UN SDG KOS target texts.

The KOS (data/reference/sdg/sdg-kos-goals-targets-indicators.ttl) gives the 169 target texts in English, French
and Spanish only. A Swedish sentence is therefore carried into English words, first through a hand-written lexicon
of municipal and SDG terms (sdg_lexicon.tsv beside this module), then, for the words it does not cover, through the
FreeDict Swedish-English dictionary (kommunmal.ingest.dictionary; Debian package dict-freedict-swe-eng). The
English words are ranked against the target texts by TF-IDF cosine similarity (scikit-learn) on Snowball-stemmed
words (snowballstemmer). The score is that cosine (0..1); the matched words are the Swedish word parts whose English
words occur, stemmed, in the target's text. An action's sentence is ranked together with its paragraph (the mean of
the two cosines), as the sentence often names only what is done and the paragraph the field. Targets about other
countries' development ("developing countries", "least developed countries", "small island developing States")
count half, as a municipality's own commitments rarely serve them."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyoxigraph
import snowballstemmer
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS
from wordfreq import top_n_list

from kommunmal.ingest.dictionary import DICTD_DIR, DictionaryMissing, SwedishEnglish

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import TfidfVectorizer

SDG = "http://metadata.un.org/sdg/"
SDGO_TARGET = URIRef(SDG + "ontology#Target")
INTERNATIONAL = re.compile(r"developing countr|least developed|small island|developed-country|landlocked", re.I)
INTERNATIONAL_WEIGHT = 0.5
# A dictionary word's senses are not chosen for the target texts as the lexicon's are: together they weigh half a
# lexicon word (chosen from 1, 0.5, 0.25 on the Östersund 2024 curation: 1 lost 3 of its 191 targets, 0.5 none).
DICTIONARY_WEIGHT = 0.5
# The weight of an action's paragraph beside its sentence (SdgMatcher.rank). Chosen on the curated links of goals
# 1.1-1.4 of Östersund 2024 from 0.3, 0.4, 0.5, 0.6, 0.75, 1 (1 put the most in the top 5 there: 64 of 91, 61
# without the paragraph); on goals 1.5-1.8, not used in choosing, it puts 57 of 100 there (51 without).
CONTEXT_WEIGHT = 1.0
# The most frequent Swedish words (wordfreq) are function words ("att", "ska", "vara"): their dictionary senses
# ("wares", "sheep") would only add noise.
FUNCTION_WORDS = frozenset(top_n_list("sv", 60))
_WORD = re.compile(r"[a-zåäöéü-]+", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """One SDG target proposed for a text: `code` such as "16.7", `iri` the KOS IRI, `score` the cosine
    similarity (0..1; with a context, the weighted mean of the text's and the context's), `matched` the Swedish word
    parts of the text and the English words they matched ("delaktig→inclusion"), `context_matched` the same for the
    context (the paragraph around an action's sentence)."""

    code: str
    iri: str
    score: float
    matched: tuple[str, ...]
    label: str
    context_matched: tuple[str, ...] = ()


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
    """Ranks SDG targets for Swedish texts. `kos` is the path of the UN SDG KOS Turtle file; `lexicon` the
    hand-written entries (default sdg_lexicon.tsv); `dictionary_dir` the folder of the FreeDict dictd files.

    When the dictionary is not installed, ranking falls back to the lexicon alone and `dictionary_missing` says so
    (naming the Debian packages to install); it is "" otherwise. Raises FileNotFoundError when the KOS file is
    missing (when first ranking)."""

    def __init__(self, kos: Path, lexicon: list[LexiconEntry] | None = None, dictionary_dir: Path = DICTD_DIR) -> None:
        self.kos = kos
        self.lexicon = lexicon if lexicon is not None else read_lexicon()
        self.dictionary: SwedishEnglish | None = None
        self.dictionary_missing = ""
        try:
            self.dictionary = SwedishEnglish.load(dictionary_dir)
        except DictionaryMissing as exc:
            self.dictionary_missing = f"{exc}; until then only the hand-written lexicon is used"

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
        return [_stem_en(w) for w in words if w not in _english_stop_words() and len(w) > 2]

    @cached_property
    def _index(self) -> tuple[TfidfVectorizer, object, list[set[str]]]:
        from sklearn.feature_extraction.text import TfidfVectorizer

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
        """(Swedish word part, English word) pairs the lexicon and the dictionary find in `swedish`."""
        return [(sv, en) for sv, en, _ in self.translations(swedish)]

    def translations(self, swedish: str) -> list[tuple[str, str, float]]:
        """(Swedish word part, English word, weight) for `swedish`: the lexicon's words weigh 1 each; a word the
        lexicon does not cover is looked up in the dictionary (not proper nouns, capitalised inside a sentence, nor
        FUNCTION_WORDS; a capitalised first word only as a whole), and its n English words weigh
        DICTIONARY_WEIGHT/n each, so a word of many senses counts as one word."""
        lowered = swedish.lower()
        words = _WORD.findall(lowered)
        found: list[tuple[str, str, float]] = []
        for entry in self.lexicon:
            if " " in entry.swedish:
                hit = entry.swedish in lowered
            elif entry.whole_word:
                hit = entry.swedish in words
            else:
                hit = any(entry.swedish in w for w in words)
            if hit:
                found.extend((entry.swedish, en, 1.0) for en in entry.english)
        if self.dictionary:
            covered = {sv for sv, _, _ in found}
            for word, capital in dict.fromkeys(_common_words(swedish)):
                if word in FUNCTION_WORDS or any(sv in word for sv in covered):
                    continue
                parts = [(word, self.dictionary.lookup(word))] if capital else self.dictionary.parts(word)
                for part, english in parts:
                    found.extend((part, en, DICTIONARY_WEIGHT / len(english)) for en in sorted(english))
        return found

    def _query(self, found: list[tuple[str, str, float]]) -> np.ndarray:
        """The query vector over the index's vocabulary: summed weights per stem, sublinear as the index (1 + log tf
        above 1), times the stem's idf, L2-normalised."""
        vectorizer, _, _ = self._index
        tf: dict[int, float] = {}
        for _, en, weight in found:
            for stem in self._stems(en):
                j = vectorizer.vocabulary_.get(stem)
                if j is not None:
                    tf[j] = tf.get(j, 0.0) + weight
        query = np.zeros(len(vectorizer.vocabulary_))
        for j, value in tf.items():
            query[j] = (1 + math.log(value) if value > 1 else value) * vectorizer.idf_[j]
        norm = np.linalg.norm(query)
        return query / norm if norm else query

    def rank(self, swedish: str, top: int = 5, context: str = "") -> list[Candidate]:
        """The `top` targets most similar to `swedish`, best first; empty when no word of the text (or of `context`)
        is translated or no target shares a word with them.

        `context` is the text `swedish` stands in (for an action, its paragraph): a sentence often names only what is
        done ("ska utvecklas") and its paragraph the field. The score is then (cos(text) + CONTEXT_WEIGHT ×
        cos(context)) / (1 + CONTEXT_WEIGHT)."""
        found = self.translations(swedish)
        around = self.translations(context) if context else []
        if not found and not around:
            return []
        _, matrix, stem_sets = self._index
        scores = (matrix @ self._query(found)).ravel()
        if around:
            scores = (scores + CONTEXT_WEIGHT * (matrix @ self._query(around)).ravel()) / (1 + CONTEXT_WEIGHT)
        scores = scores * self._weights
        order = sorted(range(len(scores)), key=lambda i: (-scores[i], _code_key(self._targets[i][0])))
        out = []
        for i in order[:top]:
            if scores[i] <= 0:
                break
            code, iri, label = self._targets[i]
            out.append(
                Candidate(
                    code,
                    iri,
                    round(float(scores[i]), 3),
                    _matched(found, stem_sets[i]),
                    label,
                    _matched(around, stem_sets[i]),
                )
            )
        return out


def _matched(found: list[tuple[str, str, float]], stems: set[str]) -> tuple[str, ...]:
    """ "sv→en" for the translations whose English word (any part of it: "public-private") is among `stems`."""
    return tuple(
        dict.fromkeys(
            f"{sv}→{en}" for sv, en, _ in found if any(_stem_en(w) in stems for w in re.findall(r"[a-z]+", en.lower()))
        )
    )


def _common_words(text: str) -> list[tuple[str, bool]]:
    """(word lower-cased, capitalised) for the words of `text`, without proper nouns: a capitalised word that does not
    begin a sentence. One that does may still be a name ("Östersunds …"), so the caller does not split it into
    compound parts ("öster" + "sund")."""
    out = []
    for m in _WORD.finditer(text):
        before = text[: m.start()].rstrip()
        capital = m.group()[0].isupper()
        if capital and before and before[-1] not in ".!?:":
            continue
        out.append((m.group().lower(), capital))
    return out


_EN = snowballstemmer.stemmer("english")


@cache
def _english_stop_words() -> frozenset[str]:
    # scikit-learn is imported when ranking, not with this module: `kommunmal review` imports it and ranks nothing.
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


@cache
def _stem_en(word: str) -> str:
    return _EN.stemWord(word)


def _code_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 100 + ord(p[0]) for p in code.split("."))
