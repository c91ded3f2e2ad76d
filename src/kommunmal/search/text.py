"""Words and stems: how indexed text and queries are cut into tokens and reduced to Snowball stems.

Both the index and the query side use these functions, so a word matches its inflected forms ("våldet",
"kulturella" → "våld", "kulturell") with the Snowball Swedish stemmer (snowballstemmer's `swedish`, the
algorithm at https://snowballstem.org/algorithms/swedish/stemmer.html); English text gets the Snowball English
(Porter2) stemmer. snowballstemmer runs the same algorithms through PyStemmer's C code when that is installed
(a dependency, for speed: highlighting stems every word of the hits shown).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

import snowballstemmer

WORD = re.compile(r"\w+")
LANGUAGES = {"sv": "swedish", "en": "english"}
# Query words shorter than this must match a stem exactly; longer ones also match stems that start with them,
# so that "kultur" finds "kulturskolan" and "klimatneutral" finds "klimatneutralt".
MIN_PREFIX = 3


@cache
def _stemmer(lang: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(LANGUAGES[lang])


@lru_cache(maxsize=65536)
def stem(word: str, lang: str = "sv") -> str:
    """The Snowball stem of one lower-cased word (`lang` "sv" or "en")."""
    return _stemmer(lang).stemWord(word.lower())


def words(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, lower-cased word) for each word of `text` (Unicode letters, digits and underscore)."""
    for match in WORD.finditer(text):
        yield match.start(), match.end(), match.group().lower()


def stems(text: str, lang: str = "sv") -> str:
    """`text` as a space-separated string of stems: what the full-text index stores."""
    stemmer = _stemmer(lang)
    return " ".join(stemmer.stemWords([w for _, _, w in words(text)]))


def highlights(text: str, terms: frozenset[str], lang: str = "sv") -> list[tuple[int, int]]:
    """(start, end) character ranges of the words of `text` whose stem matches a query term.

    `terms` are query stems; a term of MIN_PREFIX characters or more also matches stems that begin with it,
    as the index query does (see `Query`)."""
    found = []
    for start, end, word in words(text):
        s = stem(word, lang)
        if any(s == t or (len(t) >= MIN_PREFIX and s.startswith(t)) for t in terms):
            found.append((start, end))
    return found


def passage(text: str, ranges: list[tuple[int, int]], width: int = 240) -> tuple[str, list[tuple[int, int]]]:
    """The part of `text` (at most about `width` characters) around its first highlighted range.

    Returns (passage, ranges shifted into the passage); the passage is cut at word boundaries and marked with
    "…" where text was left out."""
    if len(text) <= width:
        return text, ranges
    first = ranges[0][0] if ranges else 0
    start = max(0, first - width // 4)
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and first - space < width // 2 else start
        sentence = max(text.rfind(". ", 0, first), -1)
        if sentence >= 0 and first - sentence < width // 3:
            start = sentence + 2
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - start
    inside = [(a + shift, b + shift) for a, b in ranges if a >= start and b <= end]
    return prefix + text[start:end] + suffix, inside
