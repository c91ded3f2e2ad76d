"""Swedish→English word translations from the FreeDict dictionaries, as Debian packages them for dictd.

The Debian packages dict-freedict-swe-eng and dict-freedict-eng-swe (FreeDict, GPL-2.0-or-later) install
`/usr/share/dictd/freedict-swe-eng.{index,dict.dz}` and `freedict-eng-swe.{index,dict.dz}`. The index has one line
per entry: headword, byte offset and byte length (both in dictd's base64 digits) into the dictionary text, which is
dictzip-compressed (gzip-compatible). An entry is the headword with its pronunciation, then the translations as
comma-separated lists, numbered "1. …" when there are several senses. Both directions are read: the English→Swedish
entries are turned round, so that "health → hälsa" also gives "hälsa → health".

Words are looked up as written, then by their Snowball stem (Swedish) or as a definite -a noun ("skolan"), then,
for a compound the dictionary does not hold, as its longest known last part and the known parts before it
("kollektivtrafiken" → "kollektiv" + "trafik"), with the Swedish linking letter "s" dropped between parts.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import snowballstemmer

DICTD_DIR = Path("/usr/share/dictd")
SWE_ENG = "freedict-swe-eng"
ENG_SWE = "freedict-eng-swe"
PACKAGES = "dict-freedict-swe-eng dict-freedict-eng-swe"
MIN_PART = 4  # shorter compound parts ("tid", "art", "ort") are too often a piece of another word
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_PRONUNCIATION = re.compile(r"\s*/[^/]*/\s*$")
_SENSE = re.compile(r"^\s*\d+\.\s*")
_WORD = re.compile(r"^[a-zåäöéü]+$")
_SV = snowballstemmer.stemmer("swedish")


class DictionaryMissing(FileNotFoundError):
    """The FreeDict files are not installed; the message names the Debian packages to install."""


def _b64(digits: str) -> int:
    value = 0
    for ch in digits:
        value = value * 64 + _B64.index(ch)
    return value


def read_dictd(folder: Path, name: str) -> list[tuple[str, list[str]]]:
    """The entries of the dictd dictionary `name` in `folder`: (headword, translations), each translation a word or
    phrase as written. Raises DictionaryMissing when `<name>.index` or `<name>.dict.dz` is not there."""
    index, data = folder / f"{name}.index", folder / f"{name}.dict.dz"
    if not index.is_file() or not data.is_file():
        raise DictionaryMissing(
            f"{index}: the FreeDict dictionary {name} is not installed; install the Debian packages with "
            f"`apt-get install {PACKAGES}`"
        )
    raw = gzip.decompress(data.read_bytes())
    entries = []
    for line in index.read_text(encoding="utf-8").splitlines():
        head, _, rest = line.partition("\t")
        if head.startswith("00database") or not rest:
            continue
        offset, _, length = rest.partition("\t")
        body = raw[_b64(offset) : _b64(offset) + _b64(length)].decode("utf-8").splitlines()
        translations = [
            t.strip()
            for sense in body[1:]
            for t in _SENSE.sub("", sense).split(",")
            if t.strip() and not _PRONUNCIATION.fullmatch(t)
        ]
        entries.append((head.lower(), translations))
    return entries


@dataclass
class SwedishEnglish:
    """Swedish word → English words, read from the FreeDict dictionaries (`load()`), or given directly."""

    words: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path = DICTD_DIR) -> SwedishEnglish:
        """Both FreeDict directions from `folder`. Raises DictionaryMissing (naming the Debian packages) when the
        Swedish→English files are missing; the English→Swedish ones only add to them when present."""
        words: dict[str, set[str]] = defaultdict(set)
        for head, translations in read_dictd(folder, SWE_ENG):
            words[head].update(_english_words(translations))
        try:
            reverse = read_dictd(folder, ENG_SWE)
        except DictionaryMissing:
            reverse = []
        for head, translations in reverse:
            english = _english_words([head])
            for sv in translations:
                if _WORD.match(sv.lower()):
                    words[sv.lower()].update(english)
        return cls({k: v for k, v in words.items() if v and _WORD.match(k)})

    def __post_init__(self) -> None:
        self._by_stem: dict[str, set[str]] = defaultdict(set)
        for sv, english in self.words.items():
            self._by_stem[_stem_sv(sv)].update(english)

    def lookup(self, word: str) -> set[str]:
        """English words for the Swedish `word` as written, by its stem, or (a definite -a noun the stemmer leaves:
        "skolan", "hälsan") without its final -n; empty when none is known."""
        word = word.lower()
        found = self.words.get(word) or self._by_stem.get(_stem_sv(word), set())
        if not found and word.endswith("an") and len(word) > MIN_PART:
            found = self.words.get(word[:-1], set())
        return found

    def parts(self, word: str) -> list[tuple[str, set[str]]]:
        """(Swedish part, English words) for `word`: the word itself when known, else its compound parts, each of at
        least MIN_PART letters and all of them known (the longest known last part first); [] otherwise."""
        word = word.lower()
        known = self.lookup(word)
        if known:
            return [(word, known)]
        for cut in range(MIN_PART, len(word) - MIN_PART + 1):
            tail = word[cut:]
            english = self.lookup(tail)
            if not english:
                continue
            head = word[:cut]
            rest = self.parts(head)
            if not rest and head.endswith("s") and len(head) > MIN_PART:
                rest = self.parts(head[:-1])
            if rest:
                return [*rest, (tail, english)]
        return []


def _english_words(translations: list[str]) -> set[str]:
    return {w.lower() for t in translations for w in re.findall(r"[A-Za-z]+", t) if len(w) > 2}


@cache
def _stem_sv(word: str) -> str:
    return _SV.stemWord(word)
