"""SHACL validation: `validate()` is the contract; the CLI and the build only format its Report."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urljoin

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SH, XSD

from kommunmal.config import Settings
from kommunmal.dataset import Source, discover, load_sources, parse_file, union_graph
from kommunmal.shacl_engines import DEFAULT_ENGINE, run_engine
from kommunmal.source_lines import line_of
from kommunmal.views.swedish import count


@dataclass(frozen=True)
class Result:
    focus: str
    path: str | None
    severity: str  # "Violation", "Warning" or "Info"
    messages: dict[str, str]  # language tag -> message
    value: str | None
    shape: str | None
    files: tuple[str, ...] = ()  # "path:line" where the focus node is written (line left out when not found)

    @classmethod
    def violation(cls, focus: str, sv: str, en: str, files: tuple[str, ...]) -> Result:
        """A Violation about the node `focus` itself (no path, value or shape), found by a check of ours rather than
        by a shape, with its Swedish and English message and the files it is written in."""
        return cls(focus, None, "Violation", {"sv": sv, "en": en}, None, None, files)


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    graph: Graph = field(default_factory=Graph)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def text(self, lang: str = "sv") -> str:
        """A readable report grouped by node and path."""
        if not self.results:
            return "Konform: inga avvikelser. / Conforms: no results.\n"
        by_node: dict[str, list[Result]] = defaultdict(list)
        for r in self.results:
            by_node[r.focus].append(r)
        lines = [
            f"{count(len(self.violations), 'överträdelse', 'överträdelser')} (violations), "
            f"{count(len(self.warnings), 'varning', 'varningar')} (warnings)",
            "",
        ]
        for focus in sorted(by_node, key=lambda f: (min(_rank(r) for r in by_node[f]), f)):
            results = sorted(by_node[focus], key=lambda r: (_rank(r), r.path or ""))
            files = sorted({f for r in results for f in r.files})
            lines.append(f"{focus}")
            if files:
                lines.append(f"  definierad i / defined in: {', '.join(files)}")
            for r in results:
                path = short_name(r.path) if r.path else "(noden / the node)"
                lines.append(f"  [{r.severity}] {path}")
                for tag in (lang, "en"):
                    if tag in r.messages:
                        lines.append(f"      {r.messages[tag]}")
                if r.value:
                    lines.append(f"      värde / value: {r.value}")
            lines.append("")
        return "\n".join(lines)


def _rank(r: Result) -> int:
    return 0 if r.severity == "Violation" else 1


def short_name(iri: str) -> str:
    """`iri` with a known namespace written as its prefix (skos:, dct:, org:, prov:, rdf:, km:)."""
    for ns, prefix in (
        ("http://www.w3.org/2004/02/skos/core#", "skos:"),
        ("http://purl.org/dc/terms/", "dct:"),
        ("http://www.w3.org/ns/org#", "org:"),
        ("http://www.w3.org/ns/prov#", "prov:"),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf:"),
    ):
        if iri.startswith(ns):
            return prefix + iri[len(ns) :]
    if "#" in iri:
        return "km:" + iri.rsplit("#", 1)[1] if "/def/kommunmal#" in iri else iri
    return iri


def shape_files(settings: Settings) -> list[Path]:
    return sorted(p for p in settings.shapes_dir.glob("*.ttl") if p.is_file())


def parse_shapes(paths: Iterable[Path], base_iri: str) -> Graph:
    """The shapes in `paths` as one graph, relative IRIs and relative sh:namespace declarations resolved against
    `base_iri`.

    SPARQL constraints name the vocabulary through `sh:prefixes`; its `sh:namespace` is written relative in the
    files (like every IRI in shapes/), and a literal is not resolved by the Turtle parser, so it is resolved here.
    Raises SourceError for a file that cannot be read or parsed."""
    shapes = Graph()
    for path in paths:
        parse_file(path, base_iri, shapes)
    for declaration, namespace in list(shapes.subject_objects(SH.namespace)):
        text = str(namespace)
        if ":" not in text.split("/", 1)[0]:
            # urljoin drops an empty fragment, and a namespace ending in "#" needs it.
            resolved = urljoin(base_iri, text) + ("#" if text.endswith("#") else "")
            shapes.set((declaration, SH.namespace, Literal(resolved, datatype=XSD.anyURI)))
    return shapes


def load_shapes(settings: Settings) -> Graph:
    """Every shape file of the settings' shapes folder (`parse_shapes`)."""
    return parse_shapes(shape_files(settings), settings.base_iri)


