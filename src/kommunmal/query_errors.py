"""Syntax errors of SPARQL queries in words a person can act on, Swedish first.

Oxigraph's parser says where it stopped and every token it could have taken there, character ranges included
("expected one of Prefix not found, ['%'], ['A' ..= 'Z' | … '\\u{00C0}'..='\\u{00D6}' …]"). `readable` keeps the
position, names an undeclared prefix and how to declare it, and shortens the list of expected tokens to the
keywords and punctuation in it.

>>> print(readable("error at 1:28: expected one of Prefix not found, ['%'], ['.']",
...                "SELECT * WHERE { ?s foo:bar ?o }", {"km": "https://w3id.org/kommunmal/def/kommunmal#"}))
Syntaxfel på rad 1, kolumn 21: prefixet foo: är inte deklarerat. Deklarera det först i frågan: PREFIX foo: <namnrymdens IRI>, på samma sätt som PREFIX km: <https://w3id.org/kommunmal/def/kommunmal#>. Fördeklarerade prefix (behöver ingen PREFIX-rad): km:.
Syntax error at line 1, column 21: the prefix foo: is not declared. Declare it at the start of the query: PREFIX foo: <namespace IRI>, the way PREFIX km: <https://w3id.org/kommunmal/def/kommunmal#> is declared. Predeclared prefixes (need no PREFIX line): km:.
"""  # noqa: E501

from __future__ import annotations

import re

_POSITION = re.compile(r"^(?:error )?at (\d+):(\d+)(?:\s*-\s*\d+:\d+)?:?\s*(.*)$", re.DOTALL)
# A character class of the parser's list: ['a' ..= 'z' | '\u{00C0}'..='\u{00D6}'], [_] …
_CHAR_CLASS = re.compile(r"\[(?:'(?:[^'\\]|\\.)*'|[^\]'])*\]")
_PNAME = re.compile(r"([^\W\d_][\w.\-]*)?:[\w.\-:%\\]*")
_MOST_LISTED = 10
_EXAMPLE = ("km", "https://w3id.org/kommunmal/def/kommunmal#")


def readable(message: str, query: str, prefixes: dict[str, str] | None = None, shift: int = 0) -> str:
    """The parser's `message` for `query` as two lines, Swedish then English, each with line and column
    ("Syntaxfel på rad 1, kolumn 28: …" / "Syntax error at line 1, column 28: …"); `prefixes` are the ones
    predeclared, named in the advice for an undeclared prefix; `shift` lines were put in front of `query` before
    it was parsed (a prologue for a store without a prefixes argument) and are taken off the line. A message
    without a position comes back as "Syntaxfel: …" / "Syntax error: …", shortened the same way."""
    prefixes = prefixes or {}
    if message.startswith("Syntaxfel"):  # already readable (a remote kommunmal endpoint said it)
        return message
    match = _POSITION.match(message.strip())
    if match is None:
        sv, en = _explain(message.strip(), None, prefixes)
        return f"Syntaxfel: {sv}\nSyntax error: {en}"
    line, column, rest = max(1, int(match.group(1)) - shift), int(match.group(2)), match.group(3).strip()
    prefix = _prefix_at(query, line, column) if "Prefix not found" in rest else None
    undeclared = _first_undeclared(query, prefixes)
    # Only a prefix the parser reached: an error before it is the one to fix first.
    if undeclared is not None and (prefix is None or prefix == undeclared[0]) and undeclared[1:] <= (line, column):
        # The parser does not always say so (an undeclared prefix as a predicate gives "expected OPTIONAL").
        prefix, line, column = undeclared
        rest = "Prefix not found"
    sv, en = _explain(rest, prefix, prefixes)
    return f"Syntaxfel på rad {line}, kolumn {column}: {sv}\nSyntax error at line {line}, column {column}: {en}"


