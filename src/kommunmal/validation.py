"""SHACL validation: `validate()` is the contract; the CLI and the build only format its Report."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyshacl
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from kommunmal.config import Settings
from kommunmal.dataset import Source, parse_file, union_graph


@dataclass(frozen=True)
class Result:
    focus: str
    path: str | None
    severity: str  # "Violation", "Warning" or "Info"
    messages: dict[str, str]  # language tag -> message
    value: str | None
    shape: str | None
    files: tuple[str, ...] = ()


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
            f"{len(self.violations)} överträdelser (violations), {len(self.warnings)} varningar (warnings)",
            "",
        ]
        for focus in sorted(by_node, key=lambda f: (min(_rank(r) for r in by_node[f]), f)):
            results = sorted(by_node[focus], key=lambda r: (_rank(r), r.path or ""))
            files = sorted({f for r in results for f in r.files})
            lines.append(f"{focus}")
            if files:
                lines.append(f"  definierad i / defined in: {', '.join(files)}")
            for r in results:
                path = _short(r.path) if r.path else "(noden / the node)"
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


def _short(iri: str) -> str:
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


def load_shapes(settings: Settings) -> Graph:
    shapes = Graph()
    for path in shape_files(settings):
        parse_file(path, settings.base_iri, shapes)
    return shapes


def validate(
    data: Graph | Dataset,
    shapes: Graph,
    sources: list[Source] | None = None,
    dataset: Dataset | None = None,
) -> Report:
    """Run pySHACL over `data` (a Dataset is validated as the union of its graphs)."""
    if isinstance(data, Dataset):
        dataset = dataset or data
        data = union_graph(data)
    _conforms, report_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", allow_warnings=True, advanced=True, abort_on_first=False
    )
    files_of = _files_by_subject(dataset, sources) if dataset is not None and sources else {}
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        focus = report_graph.value(node, SH.focusNode)
        path = report_graph.value(node, SH.resultPath)
        severity = report_graph.value(node, SH.resultSeverity)
        value = report_graph.value(node, SH.value)
        messages = {}
        for m in report_graph.objects(node, SH.resultMessage):
            tag = m.language if isinstance(m, Literal) and m.language else "en"
            messages.setdefault(tag, str(m))
        results.append(
            Result(
                focus=str(focus),
                path=str(path) if isinstance(path, URIRef) else (None if path is None else "(complex path)"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                messages=messages,
                value=None if value is None else str(value),
                shape=str(report_graph.value(node, SH.sourceShape)),
                files=tuple(files_of.get(focus, ())),
            )
        )
    return Report(results=results, graph=report_graph)


def _files_by_subject(dataset: Dataset, sources: list[Source]) -> dict:
    by_graph = {s.graph: s.path for s in sources}
    found: dict = defaultdict(set)
    for s, _p, _o, g in dataset.quads((None, None, None, None)):
        name = getattr(g, "identifier", g)
        if name in by_graph:
            found[s].add(_display(by_graph[name]))
    return found


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