def validate(
    data: Graph | Dataset,
    shapes: Graph,
    sources: list[Source] | None = None,
    dataset: Dataset | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate `data` against `shapes` with the SHACL engine `engine` (a key of ENGINES).

    A Dataset is validated as the union of its graphs. With `sources` and `dataset`, each result names the files
    and lines its focus node is written on, and terms of our vocabulary that it does not define are violations too.
    Raises KommunmalError (exit 2) for an unknown engine."""
    if isinstance(data, Dataset):
        dataset = dataset or data
        data = union_graph(data)
    report_graph = run_engine(engine, data, shapes)
    base_iri = sources_base_iri(sources)
    files_of = _files_by_subject(dataset, sources, base_iri) if dataset is not None and sources else {}
    blank = blank_subject_files(files_of)
    results = report_results(
        report_graph,
        shapes,
        lambda focus: locations(files_of.get(focus) or (blank if isinstance(focus, BNode) else ()), focus, base_iri),
    )
    if dataset is not None and sources:
        results += unknown_terms(dataset, sources, base_iri)
        results += unreported(results, ill_typed_literals(dataset, sources, base_iri))
    return Report(results=results, graph=report_graph)


def unreported(results: list[Result], more: list[Result]) -> list[Result]:
    """Those of `more` that no Violation of `results` reports already (same focus, path and value): a shape's
    sh:datatype and the check of typed literals find the same ill-typed value."""
    shown = {(r.focus, r.path, r.value) for r in results if r.severity == "Violation"}
    return [r for r in more if (r.focus, r.path, r.value) not in shown]


def blank_subject_files(subjects_files: dict) -> set:
    """The files of `subjects_files` (subject -> its files) that describe a blank node: where a result about a blank
    node that the engine renamed (shacl-engine) is written."""
    return {f for subject, files in subjects_files.items() if _is_blank(subject) for f in files}


def _is_blank(subject: object) -> bool:
    return isinstance(subject, BNode) or (isinstance(subject, str) and subject.startswith("_:"))


def report_results(report_graph: Graph, shapes: Graph, locate: Callable[[object], tuple[str, ...]]) -> list[Result]:
    """The sh:ValidationResult nodes of `report_graph` as Results; `locate(focus node)` gives the "path:line" of
    each (the files the focus node is written in). Messages of SPARQL constraints, which the engines return
    untagged, get the language of the template in `shapes` they were made from."""
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(node, SH.focusNode)
        path = report_graph.value(node, SH.resultPath)
        severity = report_graph.value(node, SH.resultSeverity)
        value = report_graph.value(node, SH.value)
        templates = _templates(shapes, report_graph.value(node, SH.sourceConstraint))
        messages = {}
        for m in sorted(report_graph.objects(node, SH.resultMessage)):
            tag = m.language if isinstance(m, Literal) and m.language else _language(str(m), templates)
            messages.setdefault(tag, str(m))
        results.append(
            Result(
                focus=str(focus),
                path=str(path) if isinstance(path, URIRef) else (None if path is None else "(complex path)"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                messages=messages,
                value=None if value is None else str(value),
                shape=str(report_graph.value(node, SH.sourceShape)),
                files=locate(focus),
            )
        )
    return results


def _templates(shapes: Graph, constraint: object) -> list[tuple[re.Pattern, str]]:
    """(pattern, language) of each tagged sh:message of a SPARQL constraint, its {?var} and {$var} as wildcards."""
    if constraint is None:
        return []
    found = []
    for message in shapes.objects(constraint, SH.message):
        if isinstance(message, Literal) and message.language:
            pattern = ".*".join(re.escape(part) for part in re.split(r"\{[?$]\w+\}", str(message)))
            found.append((re.compile(pattern, re.DOTALL), message.language))
    return found


def _language(text: str, templates: list[tuple[re.Pattern, str]]) -> str:
    # Both engines write the messages of SPARQL constraints untagged once the {?var} are filled in; the language is
    # that of the template the text was made from ("en" when none matches, as before).
    return next((lang for pattern, lang in templates if pattern.fullmatch(text)), "en")


def unknown_terms(dataset: Dataset, sources: list[Source], base_iri: str = "") -> list[Result]:
    """Terms used in the data under a vocabulary namespace of the ontology files that the ontology does not define.

    The namespaces are those of the owl:Ontology IRIs in the sources with role "ontology" (IRI + "#" and IRI + "/");
    a term is defined when it is the subject of a triple there. Each unknown term is a Violation naming every file
    and line it is used on and the nearest defined terms (difflib). Source of the rule: a misspelled property is
    otherwise silently ignored by SHACL (no shape targets it) and published.
    """
    ontology = [s for s in sources if s.role == "ontology"]
    namespaces, defined = vocabulary_terms(dataset.graph(source.graph) for source in ontology)
    if not namespaces:
        return []
    used: dict[str, set[Path]] = defaultdict(set)
    for source in sources:
        if source.role == "ontology":
            continue
        for triple in dataset.graph(source.graph):
            for term in triple:
                if isinstance(term, URIRef) and str(term).startswith(namespaces) and str(term) not in defined:
                    used[str(term)].add(source.path)
    from kommunmal.term_checks import stray_term_results  # term_checks imports this module

    data = ((s.path, dataset.graph(s.graph)) for s in sources if s.role != "ontology")
    return unknown_term_results(used, namespaces, defined, base_iri) + stray_term_results(
        data, base_iri, namespaces, defined
    )


def vocabulary_terms(ontology: Iterable[Graph]) -> tuple[tuple[str, ...], frozenset[str]]:
    """(namespaces, defined terms) of the ontology graphs: each owl:Ontology IRI + "#" and + "/", and every IRI that
    is the subject of a triple there (`unknown_terms`)."""
    namespaces: set[str] = set()
    defined: set[str] = set()
    for graph in ontology:
        for iri in graph.subjects(RDF.type, OWL.Ontology):
            namespaces |= {str(iri) + "#", str(iri) + "/"}
        defined |= {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    return tuple(sorted(namespaces)), frozenset(defined)


def unknown_term_results(
    used: dict[str, set[Path]], namespaces: tuple[str, ...], defined: frozenset[str], base_iri: str = ""
) -> list[Result]:
    """A Violation for each term in `used` (term IRI -> files it is used in, all under one of `namespaces` and not
    in `defined`), naming the files and lines and the nearest defined terms (`unknown_terms`)."""
    results = []
    for term, paths in sorted(used.items()):
        namespace = next(ns for ns in namespaces if term.startswith(ns))
        local = term[len(namespace) :]
        known = [d[len(namespace) :] for d in defined if d.startswith(namespace)]
        near = difflib.get_close_matches(local, known, n=2, cutoff=0.75)
        hint_sv = f"; menade du {' eller '.join(near)}?" if near else ""
        hint_en = f"; did you mean {' or '.join(near)}?" if near else ""
        sv = f"Okänd term {local}: vokabulären definierar den inte{hint_sv}"
        en = f"Unknown term {local}: the vocabulary does not define it{hint_en}"
        results.append(term_violation(term, sv, en, paths, base_iri))
    return results


def term_violation(term: str, sv: str, en: str, paths: Iterable[Path], base_iri: str) -> Result:
    """A Violation about the term IRI `term` with the messages `sv` and `en`, naming each of `paths` and the line
    there that writes the term."""
    return Result.violation(term, sv, en, tuple(sorted(_where(p, term, base_iri) for p in paths)))


def ill_typed_literals(dataset: Dataset, sources: list[Source], base_iri: str = "") -> list[Result]:
    """A Violation for each literal of the data (not the ontology) whose text is no value of its XSD datatype
    (`term_checks.ill_typed_results`), about the subject, naming the file and the line that writes the text."""
    from kommunmal.term_checks import ill_typed_results  # term_checks imports this module

    return ill_typed_results(((s.path, dataset.graph(s.graph)) for s in sources if s.role != "ontology"), base_iri)


def validate_in_context(settings: Settings, paths: Iterable[Path], shapes: Graph | None = None) -> Report:
    """Validate the given files as part of the whole data: every other source is loaded too, and only the results
    about nodes written in the given files (and unknown terms used there) are reported.

    A given file stands in for the source it is a copy of: the same file, the file at the same path below the data
    or ontology folder (a copy of the data folder), the source with the same file name (of several, the one it
    shares the most lines with), or else, for a copy under another name, the source that holds at least half of
    its statement lines (not blank, comment or prefix lines) and more of them than any other source; a file that
    is no copy is checked beside every source. Raises SourceError for files that cannot be read or parsed.
    """
    given = discover(settings, paths)
    context = discover(settings)
    replaced = {_counterpart(settings, g.path, context) for g in given} - {None}
    sources = given + [c for c in context if c.path not in replaced]  # the given files first: errors there fail fast
    dataset = load_sources(settings, sources)
    shapes = shapes if shapes is not None else load_shapes(settings)
    report = validate(dataset, shapes, sources, dataset=dataset, engine=settings.shacl_engine)
    return restricted(report, given, caused=caused_by(dataset, given))


def caused_by(dataset: Dataset, given: Iterable[Source]) -> Callable[[Result], bool]:
    """Whether a violation about a node of another file comes from the `given` files: its value is an IRI that
    they write (a goal whose type a misspelled prefix changed) or that no file gives a type any more (a goal
    renamed or deleted, a paragraph of an emptied text, that other files still point at)."""
    mentioned = {str(t) for g in given for triple in dataset.graph(g.graph) for t in triple if isinstance(t, URIRef)}
    described = {str(s) for s in dataset.subjects(RDF.type) if isinstance(s, URIRef)}

    def test(result: Result) -> bool:
        value = result.value or ""
        is_iri = value.startswith(("http://", "https://", "urn:"))
        return result.severity == "Violation" and is_iri and (value in mentioned or value not in described)

    return test


def restricted(report: Report, given: Iterable[Source], caused: Callable[[Result], bool] | None = None) -> Report:
    """`report` with only the results about nodes written in the `given` sources' files, each result naming only
    those files (the graph stays whole); with `caused`, also the results about nodes of other files for which it
    is true, naming those files (`caused_by`)."""
    mine = {display_path(g.path) for g in given}
    kept = []
    for r in report.results:
        if own := tuple(f for f in r.files if _file(f) in mine):
            kept.append(replace(r, files=own))
        elif caused is not None and caused(r):
            kept.append(r)
    return Report(results=kept, graph=report.graph)


def _counterpart(settings: Settings, path: Path, context: list[Source]) -> Path | None:
    paths = {c.path for c in context}
    if path in paths:
        return path
    for root in (settings.data_dir.resolve(), settings.ontology_dir.resolve()):
        for candidate in paths:
            try:
                rel = candidate.relative_to(root)
            except ValueError:
                continue
            if path.parts[-len(rel.parts) :] == rel.parts:
                return candidate
    same_name = sorted(p for p in paths if p.name == path.name)
    if len(same_name) == 1:
        return same_name[0]
    # Several sources share the name (goals.ttl of each year), or none does (a copy saved under another name): the
    # copy stands in for the source it shares the most lines with, when that one is clearly ahead (and, without
    # the name to go by, holds at least half of the copy's lines: else the file is new data, checked beside all).
    mine = _statement_lines(path)
    shared = sorted(((len(mine & _statement_lines(p)), p) for p in same_name or paths), reverse=True)
    if not mine or not shared or (not same_name and shared[0][0] * 2 < len(mine)):
        return None
    return shared[0][1] if len(shared) == 1 or shared[0][0] > shared[1][0] else None


def _statement_lines(path: Path) -> set[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines())
    return {line for line in lines if line and not line.startswith(("#", "@prefix", "PREFIX", "@base", "BASE"))}


def _file(where: str) -> str:
    head, _, tail = where.rpartition(":")
    return head if head and tail.isdigit() else where


def sources_base_iri(sources: list[Source] | None) -> str:
    """The base IRI the sources were read with ("" when none says): sources name their graphs {base_iri}graph/…,
    and the base resolves the files' relative prefixes when a node's line is looked up."""
    for source in sources or ():
        head, sep, _ = str(source.graph).partition("graph/")
        if sep:
            return head
    return ""


def _where(path: Path, iri: str, base_iri: str) -> str:
    line = line_of(path, iri, base_iri)
    return f"{display_path(path)}:{line}" if line else display_path(path)


def _files_by_subject(dataset: Dataset, sources: list[Source], base_iri: str = "") -> dict:
    by_graph = {s.graph: s.path for s in sources}
    paths: dict = defaultdict(set)
    for s, _p, _o, g in dataset.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        if name in by_graph:
            paths[s].add(by_graph[name])
    return paths


def locations(paths: Iterable[Path], node: object, base_iri: str) -> tuple[str, ...]:
    """ "file:line" of each of `paths` where `node` (an IRI) is written, or the file names alone (a blank node)."""
    if isinstance(node, URIRef):
        return tuple(sorted(_where(p, str(node), base_iri) for p in paths))
    return tuple(sorted(display_path(p) for p in paths))


def display_path(path: Path) -> str:
    """`path` as reports show it: relative to the working folder when it lies inside it, else absolute."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
