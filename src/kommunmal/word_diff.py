"""Word-level comparison of two texts: how alike they are and which words changed (the year comparison's wording)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


@dataclass
class WordOp:
    """One step of a word diff: op is "equal", "delete", "insert" or "replace"; old/new are the words."""

    op: str
    old: str
    new: str


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def similarity(a: str, b: str) -> float:
    """Word similarity from 0 to 1: difflib.SequenceMatcher ratio over the lower-cased words of a and b."""
    return difflib.SequenceMatcher(None, _words(a), _words(b), autojunk=False).ratio()


def word_diff(old: str, new: str) -> list[WordOp]:
    """The word-level diff of two texts (tokens split on white space, punctuation kept with its word)."""
    a, b = old.split(), new.split()
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        ops.append(WordOp(tag, " ".join(a[i1:i2]), " ".join(b[j1:j2])))
    return ops


def diff_string(ops: list[WordOp]) -> str:
    """A diff as one line, removed words as [-…-] and added as {+…+} (git diff --word-diff)."""
    parts = []
    for op in ops:
        if op.op == "equal":
            parts.append(op.old)
            continue
        if op.old:
            parts.append(f"[-{op.old}-]")
        if op.new:
            parts.append(f"{{+{op.new}+}}")
    return " ".join(parts)
