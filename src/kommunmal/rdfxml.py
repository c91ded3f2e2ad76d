"""RDF/XML that the engine writes is checked before it is sent: RDF/XML can only write a predicate whose IRI ends
in an XML name (a namespace plus a local name, RDF 1.1 XML Syntax §2.2 and Namespaces in XML §3); for others
(`<http://example.org/123>`, `<urn:x:1>`, an IRI ending in `/` or `#`) Oxigraph writes an element named
`oxprefix:`, which is not XML. The check parses the output with expat, namespace-aware, so it catches every such
case whatever rule the writer uses to split IRIs.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections.abc import Iterable

_NCNAME_END = re.compile(r"(?:[^\W\d]|_)[\w.\-\u00B7]*\Z")


def unwritable_predicates(predicates: Iterable[str]) -> list[str]:
    """The predicate IRIs (str) that have no XML local name at their end, sorted; a hint for the error message."""
    return sorted({p for p in predicates if not _NCNAME_END.search(p)})


def check(body: bytes, predicates: Iterable[str], error: type[Exception]) -> bytes:
    """Return `body` (RDF/XML bytes) if it is namespace-well-formed XML, else raise `error` naming the predicates."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    try:
        parser.Parse(body, True)
    except xml.parsers.expat.ExpatError:
        bad = unwritable_predicates(predicates)
        named = ", ".join(f"<{p}>" for p in bad[:3]) or "a predicate"
        raise error(
            f"RDF/XML cannot write this result: {named} does not end in an XML name; "
            "ask for text/turtle, application/n-triples or application/ld+json instead"
        ) from None
    return body
