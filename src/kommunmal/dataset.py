"""Load the sources (ontology, data, reference data) into one RDF dataset, one named graph per file."""

from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import warnings
import xml.parsers.expat
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Dataset, Graph, URIRef
from rdflib.exceptions import Error as RdflibError
from rdflib.plugins.parsers.notation3 import BadSyntax

from kommunmal.config import Settings
from kommunmal.errors import SourceError

# rdflib logs a traceback for each literal whose text is no value of its datatype; validation reports those as
# violations with file and line (kommunmal.typed_literals), so the traceback only buried the report.
logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
warnings.filterwarnings("ignore", message="Parsing weird boolean", category=UserWarning)

PARSERS = {".ttl": "turtle", ".nt": "nt", ".trig": "trig", ".nq": "nquads", ".jsonld": "json-ld", ".rdf": "xml"}


@dataclass(frozen=True)
class Source:
    """One source file and the named graph it becomes."""

    path: Path
    graph: URIRef
    role: str  # "ontology", "data" or "reference"


def discover(settings: Settings, paths: Iterable[Path] | None = None) -> list[Source]:
    """The source files: ontology/*.ttl and data/**/*.ttl, or the given files and folders. Raises SourceError for
    a path that does not exist and for an empty file (`refuse_empty`)."""
    if paths:
        files = sorted({f for p in paths for f in _rdf_files(Path(p))})
        found = [_source_for(settings, f) for f in files]
    else:
        found = [_source_for(settings, f) for f in _rdf_files(settings.ontology_dir)]
        found += [_source_for(settings, f) for f in _rdf_files(settings.data_dir)]
    for source in found:  # here, so that national data (read by kommunmal.unit_validation) is checked too
        refuse_empty(source.path)
    return found


def _rdf_files(path: Path) -> Iterator[Path]:
    if not path.exists():
        raise SourceError(path, "no such file or folder")
    if path.is_file():
        yield path.resolve()
        return
    for f in sorted(path.rglob("*")):
        if f.suffix in PARSERS and f.is_file() and "examples" not in f.relative_to(path).parts:
            yield f.resolve()


def _source_for(settings: Settings, path: Path) -> Source:
    for root, role, prefix in (
        (settings.ontology_dir, "ontology", "graph/ontology/"),
        (settings.data_dir, "data", "graph/"),
    ):
        try:
            rel = path.relative_to(root.resolve())
        except ValueError:
            continue
        if role == "data" and rel.parts[0] == "reference":
            role = "reference"
        name = rel.with_suffix("").as_posix()
        return Source(path, URIRef(settings.base_iri + prefix + name), role)
    return Source(path, URIRef(settings.base_iri + "graph/local/" + path.stem), "data")


def parse_file(path: Path, base_iri: str, into: Graph | None = None) -> Graph:
    """Parse one RDF file with relative IRIs resolved against `base_iri`; errors name file and line."""
    graph = into if into is not None else Graph()
    fmt = PARSERS.get(path.suffix)
    if fmt is None:
        raise SourceError(path, f"unknown RDF file type {path.suffix!r}; use one of {', '.join(PARSERS)}")
    _refuse_hostile(path, fmt)
    token = _parsing.set(path)
    try:
        graph.parse(path, format=fmt, publicID=base_iri)
    except BadSyntax as exc:
        reason = getattr(exc, "_why", str(exc))
        line, hint = syntax_error_line(path, exc.lines + 1, reason)
        raise SourceError(path, f"{fmt} syntax error: {reason}{hint}; fix the file and run again", line=line) from None
    except UnicodeDecodeError as exc:
        line, column = _byte_position(path, exc.start)
        byte = exc.object[exc.start]
        raise SourceError(
            path, f"not UTF-8: byte 0x{byte:02x} at column {column}; save the file as UTF-8", line=line
        ) from None
    except SAXParseException as exc:
        message = (
            f"{fmt} syntax error: {exc.getMessage()} (column {exc.getColumnNumber() + 1}); fix the file and run again"
        )
        raise SourceError(path, message, line=exc.getLineNumber()) from None
    except RdflibError as exc:  # N-Triples / N-Quads: "Invalid line: …"
        line = _line_containing(path, str(exc).partition(": ")[2])
        raise SourceError(path, f"{fmt} syntax error: {exc}; fix the file and run again", line=line) from None
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise SourceError(path, f"{fmt} syntax error: {exc}; fix the file and run again", line=line) from None
    except OSError as exc:
        raise SourceError(path, f"cannot read: {exc.strerror or exc}") from None
    except RecursionError:
        raise SourceError(path, f"{fmt}: nested too deeply to read; flatten the structure") from None
    except (IndexError, KeyError, TypeError, AttributeError, AssertionError) as exc:
        # rdflib's parsers fail this way on some damaged input (found by tests/test_generated_input.py).
        raise SourceError(
            path, f"{fmt}: not readable as {fmt} ({type(exc).__name__}: {exc}); fix or re-export the file"
        ) from None
    finally:
        _parsing.reset(token)
    return graph


_LONG_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""' + r"|'''(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL)


