"""PDF input: small PDFs generated here (fpdf2) go through pdfplumber extraction and the layout parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from kommunmal.errors import SourceError
from kommunmal.ingest.extract import extract
from kommunmal.ingest.layout import NoGoalSection, parse_document

fpdf = pytest.importorskip("fpdf")

HEADER = "Exempelby kommun - Mål och budget 2026"
LEFT = [
    "1.1 Alla barn ska få en trygg och god",
    "start i livet",
    "",
    "Förskolan ska ha små barngrupper och",
    "utbildad personal. Kommunen ska bedriva",
    "ett aktivt tillgänglighets-",
    "arbete i alla verksamheter.",
    "",
    "1.2 Äldre ska kunna leva ett",
    "självständigt liv",
    "",
    "Hemtjänsten ska ge den äldre inflytande",
    "över när och hur insatser ges.",
]
RIGHT = [
    "1.3 Kommunen ska ha ett starkt och",
    "växande näringsliv",
    "",
    "Kommunen ska ge företagen snabba svar",
    "och korta handläggningstider, och",
]
PAGE_TWO = ["företagen ska bjudas in till dialog", "varje år."]
CAPTION = "Bild: Barn som leker i förskolans trädgård"


class _Budget(fpdf.FPDF):
    def header(self) -> None:
        self.set_font("Helvetica", size=9)
        self.set_xy(15, 8)
        self.cell(0, 5, HEADER)

    def footer(self) -> None:
        self.set_font("Helvetica", size=9)
        self.set_xy(15, -12)
        self.cell(0, 5, f"Sida {self.page_no()} (2)")


def _column(pdf: fpdf.FPDF, x: float, lines: list[str], y: float = 30) -> None:
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        if line:
            pdf.set_xy(x, y)
            pdf.cell(80, 6, line)
        y += 6


@pytest.fixture(scope="module")
def budget_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two pages: two text columns, a running header and a footer with page numbers, a caption in a drawn box,
    a word hyphenated at a line break and a sentence that runs over the page break."""
    pdf = _Budget(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    _column(pdf, 15, LEFT)
    _column(pdf, 110, RIGHT)
    pdf.rect(110, 80, 80, 20)
    pdf.set_xy(112, 84)
    pdf.set_font("Helvetica", size=9)
    pdf.cell(76, 5, CAPTION)
    pdf.add_page()
    _column(pdf, 15, PAGE_TWO)
    path = tmp_path_factory.mktemp("pdf") / "budget.pdf"
    pdf.output(str(path))
    return path


def test_extraction_reads_columns_in_order_and_marks_furniture(budget_pdf: Path) -> None:
    extracted = extract(budget_pdf)
    lines = extracted.lines
    assert lines.index("1.1 Alla barn ska få en trygg och god") < lines.index("1.2 Äldre ska kunna leva ett")
    assert lines.index("över när och hur insatser ges.") < lines.index("1.3 Kommunen ska ha ett starkt och")
    furniture = {lines[n - 1] for n in extracted.noise}
    assert {HEADER, "Sida 1 (2)", "Sida 2 (2)", CAPTION} <= furniture
    assert not any(lines[n - 1].startswith(("1.1", "Förskolan")) for n in extracted.noise)


def test_pdf_round_trips_to_goals_and_paragraphs(budget_pdf: Path) -> None:
    doc = parse_document(budget_pdf)
    assert [g.notation for g in doc.goals] == ["1.1", "1.2", "1.3"]
    assert [g.statement.text for g in doc.goals] == [
        "Alla barn ska få en trygg och god start i livet",
        "Äldre ska kunna leva ett självständigt liv",
        "Kommunen ska ha ett starkt och växande näringsliv",
    ]
    first = doc.goals[0].paragraphs[0]
    assert "ett aktivt tillgänglighetsarbete i alla verksamheter." in first.text.text
    assert "tillgänglighets-" in first.text.ocr  # the verbatim text keeps the line-break hyphen
    last = doc.goals[2].paragraphs
    assert len(last) == 1
    assert last[0].text.text == (
        "Kommunen ska ge företagen snabba svar och korta handläggningstider, och företagen ska bjudas in till "
        "dialog varje år."
    )
    texts = " ".join(p.text.text for g in doc.goals for p in g.paragraphs)
    assert "Sida" not in texts and "Exempelby" not in texts and "trädgård" not in texts
    omitted = {doc.lines[n - 1] for n in last[0].span.omitted}
    assert {HEADER, "Sida 1 (2)", CAPTION} <= omitted
    assert not doc.stripped and doc.confidence == 1.0


def test_pdf_without_goals_is_refused(tmp_path: Path) -> None:
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(0, 6, "Driftbudget 2026: nämndernas ramar är uppräknade med prisindex.")
    path = tmp_path / "drift.pdf"
    pdf.output(str(path))
    with pytest.raises(NoGoalSection) as caught:
        parse_document(path)
    assert caught.value.path == path and "no goal section" in str(caught.value)


def test_broken_pdf_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not a pdf body")
    with pytest.raises(SourceError) as caught:
        extract(path)
    assert str(path) in str(caught.value)


def test_pdf_without_a_text_layer_asks_for_ocr(tmp_path: Path) -> None:
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60)  # a scan is an image; a drawing has no text either
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(SourceError, match="OCR"):
        extract(path)
