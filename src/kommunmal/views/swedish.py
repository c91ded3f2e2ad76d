"""Swedish text on pages: number agreement and alphabetical order.

Number agreement: "1 annat mål" but "2 andra mål", "1 gemensamt åtagande" but "2 gemensamma åtaganden".
Order: Swedish collation puts å, ä, ö after z (Svenska Akademiens ordlista); ICU's Swedish collator is used when
PyICU is installed, else a key that maps å ä ö past z and folds other accents (é as e, ü as y).
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any

_AFTER_Z = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"})


def count(n: Any, singular: str, plural: str) -> str:
    """`n` with the word form that agrees with it: count(1, "annat mål", "andra mål") -> "1 annat mål";
    thousands are grouped with a narrow space as in Swedish ("1 234 tripplar")."""
    try:
        value = int(str(getattr(n, "toPython", lambda: n)()))
    except (TypeError, ValueError):
        value = 0
    digits = f"{value:,}".replace(",", "\u202f")
    return f"{digits} {singular if value == 1 else plural}"


@cache
def _icu_collator() -> Any:
    try:
        import icu  # type: ignore[import-not-found]
    except ImportError:
        return None
    return icu.Collator.createInstance(icu.Locale("sv_SE"))


def sort_key(text: str) -> Any:
    """A key that orders Swedish text as a Swedish dictionary does (å, ä, ö last; case and accents secondary)."""
    collator = _icu_collator()
    if collator is not None:
        return collator.getSortKey(text)
    folded = text.casefold().translate(_AFTER_Z)
    base = "".join(c for c in unicodedata.normalize("NFD", folded) if not unicodedata.combining(c))
    return (base, text)