def syntax_error_line(path: Path, line: int, reason: str) -> tuple[int, str]:
    """The line a Turtle syntax error is to be fixed on, and a hint when that is not where the parser stopped.

    Two mistakes make the parser stop after the cause: a statement without its final '.' (it stops at the next
    statement; the cause is the last line of the one before) and a long string left open (it runs to the next
    triple quote and stops just after; the cause is where it opened).
    """
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return line, ""
    if not 1 <= line <= len(lines):
        return line, ""
    upto = "\n".join(lines[:line])
    strings = list(_LONG_STRING.finditer(upto))
    if strings:
        last = strings[-1]
        opened = upto.count("\n", 0, last.start()) + 1
        closed = upto.count("\n", 0, last.end()) + 1
        if line - closed <= 1 and closed - opened >= 3:
            return opened, f" (a long string opens here and runs to line {closed}; the parser stopped at line {line})"
    if "EOF found" in reason and not lines[line - 1].strip():
        last = next((n for n in range(line - 1, 0, -1) if lines[n - 1].strip()), None)
        if last is not None and not lines[last - 1].lstrip().startswith("#"):
            return (
                last,
                f" (the file ends inside this statement: is its final '.' missing? the parser stopped at line {line})",
            )
    if "end of statement" in reason and lines[line - 1][:1] not in ("", " ", "\t"):
        previous = next(
            (n for n in range(line - 1, 0, -1) if lines[n - 1].strip() and not lines[n - 1].lstrip().startswith("#")),
            None,
        )
        if previous is not None and not lines[previous - 1].rstrip().endswith("."):
            return previous, f" (this statement has no final '.'; the parser stopped at the next one, line {line})"
    return line, ""


def _byte_position(path: Path, offset: int) -> tuple[int, int]:
    raw = path.read_bytes()[:offset]
    return raw.count(b"\n") + 1, offset - (raw.rfind(b"\n") + 1) + 1


def _line_containing(path: Path, text: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    with path.open(encoding="utf-8", errors="replace") as stream:
        for number, line in enumerate(stream, 1):
            if line.rstrip().endswith(text):
                return number
    return None


def load(settings: Settings, paths: Iterable[Path] | None = None) -> tuple[Dataset, list[Source]]:
    """All sources as one Dataset (default graph = union of the named graphs)."""
    sources = discover(settings, paths)
    return load_sources(settings, sources), sources


def load_sources(settings: Settings, sources: Iterable[Source]) -> Dataset:
    """The given sources as one Dataset, one named graph each; SourceError names the file and line of bad input."""
    dataset = Dataset(default_union=True)
    for source in sources:
        parse_file(source.path, settings.base_iri, dataset.graph(source.graph))
    return dataset


def refuse_empty(path: Path) -> None:
    """Raise SourceError when the file at `path` is empty or only white space (an editor's failed save, a `>` for
    `>>`): it parsed as valid data holding nothing, and only the files pointing into it failed, or, as a national
    municipality's only file, the municipality left the release unnoticed. A file meant to hold no statements says
    so in a comment line (as `kommunmal ingest` writes one)."""
    try:
        with path.open("rb") as f:
            empty = not any(chunk.strip() for chunk in iter(lambda: f.read(4096), b""))
    except OSError:
        return  # parse_file names the reason
    if empty:
        raise SourceError(
            path,
            "the file is empty; restore it (e.g. git checkout -- FILE) or delete it; a file meant to hold no "
            "statements needs at least a comment line (# …)",
        )


def union_graph(dataset: Dataset) -> Graph:
    """A plain Graph holding every triple of every named graph."""
    union = Graph()
    for prefix, ns in dataset.namespaces():
        union.bind(prefix, ns, override=False)
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


# --- hostile input --------------------------------------------------------------------------------------------

_parsing: ContextVar[Path | None] = ContextVar("kommunmal_parsing", default=None)


def _no_network_while_parsing(event: str, args: tuple) -> None:
    # Parsers can be led to fetch (JSON-LD contexts, XML entities); source files must be read as they are.
    if event in ("socket.connect", "socket.getaddrinfo", "urllib.Request") and _parsing.get() is not None:
        raise PermissionError(f"reading {_parsing.get()} tried to open a network connection ({event})")


sys.addaudithook(_no_network_while_parsing)


def _refuse_hostile(path: Path, fmt: str) -> None:
    """Refuse what a parser would expand or fetch: XML entity declarations (billion laughs, external entities,
    Python docs "XML vulnerabilities") and JSON-LD contexts given by IRI (fetched from the network)."""
    if fmt == "xml":
        parser = xml.parsers.expat.ParserCreate()

        def entity(name: str, *_args: object) -> None:
            raise SourceError(
                path,
                f"the XML declares the entity {name!r}: entity declarations are not accepted (they can expand "
                "without bound or read other files); write the values out",
                line=parser.CurrentLineNumber,
            )

        parser.EntityDeclHandler = entity
        parser.ExternalEntityRefHandler = lambda *_a: 0
        with contextlib.suppress(xml.parsers.expat.ExpatError), path.open("rb") as stream:
            parser.ParseFile(stream)  # syntax errors are left to the RDF/XML parser, which names the line
    elif fmt == "json-ld":
        try:
            document = json.loads(path.read_bytes())
        except (ValueError, RecursionError):
            return  # left to the JSON-LD parser, which names the line
        stack = [document]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, dict):
                for key, value in node.items():
                    remote = key == "@import" or (
                        key == "@context"
                        and (
                            isinstance(value, str)
                            or (isinstance(value, list) and any(isinstance(v, str) for v in value))
                        )
                    )
                    if remote:
                        iri = value if isinstance(value, str) else next(v for v in value if isinstance(v, str))
                        raise SourceError(
                            path,
                            f"the JSON-LD context {iri!r} would be fetched from the network, which kommunmal never "
                            "does; put the context in the file (an object under @context)",
                        )
                    stack.append(value)
