"""A proof that a SPARQL query is cheap on a given store, before it runs: an upper bound on its solutions.

The endpoint evaluates a query inside the web server process (no round trip to a worker) only when this
module proves it cheap; every other query goes to a worker process with its hard time limit.

The bound. The store never changes, so its statistics are exact (`Stats`, counted on quads over all named
graphs, which also bounds the union default graph): per predicate the number of quads, the most quads one
subject has (out-degree) and the most one object has (in-degree); per class its instances. A triple pattern
joined to solutions that already bind its subject adds at most the predicate's out-degree per solution, one
that binds its object at most the in-degree, one that binds neither at most the predicate's quad count. The
product over the patterns (taken in the cheapest order, each factor at least 1) bounds the solutions of a
basic graph pattern whatever the join order; OPTIONAL multiplies, UNION adds, MINUS adds its own evaluation,
VALUES multiplies by its rows. Work is at most the number of patterns times that bound.

The class the bound is proved for (anything else returns None): SELECT, ASK and CONSTRUCT; triple patterns
with IRIs, prefixed names, variables and literals; predicates that are IRIs, variables, `a`, `^iri` or an
alternative `iri|iri`; groups, OPTIONAL, UNION, MINUS, GRAPH, FILTER and VALUES. Outside it: subqueries,
EXISTS, BIND, REPLACE (string growth by chained assignment or replacement is exponential in the query's
length), property paths with `/`, `*`, `+`, `?`, blank-node syntax, DESCRIBE (its closure over blank nodes
is not bounded here), expressions nested more than four parentheses deep, queries over 4000 characters.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MAX_QUERY_CHARS = 4000
MAX_PAREN_DEPTH = 4
_REFUSED_WORDS = frozenset({"EXISTS", "BIND", "REPLACE", "SERVICE", "DESCRIBE", "LOAD", "INSERT", "DELETE"})
STATS_FILE = "store-stats.json"


@dataclass
class Stats:
    """Exact counts over the quads of one store: `quads`; per predicate IRI [count, max out-degree, max
    in-degree]; per class IRI its instance count; the largest out- and in-degree over all predicates."""

    quads: int = 0
    predicates: dict[str, list[int]] = field(default_factory=dict)
    classes: dict[str, int] = field(default_factory=dict)
    max_out: int = 0
    max_in: int = 0

    @classmethod
    def of_store(cls, store: Any) -> Stats:
        """Count `store` (a pyoxigraph.Store) with the store_*.rq queries; one pass each, seconds at 1M quads."""
        from kommunmal.sparql_source import query_text

        def rows(name: str) -> list[dict[str, Any]]:
            result = store.query(query_text(name, "urn:x-kommunmal:"))
            names = [v.value for v in result.variables]
            return [{n: s[n].value for n in names if s[n] is not None} for s in result]

        stats = cls(quads=len(store))
        for row in rows("store_predicates"):
            stats.predicates[row["p"]] = [int(row["count"]), int(row["maxOut"]), 0]
        for row in rows("store_predicates_in"):
            stats.predicates.setdefault(row["p"], [0, 0, 0])[2] = int(row["maxIn"])
        for row in rows("store_classes"):
            stats.classes[row["class"]] = int(row["count"])
        # A subject's quads over all predicates are at most the sum of its per-predicate maxima (same for objects).
        stats.max_out = sum(row[1] for row in stats.predicates.values())
        stats.max_in = sum(row[2] for row in stats.predicates.values())
        return stats

    def save(self, path: Path) -> None:
        data = {"quads": self.quads, "predicates": self.predicates, "classes": self.classes}
        data |= {"max_out": self.max_out, "max_in": self.max_in}
        path.write_text(json.dumps(data, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Stats:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["quads"], data["predicates"], data["classes"], data["max_out"], data["max_in"])


# The tokens of kommunmal.query's scanner, with the full Unicode letters SPARQL allows in variable and local names.
_TOKENS = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\.)*>)
  | (?P<var>[?$]\w+)
  | (?P<pname>(?:[^\W\d_][\w.\-]*)?:(?:(?:[\w:]|\\.|%[0-9A-Fa-f]{2})(?:[\w\-:.]*[\w\-:])?)?)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<word>[A-Za-z]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class _Outside(Exception):
    """The query is outside the class the bound is proved for."""


Term = tuple[str, str]  # ("var", name) or ("const", IRI or literal text)


@dataclass
class _Group:
    patterns: list[_Pattern] = field(default_factory=list)
    joins: list[list[_Group]] = field(default_factory=list)  # nested groups, GRAPH, UNION alternatives
    optionals: list[_Group] = field(default_factory=list)
    minus: list[_Group] = field(default_factory=list)
    values: list[tuple[int, frozenset[str]]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # GRAPH ?g binds ?g


@dataclass
class _Pattern:
    s: Term
    p: list[str] | None  # alternative predicate IRIs; None for a variable predicate
    o: Term


def estimate(query: str, stats: Stats) -> int | None:
    """An upper bound on the work (solutions produced, summed over the steps) of evaluating `query` on the store
    `stats` describes; None when the query is outside the class this bound is proved for (see the module)."""
    if len(query) > MAX_QUERY_CHARS:
        return None
    try:
        return _Parser(query, stats).query()
    except (_Outside, IndexError):
        return None


class _Parser:
    def __init__(self, query: str, stats: Stats) -> None:
        self.stats = stats
        self.tokens: list[tuple[str, str]] = []
        self.prefixes: dict[str, str] = {}
        depth = 0
        for match in _TOKENS.finditer(query):
            kind = match.lastgroup
            text = match.group()
            if kind == "comment" or (kind == "other" and text.isspace()):
                continue
            if kind == "word" and text.upper() in _REFUSED_WORDS:
                raise _Outside(text)
            if kind == "word" and text.upper() == "SELECT" and any(t == ("word", "SELECT") for t in self.tokens):
                raise _Outside("subquery")
            if text == "(":
                depth += 1
                if depth > MAX_PAREN_DEPTH:
                    raise _Outside("nesting")
            elif text == ")":
                depth -= 1
            self.tokens.append((kind, text.upper() if kind == "word" else text))
        self.i = 0

    # -- token helpers --

    def peek(self, ahead: int = 0) -> tuple[str, str]:
        j = self.i + ahead
        return self.tokens[j] if j < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.i += 1
        return token

    def expect(self, text: str) -> None:
        if self.take()[1] != text:
            raise _Outside(f"expected {text}")

    def skip_balanced(self, open_: str, close: str) -> None:
        self.expect(open_)
        depth = 1
        while depth:
            kind, text = self.take()
            if kind == "end":
                raise _Outside("unbalanced")
            depth += (text == open_) - (text == close)

    # -- query --

    def query(self) -> int:
        while self.peek()[1] in ("PREFIX", "BASE"):
            if self.take()[1] == "PREFIX":
                name = self.take()[1]
                iri = self.take()
                if iri[0] != "iri":
                    raise _Outside("prefix")
                self.prefixes[name[:-1] if name.endswith(":") else name] = iri[1][1:-1]
            else:
                self.take()
        form = self.take()[1]
        template = 1
        if form == "CONSTRUCT":
            if self.peek()[1] == "{":
                start = self.i
                self.skip_balanced("{", "}")
                template = max(1, sum(1 for _, t in self.tokens[start : self.i] if t == ".") + 1)
        elif form not in ("SELECT", "ASK"):
            raise _Outside(form)
        while self.peek()[1] != "{":
            kind, text = self.take()
            if kind == "end" or text in ("}",):
                raise _Outside("no group")
        bound, work, _ = self.bound(self.group(), frozenset())
        for kind, text in self.tokens[self.i :]:
            if text in ("{", "}"):  # a trailing VALUES block or anything else with a group
                raise _Outside("after the group")
            if kind == "word" and text == "VALUES":
                raise _Outside("trailing VALUES")
        return work + bound * template

    def group(self) -> _Group:
        """The group graph pattern at the cursor."""
        self.expect("{")
        node = _Group()
        while True:
            kind, text = self.peek()
            if text == "}":
                self.take()
                return node
            if text == ".":
                self.take()
            elif kind == "word" and text == "FILTER":
                self.take()
                if self.peek()[0] in ("word", "pname", "iri") and self.peek(1)[1] == "(":
                    self.take()
                self.skip_balanced("(", ")")
            elif kind == "word" and text == "OPTIONAL":
                self.take()
                node.optionals.append(self.group())
            elif kind == "word" and text == "MINUS":
                self.take()
                node.minus.append(self.group())
            elif kind == "word" and text == "GRAPH":
                self.take()
                graph = self.term()
                inner = self.group()
                if graph[0] == "var":
                    inner.names.add(graph[1])
                node.joins.append([inner])
            elif kind == "word" and text == "VALUES":
                self.take()
                rows, names = self.values()
                node.values.append((rows, names))
            elif text == "{":
                alternatives = [self.group()]
                while self.peek()[1] == "UNION":
                    self.take()
                    alternatives.append(self.group())
                node.joins.append(alternatives)
            else:
                self.triples(node.patterns)

    def bound(self, node: _Group, outer: frozenset[str]) -> tuple[int, int, frozenset[str]]:
        """(bound on solutions, bound on work, variables bound) of `node` joined to solutions binding `outer`."""
        names = set(outer)
        bound = 1
        work = 0
        for rows, value_names in node.values:
            bound *= rows
            names |= value_names
        product, names, steps = self.join(node.patterns, frozenset(names))
        bound *= product
        work += bound * max(1, steps)
        for alternatives in node.joins:
            total = 0
            found: set[str] | None = None
            for alternative in alternatives:
                a_bound, a_work, a_names = self.bound(alternative, frozenset(names))
                total += a_bound
                work += bound * a_work
                found = set(a_names) if found is None else found & a_names
            bound *= max(1, total)
            work += bound
            names |= (found or set()) | set().union(*(a.names for a in alternatives))
        for optional in node.optionals:
            o_bound, o_work, _ = self.bound(optional, frozenset(names))
            work += bound * o_work
            bound *= max(1, o_bound)
            work += bound
        for minus in node.minus:
            work += self.bound(minus, frozenset())[1] + bound
        return bound, work, frozenset(names)

    def values(self) -> tuple[int, frozenset[str]]:
        names: set[str] = set()
        if self.peek()[0] == "var":
            names.add(self.take()[1][1:])
        else:
            self.expect("(")
            while self.peek()[1] != ")":
                kind, text = self.take()
                if kind != "var":
                    raise _Outside("VALUES")
                names.add(text[1:])
            self.take()
        self.expect("{")
        rows = 0
        depth = 0
        while True:
            kind, text = self.take()
            if kind == "end":
                raise _Outside("VALUES")
            if text == "}":
                break
            if text == "(":
                depth += 1
                rows += 1
            elif text == ")":
                depth -= 1
            elif depth == 0:
                rows += 1
        return max(rows, 1), frozenset(names)

    def triples(self, out: list[_Pattern]) -> None:
        subject = self.term()
        while True:
            predicate, inverse = self.predicate()
            while True:
                obj = self.term()
                out.append(_Pattern(obj, predicate, subject) if inverse else _Pattern(subject, predicate, obj))
                if self.peek()[1] != ",":
                    break
                self.take()
            if self.peek()[1] != ";":
                return
            while self.peek()[1] == ";":
                self.take()
            if self.peek()[1] in (".", "}") or (self.peek()[0] == "word" and self.peek()[1] != "A"):
                return

    def predicate(self) -> tuple[list[str] | None, bool]:
        inverse = False
        if self.peek()[1] == "^":
            self.take()
            inverse = True
        if self.peek()[0] == "var" and not inverse:
            self.take()
            return None, False
        iris = [self.iri()]
        while self.peek()[1] == "|":
            self.take()
            iris.append(self.iri())
        if self.peek()[1] in ("/", "*", "+", "?", "^"):
            raise _Outside("property path")
        return iris, inverse

    def iri(self) -> str:
        kind, text = self.take()
        if kind == "word" and text == "A":
            return RDF_TYPE
        if kind == "iri":
            return text[1:-1]
        if kind == "pname":
            prefix, _, local = text.partition(":")
            if prefix not in self.prefixes:
                raise _Outside("unknown prefix")
            return self.prefixes[prefix] + local
        raise _Outside(f"not an IRI: {text}")

    def term(self) -> Term:
        kind, text = self.peek()
        if kind == "var":
            self.take()
            return ("var", text[1:])
        if kind == "string":
            self.take()
            if self.peek()[0] == "lang":
                self.take()
            elif self.peek()[1] == "^" and self.peek(1)[1] == "^":
                self.take()
                self.take()
                self.iri()
            return ("const", text)
        if kind == "word" and text in ("TRUE", "FALSE"):
            self.take()
            return ("const", text)
        return ("const", self.iri())

    # -- the bound --

    def join(self, patterns: list[_Pattern], outer: frozenset[str]) -> tuple[int, frozenset[str], int]:
        bound_names = set(outer)
        todo = list(patterns)
        product = 1
        while todo:
            cards = [(self.card(p, bound_names), n) for n, p in enumerate(todo)]
            card, n = min(cards)
            product *= max(1, card)
            chosen = todo.pop(n)
            bound_names.update(t[1] for t in (chosen.s, chosen.o) if t[0] == "var")
        return product, frozenset(bound_names), len(patterns)

    def card(self, pattern: _Pattern, bound: set[str]) -> int:
        s_bound = pattern.s[0] == "const" or pattern.s[1] in bound
        o_bound = pattern.o[0] == "const" or pattern.o[1] in bound
        stats = self.stats
        if pattern.p is None:
            rows = [[stats.quads, stats.max_out, stats.max_in]]
        else:
            rows = [stats.predicates.get(p, [0, 0, 0]) for p in pattern.p]
        total = 0
        for index, (count, max_out, max_in) in enumerate(rows):
            if pattern.p is not None and pattern.p[index] == RDF_TYPE and pattern.o[0] == "const":
                max_in = stats.classes.get(pattern.o[1], 0)
            if s_bound and o_bound:
                total += min(max_out, max_in)
            elif s_bound:
                total += max_out
            elif o_bound:
                total += max_in
            else:
                total += count
        return total


def cost_class(work: int | None, inline: int, local: int) -> str:
    """'inline' (evaluate on the event loop), 'local' (a thread of this process) or 'worker', by the bound."""
    if work is None or not math.isfinite(work):
        return "worker"
    if work <= inline:
        return "inline"
    return "local" if work <= local else "worker"
