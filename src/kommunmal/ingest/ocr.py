"""Swedish OCR repair: restore å/ä/ö and undo the common OCR confusions, word by word, against wordfreq's Swedish list.

Rules (each a reading seen in OCR of Swedish budget documents, see /work/shared/notes/goal-documents.md and the
editorial notes in data/ostersund/2024/texts/):

- a scan read without diacritics: ``a`` may be å/ä and ``o`` may be ö; the most frequent Swedish word wins;
- ``é``/``è`` for ä, å or ö (or é itself, as in "kvalité"), ``éa`` for ä/å, ``&`` for ä/å, ``6``/``0`` for ö,
  ``1`` and a capital ``I`` inside a word for l, ``rn`` for m, a capital ``G`` opening a word for Ö;
- rarer confusions (``d``, ``i``, ``c`` or ``t`` for å/ä/ö, ``a`` for ö, ``h`` or ``o`` for b) cost a penalty and are
  allowed at most once per word;
- compounds not in the list are split into listed parts (with a linking s);
- a hyphen at a line break is joined when the joined word is Swedish ("tillganglighets-/arbete"); before a capital
  the hyphen is kept ("Lit-/Haggenas" → "Lit-Häggenås");
- a lone ``|`` is the word "I".

A word no reading explains is kept as written and listed in `RepairedText.unsure`; it is never guessed.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from kommunmal.ingest.model import RepairedText

_FOLD = str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", "è": "e", "ü": "u"})
_SWEDISH = set("åäöÅÄÖ")
_WORD = re.compile(r"[^\W_]+(?:&[^\W_]*)*|&[^\W_]*")
_TIER2 = 3.0  # cost of a rare confusion, in orders of magnitude of word frequency
_SPLIT = 1.5  # cost of each extra part of a compound
_LINK_S = 0.3  # cost of a linking s between compound parts
_MIN_PART_ZIPF = {1: 99.0, 2: 99.0, 3: 4.5, 4: 3.0}  # short compound parts must be common words
_MIN_CHANGED_ZIPF = 1.5  # a reading that changes the word must be at least this common
_MAX_STATES = 400


@dataclass(frozen=True)
class _Lexicon:
    keys: list[str]  # sorted folded keys, for prefix look-ups
    words: dict[str, list[tuple[str, float]]]  # folded key -> (word, zipf), most frequent first


@lru_cache(maxsize=1)
def lexicon() -> _Lexicon:
    """Swedish words from wordfreq's "sv" list (shipped inside the package, no network), indexed by their form with
    å/ä/ö folded to a/o. Loading takes about a second; the result is cached."""
    from wordfreq import get_frequency_dict

    words: dict[str, list[tuple[str, float]]] = {}
    for word, freq in get_frequency_dict("sv").items():
        if not word.isalpha() or freq <= 0:
            continue
        zipf = math.log10(freq * 1e9)
        words.setdefault(word.translate(_FOLD), []).append((word, zipf))
    for entries in words.values():
        entries.sort(key=lambda e: -e[1])
    return _Lexicon(keys=sorted(words), words=words)


def zipf(word: str) -> float:
    """Zipf frequency (log10 per billion words) of a lower-case Swedish word, 0.0 when not listed."""
    for candidate, z in lexicon().words.get(word.translate(_FOLD), ()):
        if candidate == word:
            return z
    return 0.0


def _has_prefix(keys: list[str], prefix: str) -> bool:
    i = bisect.bisect_left(keys, prefix)
    return i < len(keys) and keys[i].startswith(prefix)


# Each option: (characters consumed, folded character produced, allowed real letters, cost, is a rare confusion).
def _options(token: str, i: int, stripped: bool) -> list[tuple[int, str, frozenset[str] | tuple, float, bool]]:
    # in a two-letter word ("nd", "sd", "dr") the rare confusions are as likely as the abbreviation they spell
    rare_cost = 1.0 if stripped and len(token) == 2 else _TIER2
    c = token[i]
    low = c.lower()
    nxt = token[i + 1] if i + 1 < len(token) else ""
    opts: list[tuple[int, str, frozenset[str] | tuple, float, bool]] = []
    if low == "a":
        opts.append((1, "a", frozenset("aåä") if stripped else frozenset("a"), 0.0, False))
        if stripped:  # ö read as a ("majligheter" for "möjligheter"): rare, so "far" stays "får", never "för"
            opts.append((1, "o", frozenset("ö"), _TIER2, True))
    elif low == "o":
        opts.append((1, "o", frozenset("oö") if stripped else frozenset("o"), 0.0, False))
        opts.append((1, "b", frozenset("b"), _TIER2, True))
    elif low == "e":
        opts.append((1, "e", frozenset("eé"), 0.0, False))
    elif low in "éè":
        if nxt in "aä" and nxt:
            opts.append((2, "a", frozenset("äå"), 0.0, False))
        opts += [(1, "a", frozenset("äå"), 0.0, False), (1, "o", frozenset("ö"), 0.0, False)]
        opts.append((1, "e", frozenset("é"), 0.0, False))
    elif low in "åä":
        opts.append((1, "a", frozenset(low), 0.0, False))
    elif low == "ö":
        opts.append((1, "o", frozenset("ö"), 0.0, False))
    elif c == "&":
        opts.append((1, "a", frozenset("äå"), 0.0, False))
    elif c in "60":
        opts.append((1, "o", frozenset("ö"), 0.0, False))
    elif c == "1":
        opts.append((1, "l", frozenset("l"), 0.0, False))
    elif c == "I" and (i > 0 or nxt.islower() or nxt == "&"):
        opts += [(1, "l", frozenset("l"), 0.5, False), (1, "i", frozenset("i"), 0.0, False)]
    elif c == "G" and i == 0 and nxt.islower():
        opts += [(1, "g", frozenset("g"), 0.0, False), (1, "o", frozenset("ö"), 0.5, False)]
    else:
        opts.append((1, low, frozenset(low), 0.0, False))
    if low == "r" and nxt == "n":
        opts.append((2, "m", frozenset("m"), 1.0, False))
    if low == "d" and nxt in "éè" and nxt:
        opts.append((2, "o", frozenset("ö"), 1.0, False))
    if low in "dict":
        opts += [(1, "a", frozenset("äå"), rare_cost, True), (1, "o", frozenset("ö"), rare_cost, True)]
    if low == "h":
        opts.append((1, "b", frozenset("b"), _TIER2, True))
    if i > 0 and low in _CONSONANTS:  # a dropped å/ä/ö before a consonant ("tg" for "tåg", "bttre" for "bättre")
        opts.append((1, "a" + low, (frozenset("äå"), frozenset(low)), rare_cost, True))
        opts.append((1, "o" + low, (frozenset("ö"), frozenset(low)), rare_cost, True))
    return opts


_CONSONANTS = frozenset("bcdfghjklmnpqrstvwxz")


def _best_word(key: str, allowed: tuple[frozenset[str], ...]) -> tuple[str, float] | None:
    for word, z in lexicon().words.get(key, ()):
        if len(word) == len(allowed) and all(ch in ok for ch, ok in zip(word, allowed, strict=True)):
            return word, z
    return None


@dataclass
class _Reading:
    text: str
    cost: float
    rare: int
    parts: int
    min_zipf: float = 99.0
    last: str = ""
    shortest: int = 99  # length of the shortest part


# Words that never open or close a compound: a reading that needs one is two words run together ("ochinnovation").
_FREE_WORDS = frozenset(("och", "att", "som", "det", "den", "har", "inte", "ett", "eller", "samt", "ska", "kan", "är"))


def _read(token: str, stripped: bool) -> _Reading | None:
    """The cheapest reading of one word token as a Swedish word or compound, or None."""
    lex = lexicon()
    n = len(token)
    best: list[_Reading | None] = [None] * (n + 1)
    best[0] = _Reading("", 0.0, 0, 0)
    for start in range(n):
        base = best[start]
        if base is None:
            continue
        if base.parts and token[start] in "sS" and start + 1 < n:  # linking s between compound parts
            linked = _Reading(
                base.text + "s", base.cost + _LINK_S, base.rare, base.parts, base.min_zipf, base.last + "s"
            )
            if best[start + 1] is None or linked.cost < best[start + 1].cost:
                best[start + 1] = linked
        states: list[tuple[int, str, tuple[frozenset[str], ...], float, int]] = [(start, "", (), 0.0, 0)]
        while states:
            grown = []
            for pos, key, allowed, cost, rare in states:
                if pos >= n:
                    continue
                for width, ch, ok, extra, is_rare in _options(token, pos, stripped):
                    if rare + is_rare > 1 or pos + width > n:
                        continue
                    new_key = key + ch
                    if not _has_prefix(lex.keys, new_key):
                        continue
                    oks = ok if isinstance(ok, tuple) else (ok,)
                    state = (pos + width, new_key, (*allowed, *oks), cost + extra, rare + is_rare)
                    grown.append(state)
                    found = _best_word(new_key, state[2])
                    if found is None:
                        continue
                    word, z = found
                    if z < _MIN_CHANGED_ZIPF and word != token[start : pos + width].lower():
                        continue
                    if (base.parts or pos + width < n) and z < _MIN_PART_ZIPF.get(len(word), 1.0):
                        continue  # a compound part too rare for its length
                    total = base.cost + (9.0 - z) + state[3] + (_SPLIT if base.parts else 0.0)
                    end = pos + width
                    if best[end] is None or total < best[end].cost:
                        gap = " " if base.parts and (word in _FREE_WORDS or base.last in _FREE_WORDS) else ""
                        best[end] = _Reading(
                            base.text + gap + word,
                            total,
                            base.rare + state[4],
                            base.parts + 1,
                            min(base.min_zipf, z),
                            word,
                            min(base.shortest, len(word)),
                        )
            states = sorted(grown, key=lambda s: s[3])[:_MAX_STATES]
    done = best[n]
    if done is None or done.rare > 1 or done.parts > 3:
        return None
    if (done.rare and done.parts > 2) or (done.parts == 3 and done.shortest < 4):
        return None  # a rare confusion inside a long compound, or a three-part reading with a tiny part: a guess
    return done


_STAND_IN_FIRST = set("GI&601")  # OCR stand-ins whose case says nothing about the letter they replace


def _recase(word: str, like: str, sentence_start: bool = True) -> str:
    letters = [c for c in like if c.isalpha()]
    if len(letters) > 1 and all(c.isupper() for c in letters):
        return word.upper()
    first = like[:1]
    if first in _STAND_IN_FIRST and word[:1] != first.lower():
        return word[:1].upper() + word[1:] if sentence_start else word
    if first.isupper():
        return word[:1].upper() + word[1:]
    return word


def looks_stripped(text: str) -> bool:
    """True when a text reads as Swedish with its å/ä/ö lost (fewer than 1 in 150 letters is å/ä/ö; ordinary
    Swedish prose has about 1 in 25)."""
    letters = sum(c.isalpha() for c in text)
    if letters < 40:
        return True
    return sum(c in _SWEDISH for c in text) * 150 < letters


@lru_cache(maxsize=50_000)
def repair_word(token: str, stripped: bool = True, sentence_start: bool = True) -> tuple[str, bool]:
    """One word token (letters, possibly with OCR digits or &) → (repaired word, sure). Unsure words come back as
    written. `sentence_start` decides the case when the first letter was an OCR stand-in ("Gvriga" → "övriga")."""
    if token.isdigit():
        return token, True
    low = token.lower()
    if not stripped and low.isalpha() and zipf(low) > 0:
        return token, True
    if token.isupper() and len(token) > 1 and not any(c in "&60" for c in token):
        return token, True  # abbreviations (LSS, IT) are kept
    reading = _read(token, stripped)
    if reading is None:
        return token, False
    return _recase(reading.text, token, sentence_start), True


_HYPHEN_BREAK = re.compile(r"([^\W\d_]+)-[ \t]*\n[ \t]*([^\W\d_]+)")
_YEAR = re.compile(r"(19|20)\d\d\b")
# Readings that only the next word decides: "nar sin gymnasieexamen" is "når" (a verb takes an object), not "när".
_BY_NEXT = {("nar", frozenset({"sin", "sitt", "sina", "målet", "målen", "ut", "fram"})): "når"}


_HYPHEN_SPACE = re.compile(r"\b([^\W\d_]{2,})- ([a-zåäö][^\W\d_]+)")
_LIST_WORDS = frozenset(("och", "eller", "samt", "respektive", "som", "till", "men"))  # "kultur- och idrott"


def _join_hyphens(text: str, stripped: bool) -> str:
    def join(m: re.Match[str]) -> str:
        left, right = m.group(1), m.group(2)
        if right[:1].isupper():
            return f"{left}-{right}"
        if repair_word(left + right, stripped)[1]:
            return left + right
        return f"{left}- {right}"

    def join_collapsed(m: re.Match[str]) -> str:  # a line-break hyphen left inside a collapsed line ("Väst- lands")
        left, right = m.group(1), m.group(2)
        if right.lower() in _LIST_WORDS:
            return m.group(0)
        whole, sure = repair_word(left + right, stripped, False)
        return left + right if sure and " " not in whole else m.group(0)

    return _HYPHEN_SPACE.sub(join_collapsed, _HYPHEN_BREAK.sub(join, text))


def _by_next(token: str, following: str) -> str | None:
    nxt = repair_word(following, True, False)[0].lower() if following else ""
    for (word, nexts), reading in _BY_NEXT.items():
        if token == word and nxt in nexts:
            return reading
    return None


def repair(text: str, stripped: bool | None = None) -> RepairedText:
    """Repair OCR'd Swedish `text` (any number of lines) into one line of prose.

    `stripped` says whether the text lost its å/ä/ö (then a known word may still be replaced by a more frequent
    reading with diacritics, "for" → "för"); None decides by `looks_stripped`. Returns a `RepairedText` with the
    verbatim input as `ocr`, the repaired single-spaced `text`, the words kept as written because no reading was
    sure (`unsure`, in order of appearance) and `confidence`, the share of words accepted as known."""
    if stripped is None:
        stripped = looks_stripped(text)
    joined = _join_hyphens(text, stripped)
    joined = re.sub(r"\s+", " ", joined).strip()
    joined = re.sub(r"(?<!\S)\|(?!\S)", "I", joined)
    tokens = list(_WORD.finditer(joined))
    readings: list[tuple[str, bool]] = []
    for idx, m in enumerate(tokens):
        token = m.group(0)
        before = joined[: m.start()].rstrip()
        year_next = idx + 1 < len(tokens) and _YEAR.fullmatch(tokens[idx + 1].group(0))
        if token.isdigit():
            readings.append((token, True))
        elif token.lower() in ("ar", "&r", "ér", "är") and year_next:
            readings.append(("år" if token[:1].islower() or token[:1] == "&" else "År", True))
        elif stripped and (word := _by_next(token, tokens[idx + 1].group(0) if idx + 1 < len(tokens) else "")):
            readings.append((word, True))
        else:
            readings.append(repair_word(token, stripped, not before or before[-1] in '.!?:”"'))
    out: list[str] = []
    unsure: list[str] = []
    words = 0
    last = 0
    idx = 0
    while idx < len(tokens):
        m, (fixed, sure) = tokens[idx], readings[idx]
        out.append(joined[last : m.start()])
        last = m.end()
        if idx + 1 < len(tokens):
            nxt = tokens[idx + 1]
            split = joined[m.end() : nxt.start()] == " " and not (sure and readings[idx + 1][1])
            if split and m.group(0).isalpha() and nxt.group(0).isalpha():
                whole, whole_sure = repair_word(m.group(0) + nxt.group(0), stripped, False)
                if whole_sure and " " not in whole:  # a word split in two ("verk samheter")
                    fixed, sure, last, idx = whole, True, nxt.end(), idx + 1
        if not m.group(0).isdigit():
            words += 1
            if not sure:
                unsure.append(m.group(0))
        out.append(fixed)
        idx += 1
    out.append(joined[last:])
    confidence = 1.0 if words == 0 else (words - len(unsure)) / words
    return RepairedText(ocr=text, text="".join(out), unsure=unsure, confidence=round(confidence, 4))
