"""Federation guard: refuse a query with a SERVICE clause, and only such a query.

Oxigraph (the engine) exposes no parsed form of a query, so the decision is made on the parse tree of rdflib's
SPARQL 1.1 parser, which tokenizes keywords the way Oxigraph does (a keyword ends at the first character that
cannot continue it, so `service:x { … }` with a declared empty prefix is a SERVICE clause in both; `?s service:p ?o`
and `?äldreservice` are not). tests/test_query_guard.py checks this against the engine itself on generated queries.

Cost: a query whose text (after `\\u` escapes are resolved, as SPARQL 1.1 §19.2 resolves them before parsing) does
not contain the letters "service" in any case is passed after one regular-expression search; only the others are
parsed. A query rdflib cannot parse (syntax it does not know, or an error the engine will report anyway) is judged
by its tokens instead, erring on the side of refusing: SERVICE as a whole word outside strings, IRIs, variables and
comments.
"""

from __future__ import annotations

import re
from typing import Any

_CANDIDATE = re.compile(r"service", re.IGNORECASE)
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# The token rules of SPARQL 1.1 §19.8 for everything that can hide text: comments, strings, IRIs, variables,
# prefixed names (whose local part may hold escaped '#' and quotes), language tags. What remains are keywords.
_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\.)*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?P<prefix>[^\W\d_][\w.\-]*)?:(?:(?:[\w:]|\\.|%[0-9A-Fa-f]{2})(?:[\w\-:.]|\\.|%[0-9A-Fa-f]{2})*)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<escape>\\.)
  | (?P<word>[^\W\d_]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# Beyond this size a query is judged by its tokens: the parser's time and recursion grow with it.
PARSE_LIMIT_CHARS = 64 * 1024

MESSAGE = "SERVICE (federated query) is not allowed on this endpoint"


def unescape(query: str) -> str:
    """The query with `\\uXXXX` / `\\UXXXXXXXX` escapes resolved (SPARQL 1.1 §19.2); bad code points become U+FFFD."""
    if "\\u" not in query and "\\U" not in query:
        return query

    def one(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _UCHAR.sub(one, query)


def has_service(query: str) -> bool:
    """Whether `query` (SPARQL 1.1 query text, str) contains a SERVICE clause anywhere, nested ones included."""
    text = unescape(query)
    if not _CANDIDATE.search(text):
        return False
    if len(text) <= PARSE_LIMIT_CHARS:
        # Imported here: building rdflib's SPARQL grammar took about a tenth of the server's start, and only a
        # query with a word like SERVICE in it gets this far.
        from rdflib.plugins.sparql.parser import parseQuery

        try:
            tree = parseQuery(text)
        except RecursionError:
            return _by_tokens(text)
        except Exception:  # rdflib's parser raises ParseException and others for text it does not accept
            return _by_tokens(text)
        return _contains_service(tree)
    return _by_tokens(text)


def _by_tokens(text: str) -> bool:
    for match in _TOKENS.finditer(text):
        kind = match.lastgroup
        if kind == "word" and match.group().upper() == "SERVICE":
            return True
        if kind == "pname" and (match.group("prefix") or "").upper() == "SERVICE":
            return True  # `SERVICE:x { … }` is a SERVICE clause to the engine when the empty prefix is declared
    return False


def _contains_service(node: Any) -> bool:
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == "ServiceGraphPattern":
                return True
            stack.extend(item.values())
        elif isinstance(item, ParseResults | list | tuple):
            stack.extend(item)
    return False


def refuse_service(query: str, error: type[Exception]) -> None:
    """Raise `error(MESSAGE)` if `query` has a SERVICE clause."""
    if has_service(query):
        raise error(MESSAGE)