def _explain(rest: str, prefix: str | None, prefixes: dict[str, str]) -> tuple[str, str]:
    if "Prefix not found" in rest:
        return _undeclared(prefix, prefixes)
    if rest.startswith("expected IRI parsing failed") or rest == "IRI parsing failed":
        return (
            'IRI:n är ogiltig; en IRI inom <> ska vara absolut och får inte innehålla mellanslag eller <>"{}|^`.',
            'the IRI is invalid; an IRI between <> must be absolute and may not contain spaces or <>"{}|^`.',
        )
    if rest == "unexpected end of input":
        return "frågan tar slut för tidigt.", "the query ends too early."
    listed = re.match(r"^expected (one of )?(.*)$", rest, re.DOTALL)
    if listed is None:
        return rest + ".", rest + "."
    items = _expected(listed.group(2))
    if not items:
        return "ett annat tecken väntades här.", "a different character was expected here."
    shown = ", ".join(items[:_MOST_LISTED]) + (" …" if len(items) > _MOST_LISTED else "")
    if len(items) == 1:
        return f"parsern väntade sig {shown}.", f"expected {shown}."
    return f"parsern väntade sig något av {shown}.", f"expected one of {shown}."


def _expected(listing: str) -> list[str]:
    """The keywords and punctuation of an "expected one of" list, without its character classes."""
    text = _CHAR_CLASS.sub("", listing)
    items = [item.strip() for item in text.split(", ")]
    return [item for item in items if item and item != "," and not item.startswith("[")]


def _undeclared(prefix: str | None, prefixes: dict[str, str]) -> tuple[str, str]:
    name = prefix if prefix is not None else "ex"
    how_sv = f"PREFIX {name}: <namnrymdens IRI>, på samma sätt som PREFIX {_EXAMPLE[0]}: <{_EXAMPLE[1]}>"
    how_en = f"PREFIX {name}: <namespace IRI>, the way PREFIX {_EXAMPLE[0]}: <{_EXAMPLE[1]}> is declared"
    which_sv = "ett prefix" if prefix is None else f"prefixet {prefix}:" if prefix else "det tomma prefixet :"
    which_en = "a prefix" if prefix is None else f"the prefix {prefix}:" if prefix else "the empty prefix :"
    sv = f"{which_sv} är inte deklarerat. Deklarera det först i frågan: {how_sv}."
    en = f"{which_en} is not declared. Declare it at the start of the query: {how_en}."
    if prefixes:
        known = ", ".join(f"{p}:" for p in prefixes)
        sv += f" Fördeklarerade prefix (behöver ingen PREFIX-rad): {known}."
        en += f" Predeclared prefixes (need no PREFIX line): {known}."
    return sv, en


def _first_undeclared(query: str, prefixes: dict[str, str]) -> tuple[str, int, int] | None:
    """(prefix, 1-based line, column) of the first prefixed name whose prefix neither the query nor `prefixes`
    declares; strings, IRIs and comments are skipped (the same tokens as kommunmal.query.inspect)."""
    from kommunmal.query import _TOKENS

    declared = set(prefixes)
    after_prefix = False
    for match in _TOKENS.finditer(query):
        kind = match.lastgroup
        if kind == "word":
            after_prefix = match.group().upper() == "PREFIX"
            continue
        if kind == "pname":
            name = match.group("prefix") or ""
            if after_prefix:
                declared.add(name)
            elif name not in declared:
                start = match.start()
                line = query.count("\n", 0, start) + 1
                return name, line, start - (query.rfind("\n", 0, start) + 1) + 1
        if kind not in ("comment",) and not match.group().isspace():
            after_prefix = False
    return None


def _prefix_at(query: str, line: int, column: int) -> str | None:
    """The prefix of the prefixed name that ends at (or spans) 1-based `line`:`column` of `query`."""
    lines = query.split("\n")
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    offset = column - 1
    found = None
    for match in _PNAME.finditer(text):
        if match.start() <= offset <= match.end():
            found = match.group(1) or ""
    return found
