"""Across municipalities: which UN SDG goals and targets each goal document's goals serve, as a matrix.

Rows are goal documents (kommunmal.documents), columns SDG goals (1–17) or targets; a cell counts the document's
goals that serve the concept, directly or through an action (query sdg_coverage.rq). Links are those in the data,
stated or inferred alike: the matrix shows coverage as modelled, not a judgement of its own.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from kommunmal.documents import Document, documents
from kommunmal.sparql_source import SparqlSource

SDG = "http://metadata.un.org/sdg/"


@dataclass
class Coverage:
    """`documents` in row order; `columns` SDG concept IRIs in UN order; `labels` their codes ("11", "11.2");
    `cells[document IRI][concept IRI]` the number of the document's goals serving the concept (absent = 0)."""

    documents: list[Document]
    columns: list[str]
    labels: dict[str, str]
    cells: dict[str, dict[str, int]]

    def count(self, document: str, column: str) -> int:
        return self.cells.get(document, {}).get(column, 0)

    def as_dict(self) -> dict:
        """JSON form: {columns: [{iri, code}], rows: [{document, key, title, municipality, year, counts}]}."""
        return {
            "columns": [{"iri": c, "code": self.labels[c]} for c in self.columns],
            "rows": [
                {
                    "document": d.iri,
                    "key": d.key,
                    "title": d.title,
                    "municipality": d.publisher_label,
                    "year": d.year,
                    "counts": [self.count(d.iri, c) for c in self.columns],
                }
                for d in self.documents
            ],
        }

    def to_csv(self) -> str:
        """One row per document: key, municipality, year, then one column per SDG concept (its code)."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["dokument", "kommun", "år", *(self.labels[c] for c in self.columns)])
        for d in self.documents:
            writer.writerow([d.key, d.publisher_label, d.year, *(self.count(d.iri, c) for c in self.columns)])
        return out.getvalue()


def code_key(code: str) -> tuple:
    """Sort key for SDG codes in UN order: "2" < "10", "11.2" < "11.a" < "11.b"."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))


def sdg_coverage(source: SparqlSource, level: str = "goal") -> Coverage:
    """The coverage matrix at `level` "goal" (columns SDG 1–17 that any document serves) or "target".

    Raises ValueError for another level."""
    if level not in ("goal", "target"):
        raise ValueError(f"level must be 'goal' or 'target', not {level!r}")
    served: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    labels: dict[str, str] = {}
    for row in source.select("sdg_coverage"):
        column = row["sdgGoal"] if level == "goal" else row["target"]
        code = row.get("goalNotation") if level == "goal" else row.get("notation")
        labels[column] = code or column.removeprefix(SDG)
        served[row["document"]][column].add(row["goal"])
    cells = {doc: {column: len(goals) for column, goals in by.items()} for doc, by in served.items()}
    columns = sorted(labels, key=lambda c: code_key(labels[c]))
    return Coverage(documents(source), columns, labels, cells)


def picture(coverage: Coverage, fmt: str = "png") -> bytes:
    """The matrix as a heat map (PNG or SVG bytes): one row per document, one column per SDG concept, the cell's
    shade and number the goals serving it. Drawn without pyplot, so it is safe in a server thread."""
    import io as _io

    from matplotlib.figure import Figure

    rows = coverage.documents
    values = [[coverage.count(d.iri, c) for c in coverage.columns] for d in rows]
    width = max(6.0, 0.42 * len(coverage.columns) + 3.5)
    fig = Figure(figsize=(width, max(2.2, 0.45 * len(rows) + 1.6)))
    ax = fig.add_subplot()
    top = max([1, *(v for row in values for v in row)])
    image = ax.imshow(values or [[0]], cmap="Blues", vmin=0, vmax=top, aspect="auto")
    ax.set_xticks(range(len(coverage.columns)), [coverage.labels[c] for c in coverage.columns], fontsize=8)
    ax.set_yticks(range(len(rows)), [f"{d.publisher_label} {d.year}" for d in rows], fontsize=9)
    if len(rows) * len(coverage.columns) <= 600:
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if v:
                    ax.text(
                        j, i, str(v), ha="center", va="center", fontsize=7, color="white" if v > top / 2 else "black"
                    )
    ax.set_xlabel(
        "FN:s globala mål" if all("." not in coverage.labels[c] for c in coverage.columns) else "FN:s mål och delmål"
    )
    ax.set_title("Antal kommunövergripande mål som tjänar varje globalt mål", fontsize=11)
    fig.colorbar(image, ax=ax, label="antal mål", shrink=0.8)
    fig.tight_layout()
    buffer = _io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=130 if fmt == "png" else None, facecolor="white")
    return buffer.getvalue()
