"""Typed literals whose text is not a value of their XML Schema datatype ("2040x"^^xsd:gYear, "2025-31-12"^^xsd:date).

RDF parsers keep such literals as they are (RDF 1.1 Concepts, 3.3: an ill-typed literal is not a syntax error), and
SHACL reports one only where a shape constrains the property with `sh:datatype`; elsewhere it was published. The
lexical spaces are those of XML Schema 1.1 Part 2, checked by elementpath's XSD atomic types: the text must match
the type's lexical pattern (no surrounding spaces, no thousands separators) and give a value (no month 13, no
negative xsd:nonNegativeInteger). Datatypes outside the XSD namespace (rdf:langString, km:Kommunkod) are not checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from elementpath.datatypes import builtin_atomic_types
from rdflib import Graph, Literal
from rdflib.namespace import XSD

_XSD = str(XSD)


@lru_cache(maxsize=64)
def _atomic_type(datatype: str) -> type | None:
    if not datatype.startswith(_XSD):
        return None
    return builtin_atomic_types.get("{http://www.w3.org/2001/XMLSchema}" + datatype[len(_XSD) :])


def is_ill_typed(literal: Literal) -> bool:
    """True when `literal` has an XSD datatype and its text is not in that datatype's lexical space (or names no
    value of it); False for plain, language-tagged and non-XSD-typed literals and for XSD types elementpath lacks."""
    if literal.datatype is None:
        return False
    return is_ill_typed_text(str(literal), str(literal.datatype))


def is_ill_typed_text(text: str, datatype: str) -> bool:
    """`is_ill_typed` of the literal with lexical form `text` and datatype IRI `datatype`."""
    kind = _atomic_type(datatype)
    if kind is None:
        return False
    try:
        if not kind.is_valid(text):
            return True
        kind.make(text)
    except (ValueError, TypeError, ArithmeticError):
        return True
    return False


_EXAMPLES = {
    "gYear": '"2040"^^xsd:gYear',
    "gYearMonth": '"2024-06"^^xsd:gYearMonth',
    "date": '"2024-12-31"^^xsd:date',
    "dateTime": '"2024-12-31T12:00:00+01:00"^^xsd:dateTime',
    "decimal": '75000 / "12.5"^^xsd:decimal',
    "integer": '56 / "56"^^xsd:integer',
    "boolean": "true / false",
}


def literal_messages(literal: Literal) -> dict[str, str]:
    """The Swedish and English message about the ill-typed `literal`: its text, its datatype and, for the common
    types, how a valid value is written."""
    name = str(literal.datatype).rsplit("#", 1)[-1]
    example = _EXAMPLES.get(name)
    return {
        "sv": f'"{literal}" är inte ett giltigt värde av typen xsd:{name}; skriv det som typen kräver'
        + (f", till exempel {example}" if example else ""),
        "en": f'"{literal}" is not a valid xsd:{name} value; write it as the type requires'
        + (f", such as {example}" if example else ""),
    }


def ill_typed(graphs: Iterable[tuple[Path, Graph]]) -> Iterator[tuple[Path, object, object, Literal, int | None]]:
    """(file, subject, predicate, literal, line) for every ill-typed literal in each (file, graph) of `graphs`; the
    line is the first one of the file that writes the literal's text in quotes (None when none does)."""
    for path, graph in graphs:
        for s, p, o in graph:
            if isinstance(o, Literal) and o.datatype is not None and is_ill_typed(o):
                yield path, s, p, o, _line_of_text(path, str(o))


def _line_of_text(path: Path, text: str) -> int | None:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for quoted in (f'"{text}"', f"'{text}'", text):
        for number, line in enumerate(lines, 1):
            if quoted in line:
                return number
    return None
